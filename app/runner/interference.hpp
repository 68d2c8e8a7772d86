#pragma once
// The runs behind cross-tenant interference (models/tenancy/interference.hpp). For each point of
// the run (the scenario, or each point of its sweep) and each tenant whose services have a
// workload with `bursts` there, the runner adds a counterfactual point: that point with the
// tenant's bursts removed, the same variants, seeds and replications. The counterfactuals run
// after the scenario's own points (through the same job pool, so --jobs and MPI give the same
// bytes) and are reported only as the interference of the point they quiet. Nothing is added for
// a point without tenants or without a tenant's bursts.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "app/scenario/scenario.hpp"
#include "models/metrics/run_metrics.hpp"
#include "models/tenancy/interference.hpp"

namespace vmcsim::app::runner {

// The tenants owning a workload with bursts, in the order of `tenants:`.
std::vector<std::string> bursting_tenants(const scenario::Scenario& s);

// One counterfactual point: the index of the point it quiets and the tenant whose bursts it
// removes.
struct Counterfactual {
  std::size_t point = 0;
  std::string tenant;
};

// Appends to `points`, for each of its points in order and each of that point's bursting tenants
// (bursting_tenants order), the point with the bursts of that tenant's workloads removed.
// Returns what each appended point is, in the order appended.
std::vector<Counterfactual> add_counterfactual_points(std::vector<scenario::Scenario>& points);

// The interference of every bursting tenant on every other tenant at point `point` (one of the
// scenario's own points), per variant (variant-major, then bursting tenant, then victim in
// tenants order). `all` holds the runs of every point in job layout (point-major, variant-major,
// `per_variant` replications each): the scenario's own points, then the counterfactuals that
// add_counterfactual_points appended, described by `counterfactuals`.
std::vector<models::tenancy::Interference> interference(
    std::span<const scenario::Scenario> points, std::span<const Counterfactual> counterfactuals,
    std::size_t point, std::span<const models::metrics::VariantRunMetrics> all,
    std::size_t per_variant);

}  // namespace vmcsim::app::runner
