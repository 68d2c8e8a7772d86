// Warm-up deletion in MetricsCollector: each case is worked by hand, once with a warm-up and
// once without, on the same world.
#include <catch2/catch.hpp>

#include "metrics_test_support.hpp"
#include "models/metrics/collector.hpp"
#include "platform_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::models::metrics;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::HandWorld;
using vmcsim::models::testing::World;

namespace {

constexpr sim::Time kQuarter = sim::Time::from_s(900);

sim::Time ms(std::int64_t v) {
  return sim::Time::from_ms(v);
}

CollectorConfig config(sim::Time end, sim::Time warmup,
                       std::vector<ServiceMetricsConfig> services = {}) {
  CollectorConfig c;
  c.variant = "v";
  c.services = std::move(services);
  c.end = end;
  c.warmup = warmup;
  return c;
}

// Four requests to a service with a 100 ms SLO over a 10 s run; latency = done - arrival,
// wait = service start - arrival:
//   arrival 1.00 s  latency 150 ms (violation)  wait 100 ms
//   arrival 1.95 s  latency 300 ms (violation)  wait 200 ms  (done at 2.25 s, after a 2 s warm-up)
//   arrival 3.00 s  latency  50 ms              wait   0 ms
//   arrival 4.00 s  latency 200 ms (violation)  wait 100 ms
VariantRunMetrics four_requests(sim::Time warmup) {
  sim::Simulation sim;
  MetricsCollector collector{sim, config(sim::Time::from_s(10), warmup, {{"a", ms(100), {}}})};
  for (const auto& [arrival, latency, wait] :
       {std::tuple{1000, 150, 100}, {1950, 300, 200}, {3000, 50, 0}, {4000, 200, 100}}) {
    collector.record_arrival(0, ms(arrival));
    collector.record_request({0, ms(arrival), ms(arrival + wait), ms(arrival + latency)});
  }
  sim.run_until(sim::Time::from_s(10));
  return collector.finish(sim.now());
}

}  // namespace

TEST_CASE("requests that arrived before the warm-up end leave the latency and SLO counts",
          "[metrics][warmup]") {
  const VariantRunMetrics all = four_requests(sim::Time::zero());
  CHECK(all.requests_completed == 4);
  CHECK(all.slo_violations == 3);
  CHECK(all.slo_violation_fraction() == 0.75);
  CHECK(all.request_latency_stats.mean() == Approx(175.0));
  CHECK(all.services[0].arrivals == 4);
  CHECK(all.services[0].mean_queued == Approx(0.4 / 10.0));  // 400 ms of waits over 10 s

  // The 1.95 s request finishes after the warm-up end but arrived before it: left out too.
  const VariantRunMetrics kept = four_requests(sim::Time::from_s(2));
  CHECK(kept.requests_completed == 2);
  CHECK(kept.slo_violations == 1);
  CHECK(kept.slo_violation_fraction() == 0.5);
  CHECK(kept.request_latency_stats.mean() == Approx(125.0));
  CHECK(kept.request_latency_stats.min() == 50.0);
  CHECK(kept.services[0].arrivals == 2);
  CHECK(kept.services[0].mean_queued == Approx(0.1 / 8.0));  // 100 ms of waits over 8 s
  CHECK(kept.warmup == sim::Time::from_s(2));
}

TEST_CASE("memory and cost integrate from the warm-up end and startup counts later requests only",
          "[metrics][warmup]") {
  // VM a on h1 from 0 to the end; VM b on h2 requested at 30 min. The same world with no
  // warm-up and with a 15-minute one.
  const auto run = [](sim::Time warmup) {
    World w;
    Node& h1 = w.add_host("h1", 16, sim::Bytes::gib(64));
    Node& h2 = w.add_host("h2", 16, sim::Bytes::gib(64));
    HandWorld world{w.runtime};
    world.usd_per_hour = 0.4;
    MetricsCollector collector{w.sim, config(1_h, warmup)};
    collector.attach(w.runtime, &world);
    const auto spec = w.spec("web", "kvm-ubuntu", sim::Millicores::cores(2), sim::Bytes::gib(4));
    w.runtime.start(spec, h1);
    w.sim.schedule_at(2 * kQuarter, [&] { w.runtime.start(spec, h2); });
    w.sim.run_until(1_h);
    return std::pair{collector.finish(w.sim.now()), w.catalog.profile("kvm-ubuntu")};
  };
  const auto [all, profile] = run(sim::Time::zero());
  const auto [kept, same_profile] = run(kQuarter);
  const sim::Bytes guest = profile.guest_os_memory.value + profile.agent_memory.value +
                           profile.system_reserved_memory.value;
  const double overhead_gib =
      (guest + profile.hypervisor_overhead(sim::Bytes::gib(4), 2)).gib_value();

  // a for 60 min + b for 30 min; from the warm-up end: a for 45 min + b for 30 min.
  CHECK(all.memory_overhead_gib_hours == Approx(overhead_gib * 1.5).epsilon(1e-12));
  CHECK(kept.memory_overhead_gib_hours == Approx(overhead_gib * 1.25).epsilon(1e-12));
  CHECK(all.reserved_cpu_core_hours == Approx(2.0 * 1.5).epsilon(1e-12));
  CHECK(kept.reserved_cpu_core_hours == Approx(2.0 * 1.25).epsilon(1e-12));
  // The bill: 0.4 USD/h for 1.5 instance-hours, of which 1.25 after the warm-up.
  CHECK(all.cost_usd == Approx(0.4 * 1.5).epsilon(1e-12));
  CHECK(kept.cost_usd == Approx(0.4 * 1.25).epsilon(1e-12));
  REQUIRE(kept.cost_lines.size() == 2);
  CHECK(kept.cost_lines[0].usd == Approx(0.4 * 0.75).epsilon(1e-12));
  CHECK(kept.cost_lines[1].usd == Approx(0.4 * 0.5).epsilon(1e-12));
  // Startup: a was requested before the warm-up end, b after.
  REQUIRE(all.startup.total_ms.size() == 2);
  REQUIRE(kept.startup.total_ms.size() == 1);
  CHECK(kept.startup.total_ms[0] == all.startup.total_ms[1]);
  for (const auto& phase : kept.startup.phases)
    CHECK(phase.ms.size() == 1);
  // Timeseries still cover the whole run.
  CHECK(kept.timeseries.size() == all.timeseries.size());
}

TEST_CASE("energy after a warm-up is the hosts' power integrated from its end",
          "[metrics][warmup]") {
  World w;
  Node& host = w.add_host("h1", 4, sim::Bytes::gib(16));  // 100 W idle, 300 W peak
  MetricsCollector collector{w.sim, config(1_h, kQuarter)};
  collector.attach(w.runtime, nullptr);
  // Four cores busy for the first quarter (300 W), then two for the rest (200 W).
  host.host().run_cpu(sim::Millicores::cores(2), 2 * kQuarter, [] {});
  host.host().run_cpu(sim::Millicores::cores(2), 2_h, [] {});
  w.sim.run_until(1_h);
  const VariantRunMetrics m = collector.finish(w.sim.now());
  CHECK(m.energy_kwh == Approx(0.2 * 0.75).epsilon(1e-9));  // without the 0.075 kWh warm-up
}

TEST_CASE("host peaks after a warm-up are those held after it", "[metrics][warmup]") {
  const auto run = [](sim::Time warmup) {
    World w;
    Node& h1 = w.add_host("h1", 16, sim::Bytes::gib(64));
    Node& h2 = w.add_host("h2", 16, sim::Bytes::gib(64));
    MetricsCollector collector{w.sim, config(1_h, warmup)};
    collector.attach(w.runtime, nullptr);
    const auto vm = w.spec("web", "kvm-ubuntu", sim::Millicores::cores(2), sim::Bytes::gib(4));
    const InstanceId a = w.runtime.start(vm, h1);
    w.runtime.start(vm, h2);
    // a stops at 5 min: two hosts in use until then, one after.
    w.sim.schedule_at(sim::Time::from_s(300), [&w, a] { w.runtime.stop(a); });
    w.sim.run_until(1_h);
    return collector.finish(w.sim.now());
  };
  CHECK(run(sim::Time::zero()).hosts_used_peak == 2);
  CHECK(run(kQuarter).hosts_used_peak == 1);
}

TEST_CASE("placement decisions, pending times and evictions before the warm-up end are left out",
          "[metrics][warmup]") {
  World w;
  w.add_host("h1", 4, sim::Bytes::gib(16));
  HandWorld world{w.runtime};
  MetricsCollector collector{w.sim, config(sim::Time::from_s(30), sim::Time::from_s(10))};
  collector.attach(w.runtime, &world);
  // Decided at 5 s: left out. At 12 s for an instance requested at 8 s: a decision after the
  // warm-up, but its pending time began before it. At 15 s, requested at 12 s: both count.
  w.sim.schedule_at(sim::Time::from_s(5), [&] {
    collector.record_placement({true, true, sim::Time::from_s(1), 0});
    world.evicted = 2;
  });
  w.sim.schedule_at(sim::Time::from_s(12), [&] {
    collector.record_placement({true, true, sim::Time::from_s(4), 0});
  });
  w.sim.schedule_at(sim::Time::from_s(15), [&] {
    collector.record_placement({true, true, sim::Time::from_s(3), 0});
    world.evicted = 3;
  });
  w.sim.run_until(sim::Time::from_s(30));
  const VariantRunMetrics m = collector.finish(w.sim.now());
  CHECK(m.placement_decisions == 2);
  CHECK(m.pending_ms_stats.count() == 1);
  CHECK(m.pending_ms_stats.mean() == 3000.0);
  CHECK(m.evictions == 1);
}

TEST_CASE("a burst whose onset is inside the warm-up has no time to capacity",
          "[metrics][warmup]") {
  World w;
  w.add_host("h1", 4, sim::Bytes::gib(16));
  HandWorld world{w.runtime};
  world.capacity = 500.0;
  CollectorConfig c = config(sim::Time::from_s(120), sim::Time::from_s(20));
  c.bursts = {{sim::Time::from_s(10), sim::Time::from_s(40), 100.0},
              {sim::Time::from_s(70), sim::Time::from_s(80), 100.0}};
  MetricsCollector collector{w.sim, c};
  collector.attach(w.runtime, &world);
  w.sim.run_until(sim::Time::from_s(120));
  const VariantRunMetrics m = collector.finish(w.sim.now());
  REQUIRE(m.time_to_capacity.size() == 1);
  CHECK(m.time_to_capacity[0].burst.onset == sim::Time::from_s(70));
  CHECK(*m.time_to_capacity[0].delay == sim::Time::zero());
}

TEST_CASE("a collector rejects a warm-up as long as the run", "[metrics][warmup]") {
  sim::Simulation sim;
  CHECK_THROWS_WITH(MetricsCollector(sim, config(1_h, 1_h)), Catch::Contains("warm-up"));
  CHECK_THROWS_WITH(MetricsCollector(sim, config(1_h, sim::Time::from_s(-1))),
                    Catch::Contains("negative warm-up"));
}
