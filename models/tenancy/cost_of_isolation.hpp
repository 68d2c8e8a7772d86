#pragma once
// The cost of isolation: what keeping tenants apart adds to the same workload run with no
// isolation (the scenario's `isolation: ignore` variant), as paired differences under common
// random numbers: replication r of the isolating variant against replication r of the baseline
// (same seeds, same arrivals and request sizes). Extra physical hosts at peak, extra node VMs at
// peak and extra dollars, each with its 95% CI, computed by the metrics' own descriptors
// (per_run) and paired statistics (metrics::paired_difference), so they agree with "What differs".
#include <span>
#include <string_view>
#include <vector>

#include "models/metrics/run_metrics.hpp"
#include "models/metrics/summary.hpp"

namespace vmcsim::models::tenancy {

// The metric keys the cost of isolation is told in, in order.
inline constexpr std::string_view kIsolationCostMetrics[] = {"hosts_used_peak", "nodes_peak",
                                                             "cost_usd"};

// isolating - baseline for each of kIsolationCostMetrics. Both spans hold one run per
// replication, paired by replication index; a replication missing from either side is left
// out (its pair's n shows it).
std::vector<metrics::PairedDifference> cost_of_isolation(
    std::span<const metrics::VariantRunMetrics> isolating,
    std::span<const metrics::VariantRunMetrics> baseline);

}  // namespace vmcsim::models::tenancy
