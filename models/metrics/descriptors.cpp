#include "models/metrics/descriptors.hpp"

#include <array>
#include <limits>

#include "models/failures/failures.hpp"

namespace vmcsim::models::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using VE = VariantEstimates;
using R = VariantRunMetrics;
using T = MetricTable;
using S = Statistic;

double count(std::uint64_t n) {
  return static_cast<double>(n);
}

// Display rows, one array per shape of row (spans into them).
constexpr std::array kRequested{
    MetricDisplay{T::summary, "instances requested", "instances", 1, 0}};
constexpr std::array kNotReady{
    MetricDisplay{T::summary, "never placed or started", "instances", 1, 0}};
constexpr std::array kStartup{MetricDisplay{T::summary, "startup, mean", "ms", 1, 1},
                              MetricDisplay{T::summary, "startup, p95", "ms", 1, 1, S::p95}};
constexpr std::array kCapacity{MetricDisplay{T::summary, "time to capacity", "s", 1, 1}};
constexpr std::array kSlo{MetricDisplay{T::summary, "SLO violations", "%", 100, 2}};
constexpr std::array kOverhead{MetricDisplay{T::summary, "memory overhead", "GiB·h", 1, 2}};
constexpr std::array kIdleMemory{MetricDisplay{T::summary, "idle reserved memory", "GiB·h", 1, 2}};
constexpr std::array kDensity{MetricDisplay{T::summary, "density", "instances/host", 1, 1}};
constexpr std::array kHosts{MetricDisplay{T::summary, "hosts at peak", "hosts", 1, 1},
                            MetricDisplay{T::placement, "hosts at peak", "hosts", 1, 1}};
constexpr std::array kNodes{MetricDisplay{T::placement, "node VMs at peak", "nodes", 1, 1}};
constexpr std::array kEnergy{MetricDisplay{T::summary, "energy", "kWh", 1, 2}};
constexpr std::array kCost{MetricDisplay{T::summary, "cost", "USD", 1, 2}};
constexpr std::array kPackingCpu{
    MetricDisplay{T::placement, "packing efficiency, CPU", "%", 100, 1}};
constexpr std::array kPackingMemory{
    MetricDisplay{T::placement, "packing efficiency, memory", "%", 100, 1}};
constexpr std::array kStrandedCpu{MetricDisplay{T::placement, "stranded CPU", "%", 100, 1}};
constexpr std::array kStrandedMemory{MetricDisplay{T::placement, "stranded memory", "%", 100, 1}};
constexpr std::array kFragmentedCpu{MetricDisplay{T::placement, "fragmented CPU", "%", 100, 1}};
constexpr std::array kFragmentedMemory{
    MetricDisplay{T::placement, "fragmented memory", "%", 100, 1}};
constexpr std::array kPending{MetricDisplay{T::placement, "pending time, mean", "ms", 1, 1},
                              MetricDisplay{T::placement, "pending time, p99", "ms", 1, 1, S::p99}};
constexpr std::array kGpuFragmentation{
    MetricDisplay{T::placement, "fragmented GPUs", "GPUs", 1, 1}};
constexpr std::array kDecisions{
    MetricDisplay{T::placement, "placement decisions", "decisions", 1, 0}};
constexpr std::array kAvailability{MetricDisplay{T::summary, "availability", "%", 100, 3}};
constexpr std::array kFailed{MetricDisplay{T::summary, "requests failed", "requests", 1, 0}};
constexpr std::array kRecover{MetricDisplay{T::summary, "time to recover", "s", 1, 1}};
constexpr std::array kLost{MetricDisplay{T::summary, "replicas lost", "replicas", 1, 1}};
constexpr std::array kEvictionsRefused{
    MetricDisplay{T::summary, "evictions refused", "evictions", 1, 1}};
constexpr std::array kDrainDuration{MetricDisplay{T::summary, "drain duration", "s", 1, 1}};

double measured(const R& r, double value) {
  return r.failures_modelled ? value : kNaN;
}

// The drain metrics' value: only a run with a drain (maintenance or a Spot notice) measures
// them, so where nothing drained they are not applicable (NaN) rather than a quiet 0, and the
// tables leave their rows out and name them.
double drained(const R& r, double value) {
  for (const auto& f : r.failure_log)
    if (f.kind == failures::to_string(failures::EventKind::drain_start))
      return measured(r, value);
  return kNaN;
}

MetricDescriptor failures_only(MetricDescriptor d) {
  d.failures_only = true;
  return d;
}

constexpr std::array kColdStarts{MetricDisplay{T::functions, "cold starts", "%", 100, 2}};
constexpr std::array kColdWait{MetricDisplay{T::functions, "cold-start wait, mean", "ms", 1, 1}};
constexpr std::array kWastedMemory{
    MetricDisplay{T::functions, "wasted memory (idle warm)", "GiB·h", 1, 3}};
constexpr std::array kGbSeconds{MetricDisplay{T::functions, "billed duration", "GB·s", 1, 1}};
constexpr std::array kFunctionCost{MetricDisplay{T::functions, "Lambda-style cost", "USD", 1, 6}};
constexpr std::array kEvictions{MetricDisplay{T::placement, "evictions", "instances", 1, 1}};

MetricDescriptor est(std::string_view key, std::string_view unit, std::string_view doc,
                     double (*per_run)(const R&), Estimate VE::*field,
                     std::span<const MetricDisplay> display = {}, MetricComparison comparison = {},
                     bool placement_only = false) {
  MetricDescriptor d;
  d.key = key;
  d.unit = unit;
  d.doc = doc;
  d.aggregation = Aggregation::mean_ci;
  d.per_run = per_run;
  d.estimate = field;
  d.display = display;
  d.comparison = comparison;
  d.placement_only = placement_only;
  return d;
}

MetricDescriptor pooled(std::string_view key, std::string_view unit, std::string_view doc,
                        double (*per_run)(const R&), Quantiles VE::*field,
                        std::span<const MetricDisplay> display = {},
                        MetricComparison comparison = {}, bool placement_only = false) {
  MetricDescriptor d = est(key, unit, doc, per_run, nullptr, display, comparison, placement_only);
  d.aggregation = Aggregation::pooled;
  d.quantiles = field;
  return d;
}

// [fn] a metric of function services only: NaN (not applicable) in a run without them.
MetricDescriptor fn(std::string_view key, std::string_view unit, std::string_view doc,
                    double (*per_run)(const R&), Estimate VE::*field,
                    std::span<const MetricDisplay> display, MetricComparison comparison = {}) {
  MetricDescriptor d = est(key, unit, doc, per_run, field, display, comparison);
  d.functions_only = true;
  return d;
}

double cold_fraction(const R& r) {
  if (!r.functions.measured || r.functions.requests == 0) return kNaN;
  return count(r.functions.cold_starts) / count(r.functions.requests);
}

double cold_wait(const R& r) {
  if (!r.functions.measured || r.functions.cold_starts == 0) return kNaN;
  return r.functions.cold_wait_ms / count(r.functions.cold_starts);
}

const std::vector<MetricDescriptor>& table() {
  static const std::vector<MetricDescriptor> all{
      est(
          "instances_requested", "instances",
          "service instances requested at or after the warm-up, per replication",
          [](const R& r) { return count(r.instances_accounting.requested); },
          &VE::instances_requested, kRequested),
      est(
          "instances_ready", "instances", "of those, the ones that became ready",
          [](const R& r) { return count(r.instances_accounting.ready); }, &VE::instances_ready),
      est(
          "instances_never_placed", "instances",
          "of those, the ones still waiting for a node when the run ended",
          [](const R& r) { return count(r.instances_accounting.never_placed); },
          &VE::instances_never_placed),
      est(
          "instances_never_started", "instances",
          "of those, the ones placed but still starting when the run ended",
          [](const R& r) { return count(r.instances_accounting.never_started); },
          &VE::instances_never_started),
      est(
          "instances_cancelled", "instances",
          "of those, the ones scaled in before they became ready",
          [](const R& r) { return count(r.instances_accounting.cancelled); },
          &VE::instances_cancelled),
      est(
          "instances_rejected", "instances",
          "of those, the ones their namespace's quota admission refused, never created "
          "(docs/multi-tenant.md)",
          [](const R& r) { return count(r.instances_accounting.rejected); },
          &VE::instances_rejected),
      est(
          "instances_not_ready", "instances",
          "never placed plus never started plus rejected by admission",
          [](const R& r) { return count(r.instances_accounting.not_ready()); },
          &VE::instances_not_ready, kNotReady),
      pooled("startup_ms", "ms",
             "replica requested to ready, per service instance that became ready (waits for a "
             "place or a node included)",
             [](const R& r) { return r.startup_mean_ms(); }, &VE::startup_ms, kStartup,
             {"starts {} sooner", "starts {} later", "s", 1e-3}),
      est("time_to_capacity_s", "s",
          "burst onset until capacity covers demand again, over the bursts it did",
          [](const R& r) { return r.time_to_capacity_mean_s(); }, &VE::time_to_capacity_s,
          kCapacity, {"reaches capacity {} sooner", "reaches capacity {} later", "s", 1}),
      pooled(
          "request_latency_ms", "ms", "per request, arrival to done (queueing included)",
          [](const R& r) {
            return r.request_latency_stats.count() > 0 ? r.request_latency_stats.mean() : kNaN;
          },
          &VE::request_latency_ms),
      est(
          "request_latency_p95_ms", "ms",
          "per replication, the 95th percentile of its requests' latency (request_latency_ms "
          "pools them instead); the interference between tenants is told in it "
          "(docs/multi-tenant.md)",
          [](const R& r) {
            return r.request_latency_ms.empty() ? kNaN : r.request_latency_ms.quantile(0.95);
          },
          &VE::request_latency_p95_ms),
      est("slo_violation_fraction", "0..1", "share of requests slower than the latency SLO",
          [](const R& r) { return r.slo_violation_fraction(); }, &VE::slo_violation_fraction, kSlo,
          {"misses the latency SLO on {} fewer of its requests",
           "misses the latency SLO on {} more of its requests", "percentage points", 100}),
      est("memory_overhead_gib_hours", "GiB·h",
          "guest OS + hypervisor + runtime memory, integrated over time",
          [](const R& r) { return r.memory_overhead_gib_hours; }, &VE::memory_overhead_gib_hours,
          kOverhead,
          {"spends {} less memory on overhead", "spends {} more memory on overhead", "GiB·h", 1}),
      est(
          "idle_reserved_cpu_core_hours", "core·h", "reserved but unused CPU",
          [](const R& r) { return r.idle_reserved_cpu_core_hours; },
          &VE::idle_reserved_cpu_core_hours),
      est(
          "idle_reserved_memory_gib_hours", "GiB·h",
          "reserved but unused memory (all of it without a working-set estimate)",
          [](const R& r) { return r.idle_reserved_memory_gib_hours; },
          &VE::idle_reserved_memory_gib_hours, kIdleMemory),
      est(
          "reserved_memory_gib_hours", "GiB·h", "application memory reserved, over time",
          [](const R& r) { return r.reserved_memory_gib_hours; }, &VE::reserved_memory_gib_hours),
      est(
          "fargate_rounding_waste_cpu_core_hours", "core·h",
          "CPU paid for because Fargate rounds task sizes up (0 elsewhere)",
          [](const R& r) { return r.fargate_waste_cpu_core_hours; },
          &VE::fargate_rounding_waste_cpu_core_hours),
      est(
          "fargate_rounding_waste_memory_gib_hours", "GiB·h", "the same for memory",
          [](const R& r) { return r.fargate_waste_memory_gib_hours; },
          &VE::fargate_rounding_waste_memory_gib_hours),
      est(
          "stranded_cpu_fraction", "0..1",
          "share of the placement nodes' CPU free on nodes whose memory is too short for the "
          "smallest instance, mean over sample times",
          [](const R& r) { return r.stranded_cpu_fraction; }, &VE::stranded_cpu_fraction,
          kStrandedCpu),
      est(
          "stranded_memory_fraction", "0..1", "the same for memory on nodes whose CPU is too short",
          [](const R& r) { return r.stranded_memory_fraction; }, &VE::stranded_memory_fraction,
          kStrandedMemory),
      est(
          "density_instances_per_host", "instances/host",
          "running instances per used host, time-averaged",
          [](const R& r) { return r.density_mean; }, &VE::density_instances_per_host, kDensity),
      est(
          "density_peak", "instances/host", "the most instances per used host held for a while",
          [](const R& r) { return r.density_peak; }, &VE::density_peak),
      est(
          "hosts_used_peak", "hosts", "most physical hosts in use at once",
          [](const R& r) { return count(static_cast<std::uint64_t>(r.hosts_used_peak)); },
          &VE::hosts_used_peak, kHosts),
      est(
          "nodes_peak", "nodes", "most live node VMs at once (container_in_vm; 0 otherwise)",
          [](const R& r) { return count(static_cast<std::uint64_t>(r.nodes_peak)); },
          &VE::nodes_peak, kNodes),
      est(
          "energy_kwh", "kWh", "host energy; a host draws power only while it holds something",
          [](const R& r) { return r.energy_kwh; }, &VE::energy_kwh, kEnergy),
      est("cost_usd", "USD", "cost under the scenario's price model",
          [](const R& r) { return r.cost_usd; }, &VE::cost_usd, kCost,
          {"costs {} less", "costs {} more", "USD", 1}),
      pooled(
          "pending_time_ms", "ms",
          "per service instance placed: requested to placed (0 when it fitted at once)",
          [](const R& r) {
            return r.pending_ms_stats.count() > 0 ? r.pending_ms_stats.mean() : kNaN;
          },
          &VE::pending_ms, kPending, {}, true),
      est(
          "placement_decisions", "decisions",
          "placement decisions per replication (placed or not; instances and node VMs)",
          [](const R& r) { return count(r.placement_decisions); }, &VE::placement_decisions,
          kDecisions, {}, true),
      est(
          "packing_efficiency.cpu", "0..1",
          "allocated / allocatable CPU over the used placement nodes, mean over sample times",
          [](const R& r) { return r.packing_efficiency_cpu; }, &VE::packing_efficiency_cpu,
          kPackingCpu, {}, true),
      est(
          "packing_efficiency.memory", "0..1", "the same for memory",
          [](const R& r) { return r.packing_efficiency_memory; }, &VE::packing_efficiency_memory,
          kPackingMemory, {}, true),
      est(
          "fragmentation.cpu", "0..1",
          "share of free CPU on placement nodes unable to host the smallest instance, mean over "
          "sample times",
          [](const R& r) { return r.fragmentation_cpu; }, &VE::fragmentation_cpu, kFragmentedCpu,
          {}, true),
      est(
          "fragmentation.memory", "0..1", "the same for memory",
          [](const R& r) { return r.fragmentation_memory; }, &VE::fragmentation_memory,
          kFragmentedMemory, {}, true),
      est(
          "gpu_fragmentation_gpus", "GPUs",
          "free GPU capacity no GPU pod of the workload can use (FGD's fragmentation), summed "
          "over the nodes, time-weighted; measured by pod-trace replays (0 elsewhere)",
          [](const R& r) { return r.gpu_fragmentation_milli / 1000.0; },
          &VE::gpu_fragmentation_gpus, kGpuFragmentation, {}, true),
      est(
          "evictions", "instances",
          "service instances drained off nodes the cluster autoscaler removed, per replication",
          [](const R& r) { return count(r.evictions); }, &VE::evictions, kEvictions, {}, true),
      failures_only(est("availability", "0..1",
                        "mean over services of the share of the run (after the warm-up) with at "
                        "least the minimum healthy running replicas",
                        [](const R& r) { return measured(r, r.availability); }, &VE::availability,
                        kAvailability,
                        {"is available {} less of the time", "is available {} more of the time",
                         "percentage points", 100})),
      failures_only(
          est("requests_failed", "requests",
              "requests lost with their instance or sent to a lost one before the load balancer "
              "noticed (they count as SLO violations)",
              [](const R& r) { return measured(r, count(r.requests_failed)); },
              &VE::requests_failed, kFailed, {"fails {} fewer", "fails {} more", "requests", 1})),
      failures_only(est(
          "time_to_detect_s", "s",
          "per failure that lost replicas: failure until the platform requests a replacement",
          [](const R& r) { return measured(r, r.time_to_detect_mean_s()); },
          &VE::time_to_detect_s)),
      failures_only(est("time_to_recover_s", "s",
                        "per failure that lost replicas: failure until every service it hit runs "
                        "as many replicas as before, over the failures that recovered",
                        [](const R& r) { return measured(r, r.time_to_recover_mean_s()); },
                        &VE::time_to_recover_s, kRecover,
                        {"recovers {} sooner", "recovers {} later", "s", 1})),
      failures_only(est(
          "replicas_lost", "replicas", "service replicas killed by failures, per replication",
          [](const R& r) { return measured(r, count(r.replicas_lost)); }, &VE::replicas_lost,
          kLost)),
      failures_only(est(
          "replicas_replaced", "replicas",
          "lost replicas whose replacement the platform requested, per replication",
          [](const R& r) { return measured(r, count(r.replicas_replaced)); },
          &VE::replicas_replaced)),
      failures_only(est(
          "failures_unrecovered", "failures",
          "failures that lost replicas whose services had not recovered when the run ended",
          [](const R& r) { return measured(r, count(r.failures_unrecovered)); },
          &VE::failures_unrecovered)),
      failures_only(est(
          "evictions_refused", "evictions",
          "evictions a PodDisruptionBudget refused during drains (each retry "
          "after drain_retry counts), per replication",
          [](const R& r) { return drained(r, count(r.evictions_refused())); },
          &VE::evictions_refused, kEvictionsRefused)),
      failures_only(est(
          "drain_duration_s", "s",
          "per drain: drain start until its host held none of the replicas it had "
          "to move (Spot: or the host was reclaimed), over the drains that ended",
          [](const R& r) { return drained(r, r.drain_duration_mean_s()); }, &VE::drain_duration_s,
          kDrainDuration)),
      est(
          "requests_unserved", "requests",
          "requests submitted but still queued or in service when the run ended, all services",
          [](const R& r) { return count(r.requests_unserved); }, &VE::requests_unserved),
      fn("cold_start_fraction", "0..1",
         "function requests that found no warm instance with free concurrency and waited for one "
         "to start, over the function requests completed (whole run)",
         cold_fraction, &VE::cold_start_fraction, kColdStarts,
         {"has {} fewer cold starts", "has {} more cold starts", "percentage points", 100}),
      fn("cold_start_wait_ms", "ms",
         "latency a cold start added: service start - arrival, mean over the cold requests",
         cold_wait, &VE::cold_start_wait_ms, kColdWait),
      fn(
          "wasted_memory_gib_hours", "GiB·h",
          "memory reserved by running function instances while idle (kept warm), over time",
          [](const R& r) { return r.functions.measured ? r.functions.idle_gib_seconds / 3600 : kNaN; },
          &VE::wasted_memory_gib_hours, kWastedMemory,
          {"wastes {} less memory", "wastes {} more memory", "GiB·h", 1}),
      fn(
          "function_gb_seconds", "GB·s",
          "configured memory x duration of each function request, rounded up to 1 ms (as Lambda "
          "bills)",
          [](const R& r) { return r.functions.measured ? r.functions.billed_gb_seconds : kNaN; },
          &VE::function_gb_seconds, kGbSeconds),
      fn(
          "function_cost_usd", "USD",
          "GB-seconds and requests at AWS Lambda's on-demand prices (x86, us-east-1)",
          [](const R& r) { return r.functions.measured ? r.functions.cost_usd() : kNaN; },
          &VE::function_cost_usd, kFunctionCost),
  };
  return all;
}

}  // namespace

Estimate MetricDescriptor::value(const VariantEstimates& v, Statistic statistic) const {
  if (aggregation == Aggregation::mean_ci) return v.*estimate;
  const Quantiles& q = v.*quantiles;
  switch (statistic) {
    case Statistic::mean:
      return q.ci95;
    case Statistic::p95:
      return Estimate{q.p95, 0, q.ci95.n};
    case Statistic::p99:
      return Estimate{q.p99, 0, q.ci95.n};
  }
  return q.ci95;
}

std::span<const MetricDescriptor> metric_descriptors() {
  return table();
}

const MetricDescriptor* find_metric(std::string_view key) {
  for (const auto& d : table())
    if (d.key == key) return &d;
  return nullptr;
}

}  // namespace vmcsim::models::metrics
