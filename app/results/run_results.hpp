#pragma once
// RunResults: everything one `vmcsim run` produces, as plain data.
//
// This is the contract between the runner (which fills it) and the writers in app/report/
// (which only read it). Times along the simulated timeline are sim::Time, measured from the
// start of the replication. Summary statistics are plain doubles whose unit is part of the
// field name (`_ms`, `_s`, `_gib_hours`, `_usd`, ...), because they are means, quantiles and
// confidence intervals of many measurements rather than points on the clock.
//
// Invariants the runner keeps and the writers check where it matters:
//  - every PhaseRecord has start <= end; phases of one instance are listed in the order they ran;
//  - instances, timeseries samples and variants are in a deterministic order (variant order as in
//    the scenario, then replication, then creation order), so output is byte-identical for the
//    same seed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/platform/platform_kind.hpp"
#include "sim/time.hpp"

namespace vmcsim::app {

/// How an instance runs: a full VM, a microVM, a container on a host kernel, or a container on
/// a VM node (ECS container instance, EKS worker): the models' own kinds.
using models::PlatformKind;

/// Where an instance was when the replication ended.
enum class EndState { running, stopped, failed, pending };

std::string_view to_string(EndState state);

/// One measured step of an instance's startup or life ("firmware", "image_pull", ...).
struct PhaseRecord {
  std::string name;
  sim::Time start;  ///< when the phase began
  sim::Time end;    ///< when it ended; end >= start
};

/// One instance (VM, microVM or container) of one service in one replication of one variant.
struct InstanceRecord {
  std::string variant;  ///< variant name, as in the scenario
  int replication = 0;  ///< 0-based replication index
  std::string service;  ///< service (or task family) the instance belongs to
  PlatformKind platform = PlatformKind::container;
  std::string profile;  ///< platform profile from the catalog, e.g. "kvm-ubuntu-22.04", "runc"
  std::string host;     ///< physical host it ran on; empty if never placed
  std::string node;     ///< VM node for container_in_vm; empty otherwise
  std::vector<PhaseRecord> phases;  ///< measured phases, in the order they ran
  EndState end_state = EndState::pending;
  sim::Time requested;               ///< when the orchestrator asked for the instance
  std::optional<sim::Time> ready;    ///< when it started serving; empty if it never did
  std::optional<sim::Time> stopped;  ///< when it stopped or failed; empty if it did not
};

/// The state of one variant's cluster at time t of one replication, sampled at a fixed interval.
struct TimeseriesSample {
  std::string variant;
  int replication = 0;
  sim::Time t;
  double demand_rps = 0;               ///< offered load, requests per second
  double capacity_rps = 0;             ///< what the ready instances can serve, requests per second
  double cpu_utilization = 0;          ///< busy share of the CPU of hosts in use, 0..1
  double memory_utilization = 0;       ///< reserved share of the memory of hosts in use, 0..1
  std::int64_t pending_instances = 0;  ///< requested but not yet ready
  std::int64_t running_instances = 0;  ///< ready and serving
  std::int64_t hosts_used = 0;         ///< hosts with at least one instance (or VM node)
  std::int64_t queued_requests = 0;    ///< requests waiting for a free instance
};

/// A mean over replications with the half-width of its 95% confidence interval (Student t):
/// the true mean lies in [mean - half_width, mean + half_width] with 95% confidence.
/// half_width is 0 when n < 2 (no spread can be estimated from one replication).
struct Estimate {
  double mean = 0;
  double half_width = 0;
  std::int64_t n = 0;  ///< number of replications (or samples) behind the estimate
};

/// Distribution of a pooled sample plus a confidence interval on its mean.
struct Quantiles {
  double mean = 0;
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
  Estimate ci95;  ///< 95% CI of the mean, over replication means
};

/// Mean and 95th percentile of one startup phase, in milliseconds.
struct PhaseSummary {
  std::string phase;
  double mean = 0;
  double p95 = 0;
};

/// What one variant measured, summarised over its replications.
struct VariantSummary {
  std::string name;
  PlatformKind platform = PlatformKind::container;
  std::string profile;
  Quantiles startup_ms;                         ///< requested -> ready, per instance, milliseconds
  std::vector<PhaseSummary> startup_phases_ms;  ///< per phase, in pipeline order, milliseconds
  Estimate time_to_capacity_s;      ///< burst start -> capacity >= demand again, seconds
  Quantiles request_latency_ms;     ///< per request, milliseconds
  Estimate slo_violation_fraction;  ///< share of requests over the latency SLO, 0..1
  /// Memory reserved by guest OSes, hypervisors and runtimes rather than by applications,
  /// integrated over the run, GiB x hours.
  Estimate memory_overhead_gib_hours;
  Estimate idle_reserved_cpu_core_hours;    ///< reserved but unused CPU, core x hours
  Estimate idle_reserved_memory_gib_hours;  ///< reserved but unused memory, GiB x hours
  /// Fargate rounds each task up to a supported (vCPU, memory) size; what was paid for and not
  /// requested. Zero for other platforms.
  Estimate fargate_rounding_waste_cpu_core_hours;
  Estimate fargate_rounding_waste_memory_gib_hours;
  /// Time-averaged share of host CPU (memory) left free on hosts whose other resource is full,
  /// so no further instance fits, 0..1.
  Estimate stranded_cpu_fraction;
  Estimate stranded_memory_fraction;
  Estimate density_instances_per_host;  ///< running instances per used host, time-averaged
  Estimate hosts_used_peak;             ///< largest number of hosts in use at once
  Estimate energy_kwh;                  ///< host energy over the run, kWh
  Estimate cost_usd;                    ///< cost of the run under the scenario's price model, USD
  std::uint64_t events = 0;             ///< simulation events processed, all replications
  double wall_seconds = 0;              ///< wall-clock time spent; the only non-deterministic field
  std::vector<double> startup_samples_ms;  ///< raw startup times (for CDFs), milliseconds
};

/// A paired (common random numbers) difference a - b of one metric between two variants:
/// "containers start 41.2 s (+-1.3) sooner than VMs" is metric "startup_ms", mean -41200.
struct PairedDifference {
  std::string metric;  ///< a VariantSummary field name, e.g. "startup_ms" or "cost_usd"
  std::string variant_a;
  std::string variant_b;
  double mean = 0;        ///< mean over replications of (a - b), in the metric's unit
  double half_width = 0;  ///< 95% CI half-width of that mean
  std::int64_t n = 0;     ///< replications paired
};

/// One swept parameter's value at a sweep point.
struct SweepParameter {
  std::string name;               ///< scenario path of the parameter, e.g. "workload.burst.rps"
  std::string value;              ///< the value as written in the scenario, e.g. "512MiB"
  std::optional<double> numeric;  ///< the value as a plain number in its base unit, for plots
};

/// The key metrics of one variant at one sweep point.
struct SweepVariantMetrics {
  std::string variant;
  Quantiles startup_ms;
  Estimate time_to_capacity_s;
  Estimate slo_violation_fraction;
  Estimate memory_overhead_gib_hours;
  Estimate hosts_used_peak;
  Estimate cost_usd;
};

struct SweepPoint {
  std::vector<SweepParameter> parameters;
  std::vector<SweepVariantMetrics> variants;
};

/// Everything one run produced. Writers never modify it.
struct RunResults {
  static constexpr int current_schema_version = 1;

  int schema_version = current_schema_version;  ///< version of results.json's layout
  std::string vmcsim_version;                   ///< vmcsim release that produced it
  std::string scenario_name;
  std::string scenario_file;         ///< path as given on the command line
  nlohmann::json resolved_scenario;  ///< scenario after defaults, overrides and imports
  std::uint64_t seed = 0;            ///< master seed
  int replications = 0;              ///< replications per variant (per sweep point)
  std::vector<VariantSummary> variants;
  std::vector<PairedDifference> differences;
  std::vector<InstanceRecord> instances;
  std::vector<TimeseriesSample> timeseries;
  std::vector<SweepPoint> sweep_points;  ///< empty unless the scenario has a sweep
};

}  // namespace vmcsim::app
