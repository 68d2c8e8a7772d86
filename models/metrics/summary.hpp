#pragma once
// The result of a run, per variant: estimates with 95% confidence intervals over replications,
// and paired differences between variants run under common random numbers. These are THE
// result types: app/results/run_results.hpp wraps them (adding only what the app knows: the
// variant's platform and profile, wall-clock time) and the report writers read them.
//
// Intervals are Student-t over one value per replication (sim::confidence_interval); this file
// only decides which value each replication contributes:
//   - startup, request latency, pending time: pooled quantiles over every sample of every
//     replication (the sketches are merged), and the CI of the per-replication means;
//   - time to capacity: a replication contributes the mean delay of the bursts capacity caught
//     up with; bursts never caught up with are counted in time_to_capacity_not_reached and
//     left out (their delay is only known to exceed the burst);
//   - everything else: the replication's value.
// Every value leaves out what the run's warm-up deleted (collector.hpp). Units are part of the
// field names (_ms, _s, _gib_hours, _core_hours, _kwh, _usd; fractions are 0..1).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/metrics/run_metrics.hpp"

namespace vmcsim::models::metrics {

// A mean over replications with the half-width of its 95% confidence interval (Student t): the
// true mean lies in [mean - half_width, mean + half_width] with 95% confidence. half_width is 0
// when n < 2 (no spread can be estimated from one replication); n = 0: nothing was measured.
struct Estimate {
  double mean = 0.0;
  double half_width = 0.0;
  std::int64_t n = 0;  // replications behind the estimate
};

// A pooled distribution plus a confidence interval on its mean.
struct Quantiles {
  double mean = 0.0;  // of the pooled samples
  double p50 = 0.0;
  double p95 = 0.0;
  double p99 = 0.0;
  Estimate ci95;  // of the per-replication means
};

// Mean and 95th percentile of one startup phase, pooled, milliseconds.
struct PhaseSummary {
  std::string phase;
  double mean = 0.0;
  double p95 = 0.0;
};

// Why service instances were not running at the end of a run, and how many, over all
// replications (run_metrics.hpp InstanceAccounting::reasons).
struct ReasonCount {
  std::string reason;
  std::uint64_t instances = 0;
};

// A service-level objective checked against a variant's results.
struct SloVerdict {
  std::string objective;  // "startup_p99"
  double target = 0.0;    // in the objective's unit (startup_p99: ms)
  // The measured value: startup_p99 is the exact 99th percentile (nearest rank) of the startup
  // of every instance requested after the warm-up, pooled over replications, an instance that
  // never became ready counting as infinitely slow (so more than 1% not ready: +infinity).
  double value = 0.0;
  bool met = false;    // value <= target
  std::int64_t n = 0;  // instances behind the value
};

// What one variant measured, summarised over its replications.
struct VariantEstimates {
  std::string name;
  std::int64_t replications = 0;
  // Service instances requested after the warm-up and what became of them, per replication:
  // requested = ready + never_placed + never_started + cancelled (scaled in before ready).
  Estimate instances_requested;
  Estimate instances_ready;
  Estimate instances_never_placed;
  Estimate instances_never_started;
  Estimate instances_cancelled;
  Estimate instances_rejected;  // [tenants] refused by quota admission, never created
  Estimate instances_not_ready;                // never placed + never started + rejected
  std::vector<ReasonCount> not_ready_reasons;  // most instances first, then by reason
  // Requested -> ready, per service instance that became ready (the ones that did not are
  // counted above: these figures say nothing of them).
  Quantiles startup_ms;
  std::vector<PhaseSummary> startup_phases_ms;  // per phase, in pipeline order
  Quantiles node_startup_ms;  // container_in_vm node VMs; all zero (n = 0) otherwise
  std::vector<PhaseSummary> node_startup_phases_ms;
  Estimate time_to_capacity_s;                    // burst onset -> capacity >= demand again
  std::int64_t time_to_capacity_not_reached = 0;  // bursts, over all replications
  Quantiles request_latency_ms;                   // per request
  Estimate request_latency_p95_ms;  // each replication's p95, mean over them (interference)
  Estimate slo_violation_fraction;                // share of requests over the latency SLO
  // Memory reserved by guest OSes, hypervisors and runtimes rather than by applications,
  // integrated over time.
  Estimate memory_overhead_gib_hours;
  Estimate idle_reserved_cpu_core_hours;    // reserved but unused CPU
  Estimate idle_reserved_memory_gib_hours;  // reserved but unused memory
  Estimate reserved_memory_gib_hours;       // application memory reserved
  bool working_set_estimated = false;       // all replications had a working-set estimate
  // What Fargate's rounding of task sizes up to a supported (vCPU, memory) size adds over the
  // request; zero for other platforms.
  Estimate fargate_rounding_waste_cpu_core_hours;
  Estimate fargate_rounding_waste_memory_gib_hours;
  // Share of placement-node CPU (memory) free but stranded on nodes where the other dimension
  // is too short for the smallest instance, mean over sample times.
  Estimate stranded_cpu_fraction;
  Estimate stranded_memory_fraction;
  Estimate density_instances_per_host;  // service instances per used host, time-weighted
  Estimate density_peak;
  Estimate hosts_used_peak;  // most physical hosts in use at once
  Estimate nodes_peak;       // most live node VMs at once (container_in_vm; 0 otherwise)
  Estimate energy_kwh;       // host energy
  Estimate cost_usd;         // under the scenario's price model
  // Placement: pending time of the placed service instances (requested -> placed, pooled),
  // decisions and evictions per replication, packing efficiency (allocated / allocatable on the
  // used nodes) and fragmentation (share of free capacity on nodes that cannot host the
  // smallest instance), means over sample times. placement_decisions.n == 0: not measured.
  Quantiles pending_ms;
  Estimate placement_decisions;
  Estimate evictions;
  Estimate packing_efficiency_cpu;
  Estimate packing_efficiency_memory;
  Estimate fragmentation_cpu;
  Estimate fragmentation_memory;
  Estimate gpu_fragmentation_gpus;  // pod-trace replays: free GPU capacity fragmented, in GPUs
  // Failures (VariantRunMetrics' failure fields); availability.n == 0: not modelled.
  Estimate availability;
  Estimate requests_failed;
  Estimate time_to_detect_s;
  Estimate time_to_recover_s;
  Estimate replicas_lost;
  Estimate replicas_replaced;
  Estimate failures_unrecovered;
  Estimate evictions_refused;  // drains: evictions a disruption budget refused
  Estimate drain_duration_s;   // drains: start until the host held none of its replicas
  // Wall clock, pooled over all decisions: not deterministic, omitted with wall_seconds.
  double placement_decision_us_mean = 0.0;
  double placement_decision_us_p99 = 0.0;
  // [fn] requests left unserved at the end; functions: cold-start fraction, mean cold wait,
  // idle warm memory-time, Lambda-style GB-seconds and cost; per function pooled over runs.
  Estimate requests_unserved;
  Estimate cold_start_fraction;
  Estimate cold_start_wait_ms;
  Estimate wasted_memory_gib_hours;
  Estimate function_gb_seconds;
  Estimate function_cost_usd;
  std::vector<serverless::FunctionRunMetrics::PerFunction> per_function;
  std::vector<SloVerdict> slo;  // the scenario's objectives (filled by the caller who has them)
  std::uint64_t events = 0;     // simulation events, all replications
  std::vector<double> startup_samples_ms;  // pooled, replication order (for CDFs)
};

// startup_p99 of `v` against `target` (see SloVerdict). With no instance requested, n = 0 and
// the objective is met vacuously (nothing was asked).
SloVerdict startup_p99_verdict(const VariantEstimates& v, sim::Time target);

// A paired (common random numbers) difference a - b of one metric between two variants:
// "containers start 41.2 s (+-1.3) sooner than VMs" is metric "startup_ms", mean -41200.
struct PairedDifference {
  std::string metric;  // a VariantEstimates field name: "startup_ms", "cost_usd", ...
  std::string variant_a;
  std::string variant_b;
  double mean = 0.0;        // mean over replications of a - b, in the metric's unit
  double half_width = 0.0;  // 95% CI half-width of that mean; 0 when n < 2
  std::int64_t n = 0;       // replications paired
};

// Mean and 95% CI of one value per replication; NaN values (nothing measured) are left out.
Estimate estimate(std::span<const double> per_replication);

// Quantiles of pooled samples (>= 0; sim::QuantileSketch, 1% relative error) and the 95% CI of
// the per-replication means.
Quantiles quantiles(std::span<const double> pooled_samples,
                    std::span<const double> replication_means);

// The paired difference a - b of one value per replication (a[r] pairs with b[r]). Throws
// std::invalid_argument if a and b differ in length.
PairedDifference paired_difference(std::string metric, std::string variant_a, std::string variant_b,
                                   std::span<const double> a, std::span<const double> b);

// The runs of one variant (any replication order). Throws std::invalid_argument if `runs` is
// empty or mixes variants.
VariantEstimates summarize(std::span<const VariantRunMetrics> runs);

// a - b for startup_ms (mean), time_to_capacity_s, cost_usd, memory_overhead_gib_hours and
// slo_violation_fraction (and, when either variant modelled failures, the compared
// failures_only metrics), pairing replication r of a with replication r of b. A pair where
// either side measured nothing (NaN) is left out. Throws std::invalid_argument if a
// replication index is missing on one side or repeated.
std::vector<PairedDifference> paired_differences(std::span<const VariantRunMetrics> a,
                                                 std::span<const VariantRunMetrics> b);

}  // namespace vmcsim::models::metrics
