// Pod affinity, anti-affinity and topology spread per failure domain (hand-worked cases).
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/placement/domains.hpp"
#include "models/placement/policy.hpp"
#include "placement_helpers.hpp"

using namespace vmcsim;
using namespace vmcsim::models::placement;
using sim::Bytes;
using test::cpu_mem;
using test::labelled;
using test::make_node;
using test::term;

namespace {

sim::RandomStream stream() {
  return sim::RandomStream{7, 0, "test/affinity"};
}

// `zones` zones x `per_zone` nodes of 4 CPU / 8 GiB, zone-major: node z*per_zone+i is
// "z<z>-n<i>" in zone "zone-<z>", with the attributes node_attributes() gives.
std::vector<NodeView> zoned_nodes(int zones, int per_zone) {
  std::vector<NodeView> nodes;
  for (int z = 0; z < zones; ++z)
    for (int i = 0; i < per_zone; ++i) {
      NodeView n = make_node(fmt::format("z{}-n{}", z, i), 4000, Bytes::gib(8), 0, Bytes{});
      n.attributes = node_attributes(n.id, {{"zone", fmt::format("zone-{}", z)}});
      nodes.push_back(std::move(n));
    }
  return nodes;
}

// Places `request` with `policy` and records it on the chosen node.
PlacementOutcome place(PlacementPolicy& policy, const PlacementRequest& request,
                       std::vector<NodeView>& nodes) {
  auto rng = stream();
  PlacementOutcome out = policy.place(request, nodes, rng);
  if (out.node) nodes[*out.node].add(request);
  return out;
}

std::string zone_of(const NodeView& n) {
  return std::string(*n.attribute(kZoneKey));
}

// The node the InterPodAffinity score alone picks.
std::optional<NodeIndex> choose_node(const PlacementRequest& r,
                                     const std::vector<NodeView>& nodes) {
  auto rng = stream();
  return make_policy("k8s:InterPodAffinity")->choose(r, nodes, rng);
}

PlacementRequest web_pod() {
  return labelled(cpu_mem(500, Bytes::mib(512)), "web", {{"app", "web"}});
}

}  // namespace

TEST_CASE(
    "a node's attributes name its zone, rack, instance type and hostname the ECS and "
    "Kubernetes ways",
    "[placement][affinity]") {
  const Labels a = node_attributes(
      "h-3", {{"zone", "us-east-1a"}, {"rack", "r7"}, {"instance_type", "m5.large"}});
  CHECK(a.at("kubernetes.io/hostname") == "h-3");
  CHECK(a.at("topology.kubernetes.io/zone") == "us-east-1a");
  CHECK(a.at("ecs.availability-zone") == "us-east-1a");
  CHECK(a.at("topology.vmcsim.io/rack") == "r7");
  CHECK(a.at("node.kubernetes.io/instance-type") == "m5.large");
  CHECK(a.at("ecs.instance-type") == "m5.large");
  CHECK(a.at("zone") == "us-east-1a");  // the host labels stay as they are
  CHECK(node_attributes("h", {}).size() == 1);
  CHECK(topology_key("zone") == std::string(kZoneKey));
  CHECK(topology_key("hostname") == std::string(kHostnameKey));
  CHECK(topology_key("rack") == std::string(kRackKey));
  CHECK(topology_key("failure-domain.beta.kubernetes.io/zone") == std::string(kZoneKey));
  CHECK(topology_key("ecs.availability-zone") == "ecs.availability-zone");
  CHECK_FALSE(topology_key("datacenter").has_value());
}

TEST_CASE("label selectors match labels and the four expression operators",
          "[placement][affinity]") {
  const Labels pod{{"app", "web"}, {"tier", "front"}};
  using Op = LabelRequirement::Op;
  const auto expr = [](Op op, std::vector<std::string> values) {
    LabelSelector s;
    s.match_expressions.push_back({"tier", op, std::move(values)});
    return s;
  };
  CHECK(LabelSelector{}.matches(pod));
  CHECK(LabelSelector{{{"app", "web"}}, {}}.matches(pod));
  CHECK_FALSE(LabelSelector{{{"app", "db"}}, {}}.matches(pod));
  CHECK(expr(Op::in, {"back", "front"}).matches(pod));
  CHECK_FALSE(expr(Op::in, {"back"}).matches(pod));
  CHECK(expr(Op::not_in, {"back"}).matches(pod));
  CHECK_FALSE(expr(Op::not_in, {"front"}).matches(pod));
  CHECK(expr(Op::not_in, {"front"}).matches({{"app", "web"}}));  // absent key: not in
  CHECK(expr(Op::exists, {}).matches(pod));
  CHECK_FALSE(expr(Op::exists, {}).matches({{"app", "web"}}));
  CHECK(expr(Op::does_not_exist, {}).matches({{"app", "web"}}));
  CHECK_FALSE(expr(Op::does_not_exist, {}).matches(pod));
  CHECK(parse_label_operator("NotIn") == Op::not_in);
  CHECK(to_string(Op::does_not_exist) == "DoesNotExist");
  CHECK_FALSE(parse_label_operator("Gt").has_value());
}

TEST_CASE("a node view counts running pods by labels through add and remove",
          "[placement][affinity]") {
  NodeView n = make_node("n", 4000, Bytes::gib(8), 0, Bytes{});
  const auto web = web_pod();
  const auto db = labelled(cpu_mem(100, Bytes::mib(1)), "db", {{"app", "db"}});
  n.add(web);
  n.add(web);
  n.add(db);
  REQUIRE(n.running.size() == 2);
  CHECK(n.matching_pods({{{"app", "web"}}, {}}) == 2);
  CHECK(n.matching_pods({}) == 3);
  n.remove(web);
  n.remove(db);
  REQUIRE(n.running.size() == 1);
  CHECK(n.running[0].count == 1);
  CHECK(n.tasks == 1);
  CHECK(n.attribute(kHostnameKey) == "n");  // a node without attributes still has a hostname
}

TEST_CASE("required zone anti-affinity places one pod per zone and the fourth pends",
          "[placement][affinity]") {
  auto nodes = zoned_nodes(3, 2);
  auto pod = web_pod();
  pod.anti_affinity.push_back(term("topology.kubernetes.io/zone", {{"app", "web"}}));
  for (const char* spec : {"first-fit", "k8s", "ecs:binpack(memory)", "random"}) {
    INFO(spec);
    auto policy = make_policy(spec);
    auto state = nodes;
    std::map<std::string, int> per_zone;
    for (int i = 0; i < 3; ++i) {
      const auto out = place(*policy, pod, state);
      REQUIRE(out.node);
      ++per_zone[zone_of(state[*out.node])];
    }
    CHECK(per_zone == std::map<std::string, int>{{"zone-0", 1}, {"zone-1", 1}, {"zone-2", 1}});
    const auto fourth = place(*policy, pod, state);
    REQUIRE_FALSE(fourth.node);
    CHECK(fourth.reason->dimension == "constraints");
    CHECK(fourth.reason->message == "all 6 nodes rejected: 6 by anti-affinity");
  }
  // On hostname instead, each node takes one.
  pod.anti_affinity = {term(kHostnameKey, {{"app", "web"}})};
  auto policy = make_policy("first-fit");
  for (int i = 0; i < 6; ++i)
    CHECK(place(*policy, pod, nodes).node == static_cast<NodeIndex>(i));
  CHECK_FALSE(place(*policy, pod, nodes).node);
}

TEST_CASE("required anti-affinity passes a node without the topology key and affinity fails it",
          "[placement][affinity]") {
  std::vector<NodeView> nodes{make_node("bare", 4000, Bytes::gib(8), 0, Bytes{})};
  nodes[0].add(web_pod());
  auto pod = web_pod();
  pod.anti_affinity.push_back(term(kRackKey, {{"app", "web"}}));
  CHECK(feasible(pod, nodes[0], DomainCounts(pod, nodes)));
  pod.anti_affinity.clear();
  pod.affinity.push_back(term(kRackKey, {{"app", "web"}}));
  const DomainCounts domains(pod, nodes);
  CHECK(domains.failed_filter(pod, nodes[0]) == std::string("affinity"));
}

TEST_CASE("required affinity admits only the zones that run a matching pod",
          "[placement][affinity]") {
  auto nodes = zoned_nodes(3, 2);
  nodes[3].add(labelled(cpu_mem(100, Bytes::mib(1)), "cache", {{"app", "cache"}}));  // zone-1
  auto pod = web_pod();
  pod.affinity.push_back(term(kZoneKey, {{"app", "cache"}}));
  const auto candidates = [&] {
    std::vector<std::string> names;
    const DomainCounts domains(pod, nodes);
    for (const NodeView& n : nodes)
      if (feasible(pod, n, domains)) names.push_back(n.id);
    return names;
  };
  CHECK(candidates() == std::vector<std::string>{"z1-n0", "z1-n1"});
  auto first_fit = make_policy("first-fit");
  CHECK(place(*first_fit, pod, nodes).node == 2u);
  // Without any cache pod nothing fits: the web pod does not match its own term.
  nodes[3].remove(labelled(cpu_mem(100, Bytes::mib(1)), "cache", {{"app", "cache"}}));
  nodes[2].remove(pod);
  CHECK(candidates().empty());
  auto rng = stream();
  CHECK(first_fit->place(pod, nodes, rng).reason->message == "all 6 nodes rejected: 6 by affinity");
}

TEST_CASE("the first pod of a self-affine group goes anywhere and the rest follow its zone",
          "[placement][affinity]") {
  auto nodes = zoned_nodes(3, 2);
  auto pod = web_pod();
  pod.affinity.push_back(term(kZoneKey, {{"app", "web"}}));
  auto policy = make_policy("k8s:LeastAllocated");
  // LeastAllocated prefers the emptiest node, so without affinity the pods would spread out.
  const auto first = place(*policy, pod, nodes);
  REQUIRE(first.node);
  const std::string zone = zone_of(nodes[*first.node]);
  for (int i = 0; i < 3; ++i) {
    const auto next = place(*policy, pod, nodes);
    REQUIRE(next.node);
    CHECK(zone_of(nodes[*next.node]) == zone);
  }
  // A pod that does not match its own term gets no such exception.
  auto other = labelled(cpu_mem(100, Bytes::mib(1)), "other", {{"app", "other"}});
  other.affinity.push_back(term(kZoneKey, {{"app", "other"}, {"tier", "x"}}));
  CHECK_FALSE(place(*policy, other, nodes).node);
}

TEST_CASE("a running pod's required anti-affinity keeps matching newcomers out of its domain",
          "[placement][affinity]") {
  auto nodes = zoned_nodes(2, 2);
  auto db = labelled(cpu_mem(100, Bytes::mib(1)), "db", {{"app", "db"}});
  db.anti_affinity.push_back(term(kZoneKey, {{"app", "web"}}));
  nodes[0].add(db);  // zone-0
  // The web pod has no terms of its own, yet zone-0 is closed to it.
  auto first_fit = make_policy("first-fit");
  CHECK(place(*first_fit, web_pod(), nodes).node == 2u);
  // Pods the term does not select are not affected.
  CHECK(place(*first_fit, labelled(cpu_mem(100, Bytes::mib(1)), "x", {{"app", "x"}}), nodes).node ==
        0u);
}

TEST_CASE("preferred affinity and anti-affinity weights change the winner as computed by hand",
          "[placement][affinity]") {
  // zone-0: n0, n1; zone-1: n2. n1 runs two db pods, n2 one cache pod.
  auto nodes = zoned_nodes(2, 2);
  nodes.pop_back();
  const auto db = labelled(cpu_mem(100, Bytes::mib(1)), "db", {{"app", "db"}});
  nodes[1].add(db);
  nodes[1].add(db);
  nodes[2].add(labelled(cpu_mem(100, Bytes::mib(1)), "cache", {{"app", "cache"}}));
  const auto raw = [&](const PlacementRequest& r) {
    const DomainCounts d(r, nodes);
    return std::vector<std::int64_t>{d.preferred_score(nodes[0]), d.preferred_score(nodes[1]),
                                     d.preferred_score(nodes[2])};
  };
  auto pod = web_pod();
  // Affinity to db per zone (weight 10: 2 pods in zone-0) and to cache per host (weight 30).
  pod.affinity = {term(kZoneKey, {{"app", "db"}}, 10), term(kHostnameKey, {{"app", "cache"}}, 30)};
  CHECK(raw(pod) == std::vector<std::int64_t>{20, 20, 30});
  CHECK(choose_node(pod, nodes) == 2u);
  // Weight 20 on db: 40, 40, 30; the tie between n0 and n1 goes to the lower index.
  pod.affinity[0].weight = 20;
  CHECK(raw(pod) == std::vector<std::int64_t>{40, 40, 30});
  CHECK(choose_node(pod, nodes) == 0u);
  // Preferred anti-affinity to db per host (weight 15) only lowers n1: 40, 10, 30.
  pod.anti_affinity = {term(kHostnameKey, {{"app", "db"}}, 15)};
  CHECK(raw(pod) == std::vector<std::int64_t>{40, 10, 30});
  // The same per zone (weight 15) lowers n0 and n1 by 30: 10, 10, 30 -> n2.
  pod.anti_affinity = {term(kZoneKey, {{"app", "db"}}, 15)};
  CHECK(raw(pod) == std::vector<std::int64_t>{10, 10, 30});
  CHECK(choose_node(pod, nodes) == 2u);
}

TEST_CASE(
    "DoNotSchedule zone spread keeps the zones within max skew and rejects nodes without "
    "the key",
    "[placement][affinity]") {
  auto nodes = zoned_nodes(3, 2);
  auto pod = web_pod();
  TopologySpreadConstraint c;
  c.max_skew = 1;
  c.topology_key = std::string(kZoneKey);
  c.selector.match_labels = {{"app", "web"}};
  pod.topology_spread.push_back(c);
  // First-fit would stack pods on node 0; the constraint forces round the zones.
  auto policy = make_policy("first-fit");
  std::vector<NodeIndex> chosen;
  for (int i = 0; i < 6; ++i) {
    const auto out = place(*policy, pod, nodes);
    REQUIRE(out.node);
    chosen.push_back(*out.node);
  }
  CHECK(chosen == std::vector<NodeIndex>{0, 2, 4, 0, 2, 4});
  // With max skew 2 the first zone may run two ahead.
  auto loose = zoned_nodes(3, 2);
  pod.topology_spread[0].max_skew = 2;
  chosen.clear();
  for (int i = 0; i < 4; ++i)
    chosen.push_back(*place(*policy, pod, loose).node);
  CHECK(chosen == std::vector<NodeIndex>{0, 0, 2, 2});
  // A node without the key is rejected outright.
  std::vector<NodeView> bare{make_node("bare", 4000, Bytes::gib(8), 0, Bytes{})};
  auto rng = stream();
  CHECK(policy->place(pod, bare, rng).reason->message ==
        "all 1 nodes rejected: 1 by topology spread");
}

TEST_CASE("ScheduleAnyway zone spread scores the emptier zone 100 as computed by hand",
          "[placement][affinity]") {
  // zone-0 (n0, n1) runs two web pods, zone-1 (n2, n3) none.
  auto nodes = zoned_nodes(2, 2);
  nodes[1].add(web_pod());
  nodes[1].add(web_pod());
  auto pod = web_pod();
  TopologySpreadConstraint c;
  c.max_skew = 1;
  c.topology_key = std::string(kZoneKey);
  c.do_not_schedule = false;
  c.selector.match_labels = {{"app", "web"}};
  pod.topology_spread.push_back(c);
  const DomainCounts d(pod, nodes);
  for (const NodeView& n : nodes)
    CHECK(d.failed_filter(pod, n) == nullptr);  // ScheduleAnyway never filters
  // Two domains among the candidates: weight ln(4); zone-0 round(2 x 1.386) = 3, zone-1 0.
  // Normalised 100 x (max + min - s) / max: 0 for zone-0, 100 for zone-1.
  const std::vector<NodeIndex> all{0, 1, 2, 3};
  CHECK(std::llround(2 * std::log(4.0)) == 3);
  CHECK(d.spread_scores(pod, nodes, all) == std::vector<std::int64_t>{0, 0, 100, 100});
  // MostAllocated alone would pick n1 (fullest); the spread score outweighs it at weight 2.
  auto rng = stream();
  CHECK(make_policy("k8s:MostAllocated")->choose(pod, nodes, rng) == 1u);
  CHECK(make_policy("k8s:MostAllocated,PodTopologySpread*2")->choose(pod, nodes, rng) == 2u);
}

TEST_CASE("an indexed policy sees a running pod's zone anti-affinity added after it began tracking",
          "[placement][affinity][index]") {
  // 3 zones x 2 nodes. A db pod with required zone anti-affinity against app=web lands on
  // z0-n0 after the policies started tracking the nodes: from then on web pods (without terms
  // of their own) must avoid both nodes of zone-0, indexed or not.
  for (const char* spec : {"first-fit", "best-fit", "round-robin", "ecs:binpack(memory)", "k8s"}) {
    INFO(spec);
    auto nodes = zoned_nodes(3, 2);
    auto indexed = make_policy(spec);
    auto scanning = make_policy(spec);
    indexed->track(nodes);
    auto rng_a = stream();
    auto rng_b = stream();
    const PlacementRequest web = labelled(cpu_mem(500, Bytes::gib(1)), "web", {{"app", "web"}});
    // Before: zone-0 is allowed; both pick the same node.
    CHECK(indexed->choose(web, nodes, rng_a) == scanning->choose(web, nodes, rng_b));

    PlacementRequest db = labelled(cpu_mem(500, Bytes::gib(1)), "db", {{"app", "db"}});
    db.anti_affinity = {term(kZoneKey, {{"app", "web"}})};
    nodes[0].add(db);
    indexed->node_changed(nodes, 0);
    for (int k = 0; k < 4; ++k) {
      const auto a = indexed->choose(web, nodes, rng_a);
      const auto b = scanning->choose(web, nodes, rng_b);
      REQUIRE(a);
      CHECK(a == b);
      CHECK(nodes[*a].attribute(kZoneKey) != std::optional<std::string_view>("zone-0"));
      nodes[*a].add(web);
      indexed->node_changed(nodes, *a);
    }
  }
}
