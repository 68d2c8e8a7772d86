#pragma once
// From the scenario's tenancy sections (app/scenario/read_tenants.hpp) to one variant's
// ClusterConfig: each service's tenant, sandbox, isolation policy (the scenario's; none with the
// variant's `isolation: ignore`; every pair at most LEVEL with `isolation: LEVEL`), tolerations,
// node affinity and runtime profile (its RuntimeClass, else the variant's runtime_class; a sandbox
// when the class says so, or when the variant's own container runtime is not runc), and each host's
// taints and node group label (kNodeGroupLabel = its host group's name, so node affinity can pick a
// node pool as EKS's eks.amazonaws.com/nodegroup label does). Runtime profiles point into
// `catalog`, which must outlive the configs. In a Kubernetes variant (containers placed by a
// `k8s` profile) the scenario's namespaces and each service's namespace go to the config, so
// every pod passes quota admission (ClusterConfig::namespaces); other variants create no pods
// and admit nothing. Nothing happens for a scenario without tenancy sections.
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "app/scenario/scenario.hpp"
#include "models/catalog/catalog.hpp"
#include "models/cluster/cluster_config.hpp"
#include "models/metrics/summary.hpp"
#include "models/tenancy/tenant_metrics.hpp"

namespace vmcsim::app::runner {

struct SpilledSlot;  // slot_spill.hpp

inline constexpr std::string_view kNodeGroupLabel = "eks.amazonaws.com/nodegroup";

void apply_tenancy(const scenario::Scenario& s, const scenario::Variant& v,
                   const models::Catalog& catalog, models::ClusterConfig& config);

// The cost of isolation (models/tenancy/cost_of_isolation.hpp): every variant that keeps
// tenants apart against the scenario's first `isolation: ignore` variant, from the runs of one
// point (variant-major, `per_variant` replications each). Empty when the scenario has no
// tenants or no such variant.
std::vector<models::metrics::PairedDifference> isolation_cost(
    const scenario::Scenario& s, std::span<const models::metrics::VariantRunMetrics> runs,
    std::size_t per_variant);

// Which tenant owns each service and each service's CPU request (tenant_slice's inputs).
models::tenancy::TenantServices tenant_services(const scenario::Scenario& s);

// Per-tenant metrics (models/tenancy/tenant_metrics.hpp) of every variant, from the tenant slices
// of the runs of one point (variant-major, `per_variant` replications each; slot_spill.hpp made
// them as the runs ended); empty without tenants.
std::vector<models::tenancy::TenantEstimates> tenant_metrics(const scenario::Scenario& s,
                                                             std::span<const SpilledSlot> runs,
                                                             std::size_t per_variant);

}  // namespace vmcsim::app::runner
