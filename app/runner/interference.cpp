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

std::vector<Counterfactual> add_counterfactual_points(std::vector<scenario::Scenario>& points) {
  std::vector<Counterfactual> added;
  const std::size_t shown = points.size();
  for (std::size_t p = 0; p < shown; ++p)
    for (std::string& tenant : bursting_tenants(points[p])) {
      scenario::Scenario quiet = points[p];  // a copy: push_back may move points[p]
      for (scenario::Workload& w : quiet.workloads) {
        const auto t = quiet.tenancy.services.find(w.service);
        if (t != quiet.tenancy.services.end() && t->second.tenant == tenant) w.bursts.clear();
      }
      points.push_back(std::move(quiet));
      added.push_back({p, std::move(tenant)});
    }
  return added;
}

std::vector<models::tenancy::Interference> interference(
    std::span<const scenario::Scenario> points, std::span<const Counterfactual> counterfactuals,
    std::size_t point, std::span<const models::metrics::VariantRunMetrics> all,
    std::size_t per_variant) {
  std::vector<models::tenancy::Interference> out;
  if (counterfactuals.size() >= points.size() || per_variant == 0) return out;
  const std::size_t shown = points.size() - counterfactuals.size();
  if (point >= shown) return out;
  // Where each point's runs start in `all`.
  std::vector<std::size_t> start(points.size() + 1, 0);
  for (std::size_t p = 0; p < points.size(); ++p)
    start[p + 1] = start[p] + points[p].variants.size() * per_variant;
  if (all.size() < start.back()) return out;
  const scenario::Scenario& s = points[point];
  const models::tenancy::TenantServices services = tenant_services(s);
  for (std::size_t v = 0; v < s.variants.size(); ++v)
    for (std::size_t c = 0; c < counterfactuals.size(); ++c) {
      if (counterfactuals[c].point != point) continue;
      const auto with = all.subspan(start[point] + v * per_variant, per_variant);
      const auto without = all.subspan(start[shown + c] + v * per_variant, per_variant);
      for (auto& row : models::tenancy::interference(with, without, counterfactuals[c].tenant,
                                                     s.tenancy.tenants, services))
        out.push_back(std::move(row));
    }
  return out;
}

}  // namespace vmcsim::app::runner
