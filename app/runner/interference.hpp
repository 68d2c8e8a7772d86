#pragma once
// The runs behind cross-tenant interference (models/tenancy/interference.hpp). For each tenant
// whose services have a workload with `bursts`, the scenario's first point is run once more as
// a counterfactual point: the same scenario, variants, seeds and replications with that tenant's
// bursts removed. The runner appends these points after the scenario's own (they run through the
// same job pool, so --jobs and MPI give the same bytes) and reports them only as interference.
// Nothing is added for a scenario without tenants or without a tenant's bursts.
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

// Appends to `points` one counterfactual of points[0] per bursting tenant (in bursting_tenants
// order): points[0] with the bursts of that tenant's workloads removed.
void add_counterfactual_points(std::vector<scenario::Scenario>& points);

// The interference of every bursting tenant on every other tenant, per variant (variant-major,
// then bursting tenant, then victim in tenants order). `all` holds the runs of every point in
// job layout (point-major, variant-major, `per_variant` replications each); the first `shown`
// points are the scenario's own, the rest the counterfactuals add_counterfactual_points made.
std::vector<models::tenancy::Interference> interference(
    std::span<const scenario::Scenario> points, std::size_t shown,
    std::span<const models::metrics::VariantRunMetrics> all, std::size_t per_variant);

}  // namespace vmcsim::app::runner
