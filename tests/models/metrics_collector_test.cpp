// MetricsCollector on hand-built runs whose answers are known: PlatformRuntime worlds from
// platform_test_support.hpp and a hand-driven ObservedWorld (no Cluster needed).
#include <catch2/catch.hpp>

#include "metrics_test_support.hpp"
#include "models/metrics/collector.hpp"
#include "platform_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::models::metrics;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::HandWorld;
using vmcsim::models::testing::make_image;
using vmcsim::models::testing::mc;
using vmcsim::models::testing::World;

namespace {

CollectorConfig config_until(sim::Time end, std::vector<ServiceMetricsConfig> services = {}) {
  CollectorConfig c;
  c.variant = "v";
  c.services = std::move(services);
  c.end = end;
  return c;
}

}  // namespace

TEST_CASE("one VM on one host for one hour costs its profile's memory overhead times one hour",
          "[metrics]") {
  World w;
  Node& host = w.add_host("h1", 16, sim::Bytes::gib(64));
  MetricsCollector collector{w.sim, config_until(1_h)};
  collector.attach(w.runtime, nullptr);
  const sim::Bytes memory = sim::Bytes::gib(4);
  w.runtime.start(w.spec("web", "kvm-ubuntu", sim::Millicores::cores(2), memory), host);
  w.sim.run_until(1_h);
  const VariantRunMetrics m = collector.finish(w.sim.now());

  const PlatformProfile& p = w.catalog.profile("kvm-ubuntu");
  const sim::Bytes guest =
      p.guest_os_memory.value + p.agent_memory.value + p.system_reserved_memory.value;
  const sim::Bytes hypervisor = p.hypervisor_overhead(memory, 2);
  REQUIRE(hypervisor > sim::Bytes{});
  CHECK(m.guest_os_gib_hours == Approx(guest.gib_value()).epsilon(1e-12));
  CHECK(m.hypervisor_overhead_gib_hours == Approx(hypervisor.gib_value()).epsilon(1e-12));
  CHECK(m.runtime_overhead_gib_hours == 0.0);
  CHECK(m.memory_overhead_gib_hours == Approx((guest + hypervisor).gib_value()).epsilon(1e-12));
  CHECK(m.reserved_memory_gib_hours == Approx((memory - guest).gib_value()).epsilon(1e-12));
  CHECK(m.reserved_cpu_core_hours == Approx(2.0).epsilon(1e-12));
  CHECK_FALSE(m.working_set_estimated);
  CHECK(m.idle_reserved_memory_gib_hours == m.reserved_memory_gib_hours);
}

TEST_CASE("a runc container has no memory overhead and its limit is reserved application memory",
          "[metrics]") {
  World w;
  Node& host = w.add_host("h1", 8, sim::Bytes::gib(32));
  MetricsCollector collector{w.sim, config_until(1_h, {{"app", {}, sim::Bytes::mib(256)}})};
  collector.attach(w.runtime, nullptr);
  const Image image = make_image("app", "app", 2, sim::Bytes::mib(20));
  w.runtime.start(w.spec("app", "runc", mc(500), sim::Bytes::gib(1), &image), host);
  w.sim.run_until(1_h);
  const VariantRunMetrics m = collector.finish(w.sim.now());
  CHECK(m.memory_overhead_gib_hours == 0.0);
  CHECK(m.reserved_memory_gib_hours == Approx(1.0).epsilon(1e-12));
  CHECK(m.working_set_estimated);
  CHECK(m.idle_reserved_memory_gib_hours == Approx(0.75).epsilon(1e-12));
  CHECK(m.hosts_used_peak == 1);
  CHECK(m.density_peak == 1.0);
  CHECK(m.density_mean == Approx(1.0));
}

TEST_CASE("startup samples are the instances' recorded startup and phase times", "[metrics]") {
  World w;
  Node& h1 = w.add_host("h1", 16, sim::Bytes::gib(64));
  Node& h2 = w.add_host("h2", 16, sim::Bytes::gib(64));
  MetricsCollector collector{w.sim, config_until(sim::Time::from_s(600))};
  collector.attach(w.runtime, nullptr);
  std::vector<InstanceId> ids;
  for (int k = 0; k < 3; ++k)
    ids.push_back(
        w.runtime.start(w.spec("web", "kvm-ubuntu", sim::Millicores::cores(1), sim::Bytes::gib(2)),
                        k == 2 ? h2 : h1));
  w.sim.run_until(sim::Time::from_s(600));
  const VariantRunMetrics m = collector.finish(w.sim.now());

  REQUIRE(m.startup.total_ms.size() == 3);
  std::vector<double> expected;
  for (InstanceId id : ids)
    expected.push_back(w.runtime.instance(id).startup_time().milliseconds());
  std::vector<double> got = m.startup.total_ms;
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  CHECK(got == expected);

  const PlatformProfile& p = w.catalog.profile("kvm-ubuntu");
  REQUIRE(m.startup.phases.size() == p.boot_phases.size());
  for (std::size_t k = 0; k < p.boot_phases.size(); ++k) {
    CHECK(m.startup.phases[k].name == p.boot_phases[k].name);
    double sum = 0.0, expected_sum = 0.0;
    for (double x : m.startup.phases[k].ms)
      sum += x;
    for (InstanceId id : ids)
      expected_sum += w.runtime.instance(id).phase_time(p.boot_phases[k].name).milliseconds();
    CHECK(sum == Approx(expected_sum));
  }
  CHECK(m.node_startup.total_ms.empty());
  CHECK(m.hosts_used_peak == 2);
  CHECK(m.density_peak == 1.5);
}

TEST_CASE("node VMs boot in their own startup group and count as nodes, not instances",
          "[metrics]") {
  World w;
  Node& host = w.add_host("h1", 16, sim::Bytes::gib(64));
  MetricsCollector collector{w.sim, config_until(sim::Time::from_s(900))};
  collector.attach(w.runtime, nullptr);
  const InstanceType& m5 = w.catalog.instance_type("m5.large");
  const InstanceId node_id =
      w.runtime.start(w.spec("eks", "eks-node", sim::Millicores::cores(m5.vcpus), m5.memory), host);
  w.sim.run_until(sim::Time::from_s(300));
  Node* node = w.runtime.node_of(node_id);
  REQUIRE(node != nullptr);
  const Image image = make_image("app", "app", 2, sim::Bytes::mib(30));
  const InstanceId c =
      w.runtime.start(w.spec("app", "runc", mc(250), sim::Bytes::mib(512), &image), *node);
  w.sim.run_until(sim::Time::from_s(900));
  const VariantRunMetrics m = collector.finish(w.sim.now());

  REQUIRE(w.runtime.instance(c).state == InstanceState::running);
  REQUIRE(m.node_startup.total_ms.size() == 1);
  CHECK(m.node_startup.total_ms[0] == w.runtime.instance(node_id).startup_time().milliseconds());
  REQUIRE(m.startup.total_ms.size() == 1);
  CHECK(m.startup.total_ms[0] == w.runtime.instance(c).startup_time().milliseconds());
  CHECK(m.startup.phase("image_pull") != nullptr);
  CHECK(m.node_startup.phase("image_pull") == nullptr);
  CHECK(m.nodes_peak == 1);
  CHECK(m.hosts_used_peak == 1);
  // The node VM's guest OS and hypervisor are overhead from t = 0 to the end.
  const Instance& vm = w.runtime.instance(node_id);
  const double vm_overhead =
      (vm.memory.guest_os + vm.memory.hypervisor_overhead).gib_value() * 900.0 / 3600.0;
  CHECK(m.memory_overhead_gib_hours == Approx(vm_overhead).epsilon(1e-12));

  // Lifecycles for RunResults' instance list, in creation order.
  REQUIRE(m.instances.size() == 2);
  const InstanceLifecycle& node_life = m.instances[0];
  const InstanceLifecycle& app_life = m.instances[1];
  CHECK(node_life.node_vm);
  CHECK(node_life.profile == "eks-node");
  CHECK(node_life.host == "h1");
  CHECK(node_life.node.empty());
  CHECK_FALSE(app_life.node_vm);
  CHECK(app_life.kind == PlatformKind::container_in_vm);
  CHECK(app_life.host == "h1");
  CHECK(app_life.node == node->name());
  CHECK(app_life.state == InstanceState::running);
  CHECK(app_life.requested == sim::Time::from_s(300));
  CHECK(app_life.ready == w.runtime.instance(c).ready_at);
  CHECK_FALSE(app_life.stopped.has_value());
  REQUIRE(app_life.phases.size() == w.runtime.instance(c).phases.size());
  for (std::size_t k = 0; k < app_life.phases.size(); ++k) {
    CHECK(app_life.phases[k].name == w.runtime.instance(c).phases[k].name);
    CHECK(app_life.phases[k].end == w.runtime.instance(c).phases[k].end);
  }
}

TEST_CASE("energy is the hosts' power at their utilization integrated over the run", "[metrics]") {
  World w;
  Node& host = w.add_host("h1", 4, sim::Bytes::gib(16));  // 100 W idle, 300 W peak
  MetricsCollector collector{w.sim, config_until(1_h)};
  collector.attach(w.runtime, nullptr);
  // Two cores busy for the whole hour: utilization 0.5, 200 W.
  host.host().run_cpu(sim::Millicores::cores(2), sim::Time::from_s(2 * 3600), [] {});
  w.sim.run_until(1_h);
  const VariantRunMetrics m = collector.finish(w.sim.now());
  CHECK(m.energy_kwh == Approx(0.2).epsilon(1e-9));
  REQUIRE(m.timeseries.size() == 3601);
  CHECK(m.timeseries[1800].cpu_utilization == Approx(0.5));
  CHECK(m.timeseries[1800].t == sim::Time::from_s(1800));
}

TEST_CASE("one m5.large-priced VM for 30 minutes costs half its hourly price", "[metrics]") {
  World w;
  Node& host = w.add_host("h1", 16, sim::Bytes::gib(64));
  HandWorld world{w.runtime};
  world.usd_per_hour = w.catalog.instance_type("m5.large").usd_per_hour;
  const sim::Time half_hour = sim::Time::from_s(1800);
  MetricsCollector collector{w.sim, config_until(half_hour)};
  collector.attach(w.runtime, &world);
  w.runtime.start(w.spec("web", "kvm-ubuntu", sim::Millicores::cores(2), sim::Bytes::gib(8)), host);
  w.sim.run_until(half_hour);
  const VariantRunMetrics m = collector.finish(w.sim.now());
  CHECK(m.cost_usd == Approx(world.usd_per_hour / 2).epsilon(1e-12));
  REQUIRE(m.cost_lines.size() == 1);
  CHECK(m.cost_lines[0].usd == m.cost_usd);
}

TEST_CASE("time to capacity is measured from the samples the collector takes", "[metrics]") {
  World w;
  w.add_host("h1", 4, sim::Bytes::gib(16));
  HandWorld world{w.runtime};
  world.capacity = 50.0;
  CollectorConfig c = config_until(sim::Time::from_s(120));
  c.bursts = {{sim::Time::from_s(10), sim::Time::from_s(60), 100.0},
              {sim::Time::from_s(70), sim::Time::from_s(80), 1000.0}};
  MetricsCollector collector{w.sim, c};
  collector.attach(w.runtime, &world);
  // Capacity catches up with the first burst 23.5 s after its onset: seen at the 34 s sample.
  w.sim.schedule_at(sim::Time::from_ms(33'500), [&world] { world.capacity = 120.0; });
  w.sim.run_until(sim::Time::from_s(120));
  const VariantRunMetrics m = collector.finish(w.sim.now());
  REQUIRE(m.time_to_capacity.size() == 2);
  REQUIRE(m.time_to_capacity[0].delay.has_value());
  CHECK(*m.time_to_capacity[0].delay == sim::Time::from_s(24));
  CHECK_FALSE(m.time_to_capacity[1].delay.has_value());  // censored: never reached 1000 rps
  CHECK(m.time_to_capacity_mean_s() == 24.0);
}

TEST_CASE("demand, latency, SLO violations and queueing come from the recorded requests",
          "[metrics]") {
  World w;
  w.add_host("h1", 4, sim::Bytes::gib(16));
  HandWorld world{w.runtime};
  MetricsCollector collector{
      w.sim, config_until(sim::Time::from_s(10),
                          {{"a", sim::Time::from_ms(100), {}}, {"b", sim::Time::zero(), {}}})};
  collector.attach(w.runtime, &world);
  // Five arrivals in (1 s, 2 s]: demand 5 rps at the 2 s sample; queue of 3 seen at 2 s.
  w.sim.schedule_at(sim::Time::from_ms(1500), [&] {
    for (int k = 0; k < 5; ++k)
      collector.record_arrival(0, w.sim.now());
    world.queued = 3;
  });
  w.sim.schedule_at(sim::Time::from_ms(2500), [&] { world.queued = 0; });
  w.sim.run_until(sim::Time::from_s(10));
  const sim::Time t0 = sim::Time::from_ms(1500);
  // Service a: latencies 50, 150, 250 ms (two over the 100 ms SLO), waits 0, 100, 200 ms.
  for (int k = 0; k < 3; ++k)
    collector.record_request(
        {0, t0, t0 + sim::Time::from_ms(100 * k), t0 + sim::Time::from_ms(50 + 100 * k)});
  // Service b has no SLO: a slow request is no violation.
  collector.record_request({1, t0, t0, t0 + sim::Time::from_s(5)});
  const VariantRunMetrics m = collector.finish(w.sim.now());

  CHECK(m.timeseries[2].demand_rps == 5.0);
  CHECK(m.timeseries[3].demand_rps == 0.0);
  CHECK(m.services[0].arrivals == 5);
  CHECK(m.services[0].completed == 3);
  CHECK(m.services[0].slo_violations == 2);
  CHECK(m.services[0].slo_violation_fraction() == Approx(2.0 / 3.0));
  CHECK(m.services[1].slo_violations == 0);
  CHECK(m.requests_completed == 4);
  CHECK(m.slo_violation_fraction() == 0.5);
  CHECK(m.services[0].latency_ms.quantile(0.5) == Approx(150).epsilon(0.01));
  CHECK(m.request_latency_ms.max() == 5000.0);
  CHECK(m.services[0].max_queued == 3);
  CHECK(m.services[0].mean_queued == Approx(0.3 / 10.0));  // 300 ms of waiting over 10 s
  CHECK(m.timeseries[2].queued_requests == 6);             // 3 per service (HandWorld)
}

TEST_CASE("a collector rejects a non-positive sample interval", "[metrics]") {
  sim::Simulation sim;
  CollectorConfig c = config_until(1_h);
  c.sample_interval = sim::Time::zero();
  CHECK_THROWS_WITH(MetricsCollector(sim, c), Catch::Contains("sample interval"));
}

TEST_CASE("idle reserved CPU is the instances' requests minus what their node was busy",
          "[metrics]") {
  World w;
  Node& host = w.add_host("h1", 8, sim::Bytes::gib(32));
  MetricsCollector collector{w.sim, config_until(1_h)};
  collector.attach(w.runtime, nullptr);
  const Image image = make_image("app", "app", 1, sim::Bytes::mib(4));
  w.runtime.start(w.spec("app", "runc", sim::Millicores::cores(1), sim::Bytes::gib(1), &image),
                  host);
  // A quarter of a core busy for the whole hour (the container's work).
  host.host().run_cpu(mc(250), sim::Time::from_s(900), [] {});
  w.sim.run_until(1_h);
  const VariantRunMetrics m = collector.finish(w.sim.now());
  CHECK(m.reserved_cpu_core_hours == Approx(1.0).epsilon(1e-12));
  // Unpacking the 4 MiB image adds about 10 ms of CPU on top of the quarter core.
  CHECK(m.used_cpu_core_hours == Approx(0.25).epsilon(1e-4));
  CHECK(m.idle_reserved_cpu_core_hours == Approx(0.75).epsilon(1e-4));
}

TEST_CASE("CPU left free on a host whose memory is full is stranded", "[metrics]") {
  World w;
  Node& host = w.add_host("h1", 16, sim::Bytes::gib(16));
  MetricsCollector collector{w.sim, config_until(sim::Time::from_s(60))};
  collector.attach(w.runtime, nullptr);
  // A 2-vCPU, 12 GiB VM: the 4 GiB left cannot take another like it, so 14 cores are stranded;
  // memory is not (CPU is plentiful).
  w.runtime.start(w.spec("db", "kvm-ubuntu", sim::Millicores::cores(2), sim::Bytes::gib(12)), host);
  w.sim.run_until(sim::Time::from_s(60));
  const VariantRunMetrics m = collector.finish(w.sim.now());
  CHECK(m.stranded_cpu_fraction == Approx(14.0 / 16.0));
  CHECK(m.stranded_memory_fraction == 0.0);
}
