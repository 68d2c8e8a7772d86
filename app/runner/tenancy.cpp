#include "app/runner/tenancy.hpp"

#include <algorithm>
#include <memory>

#include "app/runner/slot_spill.hpp"
#include "models/tenancy/cost_of_isolation.hpp"

namespace vmcsim::app::runner {

namespace {

// The LimitRanger's defaults of the service's namespace, as the pods will have them (a limit or
// request the service leaves out takes the range's default; a limit without a request makes the
// request), so that placement and the runtime see what admission charges to the quota. A range
// the pod violates changes nothing here: admission rejects the pod.
void apply_limit_ranges(const std::vector<models::tenancy::Namespace>& namespaces,
                        std::string_view ns, models::ServiceConfig& sc) {
  namespace tn = models::tenancy;
  const auto it = std::find_if(namespaces.begin(), namespaces.end(),
                               [&](const tn::Namespace& n) { return n.name == ns; });
  if (it == namespaces.end() || it->limit_ranges.empty()) return;
  tn::PodResources pod =
      tn::pod_resources(sc.cpu_request, sc.cpu_limit, sc.memory_request, sc.memory_limit);
  if (pod.cpu_limit && !pod.cpu_request) pod.cpu_request = pod.cpu_limit;
  if (pod.memory_limit && !pod.memory_request) pod.memory_request = pod.memory_limit;
  for (const tn::LimitRange& range : it->limit_ranges) {
    tn::LimitRangeResult r = tn::apply_limit_range(range, pod);
    if (r.error) return;
    pod = r.pod;
  }
  sc.cpu_request = pod.cpu_request.value_or(sim::Millicores{});
  sc.cpu_limit = pod.cpu_limit.value_or(sim::Millicores{});
  sc.memory_request = pod.memory_request.value_or(sim::Bytes{});
  sc.memory_limit = std::max(pod.memory_limit.value_or(sim::Bytes{}), sc.memory_request);
}

}  // namespace

void apply_tenancy(const scenario::Scenario& s, const scenario::Variant& v,
                   const models::Catalog& catalog, models::ClusterConfig& config) {
  const scenario::Tenancy& t = s.tenancy;
  if (t.empty()) return;
  // Hosts are the groups' hosts in group order (runner/world.cpp hosts_of).
  std::size_t h = 0;
  for (const scenario::HostGroup& g : s.hosts) {
    const auto taints = t.taints.find(g.name);
    for (int i = 0; i < g.count && h < config.hosts.size(); ++i, ++h) {
      config.hosts[h].spec.labels[std::string(kNodeGroupLabel)] = g.name;
      if (taints != t.taints.end()) config.hosts[h].taints = taints->second;
    }
  }
  const auto vt = t.variants.find(v.name);
  const bool enforce = vt == t.variants.end() || vt->second.enforce_isolation;
  std::shared_ptr<const models::tenancy::IsolationPolicy> policy = t.isolation;
  if (vt != t.variants.end() && vt->second.level) {
    auto own = std::make_shared<models::tenancy::IsolationPolicy>();
    own->set_default(*vt->second.level);
    policy = own;
  }
  const std::string variant_class = vt == t.variants.end() ? "" : vt->second.runtime_class;
  const bool containers = v.platform == scenario::PlatformKind::container ||
                          v.platform == scenario::PlatformKind::container_in_vm;
  const bool runtime_sandboxed =
      containers && config.variant.profile != nullptr && config.variant.profile->name != "runc";
  // Pods exist only where Kubernetes schedules containers: there they go through admission.
  const bool kubernetes = containers && v.placement.starts_with("k8s");
  if (kubernetes) config.namespaces = t.namespaces;
  for (models::ServiceConfig& sc : config.services) {
    models::tenancy::ServiceTenancy& out = sc.tenancy;
    out.isolation = enforce ? policy : nullptr;
    out.sandboxed = runtime_sandboxed;
    std::string runtime_class = variant_class;
    if (const auto st = t.services.find(sc.name); st != t.services.end()) {
      out.tenant = st->second.tenant;
      out.tolerations = st->second.tolerations;
      out.node_affinity = st->second.node_affinity;
      if (kubernetes && !st->second.ns.empty()) {
        out.ns = st->second.ns;
        apply_limit_ranges(t.namespaces, out.ns, sc);
      }
      if (!st->second.runtime_class.empty()) runtime_class = st->second.runtime_class;
    }
    if (runtime_class.empty() || !containers) continue;
    const auto rc =
        std::find_if(t.runtime_classes.begin(), t.runtime_classes.end(),
                     [&](const scenario::RuntimeClass& r) { return r.name == runtime_class; });
    if (rc == t.runtime_classes.end()) continue;  // the loader checked every name
    out.sandboxed = rc->sandboxed;
    out.runtime_profile = &catalog.profile(rc->handler);
  }
}

std::vector<models::metrics::PairedDifference> isolation_cost(
    const scenario::Scenario& s, std::span<const models::metrics::VariantRunMetrics> runs,
    std::size_t per_variant) {
  std::vector<models::metrics::PairedDifference> out;
  if (s.tenancy.tenants.empty() || per_variant == 0) return out;
  const auto ignores = [&](std::size_t v) {
    const auto it = s.tenancy.variants.find(s.variants[v].name);
    return it != s.tenancy.variants.end() && !it->second.enforce_isolation;
  };
  std::size_t base = 0;
  while (base < s.variants.size() && !ignores(base))
    ++base;
  if (base == s.variants.size() || runs.size() < s.variants.size() * per_variant) return out;
  const auto runs_of = [&](std::size_t v) { return runs.subspan(v * per_variant, per_variant); };
  for (std::size_t v = 0; v < s.variants.size(); ++v) {
    if (ignores(v)) continue;
    for (auto& d : models::tenancy::cost_of_isolation(runs_of(v), runs_of(base)))
      out.push_back(std::move(d));
  }
  return out;
}

models::tenancy::TenantServices tenant_services(const scenario::Scenario& s) {
  models::tenancy::TenantServices services;
  for (const auto& [name, t] : s.tenancy.services)
    services.tenant_of[name] = t.tenant;
  for (const scenario::Service& sv : s.services)
    services.cpu_cores[sv.name] = sv.cpu_request.cores_value();
  return services;
}

std::vector<models::tenancy::TenantEstimates> tenant_metrics(const scenario::Scenario& s,
                                                             std::span<const SpilledSlot> runs,
                                                             std::size_t per_variant) {
  std::vector<models::tenancy::TenantEstimates> out;
  if (s.tenancy.tenants.empty() || per_variant == 0 ||
      runs.size() < s.variants.size() * per_variant)
    return out;
  for (std::size_t v = 0; v < s.variants.size(); ++v) {
    std::vector<std::vector<models::metrics::VariantRunMetrics>> slices;
    for (const SpilledSlot& run : runs.subspan(v * per_variant, per_variant))
      slices.push_back(run.tenant_slices);
    for (auto& e : models::tenancy::tenant_estimates_of_slices(slices, s.tenancy.tenants))
      out.push_back(std::move(e));
  }
  return out;
}

}  // namespace vmcsim::app::runner
