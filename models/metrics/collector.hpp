#pragma once
// MetricsCollector: observes one world (one variant, one replication) through its signals and
// produces that run's VariantRunMetrics.
//
//   Cluster cluster{sim, cluster_config};
//   MetricsCollector collector{sim, {.variant = "vm", .replication = r,
//                                    .bursts = {{10_min, 20_min, 400.0}}, .end = 1_h}};
//   collector.connect(cluster);   // services (names, SLOs) from the cluster's config
//   sim.run_until(1_h);
//   VariantRunMetrics m = collector.finish(sim.now());
//
// The models never know the collector exists: it connects to PlatformRuntime's on_phase_end and
// on_state_change and the Cluster's on_request_done, on_placement and on_replica_launch (a
// service instance's startup counts from its replica's request, its waits first), and reads the
// rest (the replicas never placed or never started at the end, and why)
// (capacity, queues, unplaced instances, arrivals, evictions, the bill) through ObservedWorld at
// sample times and at the end. Without a Cluster, attach() takes a runtime and any ObservedWorld,
// and the caller reports requests with record_arrival / record_request. Signals cannot be
// disconnected, so the collector must outlive the runtime's activity (one collector per run, built
// next to it).
//
// Sampling: one event per interval at t = 0, interval, ... <= config.end, scheduled with the
// largest priority so it sees the state after every other event of that instant. These
// events are counted in events_processed like any other.
//
// Warm-up deletion (Law and Kelton): with config.warmup = W > 0, what happened before W does
// not count in the run's statistics.
//  - an instance's observations (startup, its phases, its pending time) count if it was
//    requested at or after W; a request's (latency, SLO, wait, arrival) if it arrived at or
//    after W; placement decisions made at or after W; evictions after W;
//  - integrals (GiB·h, core·h, energy, cost), time-weighted means (density) and peaks cover
//    [W, end]: an instance live across W counts from W; a cost is the bill at the end minus
//    the bill at W (so a Fargate task live across W pays its one-minute minimum and rounding
//    before W);
//  - sample-time means (stranded capacity, packing, fragmentation, largest queue) use the
//    samples at t >= W; a burst whose onset is before W has no time to capacity;
//  - the timeseries, the instance lifecycles and events_processed still cover the whole run.
// One extra event at W (the lowest priority, before anything else of that instant) takes the
// snapshots; without a warm-up there is none.
//
// Hot path: signal handlers update counters and time-weighted sums; nothing is logged and,
// apart from startup samples and the timeseries, nothing grows with the run.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/cluster/request.hpp"
#include "models/metrics/billing.hpp"
#include "models/metrics/run_metrics.hpp"
#include "models/platform/runtime.hpp"
#include "sim/simulation.hpp"
#include "sim/statistics.hpp"

namespace vmcsim::models {
class Cluster;
}

namespace vmcsim::models::metrics {

// What the collector reads from the world that the runtime's signals do not tell. A Cluster
// offers all of it (capacity_rps, queued_requests, pending_instances, billable_usage).
class ObservedWorld {
 public:
  virtual ~ObservedWorld() = default;
  // Sustainable throughput of the running instances, all services, requests per second.
  virtual double capacity_rps() const = 0;
  // The same for one service (a world of one service need not override it).
  virtual double capacity_rps(std::size_t /*service*/) const { return capacity_rps(); }
  // Requests of `service` waiting for a free instance.
  virtual std::int64_t queued_requests(std::size_t service) const = 0;
  // Instances wanted but not placed anywhere yet (no node fits).
  virtual std::int64_t unplaced_instances() const = 0;
  // Billable lifetimes up to now.
  virtual std::vector<BillingRecord> billing(sim::Time now) const = 0;
  // Requests submitted to `service` so far (demand); a world that does not count them leaves
  // it at 0 and its caller reports arrivals with record_arrival.
  virtual std::uint64_t submitted(std::size_t /*service*/) const { return 0; }
  // Service instances evicted so far (drained off nodes being removed); 0 if not modelled.
  virtual std::uint64_t evictions() const { return 0; }
  // Every replica the world was asked for (a Cluster's), in request order. A world that does not
  // track replicas returns nothing, and the collector accounts for the runtime's service
  // instances instead (a failed one as never placed).
  virtual std::vector<ReplicaStatus> replicas() const { return {}; }
};

struct ServiceMetricsConfig {
  std::string name;       // as the runtime's Instance::service names it
  sim::Time slo_latency;  // zero: no SLO
  // Estimated working set of one instance (what of its application memory it really uses);
  // nullopt: unknown, idle reserved memory is then reported as all of the reserved memory.
  std::optional<sim::Bytes> working_set;
};

struct CollectorConfig {
  std::string variant;
  std::uint64_t replication = 0;
  std::vector<ServiceMetricsConfig> services;  // index = the world's service index
  std::vector<BurstWindow> bursts;
  sim::Time sample_interval = sim::Time::from_s(1);
  sim::Time end;                   // last sample time (the run's duration)
  sim::Time warmup;                // statistics start here (see above); zero: no warm-up
  double latency_accuracy = 0.01;  // QuantileSketch relative accuracy
  // Make every instance's record (instance_records.hpp): each as its instance ends, the rest at
  // finish, into instance_sink or, with none, kept and moved into the result at finish.
  bool record_instances = true;
  // With record_instances: where the records go instead of the result (run_metrics.hpp,
  // InstanceSink). Not owned; must outlive finish().
  InstanceSink* instance_sink = nullptr;
};

class MetricsCollector {
 public:
  // Throws std::invalid_argument for a non-positive sample interval, a negative warm-up, a
  // warm-up not shorter than a positive end, or a burst that ends before it starts.
  MetricsCollector(sim::Simulation& sim, CollectorConfig config);
  MetricsCollector(const MetricsCollector&) = delete;
  MetricsCollector& operator=(const MetricsCollector&) = delete;
  ~MetricsCollector();

  // Observes a Cluster: attach(cluster.runtime(), an ObservedWorld over it), requests from its
  // on_request_done, and, if the config lists no services, the cluster's services (names and
  // SLOs; no working-set estimate). The cluster must outlive the collector's use.
  void connect(Cluster& cluster);

  // Connects to the runtime's signals and schedules the first sample at now. `world` may be
  // null (no capacity, queues, unplaced instances or bill); both must outlive the collector's
  // use. Call once. Instances already live are taken as they are now (their recorded boot
  // phases and startup count; their memory and CPU are integrated from now on).
  void attach(PlatformRuntime& runtime, const ObservedWorld* world);

  // A request arrived (counts toward demand_rps and arrivals; a Cluster's are counted without).
  void record_arrival(std::size_t service, sim::Time at);
  // A request finished: latency = done - arrival, its wait = service_start - arrival.
  struct Request {
    std::size_t service = 0;
    sim::Time arrival, service_start, done;
  };
  void record_request(const Request& request);
  // A replica handed to the runtime: its instance's startup counts from `requested`, and its
  // waits are its first phases. A Cluster's are recorded without.
  void record_launch(const ReplicaLaunch& launch);
  // A placement decision: counted; its wall-clock time goes to placement_decision_us; when it
  // placed a service instance, its wait goes to pending_ms. A Cluster's are recorded without.
  struct Decision {
    bool placed = false;
    bool service_instance = true;  // false for a node VM
    sim::Time waited;              // requested -> this decision
    std::int64_t wall_ns = 0;
  };
  void record_placement(const Decision& decision);

  // Closes the integrals at `now` (>= every recorded change) and returns the run's metrics.
  // Call once.
  VariantRunMetrics finish(sim::Time now);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::unique_ptr<ObservedWorld> owned_world_;
};

}  // namespace vmcsim::models::metrics
