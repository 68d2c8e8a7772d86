// Tenants and the isolation policy: what two tenants may share, and the isolation filter every
// placement policy goes through (hand-worked cases).
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "models/placement/isolation.hpp"
#include "models/placement/pending_queue.hpp"
#include "models/placement/policy.hpp"
#include "models/tenancy/isolation.hpp"
#include "placement_helpers.hpp"

using namespace vmcsim;
using namespace vmcsim::models::placement;
using sim::Bytes;
using test::cpu_mem;
using test::make_node;
using vmcsim::models::tenancy::IsolationPolicy;
using vmcsim::models::tenancy::Share;

namespace {

const std::vector<std::string> kPolicies{
    "first-fit",   "best-fit",         "worst-fit",           "random",
    "round-robin", "tetris",           "ecs:binpack(memory)", "ecs:spread(instanceId)",
    "k8s",         "k8s:MostAllocated"};

std::shared_ptr<IsolationPolicy> policy_between(const std::string& a, const std::string& b,
                                                Share share) {
  auto p = std::make_shared<IsolationPolicy>();
  p->set_pair(a, b, share);
  return p;
}

PlacementRequest pod(const std::string& tenant, bool own_kernel,
                     std::shared_ptr<const IsolationPolicy> isolation) {
  PlacementRequest r;
  r.demand = cpu_mem(500, Bytes::mib(512));
  r.service = "svc-" + tenant;
  r.tenant = tenant;
  r.own_kernel = own_kernel;
  r.isolation = std::move(isolation);
  return r;
}

NodeView node(const std::string& id, const std::string& host = "", bool vm_node = false) {
  NodeView n = make_node(id, 8000, Bytes::gib(16), 0, Bytes{});
  n.tenancy.host = host;
  n.tenancy.vm_node = vm_node;
  return n;
}

}  // namespace

TEST_CASE("a pair rule wins over the tenants' own rules, else the stricter rule applies") {
  IsolationPolicy p;
  p.set_tenant("a", Share::host);
  p.set_tenant("b", Share::vm_node);
  CHECK(p.allowed("a", "b") == Share::host);
  CHECK(p.allowed("b", "c") == Share::vm_node);
  CHECK(p.allowed("c", "d") == Share::kernel);
  p.set_pair("b", "a", Share::kernel);
  CHECK(p.allowed("a", "b") == Share::kernel);
  CHECK(p.allowed("a", "a") == Share::kernel);
  CHECK(p.allowed("a", "") == Share::kernel);
  p.set_default(Share::nothing);
  CHECK(p.allowed("c", "d") == Share::nothing);
  CHECK(p.allowed("a", "b") == Share::kernel);
}

TEST_CASE("share levels parse and print as the scenario spells them") {
  for (const std::string& name : models::tenancy::share_names())
    CHECK(models::tenancy::to_string(*models::tenancy::parse_share(name)) == name);
  CHECK_FALSE(models::tenancy::parse_share("vm"));
}

TEST_CASE("every policy refuses two tenants one kernel when the policy forbids it") {
  const auto iso = policy_between("a", "b", Share::vm_node);
  for (const std::string& spec : kPolicies) {
    INFO(spec);
    std::vector<NodeView> nodes{node("n0")};
    nodes[0].add(pod("a", false, iso));
    auto policy = make_policy(spec);
    sim::RandomStream s{1, 0, "test"};
    const PlacementOutcome out = policy->place(pod("b", false, iso), nodes, s);
    REQUIRE_FALSE(out.node);
    CHECK(out.reason->dimension == "isolation");
    CHECK_THAT(out.reason->message,
               Catch::Contains("isolation: tenant b may not share a kernel with tenant a"));
    // A sandboxed pod has its own kernel: on a bare host it shares only the host.
    CHECK(policy->place(pod("b", true, iso), nodes, s).node == NodeIndex{0});
    // The same tenant always shares.
    CHECK(policy->place(pod("a", false, iso), nodes, s).node == NodeIndex{0});
  }
}

TEST_CASE("tenants that may share a VM node but not a kernel meet only in sandboxes") {
  const auto iso = policy_between("a", "b", Share::vm_node);
  NodeView vm = node("vm0", "h0", true);
  vm.add(pod("a", false, iso));
  CHECK_FALSE(feasible(pod("b", false, iso), vm));
  CHECK(feasible(pod("b", true, iso), vm));
  NodeView sandboxed = node("vm1", "h0", true);
  sandboxed.add(pod("a", true, iso));
  CHECK(feasible(pod("b", false, iso), sandboxed));
}

TEST_CASE("tenants that may share only a host never meet on one VM node, sandboxed or not") {
  const auto iso = policy_between("a", "b", Share::host);
  std::vector<NodeView> nodes{node("vm0", "h0", true), node("vm1", "h0", true)};
  nodes[0].add(pod("a", true, iso));
  sim::RandomStream s{1, 0, "t"};
  const auto out = make_policy("first-fit")->place(pod("b", true, iso), nodes, s);
  CHECK(out.node == NodeIndex{1});
  CHECK_THAT(explain_unplaceable(pod("b", true, iso), std::span(nodes.data(), 1)).message,
             Catch::Contains("tenant b may not share a VM node with tenant a"));
}

TEST_CASE("dedicated hosts: a tenant that shares nothing avoids every VM node of a used host") {
  const auto iso = policy_between("a", "b", Share::nothing);
  // h0 carries vm0 and vm1; a runs on vm0; h1 carries vm2.
  std::vector<NodeView> nodes{node("vm0", "h0", true), node("vm1", "h0", true),
                              node("vm2", "h1", true)};
  nodes[0].add(pod("a", true, iso));
  sim::RandomStream s{1, 0, "t"};
  for (const std::string& spec : kPolicies) {
    INFO(spec);
    CHECK(make_policy(spec)->place(pod("b", true, iso), nodes, s).node == NodeIndex{2});
  }
  // A view built alone still knows its host's other tenants from elsewhere_on_host.
  NodeView lone = node("vm1", "h0", true);
  lone.tenancy.elsewhere_on_host = {"a"};
  CHECK_FALSE(feasible(pod("b", true, iso), lone));
  CHECK(describe(pod("b", true, iso), *isolation_conflict(pod("b", true, iso), lone)) ==
        "isolation: tenant b may not share a host with tenant a");
}

TEST_CASE("one retry pass never puts two forbidden tenants on sibling VM nodes of one host") {
  const auto iso = policy_between("a", "b", Share::nothing);
  std::vector<NodeView> nodes{node("vm0", "h0", true), node("vm1", "h0", true)};
  PendingQueue queue;
  queue.push(1, pod("a", true, iso), sim::Time{}, {"constraints", ""});
  queue.push(2, pod("b", true, iso), sim::Time{}, {"constraints", ""});
  auto policy = make_policy("worst-fit");
  sim::RandomStream s{1, 0, "t"};
  const auto placed = queue.retry(sim::Time{}, nodes, *policy, s);
  // Without uniting the host's tenants over the span, b would take the empty vm1.
  REQUIRE(placed.size() == 1);
  CHECK(placed[0].id == 1);
  CHECK(queue.size() == 1);
}

TEST_CASE("requests without a tenant or a policy are never refused for isolation") {
  const auto iso = policy_between("a", "b", Share::nothing);
  NodeView n = node("n0");
  n.add(pod("a", false, iso));
  CHECK(feasible(pod("", false, iso), n));
  CHECK(feasible(pod("b", false, nullptr), n));
  // ...and a departure takes the tenant off the node.
  n.remove(pod("a", false, iso));
  CHECK(n.tenancy.here.empty());
  CHECK(feasible(pod("b", false, iso), n));
}
