#pragma once
// Aggregation across replications: per-variant estimates with 95% confidence intervals, and
// paired differences between variants run under common random numbers.
//
// Intervals are Student-t over one value per replication (sim::confidence_interval); this file
// only decides which value each replication contributes:
//   - startup, request latency: pooled quantiles over every sample of every replication (the
//     sketches are merged), and the CI of the per-replication means;
//   - time to capacity: a replication contributes the mean delay of the bursts capacity caught
//     up with; bursts never caught up with are counted in time_to_capacity_not_reached and
//     left out (their delay is only known to exceed the burst);
//   - everything else: the replication's value.
// The structs mirror app/results/run_results.hpp (Estimate, Quantiles, VariantSummary,
// PairedDifference) field for field, so the app layer copies them without arithmetic. As
// there, half_width is 0 when fewer than two replications give a value.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/metrics/run_metrics.hpp"

namespace vmcsim::models::metrics {

struct Estimate {
  double mean = 0.0;
  double half_width = 0.0;
  std::int64_t n = 0;
};

struct Quantiles {
  double mean = 0.0;  // of the pooled samples
  double p50 = 0.0;
  double p95 = 0.0;
  double p99 = 0.0;
  Estimate ci95;  // of the per-replication means
};

struct PhaseSummary {
  std::string phase;
  double mean = 0.0;  // ms, pooled
  double p95 = 0.0;
};

struct VariantEstimates {
  std::string name;
  std::int64_t replications = 0;
  Quantiles startup_ms;
  std::vector<PhaseSummary> startup_phases_ms;
  Quantiles node_startup_ms;  // container_in_vm node VMs; all zero (n = 0) otherwise
  std::vector<PhaseSummary> node_startup_phases_ms;
  Estimate time_to_capacity_s;
  std::int64_t time_to_capacity_not_reached = 0;  // bursts, over all replications
  Quantiles request_latency_ms;
  Estimate slo_violation_fraction;
  Estimate memory_overhead_gib_hours;
  Estimate idle_reserved_cpu_core_hours;
  Estimate idle_reserved_memory_gib_hours;
  Estimate reserved_memory_gib_hours;
  bool working_set_estimated = false;  // all replications had a working-set estimate
  Estimate fargate_rounding_waste_cpu_core_hours;
  Estimate fargate_rounding_waste_memory_gib_hours;
  Estimate stranded_cpu_fraction;
  Estimate stranded_memory_fraction;
  Estimate density_instances_per_host;
  Estimate density_peak;
  Estimate hosts_used_peak;
  Estimate nodes_peak;
  Estimate energy_kwh;
  Estimate cost_usd;
  std::uint64_t events = 0;                // all replications
  std::vector<double> startup_samples_ms;  // pooled, replication order
};

struct PairedDifference {
  std::string metric;  // a VariantEstimates field name: "startup_ms", "cost_usd", ...
  std::string variant_a;
  std::string variant_b;
  double mean = 0.0;  // mean over replications of a - b, in the metric's unit
  double half_width = 0.0;
  std::int64_t n = 0;  // replications paired
};

// Mean and 95% CI of one value per replication; NaN values (nothing measured) are left out.
Estimate estimate(std::span<const double> per_replication);

// The runs of one variant (any replication order). Throws std::invalid_argument if `runs` is
// empty or mixes variants.
VariantEstimates summarize(std::span<const VariantRunMetrics> runs);

// a - b for startup_ms (mean), time_to_capacity_s, cost_usd, memory_overhead_gib_hours and
// slo_violation_fraction, pairing replication r of a with replication r of b. A pair where
// either side measured nothing (NaN) is left out. Throws std::invalid_argument if a
// replication index is missing on one side or repeated.
std::vector<PairedDifference> paired_differences(std::span<const VariantRunMetrics> a,
                                                 std::span<const VariantRunMetrics> b);

}  // namespace vmcsim::models::metrics
