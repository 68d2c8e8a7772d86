// Nothing a user asked for disappears from the results: replicas never placed or never started
// are counted with a reason and listed, and startup counts from the replica's request (waiting
// for a place or a node is a measured phase).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "cluster_test_support.hpp"
#include "models/metrics/collector.hpp"
#include "models/metrics/summary.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::models::metrics;

namespace {

VariantRunMetrics run(const ClusterConfig& config, sim::Time duration) {
  sim::Simulation sim;
  Cluster cluster{sim, config};
  CollectorConfig cc;
  cc.variant = config.variant.name;
  cc.end = duration;
  MetricsCollector collector{sim, cc};
  collector.connect(cluster);
  sim.run_until(duration);
  return collector.finish(sim.now());
}

std::size_t count_reason(const VariantRunMetrics& m, std::string_view reason) {
  return static_cast<std::size_t>(std::count_if(
      m.instances.begin(), m.instances.end(),
      [&](const InstanceLifecycle& l) { return !l.node_vm && l.reason.find(reason) == 0; }));
}

}  // namespace

TEST_CASE("replicas that fit no host are counted as never placed, with the reason, and listed",
          "[metrics][accounting]") {
  testing::ClusterWorld w;
  ClusterConfig c = w.config(PlatformKind::container, 1);
  // 3 x 24 GiB on one 64 GiB host: two fit, the third never does.
  c.services.push_back(w.service("big", sim::Millicores{500}, sim::Bytes::gib(24), 3, 0.01));
  const VariantRunMetrics m = run(c, sim::Time::from_s(120));
  const InstanceAccounting& a = m.instances_accounting;
  CHECK(a.requested == 3);
  CHECK(a.ready == 2);
  CHECK(a.never_placed == 1);
  CHECK(a.never_started == 0);
  REQUIRE(a.reasons.size() == 1);
  CHECK(a.reasons.begin()->first == "no node fits: memory");
  CHECK(a.reasons.begin()->second == 1);
  // The unplaced replica is in the instance list, with no host and the placement's message.
  REQUIRE(m.instances.size() == 3);
  const InstanceLifecycle& never = m.instances.back();
  CHECK(never.service == "big");
  CHECK(never.host.empty());
  CHECK(never.profile == "runc");
  CHECK(never.state == InstanceState::requested);
  CHECK_FALSE(never.ready);
  CHECK(never.reason.find("memory") != std::string::npos);
  // Startup statistics cover the two that started, and the summary says how many did not.
  CHECK(m.startup.total_ms.size() == 2);
  const VariantEstimates e = summarize(std::span{&m, 1});
  CHECK(e.instances_requested.mean == 3);
  CHECK(e.instances_never_placed.mean == 1);
  CHECK(e.instances_not_ready.mean == 1);
  REQUIRE(e.not_ready_reasons.size() == 1);
  CHECK(e.not_ready_reasons[0].instances == 1);
}

TEST_CASE("replicas whose image pull never finishes are counted as never started, with the phase",
          "[metrics][accounting]") {
  testing::ClusterWorld w;
  ClusterConfig c = w.config(PlatformKind::container, 1);
  c.registry.egress = sim::DataRate::bytes_per_second(0);  // nothing ever arrives
  c.services.push_back(w.service("web", sim::Millicores{500}, sim::Bytes::mib(512), 4, 0.01));
  const VariantRunMetrics m = run(c, sim::Time::from_s(60));
  const InstanceAccounting& a = m.instances_accounting;
  CHECK(a.requested == 4);
  CHECK(a.ready == 0);
  CHECK(a.never_started == 4);
  REQUIRE(a.reasons.count("image_pull never finished") == 1);
  CHECK(a.reasons.at("image_pull never finished") == 4);
  CHECK(count_reason(m, "image_pull never finished") == 4);
  CHECK(m.startup.total_ms.empty());
}

TEST_CASE("a replica scaled in before it was placed is counted as cancelled",
          "[metrics][accounting]") {
  testing::ClusterWorld w;
  ClusterConfig c = w.config(PlatformKind::container, 1);
  c.services.push_back(w.service("big", sim::Millicores{500}, sim::Bytes::gib(40), 2, 0.01));
  sim::Simulation sim;
  Cluster cluster{sim, c};
  CollectorConfig cc;
  cc.variant = "runc";
  cc.end = sim::Time::from_s(60);
  MetricsCollector collector{sim, cc};
  collector.connect(cluster);
  sim.schedule_at(sim::Time::from_s(30), [&] { cluster.set_desired(0, 1); });
  sim.run_until(cc.end);
  const VariantRunMetrics m = collector.finish(sim.now());
  const InstanceAccounting& a = m.instances_accounting;
  CHECK(a.requested == 2);
  CHECK(a.ready == 1);
  CHECK(a.cancelled == 1);
  CHECK(a.never_placed == 0);
  CHECK(a.reasons.empty());
  CHECK(count_reason(m, "scaled in before it was placed") == 1);
}

TEST_CASE("startup counts from the request: waiting for a node is the wait_node phase",
          "[metrics][accounting]") {
  testing::ClusterWorld w;
  ClusterConfig c = w.config(PlatformKind::container_in_vm, 2);
  c.variant.initial_nodes = 0;  // every pod waits for the cluster autoscaler to add a node
  c.variant.cluster_autoscaler.enabled = true;
  c.services.push_back(w.service("web", sim::Millicores{500}, sim::Bytes::mib(512), 2, 0.01));
  const VariantRunMetrics m = run(c, sim::Time::from_s(300));
  REQUIRE(m.instances_accounting.ready == 2);
  const PhaseSamples* wait = m.startup.phase("wait_node");
  REQUIRE(wait != nullptr);
  REQUIRE(wait->ms.size() == 2);
  // The node boots for tens of seconds: the pods waited at least the node's startup.
  REQUIRE(m.node_startup.total_ms.size() == 1);
  for (double ms : wait->ms)
    CHECK(ms >= m.node_startup.total_ms[0]);
  // The waits are the first phases (a node pool's control plane first, then the node) and
  // count in the total: requested -> ready.
  const auto is_wait = [](const std::string& name) { return name.starts_with("wait_"); };
  CHECK(is_wait(m.startup.phases.front().name));
  for (std::size_t k = 0; k < 2; ++k)
    CHECK(m.startup.total_ms[k] >= wait->ms[k]);
  for (const InstanceLifecycle& l : m.instances) {
    if (l.node_vm) continue;
    REQUIRE(l.ready);
    CHECK(l.requested == sim::Time::zero());
    REQUIRE(!l.phases.empty());
    CHECK(is_wait(l.phases.front().name));
    CHECK(l.phases.front().start == sim::Time::zero());
    CHECK(std::any_of(l.phases.begin(), l.phases.end(),
                      [](const auto& p) { return p.name == "wait_node"; }));
  }
}

TEST_CASE("a replica placed at once has a zero wait_placement phase first",
          "[metrics][accounting]") {
  testing::ClusterWorld w;
  ClusterConfig c = w.config(PlatformKind::container, 1);
  c.services.push_back(w.service("web", sim::Millicores{500}, sim::Bytes::mib(512), 2, 0.01));
  const VariantRunMetrics m = run(c, sim::Time::from_s(60));
  REQUIRE(!m.startup.phases.empty());
  CHECK(m.startup.phases.front().name == "wait_placement");
  for (double ms : m.startup.phases.front().ms)
    CHECK(ms == 0.0);
}

TEST_CASE("the startup p99 objective is the nearest-rank p99 over every requested instance",
          "[metrics][accounting][slo]") {
  VariantEstimates v;
  for (int k = 1; k <= 100; ++k)
    v.startup_samples_ms.push_back(k * 10.0);
  v.instances_not_ready = Estimate{0, 0, 1};
  SloVerdict met = startup_p99_verdict(v, sim::Time::from_ms(990));
  CHECK(met.objective == "startup_p99");
  CHECK(met.value == 990.0);
  CHECK(met.n == 100);
  CHECK(met.met);
  CHECK_FALSE(startup_p99_verdict(v, sim::Time::from_ms(980)).met);
  // One instance of 101 never ready: the p99 (rank 100) is still a measured one.
  v.instances_not_ready = Estimate{1, 0, 1};
  CHECK(startup_p99_verdict(v, sim::Time::from_ms(1000)).value == 1000.0);
  // Two of 102: the p99 is an instance that never started, and the objective is missed however
  // fast the others were.
  v.instances_not_ready = Estimate{2, 0, 1};
  const SloVerdict missed = startup_p99_verdict(v, sim::Time::from_s(3600));
  CHECK(std::isinf(missed.value));
  CHECK_FALSE(missed.met);
}
