#pragma once
// Per-tenant metrics of a run: cost, density, stranded capacity and SLO of each tenant, told
// with the metrics' own descriptors (models/metrics/descriptors.hpp). A tenant's share of a run
// is a VariantRunMetrics slice that the descriptors' per_run read like a whole run's:
//  - SLO: the completed requests and SLO violations of the tenant's services;
//  - latency: its services' request latencies (sketch and running statistics), so that
//    request_latency_ms and request_latency_p95_ms read the tenant's (interference.hpp);
//  - density: the tenant's running instances per physical host holding at least one of them,
//    time-weighted over [warm-up, end] (instance-seconds / host-seconds, from the instance
//    lifecycles: ready to stopped);
//  - cost and stranded capacity are shared resources, so they are attributed (showback): the
//    run's figure times the tenant's share of the CPU its services reserved (request x running
//    time) over [warm-up, end]. On dedicated hosts or node pools that share is what its own
//    hosts cost; on shared ones it is a fair split, not a measurement.
// A run without instance lifecycles leaves density, cost and stranded NaN (not measured).
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/metrics/run_metrics.hpp"
#include "models/metrics/summary.hpp"

namespace vmcsim::models::tenancy {

// The metric keys of the per-tenant table, in order.
inline constexpr std::string_view kTenantMetrics[] = {
    "cost_usd", "density_instances_per_host", "stranded_cpu_fraction", "slo_violation_fraction"};

struct TenantServices {
  std::map<std::string, std::string, std::less<>> tenant_of;  // service -> tenant
  std::map<std::string, double, std::less<>> cpu_cores;      // service -> CPU request, cores
};

// The slice of `run` that belongs to `tenant`.
metrics::VariantRunMetrics tenant_slice(const metrics::VariantRunMetrics& run,
                                        std::string_view tenant, const TenantServices& services);

// The same, with the run's instance records read through `records` (which calls its argument
// on each, in creation order) rather than from run.instances: records that left memory as the
// run went (models/metrics/run_metrics.hpp, InstanceSink).
using InstanceRecords =
    std::function<void(const std::function<void(const metrics::InstanceLifecycle&)>&)>;
metrics::VariantRunMetrics tenant_slice(const metrics::VariantRunMetrics& run,
                                        std::string_view tenant, const TenantServices& services,
                                        const InstanceRecords& records);

struct TenantEstimates {
  std::string variant;
  std::string tenant;
  std::vector<std::pair<std::string, metrics::Estimate>> metrics;  // kTenantMetrics order
};

// Over the replications of one variant (`runs`): each tenant of `tenants`, each metric of
// kTenantMetrics as its descriptor computes it on the slices, mean and 95% CI.
std::vector<TenantEstimates> tenant_estimates(std::span<const metrics::VariantRunMetrics> runs,
                                              const std::vector<std::string>& tenants,
                                              const TenantServices& services);

// The same from slices made already (the runner makes them as each run ends, so that it need not
// keep the runs' instance records: app/runner/slot_spill.hpp): slices[k][t] is tenant t's slice
// (tenant_slice) of the k-th replication.
std::vector<TenantEstimates> tenant_estimates_of_slices(
    std::span<const std::vector<metrics::VariantRunMetrics>> slices,
    const std::vector<std::string>& tenants);

}  // namespace vmcsim::models::tenancy
