#pragma once
// A small multi-tenant scenario for the interference tests: tenant "noisy" bursts 16 MiB disk
// requests (30x its rate for a minute); tenant "quiet" sends steady 4 MiB ones. Variant
// "shared" puts both on one host's disk (`isolation: ignore`), "dedicated" never lets them share
// a host (`isolation: nothing`).

namespace vmcsim::test {

inline constexpr const char* kInterferenceScenario = R"(name: interference
duration: 3m
warmup: 30s
seed: 11
replications: 3
hosts:
  - {name: metal, count: 2, cpu: "16", memory: 64GiB, disk_bandwidth: 1GB/s}
registry: {bandwidth: 1Gbps, latency: 20ms}
images:
  app: {size: 50MiB, layers: 2}
tenants:
  - {name: noisy}
  - {name: quiet}
services:
  - name: bulk
    tenant: noisy
    image: app
    cpu: 500m
    memory: 256MiB
    replicas: 2
    work:
      cpu_time: {dist: exponential, mean: 1ms}
      io_bytes: {dist: exponential, mean: 16MiB}
  - name: api
    tenant: quiet
    image: app
    cpu: 500m
    memory: 256MiB
    replicas: 1
    work:
      cpu_time: {dist: exponential, mean: 1ms}
      io_bytes: {dist: exponential, mean: 4MiB}
workloads:
  - service: bulk
    kind: poisson
    rate: 1
    bursts:
      - {at: 1m, duration: 1m, multiplier: 30}
  - service: api
    kind: poisson
    rate: 10
variants:
  - {name: shared, platform: container, profile: runc, placement: first_fit, isolation: ignore}
  - {name: dedicated, platform: container, profile: runc, placement: first_fit, isolation: nothing}
)";

}  // namespace vmcsim::test
