#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/placement/node_index.hpp"
#include "models/placement/policy.hpp"
#include "placement_helpers.hpp"

using namespace vmcsim;
using namespace vmcsim::models::placement;
using sim::Bytes;
using test::cpu_mem;
using test::make_node;

namespace {

// A random cluster in which ties are common: few node shapes, allocations in coarse steps, a
// few services, zones, a GPU dimension on some nodes and a task limit that some nodes reach.
std::vector<NodeView> random_cluster(sim::RandomStream& rng, std::size_t n) {
  std::vector<NodeView> nodes;
  const std::int64_t cores[] = {4, 8, 16};
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t c = cores[rng.below(3)];
    NodeView v = make_node(fmt::format("n{}", i), c * 1000, Bytes::gib(4 * c), 0, Bytes{});
    if (rng.below(4) == 0) v.capacity.gpu_milli = 2000;
    v.attributes["zone"] = fmt::format("z{}", rng.below(3));
    v.max_tasks = 6;
    nodes.push_back(std::move(v));
  }
  return nodes;
}

PlacementRequest random_request(sim::RandomStream& rng) {
  PlacementRequest r;
  r.demand = cpu_mem(500 * static_cast<std::int64_t>(1 + rng.below(8)),
                     Bytes::gib(static_cast<std::int64_t>(1 + rng.below(12))));
  if (rng.below(5) == 0) r.demand.gpu_milli = 500;
  r.service = fmt::format("s{}", rng.below(3));
  if (rng.below(6) == 0) r.distinct_instance = true;
  if (rng.below(8) == 0) r.member_of.push_back(ClusterQuery::parse("attribute:zone != z1"));
  return r;
}

// Places and removes random requests on two copies of a cluster, one tracked by the policy
// under test and one only scanned (a fresh policy of the same spec every decision would lose
// round-robin's and k8s' memory, so the scanned twin is a second instance fed the same calls).
// Every decision of the tracked policy must equal the scanning one's.
void check_same_choices(const std::string& spec, std::uint64_t seed, std::size_t n) {
  sim::RandomStream rng{seed, 0, "test/placement-index"};
  std::vector<NodeView> nodes = random_cluster(rng, n);
  auto indexed = make_policy(spec);
  auto scanned = make_policy(spec);
  indexed->track(nodes);
  std::vector<std::pair<NodeIndex, PlacementRequest>> placed;
  sim::RandomStream s1{seed, 1, "ties"}, s2{seed, 1, "ties"};
  for (int step = 0; step < 300; ++step) {
    if (!placed.empty() && rng.below(3) == 0) {
      const std::size_t k = rng.below(placed.size());
      const auto [node, request] = placed[k];
      placed.erase(placed.begin() + static_cast<std::ptrdiff_t>(k));
      nodes[node].remove(request);
      indexed->node_changed(nodes, node);
      continue;
    }
    const PlacementRequest r = random_request(rng);
    // A copy of the views is a different span: the scanning twin never sees the index.
    const std::vector<NodeView> copy = nodes;
    const auto a = indexed->choose(r, nodes, s1);
    const auto b = scanned->choose(r, copy, s2);
    INFO(spec << " seed " << seed << " step " << step);
    REQUIRE(a == b);
    if (a) {
      nodes[*a].add(r);
      indexed->node_changed(nodes, *a);
      placed.emplace_back(*a, r);
    }
  }
}

}  // namespace

TEST_CASE("every indexed policy chooses the node the full scan chooses, on random clusters",
          "[placement][index]") {
  const char* specs[] = {"first-fit",
                         "best-fit",
                         "worst-fit",
                         "round-robin",
                         "tetris",
                         "random",
                         "ecs:binpack(memory)",
                         "ecs:binpack(cpu),spread(attribute:zone)",
                         "ecs:spread(attribute:zone),binpack(memory)",
                         "k8s:LeastAllocated",
                         "k8s:MostAllocated,percentageOfNodesToScore=30",
                         "k8s"};
  for (const char* spec : specs)
    for (std::uint64_t seed = 1; seed <= 6; ++seed)
      check_same_choices(spec, seed, seed % 2 == 0 ? 40 : 150);
}

TEST_CASE("the fit tree finds the lowest node from a start where a demand fits every dimension",
          "[placement][index]") {
  sim::RandomStream rng{9, 0, "test/fit-tree"};
  for (int round = 0; round < 20; ++round) {
    std::vector<NodeView> nodes = random_cluster(rng, 1 + rng.below(70));
    for (NodeView& v : nodes) {
      v.allocated = cpu_mem(static_cast<std::int64_t>(rng.below(9)) * 500,
                            Bytes::gib(static_cast<std::int64_t>(rng.below(20))));
      v.tasks = static_cast<int>(rng.below(7));
    }
    FitTree tree;
    tree.assign(nodes);
    for (int q = 0; q < 30; ++q) {
      // Change one node, then ask from a random start.
      NodeView& changed = nodes[rng.below(nodes.size())];
      changed.allocated.cpu = sim::Millicores{static_cast<std::int64_t>(rng.below(9)) * 500};
      tree.update(static_cast<NodeIndex>(&changed - nodes.data()), changed);
      const PlacementRequest r = random_request(rng);
      const NodeIndex from = rng.below(nodes.size());
      std::optional<NodeIndex> expected;
      for (NodeIndex i = from; i < nodes.size() && !expected; ++i)
        if (r.demand.fits_in(nodes[i].free()) && nodes[i].tasks < nodes[i].max_tasks) expected = i;
      CHECK(tree.first_fit(r.demand, from) == expected);
    }
  }
}

TEST_CASE("percentageOfNodesToScore follows kube-scheduler's numFeasibleNodesToFind",
          "[placement][k8s][index]") {
  // Below 100 nodes every node; the adaptive default 50 - n/125 percent, at least 5 %, and
  // never fewer than 100 nodes.
  CHECK(num_feasible_nodes_to_find(0, 99) == 99u);
  CHECK(num_feasible_nodes_to_find(0, 100) == 100u);    // 50 % of 100 = 50 -> at least 100
  CHECK(num_feasible_nodes_to_find(0, 500) == 230u);    // 50 - 4 = 46 %
  CHECK(num_feasible_nodes_to_find(0, 1000) == 420u);   // 50 - 8 = 42 %
  CHECK(num_feasible_nodes_to_find(0, 5000) == 500u);   // 50 - 40 = 10 %
  CHECK(num_feasible_nodes_to_find(0, 10000) == 500u);  // 50 - 80 < 5 -> 5 %
  CHECK(num_feasible_nodes_to_find(0, 6000) == 300u);   // 50 - 48 = 2 -> 5 %
  // A set percentage, with the same floor of 100 nodes; 100 or more: every node.
  CHECK(num_feasible_nodes_to_find(30, 1000) == 300u);
  CHECK(num_feasible_nodes_to_find(5, 1000) == 100u);
  CHECK(num_feasible_nodes_to_find(100, 1000) == 1000u);
  CHECK(num_feasible_nodes_to_find(150, 1000) == 1000u);
}

TEST_CASE("a k8s policy scores only the sample and starts the next search where it stopped",
          "[placement][k8s][index]") {
  // 200 equal empty nodes: the adaptive default looks for 100 feasible nodes. Node 150 is the
  // only one with room left for nothing: LeastAllocated ties everywhere else, so the choice is
  // the lowest index of the sample.
  std::vector<NodeView> nodes;
  for (int i = 0; i < 200; ++i)
    nodes.push_back(make_node(fmt::format("n{}", i), 4000, Bytes::gib(8), 0, Bytes{}));
  nodes[150].allocated.cpu = sim::Millicores{4000};
  PlacementRequest pod;
  pod.demand = cpu_mem(1000, Bytes::gib(1));
  pod.service = "web";
  sim::RandomStream rng{1};
  auto sampled = make_policy("k8s:LeastAllocated");
  // 1st search: nodes 0..99 (100 examined), lowest index 0.
  CHECK(sampled->choose(pod, nodes, rng) == 0u);
  // 2nd: from 100, node 150 is not feasible: 100..199 give 99, then 0 wraps in; 101 examined.
  CHECK(sampled->choose(pod, nodes, rng) == 0u);
  // 3rd: from (100 + 101) % 200 = 1: nodes 1..100 -> lowest 1.
  CHECK(sampled->choose(pod, nodes, rng) == 1u);
  // Full scoring keeps choosing the lowest index of all feasible nodes.
  auto full = make_policy("k8s:LeastAllocated,percentageOfNodesToScore=100");
  for (int k = 0; k < 3; ++k)
    CHECK(full->choose(pod, nodes, rng) == 0u);
}

TEST_CASE("a bad percentageOfNodesToScore is an error naming the spec", "[placement][k8s]") {
  CHECK_THROWS_WITH(make_policy("k8s:LeastAllocated,percentageOfNodesToScore=x"),
                    Catch::Contains("percentageOfNodesToScore must be a whole number"));
}
