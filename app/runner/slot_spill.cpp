#include "app/runner/slot_spill.hpp"

#include "app/runner/tenancy.hpp"
#include "models/tenancy/tenant_metrics.hpp"

namespace vmcsim::app::runner {

SpilledSlot spill_slot(models::metrics::VariantRunMetrics& run, const scenario::Scenario& point,
                       const InstanceSpool* spool, std::size_t key) {
  SpilledSlot slot;
  slot.spilled = true;
  if (!point.tenancy.tenants.empty()) {
    const models::tenancy::TenantServices services = tenant_services(point);
    for (const std::string& tenant : point.tenancy.tenants)
      slot.tenant_slices.push_back(models::tenancy::tenant_slice(run, tenant, services));
  }
  if (spool != nullptr) {
    for (auto& i : run.instances)
      if (i.node_vm) i.service = "node";
    slot.part = spool->write(key, run.variant, static_cast<int>(run.replication), run.instances);
  }
  // swap, not clear(): the capacity goes too.
  std::vector<models::metrics::InstanceLifecycle>{}.swap(run.instances);
  return slot;
}

}  // namespace vmcsim::app::runner
