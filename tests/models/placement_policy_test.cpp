#include <catch2/catch.hpp>

#include <vector>

#include "models/placement/policy.hpp"
#include "placement_helpers.hpp"
#include "sim/parse_error.hpp"

using namespace vmcsim;
using namespace vmcsim::models::placement;
using sim::Bytes;
using test::cpu_mem;
using test::make_node;

namespace {
sim::RandomStream stream() {
  return sim::RandomStream{42, 0, "test/placement"};
}

std::optional<NodeIndex> choose(std::string_view spec, const PlacementRequest& r,
                                const std::vector<NodeView>& nodes) {
  auto rng = stream();
  return make_policy(spec)->choose(r, nodes, rng);
}

// Two nodes of 4 CPU / 8 GiB: A has 1 CPU and 2 GiB allocated, B 3 CPU and 1 GiB.
std::vector<NodeView> k8s_nodes() {
  return {make_node("A", 4000, Bytes::gib(8), 1000, Bytes::gib(2)),
          make_node("B", 4000, Bytes::gib(8), 3000, Bytes::gib(1))};
}
PlacementRequest pod_1cpu_1gib() {
  return test::labelled(cpu_mem(1000, Bytes::gib(1)), "web");
}
}  // namespace

TEST_CASE("each Kubernetes score plugin gives the scores computed by hand", "[placement][k8s]") {
  const auto nodes = k8s_nodes();
  const auto pod = pod_1cpu_1gib();
  struct Case {
    const char* plugin;
    std::int64_t a, b;
    NodeIndex winner;
  };
  const Case cases[] = {
      // A: requested cpu 2000 of 4000 -> (4000-2000)*100/4000 = 50; memory 3 of 8 GiB ->
      //    (8-3)*100/8 = 62 (integer); (50 + 62) / 2 = 56.
      // B: cpu 4000 of 4000 -> 0; memory 2 of 8 -> 75; (0 + 75) / 2 = 37.
      {"LeastAllocated", 56, 37, 0},
      // A: cpu 2000*100/4000 = 50, memory 3*100/8 = 37 -> 43.  B: 100 and 25 -> 62.
      {"MostAllocated", 43, 62, 1},
      // A: fractions 0.5 and 0.375: std = 0.0625, (1 - 0.0625) * 100 = 93.75 -> 93.
      // B: 1.0 and 0.25: std = 0.375 -> 62.
      {"BalancedAllocation", 93, 62, 0},
      // Default shape (0,0)-(100,10), scores x10. A: cpu 50% -> 50, memory 37% -> 37,
      // round(87 / 2) = 44. B: 100 and 25 -> round(62.5) = 63.
      {"RequestedToCapacityRatio", 44, 63, 1},
  };
  for (const Case& c : cases) {
    INFO(c.plugin);
    CHECK(k8s_score(c.plugin, pod, nodes[0]) == c.a);
    CHECK(k8s_score(c.plugin, pod, nodes[1]) == c.b);
    CHECK(choose(std::string("k8s:") + c.plugin, pod, nodes) == c.winner);
  }
}

TEST_CASE("a BestEffort pod fits with zero requests and is scored at kube-scheduler's defaults",
          "[placement][k8s]") {
  // A node with exactly nothing free: a pod requesting nothing still fits (fitting uses the real
  // zero request), as Kubernetes runs BestEffort pods on full nodes.
  const std::vector<NodeView> full{make_node("F", 4000, Bytes::gib(8), 4000, Bytes::gib(8))};
  const auto best_effort = test::labelled(cpu_mem(0, Bytes{}), "web");
  CHECK(choose("k8s:LeastAllocated", best_effort, full) == NodeIndex{0});
  // Scoring counts it as 100m and 200MiB: on an empty 1 CPU / 1 GiB node LeastAllocated gives
  // cpu (1000-100)*100/1000 = 90, memory (1024-200)*100/1024 = 80 -> 85 (not 100).
  const auto empty = make_node("E", 1000, Bytes::gib(1), 0, Bytes{});
  CHECK(k8s_score("LeastAllocated", best_effort, empty) == 85);
  CHECK(k8s_score("MostAllocated", best_effort, empty) == 14);  // (10 + 19) / 2
  // BalancedAllocation scores the real requests: 0 and 0, perfectly balanced.
  CHECK(k8s_score("BalancedAllocation", best_effort, empty) == 100);
  // Running BestEffort pods count at the defaults too (NonZeroRequested): two of them on the
  // empty node leave cpu (1000-300)*100/1000 = 70, memory (1024-600)*100/1024 = 41 -> 55.
  NodeView busy = empty;
  busy.add(best_effort);
  busy.add(best_effort);
  CHECK(busy.allocated == ResourceVector{});
  CHECK(k8s_score("LeastAllocated", best_effort, busy) == 55);
  busy.remove(best_effort);
  busy.remove(best_effort);
  CHECK(busy.scoring_defaults == ResourceVector{});
  // An explicit request is never replaced by the default.
  CHECK(k8s_score("LeastAllocated", test::labelled(cpu_mem(500, Bytes::mib(512)), "w"), empty) ==
        50);
}

TEST_CASE("Kubernetes RequestedToCapacityRatio follows the piecewise-linear shape",
          "[placement][k8s]") {
  const auto nodes = k8s_nodes();
  const auto pod = pod_1cpu_1gib();
  // A spreading shape (0,10)-(100,0): A: 50 and 63 (100 - 37) -> round(56.5) = 57;
  // B: 0 and 75 -> round(37.5) = 38.
  PolicyOptions spread;
  spread.shape = {{0, 10}, {100, 0}};
  CHECK(k8s_score("RequestedToCapacityRatio", pod, nodes[0], spread) == 57);
  CHECK(k8s_score("RequestedToCapacityRatio", pod, nodes[1], spread) == 38);
  // A three-point shape: 0..50% flat at 0, then up to 10 at 100%: A cpu 50 -> 0, memory 37 ->
  // 0; B cpu 100 -> 100, memory 25 -> 0 -> 50.
  PolicyOptions knee;
  knee.shape = {{0, 0}, {50, 0}, {100, 10}};
  CHECK(k8s_score("RequestedToCapacityRatio", pod, nodes[0], knee) == 0);
  CHECK(k8s_score("RequestedToCapacityRatio", pod, nodes[1], knee) == 50);
}

TEST_CASE("Kubernetes resource weights change the per-resource average", "[placement][k8s]") {
  const auto nodes = k8s_nodes();
  PolicyOptions memory_heavy;
  memory_heavy.resources = {{Dimension::cpu, 1}, {Dimension::memory, 3}};
  // A: (50*1 + 62*3) / 4 = 236 / 4 = 59.  B: (0 + 75*3) / 4 = 56.
  CHECK(k8s_score("LeastAllocated", pod_1cpu_1gib(), nodes[0], memory_heavy) == 59);
  CHECK(k8s_score("LeastAllocated", pod_1cpu_1gib(), nodes[1], memory_heavy) == 56);
}

TEST_CASE("Kubernetes plugin weights decide between conflicting plugins", "[placement][k8s]") {
  const auto nodes = k8s_nodes();
  const auto pod = pod_1cpu_1gib();
  // Most*1 + Balanced*1: A 43 + 93 = 136, B 62 + 62 = 124 -> A.
  CHECK(choose("k8s:MostAllocated,BalancedAllocation", pod, nodes) == 0u);
  // Most*3 + Balanced*1: A 129 + 93 = 222, B 186 + 62 = 248 -> B.
  CHECK(choose("k8s:MostAllocated*3,BalancedAllocation", pod, nodes) == 1u);
}

TEST_CASE("Kubernetes filters nodes at max pods and by required anti-affinity",
          "[placement][k8s]") {
  auto nodes = k8s_nodes();
  auto pod = pod_1cpu_1gib();
  nodes[0].tasks = 110;  // the default limit
  CHECK(choose("k8s", pod, nodes) == 1u);
  nodes[0].tasks = 0;
  const auto web = test::labelled({}, "web", {{"app", "web"}});
  nodes[0].record_running(web, 1);
  pod.anti_affinity.push_back(test::term(kHostnameKey, {{"app", "web"}}));
  CHECK(choose("k8s:LeastAllocated", pod, nodes) == 1u);
  nodes[1].record_running(web, 1);
  CHECK_FALSE(choose("k8s:LeastAllocated", pod, nodes).has_value());
  auto rng = stream();
  const auto out = make_policy("k8s")->place(pod, nodes, rng);
  REQUIRE(out.reason);
  CHECK(out.reason->dimension == "constraints");
  CHECK(out.reason->message == "all 2 nodes rejected: 2 by anti-affinity");
}

TEST_CASE("Kubernetes preferred anti-affinity outweighs resource scores by its weight",
          "[placement][k8s]") {
  // Two identical empty nodes; node 0 already runs a pod labelled app=web.
  std::vector<NodeView> nodes{make_node("n0", 4000, Bytes::gib(8), 0, Bytes{}),
                              make_node("n1", 4000, Bytes::gib(8), 0, Bytes{})};
  // (record_running counts the pod for inter-pod terms, not its resources; one requesting
  // nothing would count at kube-scheduler's non-zero defaults and break the tie.)
  nodes[0].record_running(test::labelled(cpu_mem(1000, Bytes::gib(1)), "web", {{"app", "web"}}), 1);
  auto pod = pod_1cpu_1gib();
  // Without anti-affinity the tie goes to the lowest index.
  CHECK(choose("k8s", pod, nodes) == 0u);
  // Preferred: raw scores -100 (n0) and 0 (n1), normalised to 0 and 100; x2 -> n1.
  pod.anti_affinity.push_back(test::term(kHostnameKey, {{"app", "web"}}, 100));
  CHECK(choose("k8s", pod, nodes) == 1u);
}

TEST_CASE("first, best and worst fit and Tetris pick the nodes computed by hand", "[placement]") {
  // Both 4 CPU / 8 GiB. n0 free 3000m / 1 GiB; n1 free 1000m / 6 GiB. Demand 500m / 1 GiB.
  std::vector<NodeView> nodes{make_node("n0", 4000, Bytes::gib(8), 1000, Bytes::gib(7)),
                              make_node("n1", 4000, Bytes::gib(8), 3000, Bytes::gib(2))};
  const PlacementRequest r = test::labelled(cpu_mem(500, Bytes::gib(1)), "s");
  CHECK(choose("first-fit", r, nodes) == 0u);
  // Left after placing: n0 2500/4000 + 0/8 = 0.625; n1 500/4000 + 5/8 = 0.75.
  CHECK(choose("best-fit", r, nodes) == 0u);
  CHECK(choose("worst-fit", r, nodes) == 1u);
  // Tetris: n0 (500/4000)(3000/4000) + (1/8)(1/8) = 0.109375; n1 0.125*0.25 + 0.125*0.75 = 0.125.
  CHECK(choose("tetris", r, nodes) == 1u);
}

TEST_CASE("round-robin cycles over the feasible nodes and random stays among them", "[placement]") {
  std::vector<NodeView> nodes{make_node("n0", 1000, Bytes::gib(1), 0, Bytes{}),
                              make_node("n1", 1000, Bytes::gib(1), 1000, Bytes{}),
                              make_node("n2", 1000, Bytes::gib(1), 0, Bytes{})};
  const PlacementRequest r = test::labelled(cpu_mem(100, Bytes::mib(1)), "s");
  auto rr = make_policy("round-robin");
  auto rng = stream();
  CHECK(rr->choose(r, nodes, rng) == 0u);
  CHECK(rr->choose(r, nodes, rng) == 2u);  // n1 is full
  CHECK(rr->choose(r, nodes, rng) == 0u);
  auto random = make_policy("random");
  int hits[3] = {0, 0, 0};
  for (int i = 0; i < 400; ++i)
    ++hits[*random->choose(r, nodes, rng)];
  CHECK(hits[1] == 0);
  CHECK(hits[0] > 150);
  CHECK(hits[2] > 150);
}

TEST_CASE("an unplaceable request names the short dimension and the largest free node",
          "[placement]") {
  std::vector<NodeView> nodes{
      make_node("node-1", 4000, Bytes::gib(8), 0, Bytes::gib(7)),
      make_node("node-3", 4000, Bytes::gib(8), 0, Bytes::from_gib(6.5)),
  };
  const PlacementRequest r = test::labelled(cpu_mem(1000, Bytes::gib(2)), "s");
  auto rng = stream();
  const auto out = make_policy("best-fit")->place(r, nodes, rng);
  REQUIRE_FALSE(out.node);
  REQUIRE(out.reason);
  CHECK(out.reason->dimension == "memory");
  CHECK(out.reason->message == "memory: needs 2GiB, largest free 1.5GiB on node-3");
  // cpu fits on n0 only, memory on n1 only: the combination is what fails.
  nodes = {make_node("a", 4000, Bytes::gib(8), 0, Bytes::gib(8)),
           make_node("b", 4000, Bytes::gib(8), 4000, Bytes{})};
  CHECK(explain_unplaceable(r, nodes).dimension == "combination");
}

namespace {
// Four instances in two zones; the service already runs one task on i-0 (zone a).
std::vector<NodeView> ecs_nodes() {
  std::vector<NodeView> n{make_node("i-0", 2048, Bytes::gib(4), 0, Bytes::gib(1)),
                          make_node("i-1", 2048, Bytes::gib(4), 0, Bytes{}),
                          make_node("i-2", 2048, Bytes::gib(4), 0, Bytes::gib(1)),
                          make_node("i-3", 2048, Bytes::gib(4), 0, Bytes::gib(2))};
  const char* zones[] = {"us-east-1a", "us-east-1a", "us-east-1b", "us-east-1b"};
  for (std::size_t i = 0; i < n.size(); ++i) {
    n[i].attributes["ecs.availability-zone"] = zones[i];
    n[i].attributes["ecs.instance-type"] = i < 2 ? "t3.medium" : "m5.large";
  }
  n[0].tasks = 1;
  n[0].tasks_by_service["web"] = 1;
  return n;
}
}  // namespace

TEST_CASE("ECS spread then binpack narrows to the fullest instance of the emptiest zone",
          "[placement][ecs]") {
  const auto nodes = ecs_nodes();
  const PlacementRequest r = test::labelled(cpu_mem(256, Bytes::mib(512)), "web");
  // spread(zone): zone a has 1 web task, zone b none -> {i-2, i-3}; binpack(memory): i-3 has
  // 2 GiB free, i-2 3 GiB -> i-3.
  CHECK(choose("ecs:spread(attribute:ecs.availability-zone),binpack(memory)", r, nodes) == 3u);
  // binpack(memory) alone: i-3 (1.5 GiB left after placing) beats i-0 and i-2 (2.5 GiB).
  CHECK(choose("ecs:binpack(memory)", r, nodes) == 3u);
  // binpack(cpu): all have 2048 free -> tie -> lowest index.
  CHECK(choose("ecs:binpack(cpu)", r, nodes) == 0u);
  // spread(instanceId): i-0 has a task; the others tie -> i-1.
  CHECK(choose("ecs:spread(instanceId)", r, nodes) == 1u);
  // The chain form gives the same answer as the string.
  const std::vector<std::string> chain{"spread(attribute:ecs.availability-zone)",
                                       "binpack(memory)"};
  auto rng = stream();
  CHECK(make_ecs_chain(chain)->choose(r, nodes, rng) == 3u);
}

TEST_CASE("ECS random picks among the candidates the earlier strategies left", "[placement][ecs]") {
  const auto nodes = ecs_nodes();
  const PlacementRequest r = test::labelled(cpu_mem(256, Bytes::mib(512)), "web");
  auto policy = make_policy("ecs:spread(attribute:ecs.availability-zone),random");
  auto rng = stream();
  int hits[4] = {0, 0, 0, 0};
  for (int i = 0; i < 200; ++i)
    ++hits[*policy->choose(r, nodes, rng)];
  CHECK(hits[0] + hits[1] == 0);
  CHECK(hits[2] > 50);
  CHECK(hits[3] > 50);
}

TEST_CASE("ECS distinctInstance and memberOf constraints filter instances", "[placement][ecs]") {
  const auto nodes = ecs_nodes();
  PlacementRequest r = test::labelled(cpu_mem(256, Bytes::mib(512)), "web");
  r.distinct_instance = true;
  CHECK(choose("ecs:binpack(cpu)", r, nodes) == 1u);  // i-0 already runs web
  r.distinct_instance = false;
  r.member_of.push_back(ClusterQuery::parse("attribute:ecs.instance-type == m5.large"));
  CHECK(choose("ecs:binpack(cpu)", r, nodes) == 2u);
  r.member_of.push_back(ClusterQuery::parse("ec2InstanceId not_in [i-2]"));
  CHECK(choose("ecs:binpack(cpu)", r, nodes) == 3u);
  r.member_of.push_back(ClusterQuery::parse("attribute:ecs.availability-zone == us-east-1a"));
  CHECK_FALSE(choose("ecs:binpack(cpu)", r, nodes).has_value());
}

TEST_CASE("the cluster query language honours in, not_in, and, or and parentheses",
          "[placement][ecs]") {
  const Labels small_a{{"ecs.instance-type", "t2.small"}, {"ecs.availability-zone", "a"}};
  const Labels large_b{{"ecs.instance-type", "m5.large"}, {"ecs.availability-zone", "b"}};
  const auto holds = [](const ClusterQuery& q, const Labels& l) {
    return q.matches([&](std::string_view k) -> const std::string* {
      const auto it = l.find(k);
      return it == l.end() ? nullptr : &it->second;
    });
  };
  const auto q = ClusterQuery::parse(
      "attribute:ecs.instance-type in [t2.small, t2.medium] and "
      "(attribute:ecs.availability-zone == a or attribute:rack != r9)");
  CHECK(holds(q, small_a));
  CHECK_FALSE(holds(q, large_b));
  // "and" binds tighter than "or": true or (false and false) is true.
  const auto p = ClusterQuery::parse(
      "attribute:ecs.availability-zone == b or attribute:ecs.instance-type == x and "
      "attribute:ecs.availability-zone == a");
  CHECK(holds(p, large_b));
  CHECK_FALSE(holds(p, small_a));
  // A missing attribute: == false, != true.
  CHECK_FALSE(holds(ClusterQuery::parse("attribute:gpu == yes"), small_a));
  CHECK(holds(ClusterQuery::parse("attribute:gpu != yes"), small_a));
  CHECK(holds(ClusterQuery::parse("attribute:ecs.instance-type not_in [m5.large]"), small_a));
}

TEST_CASE("a malformed cluster query is rejected with the column and what was expected",
          "[placement][ecs]") {
  CHECK_THROWS_WITH(ClusterQuery::parse("attribute:zone == "),
                    Catch::Contains("expected a value, found the end"));
  CHECK_THROWS_WITH(ClusterQuery::parse("attribute:zone in [a, b"),
                    Catch::Contains("expected ']'"));
  CHECK_THROWS_WITH(ClusterQuery::parse("(attribute:zone == a"), Catch::Contains("expected ')'"));
  CHECK_THROWS_WITH(ClusterQuery::parse("attribute:zone =~ a.*"),
                    Catch::Contains("column 16: unsupported operator '=~'"));
  CHECK_THROWS_WITH(ClusterQuery::parse("zone == a"), Catch::Contains("unsupported key 'zone'"));
  CHECK_THROWS_WITH(ClusterQuery::parse("attribute:zone == a b"),
                    Catch::Contains("column 21: expected 'and', 'or' or the end"));
  CHECK_THROWS_AS(ClusterQuery::parse(""), sim::ParseError);
}

TEST_CASE("make_policy rejects unknown names and arguments clearly", "[placement]") {
  CHECK_THROWS_WITH(make_policy("best_guess"),
                    Catch::Contains("unknown placement policy 'best_guess' (allowed: first_fit, "
                                    "best_fit, worst_fit, random, round_robin, tetris, "
                                    "k8s[:PLUGIN[*WEIGHT],...], ecs:STRATEGY[,STRATEGY...], fgd)"));
  CHECK_THROWS_WITH(make_policy("first_fit:x"), Catch::Contains("'first_fit' takes no arguments"));
  // The scenario's spelling and the older hyphenated one build the same policy.
  CHECK(make_policy("round_robin")->name() == make_policy("round-robin")->name());
  CHECK_THROWS_WITH(make_policy("ecs:binpack(disk)"),
                    Catch::Contains("binpack needs cpu or memory"));
  CHECK_THROWS_WITH(make_policy("ecs:spread(zone)"), Catch::Contains("spread needs instanceId"));
  CHECK_THROWS_WITH(make_policy("ecs:random,random,random,random,random,random"),
                    Catch::Contains("ECS allows at most 5"));
  CHECK_THROWS_WITH(make_policy("k8s:LeastAlocated"),
                    Catch::Contains("unknown Kubernetes score plugin 'LeastAlocated'"));
  CHECK_THROWS_WITH(make_policy("k8s:LeastAllocated*0"), Catch::Contains("positive integer"));
  PolicyOptions bad;
  bad.shape = {{50, 0}, {40, 10}};
  CHECK_THROWS_WITH(make_policy("k8s:RequestedToCapacityRatio", bad),
                    Catch::Contains("shape point 1"));
  CHECK(make_policy("k8s")->name() == "k8s");
  CHECK(make_policy("ecs:binpack(memory)")->name() == "ecs:binpack(memory)");
}
