#pragma once
// The isolation filter: a request of tenant t is infeasible on a node when placing it would make
// t share with another tenant u more than the request's IsolationPolicy allows
// (models/tenancy/isolation.hpp):
//   - u has an instance on the node and neither runs its own kernel: they would share a kernel;
//   - u has an instance on the node, a VM node: they would share a VM node;
//   - u has an instance on the node (a bare-metal host) or elsewhere on the node's physical
//     host: they would share a host.
// Every policy applies it through feasible() (policy.hpp); the pending reason names the tenants
// and what they may not share ("isolation: tenant b may not share a kernel with tenant a").
//
// Tenants elsewhere on the host: each NodeView carries those its builder saw
// (NodeTenancy::elsewhere_on_host), and a decision over VM nodes also unites, per physical host,
// the tenants of every node of the span on that host (HostTenants), so that two placements in
// one pass (PendingQueue::retry adds to the views) see each other across sibling VM nodes.
// Cost: nothing for a request without a tenant or policy; else O(tenants on the node) per node,
// and O(nodes) once per decision to unite the hosts when the span holds VM nodes and the policy
// forbids some tenant a host.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/placement/node_view.hpp"

namespace vmcsim::models::placement {

struct IsolationConflict {
  std::string other;      // the tenant already there
  tenancy::Share needed;  // the sharing placing would create (kernel, vm_node or host)
};

// Records `count` more (negative: fewer) instances of the request's tenant in `tenancy.here`;
// nothing for a request without a tenant.
void record_tenant(NodeTenancy& tenancy, const PlacementRequest& request, int count);

// Tenants per physical host over the nodes of one decision.
class HostTenants {
 public:
  HostTenants() = default;
  // Built only when `request` could be refused a host (else empty and inactive).
  HostTenants(const PlacementRequest& request, std::span<const NodeView> nodes);
  bool active() const { return active_; }
  // The tenants on `node`'s physical host (its own and its siblings' here and elsewhere lists),
  // or nullptr when inactive or the host is unknown.
  const std::vector<std::string>* on_host_of(const NodeView& node) const;

 private:
  bool active_ = false;
  std::map<std::string, std::vector<std::string>, std::less<>> by_host_;
};

// Why `request` may not go on `node`, or nullopt. `hosts`: the decision's HostTenants (may be
// null or inactive: then the node's own elsewhere_on_host list is used).
std::optional<IsolationConflict> isolation_conflict(const PlacementRequest& request,
                                                    const NodeView& node,
                                                    const HostTenants* hosts = nullptr);
// "isolation: tenant b may not share a kernel with tenant a".
std::string describe(const PlacementRequest& request, const IsolationConflict& conflict);

}  // namespace vmcsim::models::placement
