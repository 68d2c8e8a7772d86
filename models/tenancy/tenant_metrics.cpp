#include "models/tenancy/tenant_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "models/metrics/descriptors.hpp"
#include "sim/assert.hpp"

namespace vmcsim::models::tenancy {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Interval {
  double from = 0, to = 0;  // seconds
};

// The part of an instance's running life inside [warmup, end], or an empty interval.
Interval running_interval(const metrics::InstanceLifecycle& i, double warmup, double end) {
  if (i.node_vm || !i.ready) return {};
  const double from = std::max(i.ready->seconds(), warmup);
  const double to = std::min(i.stopped ? i.stopped->seconds() : end, end);
  return to > from ? Interval{from, to} : Interval{};
}

// Total length of the union of `spans`.
double union_length(std::vector<Interval> spans) {
  std::sort(spans.begin(), spans.end(),
            [](const Interval& a, const Interval& b) { return a.from < b.from; });
  double total = 0, from = 0, to = -1;
  for (const Interval& s : spans) {
    if (s.to <= s.from) continue;
    if (s.from > to) {
      if (to > from) total += to - from;
      from = s.from;
      to = s.to;
    } else {
      to = std::max(to, s.to);
    }
  }
  if (to > from) total += to - from;
  return total;
}

}  // namespace

metrics::VariantRunMetrics tenant_slice(const metrics::VariantRunMetrics& run,
                                        std::string_view tenant, const TenantServices& services) {
  return tenant_slice(run, tenant, services, [&](const auto& each) {
    for (const metrics::InstanceLifecycle& i : run.instances)
      each(i);
  });
}

metrics::VariantRunMetrics tenant_slice(const metrics::VariantRunMetrics& run,
                                        std::string_view tenant, const TenantServices& services,
                                        const InstanceRecords& records) {
  metrics::VariantRunMetrics out;
  out.variant = run.variant;
  out.replication = run.replication;
  out.end = run.end;
  out.warmup = run.warmup;
  const auto owned = [&](std::string_view service) {
    const auto t = services.tenant_of.find(service);
    return t != services.tenant_of.end() && t->second == tenant;
  };
  out.request_latency_ms = sim::QuantileSketch{run.request_latency_ms.relative_accuracy()};
  for (const metrics::ServiceRequests& s : run.services) {
    if (!owned(s.name)) continue;
    out.requests_completed += s.completed;
    out.slo_violations += s.slo_violations;
    out.request_latency_ms.merge(s.latency_ms);
    out.request_latency_stats.merge(s.latency_stats);
  }
  const double warmup = run.warmup.seconds(), end = run.end.seconds();
  double mine_cpu = 0, all_cpu = 0, instance_seconds = 0;
  std::map<std::string, std::vector<Interval>> by_host;
  bool any = false;
  records([&](const metrics::InstanceLifecycle& i) {
    any = true;
    const Interval live = running_interval(i, warmup, end);
    if (live.to <= live.from) return;
    const auto cpu = services.cpu_cores.find(i.service);
    const double core_seconds =
        (live.to - live.from) * (cpu == services.cpu_cores.end() ? 0.0 : cpu->second);
    all_cpu += core_seconds;
    if (!owned(i.service)) return;
    mine_cpu += core_seconds;
    instance_seconds += live.to - live.from;
    by_host[i.host].push_back(live);
  });
  double host_seconds = 0;
  for (auto& [host, spans] : by_host)
    host_seconds += union_length(std::move(spans));
  const bool measured = any && all_cpu > 0;
  const double share = measured ? mine_cpu / all_cpu : kNaN;
  out.cost_usd = run.cost_usd * share;
  out.stranded_cpu_fraction = run.stranded_cpu_fraction * share;
  out.stranded_memory_fraction = run.stranded_memory_fraction * share;
  out.density_mean = host_seconds > 0 ? instance_seconds / host_seconds : kNaN;
  return out;
}

std::vector<TenantEstimates> tenant_estimates(std::span<const metrics::VariantRunMetrics> runs,
                                              const std::vector<std::string>& tenants,
                                              const TenantServices& services) {
  std::vector<std::vector<metrics::VariantRunMetrics>> slices;
  for (const auto& run : runs) {
    slices.emplace_back();
    for (const std::string& tenant : tenants)
      slices.back().push_back(tenant_slice(run, tenant, services));
  }
  return tenant_estimates_of_slices(slices, tenants);
}

std::vector<TenantEstimates> tenant_estimates_of_slices(
    std::span<const std::vector<metrics::VariantRunMetrics>> slices,
    const std::vector<std::string>& tenants) {
  std::vector<TenantEstimates> out;
  if (slices.empty()) return out;
  for (std::size_t t = 0; t < tenants.size(); ++t) {
    VMCSIM_ASSERT(slices.front().size() == tenants.size(), "a slice per tenant");
    TenantEstimates e{slices.front()[t].variant, tenants[t], {}};
    for (const std::string_view key : kTenantMetrics) {
      const metrics::MetricDescriptor* d = metrics::find_metric(key);
      VMCSIM_ASSERT(d != nullptr && d->per_run != nullptr, "a per-tenant metric has a descriptor");
      std::vector<double> values;
      for (const auto& run : slices)
        values.push_back(d->per_run(run[t]));
      e.metrics.emplace_back(std::string(key), metrics::estimate(values));
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace vmcsim::models::tenancy
