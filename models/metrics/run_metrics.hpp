#pragma once
// VariantRunMetrics: what one replication of one variant measured, as plain data.
//
// MetricsCollector fills one per Cluster run; summarize() (models/metrics/summary.hpp) turns
// the replications of a variant into estimates with confidence intervals. Units are in the
// field names where a value is a plain number (_ms, _s, _gib_hours, _core_hours, _kwh, _usd):
// they are integrals, means and counts, not points on the clock.
//
// Invariants:
//  - startup samples are in the order instances became ready; phase groups list phases in
//    pipeline order (the order the first instance of the group ran them);
//  - service instances and node VMs (container_in_vm worker nodes) are kept apart: a node's
//    boot is in `node_startup`, never in `startup`;
//  - every integral is exact for the piecewise-constant quantity it integrates (memory held,
//    CPU reserved), from the warm-up end (0 without a warm-up) to the end of the run; every
//    statistic leaves out what the warm-up deletes (MetricsCollector, collector.hpp);
//  - timeseries samples are at t = 0, interval, 2 x interval, ... <= the end of the run.
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/platform/instance.hpp"
#include "models/serverless/function.hpp"
#include "models/platform/platform_kind.hpp"
#include "sim/statistics.hpp"
#include "sim/time.hpp"

namespace vmcsim::models::metrics {

// Samples of one named phase, in milliseconds.
struct PhaseSamples {
  std::string name;
  std::vector<double> ms;
};

// Startup of one group of instances (service instances, or node VMs).
struct StartupSamples {
  std::vector<double> total_ms;      // requested -> ready, per instance
  std::vector<PhaseSamples> phases;  // per boot phase, in pipeline order

  // The samples of `name`, or nullptr if no instance ran that phase.
  const PhaseSamples* phase(std::string_view name) const;
};

// A burst the runner put into the workload: from onset to end the demand is demand_rps, of
// `service` alone (compared with that service's capacity: another service's spare instances
// cannot serve its requests), or with no service of all services together.
struct BurstWindow {
  sim::Time onset;
  sim::Time end;
  double demand_rps = 0.0;
  std::optional<std::size_t> service = std::nullopt;
};

// How long the world took to catch up with one burst.
struct CapacityCatchUp {
  BurstWindow burst;
  // First sample time in [onset, end] with capacity_rps (of the burst's service, if it names
  // one) >= demand_rps, minus onset; empty if capacity never caught up before the burst ended
  // (censored: "not reached").
  std::optional<sim::Time> delay;
};

// The state of the world at one sample time.
struct Sample {
  sim::Time t;
  double demand_rps = 0.0;             // arrivals in (t - interval, t] per second
  double capacity_rps = 0.0;           // what the running instances sustain
  double cpu_utilization = 0.0;        // busy share of all physical hosts' CPU, 0..1
  double memory_utilization = 0.0;     // reserved share of all physical hosts' memory, 0..1
  std::int64_t pending_instances = 0;  // requested, not yet running (starting or unplaced)
  std::int64_t running_instances = 0;  // service instances ready and serving
  std::int64_t hosts_used = 0;         // physical hosts with a live instance or node VM
  std::int64_t queued_requests = 0;    // waiting for a free instance, all services
  std::int64_t nodes_used = 0;         // live node VMs (container_in_vm); 0 for other platforms
};

// Requests of one service.
struct ServiceRequests {
  std::string name;
  sim::Time slo_latency;  // zero: no SLO, no violations counted
  sim::QuantileSketch latency_ms;
  sim::RunningStats latency_stats;  // ms, the same requests: their exact mean
  std::uint64_t completed = 0;
  std::uint64_t slo_violations = 0;  // latency > slo_latency, plus every failed request
  std::uint64_t failed = 0;          // lost with their instance or sent to a lost one
  std::uint64_t arrivals = 0;        // record_arrival calls plus what the world counted (submitted)
  // Time-weighted mean number of requests waiting (not yet in service), by Little's law over
  // the completed requests: sum of their waits / run length.
  double mean_queued = 0.0;
  // Largest queue seen at a sample time (the world's queued_requests).
  std::int64_t max_queued = 0;

  double slo_violation_fraction() const {
    const std::uint64_t n = completed + failed;
    return n ? static_cast<double>(slo_violations) / static_cast<double>(n) : 0.0;
  }
};

// One failure event of a run and what became of it (app/runner/failures.*).
struct FailureRecord {
  sim::Time at;
  std::string kind;    // host_down, host_up, drain_start, drain_end, crash
  std::string target;  // the host, or the service of a crash
  std::string cause;   // "zone outage zone-1", "random host failure", ...
  int replicas_lost = 0;
  std::optional<sim::Time> detected;   // the platform requested the first replacement
  std::optional<sim::Time> recovered;  // every service it hit back to its running count
  // drain_start: evictions a disruption budget refused (each retry counts), replicas the host's
  // failure killed before they could move (a Spot deadline), and when the host held none of the
  // replicas it had to move (unset: still draining when the run ended).
  std::uint64_t evictions_refused = 0;
  std::uint64_t evictions_bypassed = 0;
  std::optional<sim::Time> drained;
};

// One line of the bill.
struct CostLine {
  std::string what;
  double usd = 0.0;
};

// One instance (or node VM) as the run ended: what RunResults' InstanceRecord lists.
struct InstanceLifecycle {
  std::string service;
  PlatformKind kind = PlatformKind::container;
  std::string profile;
  bool node_vm = false;  // a container_in_vm worker node, not a service instance
  std::string host;      // physical host ("" if never placed)
  std::string node;      // the VM node for container_in_vm, else ""
  struct Phase {
    std::string name;
    sim::Time start, end;
  };
  std::vector<Phase> phases;  // boot, then stop, in the order they ran
  InstanceState state = InstanceState::requested;
  sim::Time requested;
  std::optional<sim::Time> ready;    // if it became ready
  std::optional<sim::Time> stopped;  // if it stopped or failed
  // Why it is not running although it was wanted: never placed (the placement's message),
  // never started ("image_pull never finished"), failed, scaled in before it was ready; "" else.
  std::string reason;
  // [fn] function services: started for a "cold start" or a "pre-warm" window ("" else), and
  // stopped by the keep-alive policy (both drawn in trace.json)
  std::string function_start;
  bool keep_alive_unload = false;
};

// Where a run's instance records go as they are made, instead of VariantRunMetrics::instances
// (CollectorConfig::instance_sink), so that a replication of very many instances does not hold
// all their records until it ends. Each record is handed once: an instance's as it stops or
// fails, the live ones', then the never-launched replicas', when the run finishes.
// `order` is the record's place in VariantRunMetrics::instances' order (the runtime's instances
// in creation order, then the replicas that never got one in request order); records arrive in
// any order of it. A record handed before the end lacks the function fields ([fn]), known only
// at the end: amend() gives those that are set, after the last take().
class InstanceSink {
 public:
  virtual ~InstanceSink() = default;
  virtual void take(std::uint64_t order, InstanceLifecycle&& record) = 0;
  virtual void amend(std::uint64_t order, const std::string& function_start,
                     bool keep_alive_unload) = 0;
};

// What became of the service instances the world was asked for (requested at or after the
// warm-up end). Conservation: requested = ready + never_placed + never_started + cancelled +
// rejected.
struct InstanceAccounting {
  std::uint64_t requested = 0;
  std::uint64_t ready = 0;          // became ready (some may have stopped since)
  std::uint64_t never_placed = 0;   // still waiting for a node when the run ended
  std::uint64_t never_started = 0;  // placed, still starting when the run ended
  std::uint64_t cancelled = 0;      // scaled in before they were ready
  // [tenants] refused by their namespace's quota admission and never created (still wanted)
  std::uint64_t rejected = 0;
  // Why the never placed and never started ones are not running ("no node fits: memory",
  // "image_pull never finished"): reason -> instances.
  std::map<std::string, std::uint64_t> reasons;

  std::uint64_t not_ready() const { return never_placed + never_started + rejected; }
};

struct VariantRunMetrics {
  std::string variant;
  std::uint64_t replication = 0;
  sim::Time end;     // the run was observed over [0, end]
  sim::Time warmup;  // statistics cover [warmup, end]; the timeseries and instances all of it

  // Service instances: startup counts from the replica's request (its waits for a place or a
  // node are its first phases, models/cluster/request.hpp) to ready.
  StartupSamples startup;
  StartupSamples node_startup;  // node VMs (container_in_vm)

  InstanceAccounting instances_accounting;  // service instances requested after the warm-up

  std::vector<CapacityCatchUp> time_to_capacity;

  std::vector<ServiceRequests> services;    // in the order the collector was configured
  sim::QuantileSketch request_latency_ms;   // all services
  sim::RunningStats request_latency_stats;  // all services, ms: mean, min, max
  std::uint64_t requests_completed = 0;
  std::uint64_t slo_violations = 0;   // latency over the SLO, plus every failed request
  std::uint64_t requests_failed = 0;  // arrived after the warm-up, failed (never completed)

  // Failures (app/runner/failures.*); failures_modelled false: the scenario has none and these
  // are not measured. availability: mean over services of the share of [warmup, end] during
  // which the service had at least its minimum healthy running replicas. Replicas lost and
  // replaced, failures whose hit services had not recovered by the end (censored), and every
  // failure event (trace.json marks them).
  bool failures_modelled = false;
  double availability = 0.0;
  std::uint64_t replicas_lost = 0;
  std::uint64_t replicas_replaced = 0;
  std::uint64_t failures_unrecovered = 0;
  std::vector<FailureRecord> failure_log;
  double time_to_detect_mean_s() const;   // over failures that lost replicas (NaN: none)
  double time_to_recover_mean_s() const;  // over the recovered ones (NaN: none)
  std::uint64_t evictions_refused() const;  // over the drains, each retry counting
  double drain_duration_mean_s() const;     // drain start until its host emptied (NaN: none)

  // Memory not available to applications: guest OS + hypervisor + runtime overhead of every
  // live instance and node VM, integrated over the run.
  double memory_overhead_gib_hours = 0.0;
  double guest_os_gib_hours = 0.0;
  double hypervisor_overhead_gib_hours = 0.0;
  double runtime_overhead_gib_hours = 0.0;
  // Application memory reserved by service instances, and what of it the working-set estimate
  // says is idle. Without an estimate (working_set_estimated false) idle equals reserved.
  double reserved_memory_gib_hours = 0.0;
  double idle_reserved_memory_gib_hours = 0.0;
  bool working_set_estimated = false;
  // CPU reserved by service instances (their requests), the CPU the nodes they ran on were
  // busy (FlowModel busy integrals, including platform work such as unpacking), and the
  // difference (never below zero).
  double reserved_cpu_core_hours = 0.0;
  double used_cpu_core_hours = 0.0;
  double idle_reserved_cpu_core_hours = 0.0;
  // Mean over sample times of the share of placement-node capacity stranded (free, but on a
  // node where another dimension is too short for the smallest instance seen).
  double stranded_cpu_fraction = 0.0;
  double stranded_memory_fraction = 0.0;
  // Mean over sample times (with at least one used node) of placement::packing_metrics on the
  // placement nodes: allocated / allocatable over the used nodes, and the share of free
  // capacity on nodes that cannot host the smallest instance seen (fragmentation).
  double packing_efficiency_cpu = 0.0;
  double packing_efficiency_memory = 0.0;
  double fragmentation_cpu = 0.0;
  double fragmentation_memory = 0.0;
  // Placement: every decision (placed or not, service instances and node VMs); per service
  // instance placed, its pending time (requested -> placed, 0 when it fitted at once); service
  // instances evicted (drained off nodes the cluster autoscaler removed).
  std::uint64_t placement_decisions = 0;
  sim::QuantileSketch pending_ms;
  sim::RunningStats pending_ms_stats;
  std::uint64_t evictions = 0;
  // GPU fragmentation (models/placement/metrics.hpp, FGD's definition) summed over the nodes,
  // milli-GPUs, time-weighted: measured by pod-trace replays; 0 where nothing asks for GPUs.
  double gpu_fragmentation_milli = 0.0;
  // Wall-clock time the placement policy took per decision, microseconds. NOT deterministic
  // (depends on the machine and its load): writers omit it with the other wall-clock fields.
  sim::RunningStats placement_decision_us_stats;
  sim::QuantileSketch placement_decision_us;
  // Fargate-style tasks: paid-for size minus requested size, over the billed time.
  double fargate_waste_cpu_core_hours = 0.0;
  double fargate_waste_memory_gib_hours = 0.0;

  // Service instances per used physical host: time-weighted over the time any host was in
  // use, and the largest value. Peaks here are of values held for a positive time: a state
  // that lasts zero seconds (one instance stops as another starts) is not a peak.
  double density_mean = 0.0;
  double density_peak = 0.0;
  std::int64_t hosts_used_peak = 0;
  std::int64_t nodes_peak = 0;  // live node VMs

  double energy_kwh = 0.0;
  double cost_usd = 0.0;
  std::vector<CostLine> cost_lines;

  // [fn] Requests submitted but not completed when the run ended (queued or in service), all
  // services; and the function figures (models/serverless/function.hpp).
  std::uint64_t requests_unserved = 0;
  serverless::FunctionRunMetrics functions;

  std::uint64_t events_processed = 0;
  std::vector<Sample> timeseries;
  // Every instance the runtime knows, in creation order (empty unless
  // CollectorConfig::record_instances, and empty when they went to an InstanceSink).
  std::vector<InstanceLifecycle> instances;

  // Mean startup of the service instances, ms (NaN if none became ready).
  double startup_mean_ms() const;
  // Mean delay over the bursts capacity caught up with, seconds (NaN if none).
  double time_to_capacity_mean_s() const;
  // NaN without a completed request: not applicable (summaries leave it out), not 0.
  // Failed requests count as violations (and as requests) here.
  double slo_violation_fraction() const {
    const std::uint64_t n = requests_completed + requests_failed;
    return n ? static_cast<double>(slo_violations) / static_cast<double>(n)
             : std::numeric_limits<double>::quiet_NaN();
  }
};

// Time to capacity for one burst from a timeseries (samples in time order).
std::optional<sim::Time> time_to_capacity(std::span<const Sample> samples,
                                          const BurstWindow& burst);

}  // namespace vmcsim::models::metrics
