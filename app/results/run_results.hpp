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
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/results/instance_spool.hpp"
#include "models/metrics/descriptors.hpp"
#include "models/metrics/summary.hpp"
#include "models/platform/platform_kind.hpp"
#include "models/tenancy/interference.hpp"
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

/// One replication's value of every metric, as its descriptor's per_run gives it (the value
/// the summary's confidence interval is over), kept so that results can be merged and compared
/// across runs later (`vmcsim compare`): replication r of two runs with the same seed saw the
/// same random streams, so their values pair.
struct ReplicationValues {
  std::uint64_t replication = 0;  ///< 0-based replication index
  std::uint64_t seed = 0;         ///< the seed the replication's random streams derive from
  /// values[i] belongs to models::metrics::metric_descriptors()[i]; NaN: not measured.
  std::vector<double> values;
};

/// The ReplicationValues of `runs` (one variant), in the runs' order; `seed_of` maps a
/// replication index to its seed.
std::vector<ReplicationValues> replication_values(
    std::span<const models::metrics::VariantRunMetrics> runs,
    const std::function<std::uint64_t(std::uint64_t)>& seed_of);

/// What one variant measured, summarised over its replications (every measured field is the
/// models' VariantEstimates), plus what only the app knows about the variant.
struct VariantSummary : models::metrics::VariantEstimates {
  PlatformKind platform = PlatformKind::container;
  std::string profile;      ///< platform profile from the catalog
  double wall_seconds = 0;  ///< wall-clock time spent; the only non-deterministic field
  /// Every replication's metric values, in replication order (results.json per_replication).
  std::vector<ReplicationValues> per_replication;

  /// Whether the run measured placement (pending time, decisions, packing, evictions): a
  /// hand-built summary or one of a world without placement leaves those fields out.
  bool placement_measured() const { return placement_decisions.n > 0; }
  /// Whether the run modelled failures (availability and the other failures_only metrics).
  bool failures_measured() const { return availability.n > 0; }
  /// Whether `d` applies to this variant: its placement and failures metrics only when the run
  /// measured them. Every writer that lists metrics asks this, so they agree on what is shown.
  bool measures(const models::metrics::MetricDescriptor& d) const {
    return (!d.placement_only || placement_measured()) &&
           (!d.failures_only || failures_measured()) &&
           (!d.functions_only || functions_measured());
  }
  /// Whether some service ran as a function (the function metrics apply).
  bool functions_measured() const { return !per_function.empty(); }
};

/// One swept parameter's value at a sweep point.
struct SweepParameter {
  std::string name;               ///< scenario path of the parameter, e.g. "workload.burst.rps"
  std::string value;              ///< the value as written in the scenario, e.g. "512MiB"
  std::optional<double> numeric;  ///< the value as a plain number in its base unit, for plots
};

/// One sweep point: its parameter values and what each variant measured there, every metric its
/// descriptor declares (models/metrics/descriptors.hpp), so a new descriptor reaches results.json's
/// sweep_points and sweep.csv with no other edit. The pooled startup samples are left empty.
struct SweepPoint {
  std::vector<SweepParameter> parameters;
  std::vector<VariantSummary> variants;
  /// The point's paired differences, for its table (`vmcsim sweep`); not in results.json.
  std::vector<PairedDifference> differences;
  /// [tenants] The point's cross-tenant interference, as RunResults::interference is for a run
  /// of the point alone; empty without a tenant's bursts there.
  std::vector<models::tenancy::Interference> interference;
};

/// A failure of one run (app/runner/failures.hpp), for trace.json's instant events.
struct FailureEventRecord : models::metrics::FailureRecord {
  std::string variant;
  int replication = 0;
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
  /// [tenants] Cross-tenant interference: per variant, bursting tenant and other tenant, that
  /// tenant's latency with the bursts minus without them, paired over the same seeds
  /// (models/tenancy/interference.hpp, app/runner/interference.hpp); empty without bursts.
  std::vector<models::tenancy::Interference> interference;
  /// Instance records held in memory: a hand-built result's. A run's are spilled instead (below);
  /// read both through for_each_instance.
  std::vector<InstanceRecord> instances;
  /// A run's instance records, spilled to disk as its replications end (instance_spool.hpp).
  SpilledInstances spilled_instances;
  std::vector<TimeseriesSample> timeseries;
  std::vector<FailureEventRecord> failures;  ///< variant, then replication, then time order
  std::vector<SweepPoint> sweep_points;  ///< empty unless the scenario has a sweep
  /// A pod-trace placement benchmark's text table (placement.txt); empty for other runs.
  std::string placement_table;
};

/// Every instance record of `results` in order (the in-memory ones, then the spilled parts),
/// one at a time: the record passed is valid during the call only.
void for_each_instance(const RunResults& results,
                       const std::function<void(const InstanceRecord&)>& fn);

/// How many instance records `results` holds (in memory and spilled).
std::uint64_t instance_count(const RunResults& results);

/// The union of the instance records' phase names, in order of first appearance.
std::vector<std::string> instance_phase_names(const RunResults& results);

}  // namespace vmcsim::app
