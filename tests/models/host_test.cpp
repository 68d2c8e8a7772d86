#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "models/host.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using namespace vmcsim::sim::literals;
using models::FlowModel;
using models::Host;
using models::HostSpec;

namespace {
HostSpec spec_4_cores() {
  HostSpec s;
  s.name = "h1";
  s.cpu = sim::Millicores::cores(4);
  s.memory = sim::Bytes::gib(16);
  s.disk_bandwidth = sim::DataRate::bytes_per_second(100e6);
  s.disk_iops = 3000;
  s.network_bandwidth = sim::DataRate::gbps(10);
  s.labels = {{"zone", "eu-west-1a"}, {"rack", "r7"}, {"instance_type", "m5.xlarge"}};
  s.idle_watts = 100;
  s.peak_watts = 300;
  return s;
}
}  // namespace

namespace {
// Each test builds its own simulation, shared flow model and one 4-core host.
struct OneHost {
  sim::Simulation sim;
  FlowModel flows{sim};
  Host host{spec_4_cores(), flows};
};
}  // namespace

TEST_CASE_METHOD(OneHost, "a host exposes its spec, labels and resources") {
  CHECK(host.name() == "h1");
  CHECK(host.label("zone") == "eu-west-1a");
  CHECK(host.label("missing").empty());
  CHECK(flows.capacity(host.cpu()) == 4000.0);
  CHECK(flows.capacity(host.disk()) == 100e6);
  CHECK(flows.capacity(host.network()) == Approx(1.25e9));
  CHECK(flows.name(host.cpu()) == "h1/cpu");
  CHECK(host.memory().capacity() == sim::Bytes::gib(16));
}

TEST_CASE_METHOD(OneHost, "equal CPU jobs on a host finish together at N x work / capacity") {
  // 8 jobs of 1 s at one core on 4 cores: 8000 millicore-seconds / 4000 per second = 2 s.
  std::vector<sim::Time> done;
  for (int i = 0; i < 8; ++i)
    host.run_cpu(Host::kNoCpuLimit, 1_s, [&] { done.push_back(sim.now()); });
  CHECK(host.cpu_utilization() == Approx(1.0));
  sim.run();
  REQUIRE(done.size() == 8);
  for (sim::Time t : done)
    CHECK(t == 2_s);
}

TEST_CASE_METHOD(OneHost, "a capped CPU job gets no more than its cap") {
  // Alone on 4 cores, a 500m-limited job of 1 s CPU takes 2 s.
  sim::Time capped_done, big_done;
  const auto capped = host.run_cpu(sim::Millicores{500}, 1_s, [&] { capped_done = sim.now(); });
  CHECK(flows.rate(capped) == Approx(500.0));
  // An uncapped 7 s job joins: it gets the 3500m the capped job leaves, so it ends at 2 s too.
  const auto big = host.run_cpu(Host::kNoCpuLimit, 7_s, [&] { big_done = sim.now(); });
  CHECK(flows.rate(capped) == Approx(500.0));
  CHECK(flows.rate(big) == Approx(3500.0));
  sim.run();
  CHECK(capped_done == 2_s);
  CHECK(big_done == 2_s);
}

TEST_CASE_METHOD(OneHost,
                 "a tenant's disk burst slows its neighbour by exactly the max-min share") {
  // Disk 100 MB/s. B moves 300 MB from 0 s; A bursts 100 MB at 1 s.
  // 0-1 s: B alone at 100 MB/s (100 MB done). 1-3 s: 50 MB/s each; A is done at 3 s, B has
  // 200 MB. 3-4 s: B alone again at 100 MB/s; done at 4 s (3 s without the neighbour).
  sim::Time a_done, b_done;
  const auto b = host.read_write_disk(sim::Bytes{300'000'000}, [&] { b_done = sim.now(); });
  models::FlowId a;
  std::vector<double> b_rates;
  sim.schedule_at(500_ms, [&] { b_rates.push_back(flows.rate(b)); });
  sim.schedule_at(
      1_s, [&] { a = host.read_write_disk(sim::Bytes{100'000'000}, [&] { a_done = sim.now(); }); });
  sim.schedule_at(2_s, [&] {
    b_rates.push_back(flows.rate(b));
    CHECK(flows.rate(a) == Approx(50e6));
    CHECK(flows.remaining(b) == Approx(150e6));
  });
  sim.schedule_at(3500_ms, [&] { b_rates.push_back(flows.rate(b)); });
  sim.run();
  REQUIRE(b_rates.size() == 3);
  CHECK(b_rates[0] == Approx(100e6));
  CHECK(b_rates[1] == Approx(50e6));
  CHECK(b_rates[2] == Approx(100e6));
  CHECK(a_done == 3_s);
  CHECK(b_done == 4_s);
}

TEST_CASE_METHOD(OneHost, "a transfer crosses the host NIC and the extra path") {
  const auto registry = flows.add_resource("registry/egress", 50e6);
  sim::Time done;
  const std::array extra{registry};
  const auto f = host.transfer(sim::Bytes{100'000'000}, extra, [&] { done = sim.now(); });
  CHECK(flows.rate(f) == Approx(50e6));
  CHECK(flows.active_flows(host.network()) == 1);
  sim.run();
  CHECK(done == 2_s);
}

TEST_CASE_METHOD(OneHost, "power follows CPU utilization and energy integrates it exactly") {
  CHECK(host.power_watts() == 100.0);
  // 0-1 s idle; 1-3 s one 2-core-capped job (utilization 0.5, 200 W); then idle to 5 s.
  sim.schedule_at(1_s, [&] {
    host.run_cpu(sim::Millicores::cores(2), 4_s, [] {});
    CHECK(host.power_watts() == Approx(200.0));
  });
  sim.run_until(5_s);
  CHECK(host.power_watts() == 100.0);
  // 5 s x 100 W idle + 2 s x 0.5 x 200 W dynamic = 700 J.
  CHECK(host.energy_joules(5_s) == Approx(700.0));
  CHECK(host.energy_joules(2_s + 5_s) == Approx(900.0));
}

TEST_CASE_METHOD(OneHost, "a powered-off host draws nothing and energy counts powered time only") {
  CHECK(host.powered());
  // On 0-2 s, off 2-5 s, on again 5-6 s: 3 s at 100 W idle.
  sim.schedule_at(2_s, [&] {
    host.set_powered(false);
    host.set_powered(false);  // idempotent
    CHECK(host.power_watts() == 0.0);
  });
  sim.schedule_at(5_s, [&] { host.set_powered(true); });
  sim.run_until(6_s);
  CHECK(host.powered_time(6_s) == 3_s);
  CHECK(host.energy_joules(6_s) == Approx(300.0));
  CHECK(host.power_watts() == 100.0);
}

TEST_CASE("a host with an impossible spec is rejected naming the field") {
  sim::Simulation sim;
  FlowModel flows{sim};
  auto s = spec_4_cores();
  s.cpu = sim::Millicores{0};
  CHECK_THROWS_WITH(Host(s, flows), Catch::Contains("h1") && Catch::Contains("cpu"));
  s = spec_4_cores();
  s.peak_watts = 50;
  CHECK_THROWS_WITH(Host(s, flows), Catch::Contains("peak_watts"));
}
