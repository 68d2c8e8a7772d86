#include "models/tenancy/interference.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "models/metrics/descriptors.hpp"
#include "sim/assert.hpp"

namespace vmcsim::models::tenancy {

std::string without_bursts(std::string_view variant, std::string_view bursting_tenant) {
  return fmt::format("{} without {}'s bursts", variant, bursting_tenant);
}

std::vector<Interference> interference(std::span<const metrics::VariantRunMetrics> with,
                                       std::span<const metrics::VariantRunMetrics> without,
                                       std::string_view bursting,
                                       const std::vector<std::string>& tenants,
                                       const TenantServices& services) {
  std::vector<Interference> out;
  if (with.empty() || without.empty()) return out;
  std::map<std::uint64_t, const metrics::VariantRunMetrics*> partner;
  for (const auto& run : without)
    partner[run.replication] = &run;
  const std::string variant = with.front().variant;
  for (const std::string& victim : tenants) {
    if (victim == bursting) continue;
    Interference row{variant, std::string(bursting), victim, {}};
    // The victim's slices of each pair, computed once for every metric.
    std::vector<std::pair<metrics::VariantRunMetrics, metrics::VariantRunMetrics>> pairs;
    for (const auto& run : with) {
      const auto p = partner.find(run.replication);
      if (p == partner.end()) continue;
      pairs.emplace_back(tenant_slice(run, victim, services),
                         tenant_slice(*p->second, victim, services));
    }
    for (const std::string_view key : kInterferenceMetrics) {
      const metrics::MetricDescriptor* d = metrics::find_metric(key);
      VMCSIM_ASSERT(d != nullptr && d->per_run != nullptr, "an interference metric has a descriptor");
      std::vector<double> a, b;
      for (const auto& [x, y] : pairs) {
        const double va = d->per_run(x), vb = d->per_run(y);
        if (std::isnan(va) || std::isnan(vb)) continue;  // the victim completed no request
        a.push_back(va);
        b.push_back(vb);
      }
      row.differences.push_back(metrics::paired_difference(
          std::string(key), variant, without_bursts(variant, bursting), a, b));
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace vmcsim::models::tenancy
