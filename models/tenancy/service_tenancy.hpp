#pragma once
// What a service brings to placement as a tenant's workload (the ClusterConfig side of
// tenancy): its tenant, whether its runtime class is a sandbox, the isolation policy it is
// placed under, its tolerations and node affinity, and the runtime profile its RuntimeClass
// selects. apply() copies them into the service's PlacementRequest.
#include <memory>
#include <string>
#include <vector>

#include "models/catalog/profile.hpp"
#include "models/placement/node_view.hpp"
#include "models/tenancy/admission.hpp"
#include "models/tenancy/isolation.hpp"

namespace vmcsim::models::tenancy {

struct ServiceTenancy {
  std::string tenant;  // empty: no tenant (never refused for isolation, never counted)
  // A sandboxed runtime class (gVisor, Kata): the pods run their own kernel.
  bool sandboxed = false;
  std::shared_ptr<const IsolationPolicy> isolation;  // null: not enforced in this variant
  std::vector<placement::Toleration> tolerations;
  placement::NodeAffinity node_affinity;
  // Container variants: the profile the service's RuntimeClass names (null: the variant's).
  const PlatformProfile* runtime_profile = nullptr;
  // The Kubernetes namespace its pods are created in: each replica goes through quota admission
  // there (ClusterConfig::namespaces). Empty: not admitted (no namespace, or not a Kubernetes
  // variant).
  std::string ns;
};

// A pod's resources as its service declares them (a zero amount: not specified).
PodResources pod_resources(sim::Millicores cpu_request, sim::Millicores cpu_limit,
                           sim::Bytes memory_request, sim::Bytes memory_limit);

// Copies `tenancy` into `request`. `own_kernel_platform`: the instances are VMs or microVMs
// (each its own kernel whatever the runtime class).
void apply(const ServiceTenancy& tenancy, bool own_kernel_platform,
           placement::PlacementRequest& request);

}  // namespace vmcsim::models::tenancy
