#include "app/runner/interference.hpp"

#include <algorithm>

#include "app/runner/tenancy.hpp"

namespace vmcsim::app::runner {

std::vector<std::string> bursting_tenants(const scenario::Scenario& s) {
  std::vector<std::string> out;
  if (s.tenancy.tenants.empty()) return out;
  for (const std::string& tenant : s.tenancy.tenants) {
    const bool bursts = std::any_of(s.workloads.begin(), s.workloads.end(), [&](const auto& w) {
      const auto t = s.tenancy.services.find(w.service);
      return !w.bursts.empty() && t != s.tenancy.services.end() && t->second.tenant == tenant;
    });
    if (bursts) out.push_back(tenant);
  }
  return out;
}

void add_counterfactual_points(std::vector<scenario::Scenario>& points) {
  if (points.empty()) return;
  for (const std::string& tenant : bursting_tenants(points.front())) {
    scenario::Scenario quiet = points.front();
    for (scenario::Workload& w : quiet.workloads) {
      const auto t = quiet.tenancy.services.find(w.service);
      if (t != quiet.tenancy.services.end() && t->second.tenant == tenant) w.bursts.clear();
    }
    points.push_back(std::move(quiet));
  }
}

std::vector<models::tenancy::Interference> interference(
    std::span<const scenario::Scenario> points, std::size_t shown,
    std::span<const models::metrics::VariantRunMetrics> all, std::size_t per_variant) {
  std::vector<models::tenancy::Interference> out;
  if (points.empty() || shown == 0 || per_variant == 0) return out;
  const scenario::Scenario& s = points.front();
  const std::vector<std::string> bursting = bursting_tenants(s);
  const std::size_t n = s.variants.size() * per_variant;  // runs per point
  // The counterfactuals follow the scenario's own points, one per bursting tenant.
  std::size_t first = 0;
  for (std::size_t p = 0; p < shown; ++p)
    first += points[p].variants.size() * per_variant;
  if (points.size() != shown + bursting.size() || all.size() < first + bursting.size() * n)
    return out;
  const models::tenancy::TenantServices services = tenant_services(s);
  for (std::size_t v = 0; v < s.variants.size(); ++v)
    for (std::size_t b = 0; b < bursting.size(); ++b) {
      const auto with = all.subspan(v * per_variant, per_variant);
      const auto without = all.subspan(first + b * n + v * per_variant, per_variant);
      for (auto& row : models::tenancy::interference(with, without, bursting[b],
                                                     s.tenancy.tenants, services))
        out.push_back(std::move(row));
    }
  return out;
}

}  // namespace vmcsim::app::runner
