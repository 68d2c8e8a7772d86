#pragma once
// Cross-tenant interference: what one tenant's bursts do to the other tenants' request latency,
// as a paired counterfactual. Each variant runs twice per replication, on the same seeds
// (common random numbers: the other tenants' arrivals and request sizes are the same draws):
// once as the scenario says, once with the bursting tenant's workload bursts removed. The
// difference of a victim tenant's latency between the two (with - without) is the interference
// the bursts cause through whatever the tenants share: the fluid sharing of disks and links, CPU
// of a shared node, nodes and hosts the autoscalers add or fail to add. Nothing here knows which
// mechanism it was; the isolation policy decides what is shared, so a variant that keeps the
// tenants on hosts of their own shows none.
//
// The latencies are the descriptors' own (models/metrics/descriptors.hpp) on the victim's slice
// of each run (tenant_metrics.hpp): request_latency_p95_ms (each run's 95th percentile) and
// request_latency_ms (each run's mean), paired by replication (metrics::paired_difference).
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/metrics/run_metrics.hpp"
#include "models/metrics/summary.hpp"
#include "models/tenancy/tenant_metrics.hpp"

namespace vmcsim::models::tenancy {

// The metric keys interference is told in, in order.
inline constexpr std::string_view kInterferenceMetrics[] = {"request_latency_p95_ms",
                                                            "request_latency_ms"};

struct Interference {
  std::string variant;
  std::string bursting_tenant;
  std::string victim_tenant;
  // kInterferenceMetrics order: victim's latency with the bursts - without them. metric is the
  // key; variant_a is the variant, variant_b the variant "without BURSTING's bursts".
  std::vector<metrics::PairedDifference> differences;
};

// The counterfactual's name in variant_b.
std::string without_bursts(std::string_view variant, std::string_view bursting_tenant);

// For one variant: `with` and `without` hold its runs with and without `bursting`'s bursts, one
// per replication, paired by replication index (a replication missing from either side is left
// out; its pair's n shows it). One entry per tenant of `tenants` other than `bursting`.
std::vector<Interference> interference(std::span<const metrics::VariantRunMetrics> with,
                                       std::span<const metrics::VariantRunMetrics> without,
                                       std::string_view bursting,
                                       const std::vector<std::string>& tenants,
                                       const TenantServices& services);

}  // namespace vmcsim::models::tenancy
