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

#include "models/metrics/summary.hpp"
#include "models/platform/platform_kind.hpp"
#include "models/tenancy/tenant_metrics.hpp"
#include "sim/time.hpp"

namespace vmcsim::app {

/// How an instance runs: a full VM, a microVM, a container on a host kernel, or a container on
/// a VM node (ECS container instance, EKS worker): the models' own kinds.
using models::PlatformKind;

/// One measured step of an instance's startup or life ("firmware", "image_pull", ...):
/// name, start and end (end >= start).
using PhaseRecord = models::metrics::InstanceLifecycle::Phase;

/// One instance (VM, microVM, container or node VM) in one replication of one variant: the
/// models' lifecycle record (run_metrics.hpp: service, kind, profile, host, node, phases,
/// state, requested, ready, stopped), where a node VM's service reads "node".
struct InstanceRecord : models::metrics::InstanceLifecycle {
  std::string variant;  ///< variant name, as in the scenario
  int replication = 0;  ///< 0-based replication index
};

/// Where an instance was when the replication ended, as the result files say it: starting
/// (or not yet placed) is pending, stopping still counts as running.
enum class EndState { running, stopped, failed, pending };

EndState end_state(models::InstanceState state);
std::string_view to_string(EndState state);

/// The state of one variant's cluster at time t of one replication, sampled at a fixed interval
/// (the fields are the models' Sample, run_metrics.hpp).
struct TimeseriesSample : models::metrics::Sample {
  std::string variant;
  int replication = 0;
};

/// The result types are the models' (models/metrics/summary.hpp, documented there): one
/// definition, filled by the models' summarize() and read here by the writers.
using models::metrics::Estimate;
using models::metrics::PairedDifference;
using models::metrics::PhaseSummary;
using models::metrics::Quantiles;

/// What one variant measured, summarised over its replications (every measured field is the
/// models' VariantEstimates), plus what only the app knows about the variant.
struct VariantSummary : models::metrics::VariantEstimates {
  PlatformKind platform = PlatformKind::container;
  std::string profile;      ///< platform profile from the catalog
  double wall_seconds = 0;  ///< wall-clock time spent; the only non-deterministic field

  /// Whether the run measured placement (pending time, decisions, packing, evictions): a
  /// hand-built summary or one of a world without placement leaves those fields out.
  bool placement_measured() const { return placement_decisions.n > 0; }
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
  sim::Time warmup;                  ///< statistics leave out [0, warmup) (collector.hpp)
  int replications = 0;              ///< replications per variant (per sweep point)
  /// A run stopped early (Ctrl-C): only its first `replications` of `replications_planned`
  /// replications finished, and these are all the results hold.
  bool partial = false;
  int replications_planned = 0;  ///< set when partial
  std::vector<VariantSummary> variants;
  std::vector<PairedDifference> differences;
  /// [tenants] The cost of isolation: each variant that keeps tenants apart minus the
  /// scenario's `isolation: ignore` variant, paired (hosts_used_peak, nodes_peak, cost_usd);
  /// empty without one (app/runner/tenancy.hpp).
  std::vector<PairedDifference> isolation_cost;
  /// [tenants] Per variant and tenant: cost, density, stranded CPU, SLO violations
  /// (models/tenancy/tenant_metrics.hpp); empty without tenants.
  std::vector<models::tenancy::TenantEstimates> tenants;
  std::vector<InstanceRecord> instances;
  std::vector<TimeseriesSample> timeseries;
  std::vector<SweepPoint> sweep_points;  ///< empty unless the scenario has a sweep
  /// A pod-trace placement benchmark's text table (placement.txt); empty for other runs.
  std::string placement_table;
};

}  // namespace vmcsim::app
