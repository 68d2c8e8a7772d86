// Placement metrics: the collector observes the Cluster's placement decisions (pending time,
// decision count and wall-clock time), evictions, and packing efficiency at sample times.
#include <catch2/catch.hpp>

#include <initializer_list>

#include "cluster_test_support.hpp"
#include "models/cluster/cluster.hpp"
#include "models/metrics/collector.hpp"
#include "models/metrics/summary.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::models::metrics;
using vmcsim::models::testing::ClusterWorld;

namespace {
CollectorConfig collect(sim::Time end) {
  CollectorConfig c;
  c.variant = "v";
  c.end = end;
  return c;
}
}  // namespace

TEST_CASE("an instance that waits for room reports its pending time", "[metrics][placement]") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container, 1);
  // One 64 GiB host holds one of these at a time: "b" waits until "a" has stopped.
  config.services.push_back(world.service("a", sim::Millicores{500}, sim::Bytes::gib(40), 1, 0.01));
  config.services.push_back(world.service("b", sim::Millicores{500}, sim::Bytes::gib(40), 1, 0.01));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  MetricsCollector collector{sim, collect(sim::Time::from_s(60))};
  collector.connect(cluster);
  sim.schedule_at(sim::Time::from_s(10), [&] { cluster.set_desired(0, 0); });
  sim.run_until(sim::Time::from_s(60));
  const VariantRunMetrics m = collector.finish(sim.now());

  REQUIRE(cluster.running(1) == 1);
  const Instance& a = cluster.runtime().instance(0);
  REQUIRE(a.service == "a");
  REQUIRE(a.state == InstanceState::stopped);
  // a placed at once; b refused at t = 0, then placed by the retry when a stopped.
  CHECK(m.placement_decisions == 3);
  CHECK(m.pending_ms.count() == 2);
  CHECK(m.pending_ms.min() == 0.0);
  CHECK(m.pending_ms.max() == Approx(a.stopped_at.milliseconds()));
  CHECK(m.pending_ms_stats.mean() == Approx(a.stopped_at.milliseconds() / 2));
  // Wall clock: one sample per decision, none negative (values are not deterministic).
  CHECK(m.placement_decision_us.count() == m.placement_decisions);
  CHECK(m.placement_decision_us.min() >= 0.0);
  CHECK(m.evictions == 0);
}

TEST_CASE("packing efficiency is allocated over allocatable on the used hosts",
          "[metrics][placement]") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container, 2);
  // runc adds no memory: 4 of 16 cores and 16 of 64 GiB on the one used host, the other idle.
  config.services.push_back(
      world.service("web", sim::Millicores::cores(4), sim::Bytes::gib(16), 1, 0.01));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  MetricsCollector collector{sim, collect(sim::Time::from_s(30))};
  collector.connect(cluster);
  sim.run_until(sim::Time::from_s(30));
  const VariantRunMetrics m = collector.finish(sim.now());
  CHECK(m.packing_efficiency_cpu == Approx(0.25));
  CHECK(m.packing_efficiency_memory == Approx(0.25));
  // The idle host can take another instance: nothing is fragmented.
  CHECK(m.fragmentation_cpu == 0.0);
  CHECK(m.fragmentation_memory == 0.0);
}

TEST_CASE("removing a node VM that holds a container counts one eviction", "[metrics][placement]") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container_in_vm);
  config.services.push_back(
      world.service("batch", sim::Millicores{250}, sim::Bytes::gib(1), 0, 0.1));
  config.variant.initial_nodes = 2;
  config.variant.placement = "ecs:spread(instanceId)";  // one container per node
  config.variant.cluster_autoscaler.enabled = true;
  config.variant.cluster_autoscaler.min_nodes = 1;
  // Both nodes are under the threshold from their first scan on; the first is removed after
  // 200 s, when the containers (started once both nodes run) have been on them for a while.
  config.variant.cluster_autoscaler.logic.unneeded_time = sim::Time::from_s(200);
  sim::Simulation sim;
  Cluster cluster{sim, config};
  MetricsCollector collector{sim, collect(sim::Time::from_s(400))};
  collector.connect(cluster);
  sim.run_until(sim::Time::from_s(120));
  REQUIRE(cluster.running_nodes() == 2);
  cluster.set_desired(0, 2);
  sim.run_until(sim::Time::from_s(130));
  REQUIRE(cluster.running(0) == 2);
  REQUIRE(cluster.evictions() == 0);
  sim.run_until(sim::Time::from_s(400));
  const VariantRunMetrics m = collector.finish(sim.now());
  CHECK(cluster.nodes_drained() == 1);
  CHECK(cluster.nodes() == 1);
  CHECK(cluster.running(0) == 2);
  CHECK(m.evictions == 1);
  CHECK(m.evictions == cluster.evictions());
  // Two node VMs, two containers, and the evicted container's replacement.
  CHECK(m.placement_decisions == 5);
}

TEST_CASE("the summary pools pending times and averages placement counts over replications",
          "[metrics][placement]") {
  VariantRunMetrics a, b;
  a.variant = b.variant = "v";
  b.replication = 1;
  // A run's samples go to its sketch (quantiles) and its stats (mean) alike.
  const auto record = [](sim::QuantileSketch& sketch, sim::RunningStats& stats,
                         std::initializer_list<double> values) {
    for (const double x : values) {
      sketch.add(x);
      stats.add(x);
    }
  };
  record(a.pending_ms, a.pending_ms_stats, {0.0, 100.0});
  record(b.pending_ms, b.pending_ms_stats, {300.0});
  record(a.placement_decision_us, a.placement_decision_us_stats, {10.0, 20.0});
  record(b.placement_decision_us, b.placement_decision_us_stats, {60.0});
  a.placement_decisions = 2;
  b.placement_decisions = 4;
  a.evictions = 1;
  a.packing_efficiency_cpu = 0.5;
  b.packing_efficiency_cpu = 0.7;
  const VariantRunMetrics runs[] = {a, b};
  const VariantEstimates e = summarize(runs);
  CHECK(e.pending_ms.mean == Approx(400.0 / 3));
  // Pooled, not averaged: the sketch's lower quantiles of {0, 100, 300} (rank floor(q (n-1))).
  CHECK(e.pending_ms.p50 == Approx(100.0).epsilon(0.01));
  CHECK(e.pending_ms.ci95.n == 2);
  CHECK(e.placement_decisions.mean == 3.0);
  CHECK(e.evictions.mean == 0.5);
  CHECK(e.packing_efficiency_cpu.mean == Approx(0.6));
  CHECK(e.placement_decision_us_mean == 30.0);
  CHECK(e.placement_decision_us_p99 == Approx(20.0).epsilon(0.01));
}
