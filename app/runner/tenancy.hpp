#pragma once
// From the scenario's tenancy sections (app/scenario/read_tenants.hpp) to one variant's
// ClusterConfig: each service's tenant, sandbox, isolation policy (the scenario's; none with the
// variant's `isolation: ignore`; every pair at most LEVEL with `isolation: LEVEL`), tolerations,
// node affinity and runtime profile (its RuntimeClass, else the variant's runtime_class; a sandbox
// when the class says so, or when the variant's own container runtime is not runc), and each host's
// taints and node group label (kNodeGroupLabel = its host group's name, so node affinity can pick a
// node pool as EKS's eks.amazonaws.com/nodegroup label does). Runtime profiles point into
// `catalog`, which must outlive the configs. Nothing happens for a scenario without tenancy
// sections.
#include <string_view>

#include "app/scenario/scenario.hpp"
#include "models/catalog/catalog.hpp"
#include "models/cluster/cluster_config.hpp"

namespace vmcsim::app::runner {

inline constexpr std::string_view kNodeGroupLabel = "eks.amazonaws.com/nodegroup";

void apply_tenancy(const scenario::Scenario& s, const scenario::Variant& v,
                   const models::Catalog& catalog, models::ClusterConfig& config);

}  // namespace vmcsim::app::runner
