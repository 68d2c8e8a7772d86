#include "app/runner/tenancy.hpp"

#include <algorithm>
#include <memory>

namespace vmcsim::app::runner {

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
  for (models::ServiceConfig& sc : config.services) {
    models::tenancy::ServiceTenancy& out = sc.tenancy;
    out.isolation = enforce ? policy : nullptr;
    out.sandboxed = runtime_sandboxed;
    std::string runtime_class = variant_class;
    if (const auto st = t.services.find(sc.name); st != t.services.end()) {
      out.tenant = st->second.tenant;
      out.tolerations = st->second.tolerations;
      out.node_affinity = st->second.node_affinity;
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

}  // namespace vmcsim::app::runner
