// Taints and tolerations, nodeSelector and node affinity, as the Kubernetes docs describe them
// ("Taints and Tolerations" and "Assigning Pods to Nodes", kubernetes.io/docs/concepts/
// scheduling-eviction/), and the TaintToleration / NodeAffinity scores.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/placement/node_affinity.hpp"
#include "models/placement/policy.hpp"
#include "placement_helpers.hpp"

using namespace vmcsim;
using namespace vmcsim::models::placement;
using sim::Bytes;
using test::cpu_mem;
using test::make_node;
using Effect = Taint::Effect;
using Op = NodeSelectorRequirement::Op;

namespace {

Toleration toleration(std::string key, Toleration::Op op, std::string value,
                      std::optional<Effect> effect) {
  return Toleration{std::move(key), op, std::move(value), effect};
}

PlacementRequest small_pod() {
  PlacementRequest r;
  r.demand = cpu_mem(100, Bytes::mib(128));
  r.service = "web";
  return r;
}

NodeView tainted(std::string id, std::vector<Taint> taints) {
  NodeView n = make_node(std::move(id), 4000, Bytes::gib(8), 0, Bytes{});
  n.taints = std::move(taints);
  return n;
}

}  // namespace

TEST_CASE("a toleration with Equal or Exists tolerates the docs' key1=value1:NoSchedule") {
  const Taint t{"key1", "value1", Effect::no_schedule};
  CHECK(toleration("key1", Toleration::Op::equal, "value1", Effect::no_schedule).tolerates(t));
  CHECK(toleration("key1", Toleration::Op::exists, "", Effect::no_schedule).tolerates(t));
  CHECK_FALSE(
      toleration("key1", Toleration::Op::equal, "value2", Effect::no_schedule).tolerates(t));
  CHECK_FALSE(toleration("key2", Toleration::Op::exists, "", Effect::no_schedule).tolerates(t));
  CHECK_FALSE(toleration("key1", Toleration::Op::exists, "", Effect::no_execute).tolerates(t));
  // An empty key with Exists matches every taint; an empty effect every effect of key1.
  CHECK(toleration("", Toleration::Op::exists, "", std::nullopt).tolerates(t));
  CHECK(toleration("key1", Toleration::Op::exists, "", std::nullopt)
            .tolerates({"key1", "x", Effect::no_execute}));
}

TEST_CASE("the docs' three-taint node: tolerating two of them still keeps the pod off") {
  // kubectl taint nodes node1 key1=value1:NoSchedule key1=value1:NoExecute key2=value2:NoSchedule
  const std::vector<Taint> taints{{"key1", "value1", Effect::no_schedule},
                                  {"key1", "value1", Effect::no_execute},
                                  {"key2", "value2", Effect::no_schedule}};
  PlacementRequest r = small_pod();
  r.tolerations = {toleration("key1", Toleration::Op::equal, "value1", Effect::no_schedule),
                   toleration("key1", Toleration::Op::equal, "value1", Effect::no_execute)};
  const NodeView n = tainted("node1", taints);
  CHECK_FALSE(feasible(r, n));
  REQUIRE(untolerated_taint(n.taints, r.tolerations) != nullptr);
  CHECK(untolerated_taint(n.taints, r.tolerations)->key == "key2");
  CHECK_THAT(explain_unplaceable(r, std::span(&n, 1)).message,
             Catch::Contains("1 by taints") && Catch::Contains("untolerated taint {key2: value2}"));
  r.tolerations.push_back(toleration("key2", Toleration::Op::exists, "", std::nullopt));
  CHECK(feasible(r, n));
}

TEST_CASE("PreferNoSchedule does not filter, but the k8s score avoids it when it can") {
  std::vector<NodeView> nodes{tainted("soft", {{"pool", "a", Effect::prefer_no_schedule}}),
                              tainted("plain", {})};
  const PlacementRequest r = small_pod();
  CHECK(feasible(r, nodes[0]));
  sim::RandomStream s{1, 0, "t"};
  // Default profile: LeastAllocated and BalancedAllocation tie; TaintToleration*3 decides.
  CHECK(make_policy("k8s")->choose(r, nodes, s) == NodeIndex{1});
  // Tolerated, the taint no longer counts: the tie goes to the lowest index.
  PlacementRequest tolerant = r;
  tolerant.tolerations = {toleration("pool", Toleration::Op::equal, "a", std::nullopt)};
  CHECK(make_policy("k8s")->choose(tolerant, nodes, s) == NodeIndex{0});
  // Alone, PreferNoSchedule still admits the pod.
  CHECK(make_policy("k8s")->choose(r, std::span(nodes.data(), 1), s) == NodeIndex{0});
}

TEST_CASE("DefaultNormalizeScore maps raw scores as kube-scheduler's helper does") {
  std::vector<std::int64_t> s{0, 1, 3};
  default_normalize_score(s, true);
  CHECK(s == std::vector<std::int64_t>{100, 67, 0});  // 100 - 100*1/3 = 100 - 33
  std::vector<std::int64_t> w{0, 20, 80};
  default_normalize_score(w, false);
  CHECK(w == std::vector<std::int64_t>{0, 25, 100});
  std::vector<std::int64_t> zero{0, 0};
  default_normalize_score(zero, true);
  CHECK(zero == std::vector<std::int64_t>{100, 100});
}

TEST_CASE("node affinity ORs nodeSelectorTerms and ANDs their expressions") {
  const Labels gpu{{"accelerator", "a100"}, {"zone", "z1"}, {"cores", "64"}};
  const Labels cpu{{"zone", "z2"}, {"cores", "8"}};
  NodeAffinity a;
  a.required = {NodeSelectorTerm{{{"accelerator", Op::exists, {}}, {"zone", Op::in, {"z1", "z3"}}}},
                NodeSelectorTerm{{{"cores", Op::lt, {"16"}}, {"zone", Op::not_in, {"z1"}}}}};
  CHECK(a.required_matches(gpu));
  CHECK(a.required_matches(cpu));
  CHECK_FALSE(a.required_matches({{"zone", "z1"}, {"cores", "8"}}));  // neither term holds
  // Gt / Lt compare integers; a non-integer or absent label fails.
  CHECK(NodeSelectorRequirement{"cores", Op::gt, {"32"}}.matches(gpu));
  CHECK_FALSE(NodeSelectorRequirement{"cores", Op::gt, {"32"}}.matches({{"cores", "many"}}));
  CHECK_FALSE(NodeSelectorRequirement{"cores", Op::lt, {"32"}}.matches({}));
  CHECK(NodeSelectorRequirement{"gpu", Op::does_not_exist, {}}.matches(cpu));
  CHECK(NodeSelectorRequirement{"gpu", Op::not_in, {"x"}}.matches(cpu));
  // An empty term matches no node; nodeSelector must hold as well.
  CHECK_FALSE(NodeSelectorTerm{}.matches(gpu));
  a.node_selector = {{"zone", "z2"}};
  CHECK_FALSE(a.required_matches(gpu));
  CHECK(a.required_matches(cpu));
}

TEST_CASE("required node affinity filters every policy, and preferred terms steer the k8s score") {
  std::vector<NodeView> nodes;
  for (const char* pool : {"shared", "tenant-a", "tenant-b"}) {
    NodeView n = make_node(std::string("n-") + pool, 4000, Bytes::gib(8), 0, Bytes{});
    n.attributes = {{"pool", pool}};
    nodes.push_back(n);
  }
  PlacementRequest r = small_pod();
  r.node_affinity.required = {NodeSelectorTerm{{{"pool", Op::in, {"tenant-a", "tenant-b"}}}}};
  sim::RandomStream s{1, 0, "t"};
  for (const char* spec :
       {"first-fit", "best-fit", "random", "round-robin", "ecs:binpack(cpu)", "k8s"})
    CHECK(make_policy(spec)->choose(r, nodes, s) != NodeIndex{0});
  r.node_affinity.preferred = {{20, NodeSelectorTerm{{{"pool", Op::in, {"tenant-b"}}}}}};
  CHECK(make_policy("k8s")->choose(r, nodes, s) == NodeIndex{2});
  CHECK(make_policy("k8s:LeastAllocated")->choose(r, nodes, s) == NodeIndex{1});
  r.node_affinity.required = {NodeSelectorTerm{{{"pool", Op::in, {"none"}}}}};
  CHECK_THAT(explain_unplaceable(r, nodes).message, Catch::Contains("3 by node affinity"));
}
