#pragma once
// MetricsCollector: observes one world (one variant, one replication) through its signals and
// produces that run's VariantRunMetrics.
//
//   MetricsCollector collector{sim, {.variant = "vm", .services = {{"web", 200_ms}},
//                                    .bursts = {{10_min, 20_min, 400.0}}, .end = 1_h}};
//   collector.attach(cluster.runtime(), world);   // world: an ObservedWorld over the cluster
//   cluster.on_request_done.connect([&](const RequestOutcome& o) {
//     collector.record_request({o.service, o.arrival, o.service_start, o.done}); });
//   ... the runner calls collector.record_arrival(service, t) as it submits requests ...
//   sim.run_until(1_h);
//   VariantRunMetrics m = collector.finish(sim.now());
//
// The models never know the collector exists: it connects to PlatformRuntime's on_phase_end and
// on_state_change, and reads the rest (capacity, queues, unplaced instances, the bill) through
// ObservedWorld at sample times and at the end. Signals cannot be disconnected, so the
// collector must outlive the runtime's activity (one collector per run, built next to it).
//
// Sampling: one event per interval at t = 0, interval, ... <= config.end, scheduled with the
// largest priority so it sees the state after every other event of that instant. These
// events are counted in events_processed like any other.
//
// Hot path: signal handlers update counters and time-weighted sums; nothing is logged and,
// apart from startup samples and the timeseries, nothing grows with the run.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/metrics/billing.hpp"
#include "models/metrics/run_metrics.hpp"
#include "models/platform/runtime.hpp"
#include "sim/simulation.hpp"
#include "sim/statistics.hpp"

namespace vmcsim::models::metrics {

// What the collector reads from the world that the runtime's signals do not tell. A Cluster
// offers all of it (capacity_rps, queued_requests, pending_instances, billable_usage).
class ObservedWorld {
 public:
  virtual ~ObservedWorld() = default;
  // Sustainable throughput of the running instances, all services, requests per second.
  virtual double capacity_rps() const = 0;
  // Requests of `service` waiting for a free instance.
  virtual std::int64_t queued_requests(std::size_t service) const = 0;
  // Instances wanted but not placed anywhere yet (no node fits).
  virtual std::int64_t unplaced_instances() const = 0;
  // Billable lifetimes up to now.
  virtual std::vector<BillingRecord> billing(sim::Time now) const = 0;
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
  double latency_accuracy = 0.01;  // QuantileSketch relative accuracy
};

class MetricsCollector {
 public:
  // Throws std::invalid_argument for a non-positive sample interval or a burst that ends
  // before it starts.
  MetricsCollector(sim::Simulation& sim, CollectorConfig config);
  MetricsCollector(const MetricsCollector&) = delete;
  MetricsCollector& operator=(const MetricsCollector&) = delete;
  ~MetricsCollector();

  // Connects to the runtime's signals and schedules the first sample at now. `world` may be
  // null (no capacity, queues, unplaced instances or bill); both must outlive the collector's
  // use. Call once, before the first instance is requested.
  void attach(PlatformRuntime& runtime, const ObservedWorld* world);

  // A request arrived (counts toward demand_rps and arrivals).
  void record_arrival(std::size_t service, sim::Time at);
  // A request finished: latency = done - arrival, its wait = service_start - arrival.
  struct Request {
    std::size_t service = 0;
    sim::Time arrival, service_start, done;
  };
  void record_request(const Request& request);

  // Closes the integrals at `now` (>= every recorded change) and returns the run's metrics.
  // Call once.
  VariantRunMetrics finish(sim::Time now);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vmcsim::models::metrics
