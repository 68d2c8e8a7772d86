#pragma once
// The one-service cluster the metrics tests observe: `hosts` hosts "h1".."hN" of 8 cores and
// `host_memory`, the registry "hub" (1 Gbps, 20 ms), and the service "api" of `image`: 2
// replicas of 300 m and 700 MiB, 20 ms of CPU a request (cluster_test_support.hpp's pieces).
// The variant runs the catalog's `profile` (and is named after it); the run lasts 300 s.
// Tests change what their question needs (prices, SLO, more services).
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "cluster_test_support.hpp"

namespace vmcsim::models::testing {

inline ClusterConfig api_cluster(const Catalog& catalog, const Image& image,
                                 std::string_view profile, int hosts, sim::Bytes host_memory) {
  ClusterConfig c;
  for (int h = 1; h <= hosts; ++h)
    c.hosts.push_back(cluster_host(fmt::format("h{}", h), 8, host_memory));
  c.registry = RegistrySpec{"hub", sim::DataRate::gbps(1), sim::Time::from_ms(20)};
  c.services.push_back(
      cluster_service("api", sim::Millicores{300}, sim::Bytes::mib(700), 2, 0.02, image));
  c.variant.name = std::string(profile);
  c.variant.profile = &catalog.profile(profile);
  c.variant.platform = c.variant.profile->kind;
  c.duration = sim::Time::from_s(300);
  return c;
}

}  // namespace vmcsim::models::testing
