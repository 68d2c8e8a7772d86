#pragma once
// Fargate task sizing and billing.
//
// Fargate runs a task only at one of a fixed set of (CPU, memory) sizes; a request is rounded up
// to the cheapest valid size that covers both, and the difference is paid-for waste.
// Valid sizes (Amazon ECS developer guide, "Task CPU and memory", Fargate; GB = 1024 MiB):
//   0.25 vCPU: 0.5, 1, 2 GB          0.5 vCPU: 1..4 GB (1 GB steps)   1 vCPU: 2..8 GB (1 GB)
//   2 vCPU: 4..16 GB (1 GB)          4 vCPU: 8..30 GB (1 GB)
//   8 vCPU: 16..60 GB (4 GB steps)   16 vCPU: 32..120 GB (8 GB steps)
// Billing (AWS Fargate pricing page): per vCPU-second and GB-second of the task size, from the
// start of the image pull to task stop, rounded up to the whole second, minimum one minute.
// Default prices: us-east-1, Linux/x86, on demand: $0.04048 per vCPU-hour, $0.004445 per
// GB-hour (overridable: they vary by region, architecture and over time).
// ECS task definitions write CPU in units of 1024 per vCPU: the importer converts them to
// Millicores (1 vCPU = 1000m) before asking for a size.
#include <optional>
#include <span>

#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::models::placement {

struct FargateSize {
  sim::Millicores cpu;
  sim::Bytes memory;
  friend bool operator==(const FargateSize&, const FargateSize&) = default;
};

struct FargateFit {
  FargateSize size;
  sim::Millicores cpu_waste;  // size.cpu - requested cpu
  sim::Bytes memory_waste;    // size.memory - requested memory
};

struct FargatePrice {
  double usd_per_vcpu_hour = 0.04048;
  double usd_per_gb_hour = 0.004445;
};

// Every valid size, ordered by CPU then memory.
std::span<const FargateSize> fargate_sizes();
// The cheapest valid size with cpu >= `cpu` and memory >= `memory` (ties: less CPU), or nothing
// when the request exceeds 16 vCPU / 120 GB.
std::optional<FargateFit> fargate_round_up(sim::Millicores cpu, sim::Bytes memory,
                                           const FargatePrice& price = {});
// The billed duration: `run_time` rounded up to the second, at least one minute.
sim::Time fargate_billed_time(sim::Time run_time);
// Cost in USD of running a task of `size` for `run_time`.
double fargate_cost(const FargateSize& size, sim::Time run_time, const FargatePrice& price = {});

}  // namespace vmcsim::models::placement
