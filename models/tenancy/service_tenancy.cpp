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

}  // namespace vmcsim::models::tenancy
