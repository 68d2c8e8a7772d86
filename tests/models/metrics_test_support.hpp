#pragma once
// A hand-driven ObservedWorld for MetricsCollector tests (no Cluster needed): capacity, queues,
// unplaced instances and evictions are whatever the test sets, and the bill charges every
// instance of the runtime per hour from its request to its stop (or now).
#include <string>
#include <vector>

#include "models/metrics/collector.hpp"
#include "models/platform/runtime.hpp"

namespace vmcsim::models::testing {

struct HandWorld : metrics::ObservedWorld {
  explicit HandWorld(const PlatformRuntime& rt) : runtime(rt) {}
  double capacity_rps() const override { return capacity; }
  std::int64_t queued_requests(std::size_t) const override { return queued; }
  std::int64_t unplaced_instances() const override { return unplaced; }
  std::uint64_t evictions() const override { return evicted; }
  std::vector<metrics::BillingRecord> billing(sim::Time now) const override {
    std::vector<metrics::BillingRecord> out;
    for (InstanceId id = 0; id < runtime.instance_count(); ++id) {
      const Instance& i = runtime.instance(id);
      const sim::Time until = i.state == InstanceState::stopped ? i.stopped_at : now;
      out.push_back({"instance " + std::to_string(id),
                     metrics::BillingModel::per_hour,
                     until - i.requested_at,
                     usd_per_hour,
                     {},
                     {},
                     {}});
    }
    return out;
  }
  const PlatformRuntime& runtime;
  double capacity = 0.0;
  std::int64_t queued = 0;
  std::int64_t unplaced = 0;
  double usd_per_hour = 0.0;
  std::uint64_t evicted = 0;
};

}  // namespace vmcsim::models::testing
