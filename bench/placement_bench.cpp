// Placement decision cost: one choose() over N nodes, for each policy family, two ways:
//   scan     the policy is not told to track the nodes: every decision looks at every node
//            (the full scan, and what every policy did before node_index.hpp);
//   indexed  the policy tracks the nodes (PlacementPolicy::track) and uses its index.
// Both give the same choice (tests/models/placement_index_test.cpp). For k8s, "scan" is exact
// full scoring (percentageOfNodesToScore=100, the old behaviour) and "indexed" is the
// Kubernetes default (adaptive percentageOfNodesToScore) with the feasibility search on the
// index: a different, sampled, choice, as kube-scheduler makes it.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "models/placement/policy.hpp"

using namespace vmcsim;
using namespace vmcsim::models::placement;

namespace {

std::vector<NodeView> cluster(std::size_t n) {
  std::vector<NodeView> nodes(n);
  sim::RandomStream rng{1, 0, "bench/placement"};
  for (std::size_t i = 0; i < n; ++i) {
    NodeView& v = nodes[i];
    v.id = v.name = "i-" + std::to_string(i);
    v.capacity.cpu = sim::Millicores::cores(16);
    v.capacity.memory = sim::Bytes::gib(64);
    v.allocated.cpu = sim::Millicores{static_cast<std::int64_t>(rng.below(15000))};
    v.allocated.memory = sim::Bytes::mib(static_cast<std::int64_t>(rng.below(60000)));
    v.attributes["ecs.availability-zone"] = "zone-" + std::to_string(i % 3);
    v.tasks = static_cast<int>(rng.below(40));
    v.tasks_by_service["web"] = static_cast<int>(rng.below(3));
  }
  return nodes;
}

// The same nodes each running pods of two services (labels app=web and app=db), for the
// inter-pod terms.
std::vector<NodeView> labelled_cluster(std::size_t n) {
  auto nodes = cluster(n);
  PlacementRequest web, db;
  web.labels = {{"app", "web"}};
  db.labels = {{"app", "db"}};
  for (NodeView& v : nodes) {
    v.attributes = node_attributes(v.id, {{"zone", v.attributes["ecs.availability-zone"]}});
    v.record_running(web, v.tasks_by_service["web"]);
    v.record_running(db, 3);
  }
  return nodes;
}

void bm_choose(benchmark::State& state, const char* spec, bool tracked) {
  const auto nodes = cluster(static_cast<std::size_t>(state.range(0)));
  auto policy = make_policy(spec);
  if (tracked) policy->track(nodes);
  sim::RandomStream rng{2};
  PlacementRequest r;
  r.demand.cpu = sim::Millicores{500};
  r.demand.memory = sim::Bytes::mib(1024);
  r.service = "web";
  for (auto _ : state)
    benchmark::DoNotOptimize(policy->choose(r, nodes, rng));
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

#define VMCSIM_BOTH(name, scan_spec, indexed_spec)                                              \
  BENCHMARK_CAPTURE(bm_choose, name##_scan, scan_spec, false)->Arg(100)->Arg(1000)->Arg(10000); \
  BENCHMARK_CAPTURE(bm_choose, name##_indexed, indexed_spec, true)->Arg(100)->Arg(1000)->Arg(10000)

VMCSIM_BOTH(first_fit, "first-fit", "first-fit");
VMCSIM_BOTH(best_fit, "best-fit", "best-fit");
VMCSIM_BOTH(worst_fit, "worst-fit", "worst-fit");
VMCSIM_BOTH(round_robin, "round-robin", "round-robin");
VMCSIM_BOTH(tetris, "tetris", "tetris");
VMCSIM_BOTH(ecs_binpack_memory, "ecs:binpack(memory)", "ecs:binpack(memory)");
VMCSIM_BOTH(ecs_spread_binpack, "ecs:spread(attribute:ecs.availability-zone),binpack(memory)",
            "ecs:spread(attribute:ecs.availability-zone),binpack(memory)");
VMCSIM_BOTH(k8s_default, "k8s:percentageOfNodesToScore=100", "k8s");

// k8s with a preferred zone anti-affinity, a required hostname anti-affinity and a
// ScheduleAnyway zone spread: the per-decision domain counts plus the lookups per node.
void bm_choose_inter_pod(benchmark::State& state) {
  const auto nodes = labelled_cluster(static_cast<std::size_t>(state.range(0)));
  auto policy = make_policy("k8s");
  sim::RandomStream rng{2};
  PlacementRequest r;
  r.demand.cpu = sim::Millicores{500};
  r.demand.memory = sim::Bytes::mib(1024);
  r.service = "web";
  r.labels = {{"app", "web"}};
  PodAffinityTerm zone;
  zone.selector.match_labels = {{"app", "db"}};
  zone.topology_key = std::string(kZoneKey);
  zone.required = false;
  zone.weight = 10;
  PodAffinityTerm host = zone;
  host.topology_key = std::string(kHostnameKey);
  host.required = true;
  host.selector.match_labels = {{"app", "cache"}};
  r.anti_affinity = {zone, host};
  r.topology_spread.push_back({1, std::string(kZoneKey), false, {{{"app", "web"}}, {}}});
  for (auto _ : state)
    benchmark::DoNotOptimize(policy->choose(r, nodes, rng));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(bm_choose_inter_pod)->Arg(100)->Arg(10000);

BENCHMARK_MAIN();
