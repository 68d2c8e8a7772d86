#include "models/tenancy/service_tenancy.hpp"

namespace vmcsim::models::tenancy {

void apply(const ServiceTenancy& tenancy, bool own_kernel_platform,
           placement::PlacementRequest& request) {
  request.tenant = tenancy.tenant;
  request.own_kernel = own_kernel_platform || tenancy.sandboxed;
  request.isolation = tenancy.isolation;
  request.tolerations = tenancy.tolerations;
  request.node_affinity = tenancy.node_affinity;
}

PodResources pod_resources(sim::Millicores cpu_request, sim::Millicores cpu_limit,
                           sim::Bytes memory_request, sim::Bytes memory_limit) {
  PodResources pod;
  if (cpu_request > sim::Millicores{}) pod.cpu_request = cpu_request;
  if (cpu_limit > sim::Millicores{}) pod.cpu_limit = cpu_limit;
  if (memory_request > sim::Bytes{}) pod.memory_request = memory_request;
  if (memory_limit > sim::Bytes{}) pod.memory_limit = memory_limit;
  return pod;
}

}  // namespace vmcsim::models::tenancy
