// The isolation guarantee in the running Cluster: every placement policy x seeds x random tenant
// mixes, on every platform kind, under HPA autoscaling and (container_in_vm) the cluster
// autoscaler adding and draining node VMs. At every instance state change, no two live (or
// requested) instances of tenants whose policy forbids it share a kernel, a VM node or a host.
// The check reads the runtime's instances (node, physical host), not the placement views.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cluster_test_support.hpp"
#include "models/tenancy/isolation.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using models::testing::ClusterWorld;
using models::testing::Load;
using tenancy::IsolationPolicy;
using tenancy::Share;

namespace {

struct Tenant {
  std::string name;
  bool own_kernel = false;
};

// The first forbidden sharing among the runtime's instances, or "".
std::string violation(const Cluster& cluster, const std::map<std::string, Tenant>& by_service,
                      const IsolationPolicy& policy) {
  struct Live {
    const Tenant* tenant;
    const Node* node;
    const Node* host;
  };
  std::vector<Live> live;
  const PlatformRuntime& rt = cluster.runtime();
  for (InstanceId id = 0; id < rt.instance_count(); ++id) {
    const Instance& i = rt.instance(id);
    if (!(i.is_live() || i.state == InstanceState::requested) || i.node == nullptr) continue;
    const auto t = by_service.find(i.service);
    if (t == by_service.end()) continue;  // node VMs
    live.push_back({&t->second, i.node, i.host});
  }
  for (std::size_t a = 0; a < live.size(); ++a)
    for (std::size_t b = a + 1; b < live.size(); ++b) {
      const Live &p = live[a], &q = live[b];
      if (p.tenant->name == q.tenant->name || p.host != q.host) continue;
      Share used = Share::host;
      if (p.node == q.node && p.node->is_vm_node()) used = Share::vm_node;
      if (p.node == q.node && !p.tenant->own_kernel && !q.tenant->own_kernel) used = Share::kernel;
      if (policy.allowed(p.tenant->name, q.tenant->name) < used)
        return fmt::format("{} and {} share {} on {}", p.tenant->name, q.tenant->name,
                           tenancy::to_string(used), p.node->name());
    }
  return {};
}

}  // namespace

TEST_CASE("a running cluster never lets tenants share what their policy forbids") {
  const ClusterWorld world;
  const std::vector<std::string> policies{"first-fit",           "best-fit", "worst-fit", "random",
                                          "ecs:binpack(memory)", "k8s"};
  const std::vector<PlatformKind> kinds{PlatformKind::container, PlatformKind::container_in_vm,
                                        PlatformKind::microvm};
  int decisions = 0;
  int isolation_pending = 0;
  for (const PlatformKind kind : kinds)
    for (const std::string& spec : policies)
      for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        sim::RandomStream rng{seed, 0, "test/tenancy-cluster"};
        ClusterConfig config = world.config(kind, 4);
        config.variant.placement = spec;
        config.seed = seed;
        if (kind == PlatformKind::container_in_vm) {
          config.variant.initial_nodes = 3;
          config.variant.cluster_autoscaler.enabled = true;
          config.variant.cluster_autoscaler.min_nodes = 1;
          config.variant.cluster_autoscaler.max_nodes = 8;
          config.variant.cluster_autoscaler.logic.unneeded_time = sim::Time::from_s(30);
          config.variant.cluster_autoscaler.logic.scale_down_delay_after_add =
              sim::Time::from_s(30);
        }
        auto policy = std::make_shared<IsolationPolicy>();
        for (int t = 0; t < 3; ++t)
          if (rng.below(2) == 0)
            policy->set_tenant(fmt::format("t{}", t), static_cast<Share>(rng.below(4)));
        if (rng.below(2) == 0) policy->set_pair("t0", "t1", static_cast<Share>(rng.below(4)));
        std::map<std::string, Tenant> by_service;
        for (int s = 0; s < 4; ++s) {
          ServiceConfig sc =
              world.service(fmt::format("s{}", s), sim::Millicores{500}, sim::Bytes::mib(512),
                            1 + static_cast<int>(rng.below(3)), 0.05);
          sc.autoscaling.kind = AutoscalerConfig::Kind::hpa;
          sc.autoscaling.hpa.min_replicas = 1;
          sc.autoscaling.hpa.max_replicas = 8;
          sc.autoscaling.hpa.target = 50.0;
          sc.tenancy.tenant = fmt::format("t{}", rng.below(3));
          sc.tenancy.sandboxed = rng.below(3) == 0;
          sc.tenancy.isolation = policy;
          by_service[sc.name] = {sc.tenancy.tenant, sc.tenancy.sandboxed ||
                                                        kind == PlatformKind::vm ||
                                                        kind == PlatformKind::microvm};
          config.services.push_back(std::move(sc));
        }
        sim::Simulation sim;
        Cluster cluster{sim, config};
        std::string broken;
        cluster.runtime().on_state_change.connect([&](const Instance&) {
          if (broken.empty()) broken = violation(cluster, by_service, *policy);
        });
        cluster.on_placement.connect([&](const PlacementDecision& d) {
          ++decisions;
          if (d.node.empty() && d.reason.find("isolation") != std::string::npos)
            ++isolation_pending;
          if (broken.empty()) broken = violation(cluster, by_service, *policy);
        });
        std::vector<std::unique_ptr<Load>> loads;
        for (std::size_t s = 0; s < config.services.size(); ++s)
          loads.push_back(std::make_unique<Load>(sim, cluster, s, 4.0 + 8.0 * rng.uniform01(), true,
                                                 seed * 10 + s));
        // A burst, then quiet: scale up, then down (departures, node drains, re-placements).
        sim.schedule_at(sim::Time::from_s(60), [&] {
          for (auto& l : loads)
            l->set_rps(40.0);
        });
        sim.schedule_at(sim::Time::from_s(150), [&] {
          for (auto& l : loads)
            l->set_rps(0.5);
        });
        sim.run_until(sim::Time::from_s(300));
        INFO(to_string(kind) << " " << spec << " seed " << seed << ": " << broken);
        REQUIRE(broken.empty());
      }
  CHECK(decisions > 500);
  CHECK(isolation_pending > 0);
}
