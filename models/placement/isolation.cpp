#include "models/placement/isolation.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace vmcsim::models::placement {

namespace {

using tenancy::Share;

bool applies(const PlacementRequest& request) {
  return !request.tenant.empty() && request.isolation != nullptr;
}

std::string_view host_of(const NodeView& node) {
  return node.tenancy.host.empty() ? std::string_view(node.id) : node.tenancy.host;
}

void insert_sorted(std::vector<std::string>& v, std::string_view t) {
  const auto it = std::lower_bound(v.begin(), v.end(), t);
  if (it == v.end() || *it != t) v.insert(it, std::string(t));
}

}  // namespace

void record_tenant(NodeTenancy& tenancy, const PlacementRequest& request, int count) {
  if (request.tenant.empty()) return;
  auto& here = tenancy.here;
  const auto it = std::find_if(here.begin(), here.end(), [&](const TenantInstances& t) {
    return t.tenant == request.tenant && t.own_kernel == request.own_kernel;
  });
  if (it == here.end()) {
    if (count > 0) here.push_back({request.tenant, request.own_kernel, count});
    return;
  }
  it->count += count;
  if (it->count <= 0) here.erase(it);
}

HostTenants::HostTenants(const PlacementRequest& request, std::span<const NodeView> nodes) {
  if (!applies(request) || request.isolation->strictest_for(request.tenant) >= Share::vm_node)
    return;
  // Only VM nodes share a physical host with other nodes of the span.
  if (std::none_of(nodes.begin(), nodes.end(), [](const NodeView& n) { return n.tenancy.vm_node; }))
    return;
  active_ = true;
  for (const NodeView& n : nodes) {
    if (n.tenancy.here.empty() && n.tenancy.elsewhere_on_host.empty()) continue;
    auto it = by_host_.find(host_of(n));
    if (it == by_host_.end())
      it = by_host_.emplace(std::string(host_of(n)), std::vector<std::string>{}).first;
    for (const TenantInstances& t : n.tenancy.here)
      if (t.count > 0) insert_sorted(it->second, t.tenant);
    for (const std::string& t : n.tenancy.elsewhere_on_host)
      insert_sorted(it->second, t);
  }
}

const std::vector<std::string>* HostTenants::on_host_of(const NodeView& node) const {
  if (!active_) return nullptr;
  const auto it = by_host_.find(host_of(node));
  return it == by_host_.end() ? nullptr : &it->second;
}

std::optional<IsolationConflict> isolation_conflict(const PlacementRequest& request,
                                                    const NodeView& node,
                                                    const HostTenants* hosts) {
  if (!applies(request)) return std::nullopt;
  const tenancy::IsolationPolicy& policy = *request.isolation;
  for (const TenantInstances& t : node.tenancy.here) {
    if (t.count <= 0 || t.tenant == request.tenant) continue;
    Share needed = node.tenancy.vm_node ? Share::vm_node : Share::host;
    if (!request.own_kernel && !t.own_kernel) needed = Share::kernel;
    if (policy.allowed(request.tenant, t.tenant) < needed)
      return IsolationConflict{t.tenant, needed};
  }
  const std::vector<std::string>* united = hosts ? hosts->on_host_of(node) : nullptr;
  const std::vector<std::string>& elsewhere = united ? *united : node.tenancy.elsewhere_on_host;
  for (const std::string& other : elsewhere) {
    if (other == request.tenant) continue;
    if (policy.allowed(request.tenant, other) < Share::host)
      return IsolationConflict{other, Share::host};
  }
  return std::nullopt;
}

std::string describe(const PlacementRequest& request, const IsolationConflict& conflict) {
  return fmt::format("isolation: tenant {} may not {} with tenant {}", request.tenant,
                     tenancy::sharing_phrase(conflict.needed), conflict.other);
}

}  // namespace vmcsim::models::placement
