#pragma once
// What became of the service instances a world was asked for (run_metrics.hpp,
// InstanceAccounting): MetricsCollector's count at finish, of those requested at or after the
// warm-up end. Internal to the collector.
#include <vector>

#include "models/cluster/request.hpp"
#include "models/metrics/instance_records.hpp"
#include "models/metrics/run_metrics.hpp"
#include "models/platform/runtime.hpp"

namespace vmcsim::models::metrics {

// A Cluster's replicas: each one ready, never placed, rejected by admission, never started or
// cancelled, with why. `runtime` may be null (then a starting replica "never became ready").
void account_replicas(InstanceAccounting& a, const std::vector<ReplicaStatus>& replicas,
                      const PlatformRuntime* runtime, sim::Time warmup);

// Without replicas (a bare runtime): the runtime's service instances.
void account_instances(InstanceAccounting& a, const PlatformRuntime& runtime,
                       const Launches& launches, sim::Time warmup);

}  // namespace vmcsim::models::metrics
