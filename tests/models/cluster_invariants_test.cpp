// Property tests over random small worlds (random services, hosts, platforms, bursts, scale
// changes and seeds, built through the Cluster and MetricsCollector API): nothing is ever
// over-committed, every requested replica is ready, stopped, or reported never placed or never
// started with a reason, and every arrived request is accounted for.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <numeric>
#include <random>

#include "cluster_test_support.hpp"
#include "models/metrics/collector.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::models::metrics;

namespace {

struct RandomWorld {
  ClusterConfig config;
  std::vector<std::pair<sim::Time, std::pair<std::size_t, int>>> scale_changes;
  std::vector<std::pair<sim::Time, std::size_t>> arrivals;  // time, service
};

RandomWorld random_world(const testing::ClusterWorld& w, std::uint64_t seed) {
  std::mt19937_64 rng{seed};
  const auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution{lo, hi}(rng); };
  constexpr std::array kinds{PlatformKind::vm, PlatformKind::microvm, PlatformKind::container,
                             PlatformKind::container_in_vm};
  RandomWorld out;
  ClusterConfig& c = out.config;
  c = w.config(kinds[static_cast<std::size_t>(uniform(0, 3))], 1);
  c.hosts.clear();
  const int hosts = uniform(1, 3);
  for (int h = 0; h < hosts; ++h)
    c.hosts.push_back(testing::cluster_host(fmt::format("h{}", h), uniform(2, 16),
                                            sim::Bytes::gib(uniform(4, 32))));
  if (c.variant.platform == PlatformKind::container_in_vm) {
    c.variant.initial_nodes = uniform(0, 2);
    c.variant.cluster_autoscaler.enabled = uniform(0, 1) == 1;
    c.variant.cluster_autoscaler.max_nodes = uniform(1, 4);
  }
  const int services = uniform(1, 3);
  for (int s = 0; s < services; ++s)
    c.services.push_back(w.service(fmt::format("s{}", s), sim::Millicores{uniform(1, 20) * 100},
                                   sim::Bytes::mib(uniform(1, 64) * 128), uniform(0, 6),
                                   uniform(1, 100) / 500.0));
  c.seed = seed;
  c.duration = sim::Time::from_s(180);
  // Scale changes (up, down, to zero) and bursts of requests at random times.
  for (int k = uniform(0, 4); k > 0; --k)
    out.scale_changes.push_back(
        {sim::Time::from_s(uniform(1, 170)),
         {static_cast<std::size_t>(uniform(0, services - 1)), uniform(0, 8)}});
  for (int burst = uniform(1, 3); burst > 0; --burst) {
    const auto service = static_cast<std::size_t>(uniform(0, services - 1));
    const int start_ms = uniform(0, 170'000);
    const int n = uniform(10, 400);
    const int gap_ms = uniform(1, 50);
    for (int k = 0; k < n; ++k)
      out.arrivals.push_back({sim::Time::from_ms(start_ms + k * gap_ms), service});
  }
  return out;
}

// No node holds more than it has, in memory or in CPU requests.
void check_capacity(const PlatformRuntime& runtime, const Instance& changed) {
  const auto check = [](const Node& n) {
    INFO("node " << n.name());
    REQUIRE(n.memory_used() <= n.memory_capacity());
    REQUIRE(n.cpu_allocated() <= n.cpu_capacity());
  };
  for (const auto& h : runtime.hosts())
    check(*h);
  if (changed.node != nullptr) check(*changed.node);
}

}  // namespace

TEST_CASE("random small worlds never over-commit and account for every replica and request",
          "[cluster][properties][invariants]") {
  const testing::ClusterWorld w;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    INFO("seed " << seed);
    const RandomWorld world = random_world(w, seed);
    INFO("platform " << to_string(world.config.variant.platform));
    sim::Simulation sim;
    Cluster cluster{sim, world.config};
    CollectorConfig cc;
    cc.variant = world.config.variant.name;
    cc.end = world.config.duration;
    MetricsCollector collector{sim, cc};
    collector.connect(cluster);
    std::uint64_t state_changes = 0;
    cluster.runtime().on_state_change.connect([&](const Instance& i) {
      ++state_changes;
      check_capacity(cluster.runtime(), i);
    });
    for (const auto& [at, change] : world.scale_changes)
      sim.schedule_at(
          at, [&cluster, change = change] { cluster.set_desired(change.first, change.second); });
    for (const auto& [at, service] : world.arrivals)
      sim.schedule_at(at, [&cluster, service = service] { cluster.submit(service); });
    sim.run_until(world.config.duration);
    const VariantRunMetrics m = collector.finish(sim.now());
    // Something ran whenever a replica was wanted and could start.
    if (m.instances_accounting.ready > 0) CHECK(state_changes > 0);

    // Every requested replica: ready (maybe stopped since), stopped before it was, or reported
    // never placed / never started with a reason.
    const InstanceAccounting& a = m.instances_accounting;
    CHECK(a.requested == cluster.replica_count());
    CHECK(a.requested == a.ready + a.never_placed + a.never_started + a.cancelled);
    const std::uint64_t with_reason =
        std::accumulate(a.reasons.begin(), a.reasons.end(), std::uint64_t{0},
                        [](std::uint64_t sum, const auto& r) { return sum + r.second; });
    CHECK(with_reason == a.not_ready());
    for (std::size_t r = 0; r < cluster.replica_count(); ++r) {
      const ReplicaStatus st = cluster.replica_status(r);
      if (st.became_ready) continue;
      INFO("replica " << r);
      if (st.state == ReplicaState::pending || st.state == ReplicaState::stopped)
        CHECK_FALSE(st.reason.empty());
      CHECK((st.state == ReplicaState::pending || st.state == ReplicaState::starting ||
             st.state == ReplicaState::stopped));
    }
    // Every listed instance that is not running says why.
    for (const InstanceLifecycle& l : m.instances)
      if (!l.node_vm && !l.ready && l.state != InstanceState::stopped)
        CHECK_FALSE(l.reason.empty());

    // Every arrived request: served, in service or queued.
    std::uint64_t arrived = 0, served = 0;
    for (std::size_t s = 0; s < cluster.service_count(); ++s) {
      CHECK(cluster.submitted(s) ==
            cluster.completed(s) + cluster.in_service(s) + cluster.queued_requests(s));
      CHECK(m.services[s].arrivals == cluster.submitted(s));
      CHECK(m.services[s].completed == cluster.completed(s));
      arrived += cluster.submitted(s);
      served += cluster.completed(s);
    }
    CHECK(arrived == world.arrivals.size());
    CHECK(m.requests_completed == served);
  }
}
