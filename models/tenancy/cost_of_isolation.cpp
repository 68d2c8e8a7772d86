#include "models/tenancy/cost_of_isolation.hpp"

#include <cmath>
#include <map>
#include <string>

#include "models/metrics/descriptors.hpp"
#include "sim/assert.hpp"

namespace vmcsim::models::tenancy {

std::vector<metrics::PairedDifference> cost_of_isolation(
    std::span<const metrics::VariantRunMetrics> isolating,
    std::span<const metrics::VariantRunMetrics> baseline) {
  std::vector<metrics::PairedDifference> out;
  if (isolating.empty() || baseline.empty()) return out;
  std::map<std::uint64_t, const metrics::VariantRunMetrics*> base;
  for (const auto& run : baseline)
    base[run.replication] = &run;
  for (const std::string_view key : kIsolationCostMetrics) {
    const metrics::MetricDescriptor* d = metrics::find_metric(key);
    VMCSIM_ASSERT(d != nullptr && d->per_run != nullptr, "a cost-of-isolation metric has a descriptor");
    std::vector<double> a, b;
    for (const auto& run : isolating) {
      const auto partner = base.find(run.replication);
      if (partner == base.end()) continue;
      const double va = d->per_run(run), vb = d->per_run(*partner->second);
      if (std::isnan(va) || std::isnan(vb)) continue;
      a.push_back(va);
      b.push_back(vb);
    }
    out.push_back(metrics::paired_difference(std::string(key), isolating.front().variant,
                                             baseline.front().variant, a, b));
  }
  return out;
}

}  // namespace vmcsim::models::tenancy
