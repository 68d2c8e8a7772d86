#pragma once
// The one-service cluster the metrics tests observe: `hosts` hosts "h1".."hN" of 8 cores and
// `host_memory` (cluster_test_support.hpp's cluster_host), the registry "hub" (1 Gbps, 20 ms),
// and the service "api" of `image`: 2 replicas of 300 m and 700 MiB, 20 ms of CPU a request.
// The variant runs the catalog's `profile` (and is named after it); the run lasts 300 s.
// Tests change what their question needs (prices, SLO, more services).
#include <string>
#include <string_view>

#include "cluster_test_support.hpp"

namespace vmcsim::models::testing {

inline ClusterConfig api_cluster(const Catalog& catalog, const Image& image,
                                 std::string_view profile, int hosts, sim::Bytes host_memory) {
  ClusterConfig c;
  for (int h = 1; h <= hosts; ++h)
    c.hosts.push_back(cluster_host("h" + std::to_string(h), 8, host_memory));
  c.registry = RegistrySpec{"hub", sim::DataRate::gbps(1), sim::Time::from_ms(20)};
  ServiceConfig s;
  s.name = "api";
  s.cpu_request = s.cpu_limit = sim::Millicores{300};
  s.memory_request = s.memory_limit = sim::Bytes::mib(700);
  s.replicas = 2;
  s.cpu_time = sim::Constant{0.02};
  s.image = &image;
  c.services.push_back(s);
  c.variant.name = std::string(profile);
  c.variant.profile = &catalog.profile(profile);
  c.variant.platform = c.variant.profile->kind;
  c.duration = sim::Time::from_s(300);
  return c;
}

}  // namespace vmcsim::models::testing
