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
using models::MemoryLedger;
using models::MemoryUse;

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

TEST_CASE("a host exposes its spec, labels and resources") {
  sim::Simulation sim;
  FlowModel flows{sim};
  Host host{spec_4_cores(), flows};
  CHECK(host.name() == "h1");
  CHECK(host.label("zone") == "eu-west-1a");
  CHECK(host.label("missing").empty());
  CHECK(flows.capacity(host.cpu()) == 4000.0);
  CHECK(flows.capacity(host.disk()) == 100e6);
  CHECK(flows.capacity(host.network()) == Approx(1.25e9));
  CHECK(flows.name(host.cpu()) == "h1/cpu");
  CHECK(host.memory().capacity() == sim::Bytes::gib(16));
}

TEST_CASE("equal CPU jobs on a host finish together at N x work / capacity") {
  sim::Simulation sim;
  FlowModel flows{sim};
  Host host{spec_4_cores(), flows};
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

TEST_CASE("a capped CPU job gets no more than its cap") {
  sim::Simulation sim;
  FlowModel flows{sim};
  Host host{spec_4_cores(), flows};
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

TEST_CASE("a tenant's disk burst slows its neighbour by exactly the max-min share") {
  // Disk 100 MB/s. B moves 300 MB from 0 s; A bursts 100 MB at 1 s.
  // 0-1 s: B alone at 100 MB/s (100 MB done). 1-3 s: 50 MB/s each; A is done at 3 s, B has
  // 200 MB. 3-4 s: B alone again at 100 MB/s; done at 4 s (3 s without the neighbour).
  sim::Simulation sim;
  FlowModel flows{sim};
  Host host{spec_4_cores(), flows};
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

TEST_CASE("a transfer crosses the host NIC and the extra path") {
  sim::Simulation sim;
  FlowModel flows{sim};
  Host host{spec_4_cores(), flows};
  const auto registry = flows.add_resource("registry/egress", 50e6);
  sim::Time done;
  const std::array extra{registry};
  const auto f = host.transfer(sim::Bytes{100'000'000}, extra, [&] { done = sim.now(); });
  CHECK(flows.rate(f) == Approx(50e6));
  CHECK(flows.active_flows(host.network()) == 1);
  sim.run();
  CHECK(done == 2_s);
}

TEST_CASE("power follows CPU utilization and energy integrates it exactly") {
  sim::Simulation sim;
  FlowModel flows{sim};
  Host host{spec_4_cores(), flows};
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

TEST_CASE("the memory ledger never exceeds capacity and never goes negative") {
  MemoryLedger ledger{sim::Bytes::gib(4)};
  CHECK(ledger.try_reserve(sim::Bytes::gib(3), MemoryUse::application));
  CHECK(ledger.try_reserve(sim::Bytes::mib(512), MemoryUse::guest_os));
  CHECK_FALSE(ledger.try_reserve(sim::Bytes::mib(513), MemoryUse::image_cache));
  CHECK(ledger.used(MemoryUse::image_cache) == sim::Bytes{0});
  CHECK(ledger.try_reserve(sim::Bytes::mib(512), MemoryUse::image_cache));
  CHECK(ledger.free() == sim::Bytes{0});
  CHECK_THROWS_AS(ledger.release(sim::Bytes::gib(1), MemoryUse::guest_os), std::logic_error);
  CHECK_THROWS_AS(ledger.release(sim::Bytes{1}, MemoryUse::runtime_overhead), std::logic_error);
  CHECK_THROWS_AS(ledger.try_reserve(sim::Bytes{-1}, MemoryUse::application),
                  std::invalid_argument);
  ledger.release(sim::Bytes::mib(512), MemoryUse::guest_os);
  CHECK(ledger.used(MemoryUse::guest_os) == sim::Bytes{0});
  CHECK(ledger.reserved_total() == sim::Bytes::gib(3) + sim::Bytes::mib(512));
}

TEST_CASE("random reservations and releases keep the ledger's parts summing to the whole") {
  sim::RandomStream rng{7, 0, "tests/memory_ledger/property"};
  const auto capacity = sim::Bytes::gib(8);
  MemoryLedger ledger{capacity};
  std::array<sim::Bytes, models::kMemoryUseCount> mine{};
  int refused = 0;
  for (int i = 0; i < 5000; ++i) {
    const auto k = rng.below(models::kMemoryUseCount);
    const auto kind = static_cast<MemoryUse>(k);
    const sim::Bytes size{static_cast<std::int64_t>(rng.below(std::uint64_t{1} << 31))};
    if (rng.uniform01() < 0.55) {
      const bool fits = ledger.reserved_total() + size <= capacity;
      CHECK(ledger.try_reserve(size, kind) == fits);
      if (fits)
        mine[k] += size;
      else
        ++refused;
    } else if (size <= mine[k]) {
      ledger.release(size, kind);
      mine[k] -= size;
    } else {
      CHECK_THROWS_AS(ledger.release(size, kind), std::logic_error);
    }
    sim::Bytes sum{0};
    for (std::size_t j = 0; j < models::kMemoryUseCount; ++j) {
      CHECK(ledger.used(static_cast<MemoryUse>(j)) == mine[j]);
      CHECK(mine[j] >= sim::Bytes{0});
      sum += ledger.used(static_cast<MemoryUse>(j));
    }
    CHECK(sum == ledger.reserved_total());
    CHECK(ledger.reserved_total() <= capacity);
    CHECK(ledger.free() == capacity - sum);
  }
  CHECK(refused > 0);
}
