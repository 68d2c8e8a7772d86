#pragma once
// The tenancy parts of the report (docs/multi-tenant.md): the cost of isolation, one row per
// variant that keeps tenants apart, one column per metric of kIsolationCostMetrics
// (models/tenancy/cost_of_isolation.hpp): "+2.00 ± 0.50" extra hosts at peak, node VMs at peak
// and USD against the scenario's `isolation: ignore` variant, paired over replications.
// The two return "" when the results have no cost of isolation.
#include <string>

#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

// Aligned plain text for the terminal, a title line first.
std::string isolation_cost_text(const RunResults& results);
// An HTML <table> for report.html.
std::string isolation_cost_html(const RunResults& results);

// The per-tenant table (models/tenancy/tenant_metrics.hpp): one row per variant and tenant, one
// column per metric, labelled and scaled as its descriptor's first display row says. "" when
// the results have no tenants.
std::string tenant_table_text(const RunResults& results);
std::string tenant_table_html(const RunResults& results);

// Cross-tenant interference (models/tenancy/interference.hpp): one row per variant, bursting
// tenant and victim tenant, one column per metric of kInterferenceMetrics: the victim's latency
// with the bursts minus without them, "+4.20 ± 1.10" ms. "" when the results have none.
std::string interference_text(const RunResults& results);
std::string interference_html(const RunResults& results);
// The report section's caption (what the numbers are).
std::string interference_caption();
// One interference difference as a table cell: "+4.20 ± 1.10", "+4.20" with one replication,
// "n/a" with none to pair.
std::string interference_cell(const PairedDifference& difference);

}  // namespace vmcsim::app::report
