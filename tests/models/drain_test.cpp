// Drains that honour the platform's rules: Kubernetes' eviction API against a
// PodDisruptionBudget (refused evictions retried every drain_retry) and the ECS service
// scheduler's minimumHealthyPercent / maximumPercent on a DRAINING container instance.
// Hand-worked: a readiness delay of R makes each replacement count as Ready R + x after it is
// requested, x being its (sub-second, image already or quickly pulled) container start.
#include <algorithm>
#include <optional>

#include <catch2/catch.hpp>

#include "cluster_test_support.hpp"
#include "models/failures/failures.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using sim::Time;

namespace {

// Three (or `replicas`) runc containers bin-packed on h0 of two hosts, each Ready `readiness`
// after its container started.
ClusterConfig packed(const testing::ClusterWorld& w, int replicas, Time readiness) {
  ClusterConfig c = w.config(PlatformKind::container, 2);
  c.variant.placement = "k8s:MostAllocated";
  c.services.push_back(
      w.service("web", sim::Millicores{500}, sim::Bytes::mib(256), replicas, 0.01));
  c.services[0].readiness_delay = readiness;
  return c;
}

// The lowest running count of service 0 seen from `from` on, sampled every 100 ms and after
// every instance state change.
struct MinRunning {
  MinRunning(sim::Simulation& sim, Cluster& cluster) : sim_(sim), cluster_(cluster) {
    cluster.runtime().on_state_change.connect([this](const Instance&) { sample(); });
    tick();
  }
  ~MinRunning() { sim_.cancel(next_); }
  void start() { lowest = cluster_.running(0); }
  std::optional<int> lowest;

 private:
  void sample() {
    if (lowest) lowest = std::min(*lowest, cluster_.running(0));
  }
  void tick() {
    sample();
    next_ = sim_.schedule_in(Time::from_ms(100), [this] { tick(); });
  }
  sim::Simulation& sim_;
  Cluster& cluster_;
  sim::EventId next_;
};

Cluster::DrainPolicy budget_policy(int min_available) {
  Cluster::DrainPolicy p;
  p.kind = Cluster::DrainPolicy::Kind::disruption_budget;
  p.retry = Time::from_s(5);  // kubectl drain's retry (models/catalog/detection.yaml)
  failures::DisruptionBudget b;
  b.kind = failures::DisruptionBudget::Kind::min_available;
  b.value = min_available;
  p.budgets.push_back(b);
  return p;
}

}  // namespace

TEST_CASE(
    "a drain under a PodDisruptionBudget evicts one pod at a time, each after the previous "
    "replacement is Ready, and counts the refused evictions") {
  testing::ClusterWorld w;
  sim::Simulation sim;
  Cluster cluster{sim, packed(w, 3, Time::from_s(60))};
  cluster.set_drain_policy(budget_policy(2));
  std::optional<Cluster::DrainResult> done;
  cluster.on_drain_done.connect([&](const Cluster::DrainResult& r) { done = r; });
  MinRunning min{sim, cluster};
  sim.run_until(Time::from_s(100));
  REQUIRE(cluster.running(0) == 3);
  REQUIRE(cluster.runtime().hosts()[0]->live_instances() == 3);
  const Time t0 = sim.now();
  min.start();
  cluster.drain_host(0);
  // t0: pod A evicted, B and C refused (2). A's replacement is Ready at t0 + 60 + x (x < 5 s):
  // the retries at t0 + 5 .. t0 + 60 refuse B and C (12 x 2); at t0 + 65 B goes, C is refused
  // (1); B's replacement is Ready at t0 + 125 + x: the retries at t0 + 70 .. t0 + 125 refuse C
  // (12); at t0 + 130 C goes. 2 + 24 + 1 + 12 = 39.
  sim.run_until(t0 + Time::from_s(64));
  CHECK(cluster.runtime().hosts()[0]->live_instances() == 2);  // B and C wait for A's successor
  sim.run_until(t0 + Time::from_s(129));
  CHECK(cluster.runtime().hosts()[0]->live_instances() == 1);
  sim.run_until(t0 + Time::from_s(300));
  REQUIRE(done);
  CHECK(done->refused == 39);
  CHECK(done->bypassed == 0);
  CHECK(done->started == t0);
  CHECK(done->emptied >= t0 + Time::from_s(130));
  CHECK(done->emptied < t0 + Time::from_s(135));
  REQUIRE(min.lowest);
  CHECK(*min.lowest == 2);  // never below the budget
  CHECK(cluster.running(0) == 3);
  CHECK(cluster.runtime().hosts()[0]->live_instances() == 0);
}

TEST_CASE("a drain without a disruption budget evicts every pod at once and refuses none") {
  testing::ClusterWorld w;
  sim::Simulation sim;
  Cluster cluster{sim, packed(w, 3, Time::from_s(60))};
  cluster.set_drain_policy(budget_policy(0));
  std::optional<Cluster::DrainResult> done;
  cluster.on_drain_done.connect([&](const Cluster::DrainResult& r) { done = r; });
  sim.run_until(Time::from_s(100));
  REQUIRE(cluster.running(0) == 3);
  cluster.drain_host(0);
  CHECK(cluster.running(0) == 0);  // all three evicted, their successors not Ready yet
  sim.run_until(Time::from_s(200));
  REQUIRE(done);
  CHECK(done->refused == 0);
  CHECK(done->emptied < Time::from_s(105));
}

TEST_CASE(
    "a Spot deadline kills the pods a disruption budget still holds on the host and counts them "
    "as bypassing it") {
  testing::ClusterWorld w;
  sim::Simulation sim;
  Cluster cluster{sim, packed(w, 3, Time::from_s(60))};
  cluster.set_drain_policy(budget_policy(2));
  std::optional<Cluster::DrainResult> done;
  cluster.on_drain_done.connect([&](const Cluster::DrainResult& r) { done = r; });
  sim.run_until(Time::from_s(100));
  REQUIRE(cluster.running(0) == 3);
  cluster.drain_host(0);  // the notice
  sim.run_until(Time::from_s(218));
  CHECK(!done);
  cluster.fail_host(0, "spot interruption");  // 118 s later, between two retries: C is there
  REQUIRE(done);
  CHECK(done->bypassed == 1);
  CHECK(done->emptied == Time::from_s(218));
  // Refused by then: 2 + 24 at t0 .. t0 + 60, then C alone at t0 + 65 .. t0 + 115 (11).
  CHECK(done->refused == 37);
  CHECK(cluster.instances_on_failed_hosts() == 0);
}

namespace {

struct EcsDrain {
  int lowest_running = 0;
  Time drain_duration;
  Time all_replaced;  // drain start until 4 tasks run off the drained host
};

// 4 tasks on h0, readiness 30 s, drained under minimumHealthyPercent / maximumPercent.
EcsDrain drain_ecs(double min_pct, double max_pct) {
  testing::ClusterWorld w;
  sim::Simulation sim;
  Cluster cluster{sim, packed(w, 4, Time::from_s(30))};
  Cluster::DrainPolicy p;
  p.kind = Cluster::DrainPolicy::Kind::ecs_deployment;
  p.deployment.emplace_back(min_pct, max_pct);
  cluster.set_drain_policy(p);
  std::optional<Cluster::DrainResult> done;
  cluster.on_drain_done.connect([&](const Cluster::DrainResult& r) { done = r; });
  MinRunning min{sim, cluster};
  std::optional<Time> replaced;
  const Node& h0 = *cluster.runtime().hosts()[0];
  sim.run_until(Time::from_s(100));
  REQUIRE(cluster.running(0) == 4);
  REQUIRE(h0.live_instances() == 4);
  const Time t0 = sim.now();
  min.start();
  cluster.drain_host(0);
  // Running counts change when a readiness delay ends, not with an instance state: poll.
  for (Time t = t0; t < t0 + Time::from_s(200); t = t + Time::from_ms(100)) {
    sim.run_until(t);
    if (!replaced && done && cluster.running(0) == 4 && h0.live_instances() == 0) replaced = t;
  }
  REQUIRE(done);
  REQUIRE(replaced);
  REQUIRE(min.lowest);
  return {*min.lowest, done->emptied - t0, *replaced - t0};
}

}  // namespace

TEST_CASE(
    "ECS drains 100/200 by starting all replacements first and 50/100 by stopping half at "
    "once") {
  // 100/200: 4 replacements start at once (8 <= 200% of 4); no old task stops before one is
  // running, so never fewer than 4 run; the last old task stops once the last replacement runs
  // (30 s + x). 50/100: no room above 4, so 2 old tasks stop at once (2 >= 50% of 4) and 2
  // replacements start; when those run (30 s + x) the 2 others stop and their replacements
  // start, running at 2 x (30 s + x).
  const EcsDrain wide = drain_ecs(100, 200);
  CHECK(wide.lowest_running == 4);
  CHECK(wide.drain_duration >= Time::from_s(30));
  CHECK(wide.drain_duration < Time::from_s(35));
  CHECK(wide.all_replaced >= Time::from_s(30));
  CHECK(wide.all_replaced < Time::from_s(35));
  const EcsDrain tight = drain_ecs(50, 100);
  CHECK(tight.lowest_running == 2);
  CHECK(tight.drain_duration >= Time::from_s(30));
  CHECK(tight.drain_duration < Time::from_s(35));
  CHECK(tight.all_replaced >= Time::from_s(60));
  CHECK(tight.all_replaced < Time::from_s(70));
}
