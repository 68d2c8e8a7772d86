// Cluster::submit picks the least loaded replica from a compact routing array (route_load_)
// instead of reading every live Replica. The array is a second copy of state the replicas hold,
// so these tests drive random submits, completions, scale changes, crashes, in-place restarts
// and host failures, and check after each step that the array still agrees with a scan of the
// replicas.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <random>

#include "cluster_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;

namespace {

// A world of 2-3 hosts, 1-3 services with random concurrency, and random disturbances.
ClusterConfig routing_world(const testing::ClusterWorld& w, std::mt19937_64& rng) {
  const auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution{lo, hi}(rng); };
  constexpr std::array kinds{PlatformKind::vm, PlatformKind::microvm, PlatformKind::container};
  ClusterConfig c = w.config(kinds[static_cast<std::size_t>(uniform(0, 2))], uniform(2, 3));
  const int services = uniform(1, 3);
  for (int s = 0; s < services; ++s) {
    ServiceConfig sc = w.service(fmt::format("s{}", s), sim::Millicores{uniform(1, 4) * 125},
                                 sim::Bytes::mib(256), uniform(1, 4), uniform(1, 60) / 1000.0);
    sc.concurrency = uniform(0, 3);  // 0: from the CPU limit
    c.services.push_back(sc);
  }
  c.seed = rng();
  return c;
}

}  // namespace

TEST_CASE(
    "the routing array agrees with a scan of the replicas through random requests, scaling "
    "and failures",
    "[cluster][routing][properties]") {
  const testing::ClusterWorld w;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    const auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution{lo, hi}(rng); };
    const ClusterConfig config = routing_world(w, rng);
    INFO("platform " << to_string(config.variant.platform));
    sim::Simulation sim;
    Cluster cluster{sim, config};
    std::uint64_t checks = 0, disagreements = 0, done = 0;
    const auto check = [&] {
      ++checks;
      if (!cluster.routing_consistent()) ++disagreements;
    };
    // After every completion and failure, the moments the array changes most.
    cluster.on_request_done.connect([&](const RequestOutcome&) {
      ++done;
      check();
    });
    cluster.on_request_failed.connect([&](const RequestOutcome&) { check(); });
    const std::size_t services = config.services.size();
    const auto service = [&] { return static_cast<std::size_t>(uniform(0, int(services) - 1)); };
    for (int k = 0; k < 600; ++k) {
      const sim::Time at = sim::Time::from_ms(uniform(0, 120'000));
      const int what = uniform(0, 99);
      const std::size_t s = service();
      if (what < 80) {
        sim.schedule_at(at, [&, s] {
          cluster.submit(s);
          check();
        });
      } else if (what < 88) {
        const int desired = uniform(0, 6);
        sim.schedule_at(at, [&, s, desired] {
          cluster.set_desired(s, desired);
          check();
        });
      } else if (what < 93) {
        const double pick = uniform(0, 99) / 100.0;
        sim.schedule_at(at, [&, s, pick] {
          cluster.crash(s, pick, "test crash");
          check();
        });
      } else if (what < 97) {
        const double pick = uniform(0, 99) / 100.0;
        const sim::Time downtime = sim::Time::from_ms(uniform(1, 5000));
        sim.schedule_at(at, [&, s, pick, downtime] {
          cluster.restart_in_place(s, pick, downtime, "test restart");
          check();
        });
      } else {
        const auto host = static_cast<std::size_t>(uniform(0, int(config.hosts.size()) - 1));
        const sim::Time down_for = sim::Time::from_ms(uniform(1000, 30'000));
        sim.schedule_at(at, [&, host] {
          cluster.fail_host(host, "test failure");
          check();
        });
        sim.schedule_at(at + down_for, [&, host] {
          cluster.recover_host(host);
          check();
        });
      }
    }
    sim.run_until(sim::Time::from_s(150));
    check();
    CHECK(checks > 400);
    CHECK(done > 50);
    CHECK(disagreements == 0);
  }
}
