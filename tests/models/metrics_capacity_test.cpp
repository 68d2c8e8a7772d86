// Time to capacity compares a bursting service's demand with that service's own capacity: the
// spare instances of another service cannot serve its requests.
#include <catch2/catch.hpp>

#include "cluster_test_support.hpp"
#include "models/metrics/collector.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::models::metrics;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::ClusterWorld;

TEST_CASE("a burst on one service is not covered by another service's spare capacity") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container, 1);
  // "slow": one instance capped at 250m, 0.1 s of CPU per request: 2.5 requests/s.
  config.services.push_back(
      world.service("slow", sim::Millicores{250}, sim::Bytes::mib(256), 1, 0.1));
  // "fast": four one-core instances of 10 ms requests: 400 requests/s to spare.
  config.services.push_back(
      world.service("fast", sim::Millicores{1000}, sim::Bytes::mib(256), 4, 0.01));
  const BurstWindow on_slow{60_s, 120_s, 5.0, 0};
  BurstWindow summed = on_slow;
  summed.service.reset();

  sim::Simulation sim;
  Cluster cluster{sim, config};
  CollectorConfig cc;
  cc.variant = "runc";
  cc.bursts = {on_slow, summed};
  cc.end = 150_s;
  MetricsCollector collector{sim, cc};
  collector.connect(cluster);
  sim.run_until(150_s);
  REQUIRE(cluster.capacity_rps(0) == Approx(2.5));
  REQUIRE(cluster.capacity_rps(1) == Approx(400.0));
  const VariantRunMetrics m = collector.finish(sim.now());
  REQUIRE(m.time_to_capacity.size() == 2);
  // The slow service never scales: its burst is never caught up with ...
  CHECK_FALSE(m.time_to_capacity[0].delay.has_value());
  // ... though all services together look sufficient from the onset.
  REQUIRE(m.time_to_capacity[1].delay.has_value());
  CHECK(*m.time_to_capacity[1].delay == sim::Time::zero());
}
