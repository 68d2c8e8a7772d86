#pragma once
// The small cluster of the failure tests (failures_test.cpp, probe_timing_test.cpp): two hosts
// of 16 cores and 64 GiB, h0 in zone-a and h1 in zone-b, VMs of `profile` placed first fit, and
// one replica of `web` (1 core, 1 GiB). Each test says which platform's failure driver plays it.
#include "app/runner/failures.hpp"
#include "models/catalog/profile.hpp"
#include "models/cluster/cluster.hpp"
#include "models/cluster/cluster_config.hpp"
#include "models/metrics/run_metrics.hpp"

namespace vmcsim::test {

inline models::ClusterConfig two_zone_vms(const models::PlatformProfile& profile) {
  models::ClusterConfig c;
  for (int h = 0; h < 2; ++h) {
    models::HostSpec spec{h == 0 ? "h0" : "h1",
                          sim::Millicores::cores(16),
                          sim::Bytes::gib(64),
                          sim::DataRate::parse("1GB/s"),
                          10000.0,
                          sim::DataRate::gbps(10),
                          {{"zone", h == 0 ? "zone-a" : "zone-b"}},
                          100.0,
                          300.0};
    c.hosts.push_back({spec, 1.0, sim::Bytes::gib(100)});
  }
  c.registry = models::RegistrySpec{"hub", sim::DataRate::gbps(1), sim::Time::from_ms(20)};
  c.variant.name = "vm";
  c.variant.platform = models::PlatformKind::vm;
  c.variant.profile = &profile;
  c.variant.placement = "first_fit";
  models::ServiceConfig s;
  s.name = "web";
  s.cpu_request = s.cpu_limit = sim::Millicores::cores(1);
  s.memory_request = s.memory_limit = sim::Bytes::gib(1);
  s.replicas = 1;
  c.services.push_back(s);
  return c;
}

// web hangs once, at 500 s, on two_zone_vms(profile); `kind`'s failure driver plays it with
// `detection` and `health` for 1,000 s. The run's metrics: its failure log holds the hang.
inline models::metrics::VariantRunMetrics one_hang(const models::PlatformProfile& profile,
                                                   const models::failures::DetectionConfig& detection,
                                                   models::failures::RecoveryKind kind,
                                                   const models::failures::ServiceHealth& health) {
  const sim::Time end = sim::Time::from_s(1000);
  sim::Simulation sim;
  models::Cluster cluster{sim, two_zone_vms(profile)};
  models::failures::FailureSpec spec;
  spec.detection = detection;
  spec.crashes.push_back({"web", sim::Constant{500.0}, true});
  spec.health.push_back(health);
  app::runner::FailureDriver driver{sim, cluster, spec, kind, {end, sim::Time::zero()}, 1, 0};
  sim.run_until(end);
  models::metrics::VariantRunMetrics m;
  driver.finish(sim.now(), m);
  return m;
}

}  // namespace vmcsim::test
