// The isolation guarantee as a property: over every placement policy x many seeds x random
// tenant mixes and policies, with arrivals, departures and pending retries, no kernel, VM node
// or host is ever shared where the policy forbids it. The check reads the placements themselves
// (which instance of which tenant is on which node of which host), not the views the filter
// reads, so a view kept wrong shows up.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/placement/pending_queue.hpp"
#include "models/placement/policy.hpp"
#include "models/tenancy/isolation.hpp"
#include "placement_helpers.hpp"

using namespace vmcsim;
using namespace vmcsim::models::placement;
using sim::Bytes;
using vmcsim::models::tenancy::IsolationPolicy;
using vmcsim::models::tenancy::Share;

namespace {

const std::vector<std::string> kIsolationPolicies{
    "first-fit",   "best-fit",         "worst-fit",           "random",
    "round-robin", "tetris",           "ecs:binpack(memory)", "ecs:spread(instanceId),binpack(cpu)",
    "k8s",         "k8s:MostAllocated"};

struct Placed {
  PlacementRequest request;
  std::size_t node;
  GpuSlots gpus;
};

// Physical hosts, each either bare metal (one node, the host) or carrying 2-3 VM nodes.
struct TenancyWorld {
  std::vector<std::string> node_host;  // per node: its physical host
  std::vector<bool> vm_node;
  std::vector<NodeView> base;  // empty views (capacity, ids, host, vm flag)
  std::map<std::uint64_t, Placed> live;
  std::uint64_t next_id = 0;

  // The views as a caller builds them from the placements: here from the node's own instances,
  // elsewhere_on_host from the other nodes of its host.
  std::vector<NodeView> views() const {
    std::vector<NodeView> v = base;
    for (const auto& [id, p] : live)
      v[p.node].add(p.request);
    for (std::size_t i = 0; i < v.size(); ++i) {
      for (const auto& [id, p] : live) {
        if (p.node == i || node_host[p.node] != node_host[i]) continue;
        auto& e = v[i].tenancy.elsewhere_on_host;
        if (std::find(e.begin(), e.end(), p.request.tenant) == e.end())
          e.push_back(p.request.tenant);
      }
      std::sort(v[i].tenancy.elsewhere_on_host.begin(), v[i].tenancy.elsewhere_on_host.end());
    }
    return v;
  }
};

TenancyWorld make_world(sim::RandomStream& rng) {
  TenancyWorld w;
  const int hosts = 2 + static_cast<int>(rng.below(4));
  for (int h = 0; h < hosts; ++h) {
    const bool bare = rng.below(3) == 0;
    const int nodes = bare ? 1 : 2 + static_cast<int>(rng.below(2));
    for (int k = 0; k < nodes; ++k) {
      NodeView n = test::make_node(fmt::format("h{}-n{}", h, k), 4000, Bytes::gib(8), 0, Bytes{});
      n.tenancy.host = bare ? "" : fmt::format("h{}", h);
      n.tenancy.vm_node = !bare;
      w.node_host.push_back(fmt::format("h{}", h));
      w.vm_node.push_back(!bare);
      w.base.push_back(std::move(n));
    }
  }
  return w;
}

std::shared_ptr<IsolationPolicy> random_policy(sim::RandomStream& rng, int tenants) {
  auto p = std::make_shared<IsolationPolicy>();
  const auto level = [&] { return static_cast<Share>(rng.below(4)); };
  if (rng.below(2) == 0) p->set_default(level());
  for (int t = 0; t < tenants; ++t)
    if (rng.below(2) == 0) p->set_tenant(fmt::format("t{}", t), level());
  for (int a = 0; a < tenants; ++a)
    for (int b = a + 1; b < tenants; ++b)
      if (rng.below(3) == 0) p->set_pair(fmt::format("t{}", a), fmt::format("t{}", b), level());
  return p;
}

// Every pair of live instances of different tenants, against the policy. Empty when none breaks.
std::string violation(const TenancyWorld& w, const IsolationPolicy& policy) {
  for (const auto& [i, p] : w.live)
    for (const auto& [j, q] : w.live) {
      if (j <= i || p.request.tenant == q.request.tenant) continue;
      if (w.node_host[p.node] != w.node_host[q.node]) continue;
      Share used = Share::host;
      if (p.node == q.node && w.vm_node[p.node]) used = Share::vm_node;
      if (p.node == q.node && !p.request.own_kernel && !q.request.own_kernel) used = Share::kernel;
      if (policy.allowed(p.request.tenant, q.request.tenant) < used)
        return fmt::format("{} and {} share {} ({}) on {}", p.request.tenant, q.request.tenant,
                           models::tenancy::to_string(used), w.base[p.node].id,
                           w.node_host[p.node]);
    }
  return {};
}

}  // namespace

TEST_CASE("no placement policy ever lets tenants share what their isolation policy forbids") {
  int placements = 0;
  int refusals = 0;
  for (const std::string& spec : kIsolationPolicies) {
    for (std::uint64_t seed = 1; seed <= 25; ++seed) {
      sim::RandomStream rng{seed, 0, "test/tenancy-property"};
      TenancyWorld w = make_world(rng);
      const int tenants = 2 + static_cast<int>(rng.below(3));
      const auto isolation = random_policy(rng, tenants);
      auto policy = make_policy(spec);
      sim::RandomStream stream{seed, 0, "placement"};
      PendingQueue pending;
      const auto check = [&](const char* when) {
        const std::string v = violation(w, *isolation);
        INFO(spec << " seed " << seed << " after " << when);
        REQUIRE(v.empty());
      };
      for (int step = 0; step < 60; ++step) {
        if (!w.live.empty() && rng.below(3) == 0) {
          // A departure, then a retry of everything pending over fresh views (the retry adds
          // what it places to the views: several placements in one pass).
          auto it = w.live.begin();
          std::advance(it, static_cast<long>(rng.below(w.live.size())));
          w.live.erase(it);
          std::map<std::uint64_t, PlacementRequest> waiting;
          for (const PendingQueue::Entry& e : pending.waiting())
            waiting.emplace(e.id, e.request);
          std::vector<NodeView> views = w.views();
          for (const auto& p : pending.retry(sim::Time{}, views, *policy, stream)) {
            w.live.emplace(p.id, Placed{waiting.at(p.id), p.node, p.gpus});
            ++placements;
          }
          check("a departure and a retry");
          continue;
        }
        PlacementRequest r;
        r.demand = test::cpu_mem(250 * (1 + static_cast<std::int64_t>(rng.below(4))),
                                 Bytes::mib(256 * (1 + static_cast<std::int64_t>(rng.below(4)))));
        r.tenant = fmt::format("t{}", rng.below(static_cast<std::uint64_t>(tenants)));
        r.service = "svc-" + r.tenant;
        r.own_kernel = rng.below(3) == 0;
        r.isolation = isolation;
        const std::uint64_t id = w.next_id++;
        std::vector<NodeView> views = w.views();
        const PlacementOutcome out = policy->place(r, views, stream);
        if (out.node) {
          ++placements;
          w.live.emplace(id, Placed{r, *out.node, 0});
        } else {
          if (out.reason->dimension == "isolation") ++refusals;
          pending.push(id, r, sim::Time{}, *out.reason);
        }
        check("an arrival");
      }
    }
  }
  // The property is not vacuous: instances were placed and some were refused for isolation.
  CHECK(placements > 1000);
  CHECK(refusals > 10);
}

TEST_CASE("tracked policies over kept host views keep the guarantee through departures") {
  // As the Cluster keeps its physical hosts' views: updated by add/remove, policy told.
  int refusals = 0;
  for (const std::string& spec : kIsolationPolicies) {
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      sim::RandomStream rng{seed, 1, "test/tenancy-property"};
      TenancyWorld w;
      for (int h = 0; h < 4; ++h) {
        w.base.push_back(test::make_node(fmt::format("h{}", h), 4000, Bytes::gib(8), 0, Bytes{}));
        w.node_host.push_back(fmt::format("h{}", h));
        w.vm_node.push_back(false);
      }
      std::vector<NodeView> views = w.base;
      const auto isolation = random_policy(rng, 4);
      auto policy = make_policy(spec);
      policy->track(views);
      sim::RandomStream stream{seed, 0, "placement"};
      for (int step = 0; step < 120; ++step) {
        if (!w.live.empty() && rng.below(3) == 0) {
          auto it = w.live.begin();
          std::advance(it, static_cast<long>(rng.below(w.live.size())));
          views[it->second.node].remove(it->second.request, it->second.gpus);
          policy->node_changed(views, it->second.node);
          w.live.erase(it);
          continue;
        }
        PlacementRequest r;
        r.demand = test::cpu_mem(500, Bytes::mib(512));
        r.tenant = fmt::format("t{}", rng.below(4));
        r.service = "svc-" + r.tenant;
        r.own_kernel = rng.below(2) == 0;
        r.isolation = isolation;
        const PlacementOutcome out = policy->place(r, views, stream);
        if (!out.node) {
          refusals += out.reason->dimension == "isolation";
          continue;
        }
        const GpuSlots g = views[*out.node].add(r);
        policy->node_changed(views, *out.node);
        w.live.emplace(w.next_id++, Placed{r, *out.node, g});
        INFO(spec << " seed " << seed << " step " << step);
        REQUIRE(violation(w, *isolation).empty());
      }
    }
  }
  CHECK(refusals > 10);
}
