#include "app/report/tenancy_report.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "app/report/metrics.hpp"
#include "app/report/text_format.hpp"
#include "models/metrics/descriptors.hpp"
#include "models/tenancy/cost_of_isolation.hpp"
#include "models/tenancy/interference.hpp"
#include "models/tenancy/tenant_metrics.hpp"

namespace vmcsim::app::report {
namespace {

namespace mm = models::metrics;

// A paired difference as a cell: n < 2 gives a difference without an interval; n = 0 nothing
// to pair.
std::string difference_cell(const PairedDifference& d) {
  if (d.n == 0) return "n/a";
  if (d.n < 2) return fmt::format("{:+.2f}", d.mean);
  return fmt::format("{:+.2f} ± {:.2f}", d.mean, d.half_width);
}

// Rows of the table: a header (variant, then each metric's label and unit), then per isolating
// variant its differences in kIsolationCostMetrics order.
std::vector<std::vector<std::string>> rows(const RunResults& r) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> header{"extra, vs " + r.isolation_cost.front().variant_b};
  for (const std::string_view key : models::tenancy::kIsolationCostMetrics) {
    const mm::MetricDescriptor* d = mm::find_metric(key);
    header.push_back(fmt::format("{} ({})", key, d != nullptr ? d->unit : ""));
  }
  out.push_back(std::move(header));
  for (const PairedDifference& d : r.isolation_cost) {
    if (out.back().front() != d.variant_a) out.push_back({d.variant_a});
    out.back().push_back(difference_cell(d));
  }
  return out;
}

// Header and rows of the interference table, in ms as the descriptors' unit is.
std::vector<std::vector<std::string>> interference_rows(const RunResults& r) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> header{"variant", "bursts of", "victim"};
  for (const std::string_view key : models::tenancy::kInterferenceMetrics) {
    const mm::MetricDescriptor* d = mm::find_metric(key);
    header.push_back(fmt::format("{} ({})", key, d != nullptr ? d->unit : ""));
  }
  out.push_back(std::move(header));
  for (const auto& i : r.interference) {
    std::vector<std::string> row{i.variant, i.bursting_tenant, i.victim_tenant};
    for (const PairedDifference& d : i.differences)
      row.push_back(difference_cell(d));
    out.push_back(std::move(row));
  }
  return out;
}

// Header and rows of the per-tenant table; cells as format_estimate shows them, in each
// descriptor's display unit.
std::vector<std::vector<std::string>> tenant_rows(const RunResults& r) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> header{"variant", "tenant"};
  for (const std::string_view key : models::tenancy::kTenantMetrics) {
    const mm::MetricDescriptor* d = mm::find_metric(key);
    if (d != nullptr && !d->display.empty())
      header.push_back(fmt::format("{} ({})", d->display.front().label, d->display.front().unit));
    else
      header.push_back(std::string(key));
  }
  out.push_back(std::move(header));
  for (const auto& t : r.tenants) {
    std::vector<std::string> row{t.variant, t.tenant};
    for (const auto& [key, e] : t.metrics) {
      const mm::MetricDescriptor* d = mm::find_metric(key);
      const bool shown = d != nullptr && !d->display.empty();
      const double scale = shown ? d->display.front().scale : 1.0;
      row.push_back(format_estimate({e.mean * scale, e.half_width * scale, e.n},
                                    shown ? d->display.front().precision : 2));
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::string aligned(const std::vector<std::vector<std::string>>& table) {
  std::vector<std::size_t> widths(table.front().size(), 0);
  for (const auto& row : table)
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  std::string out;
  for (const auto& row : table) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c)
      line += fmt::format("{}{:{}}", c ? "  " : "", row[c], widths[c]);
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + '\n';
  }
  return out;
}

std::string html_table(const std::vector<std::vector<std::string>>& table) {
  std::string out = "<table>\n<thead><tr>";
  for (const auto& cell : table.front())
    out += "<th>" + html_escape(cell) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t i = 1; i < table.size(); ++i) {
    out += "<tr>";
    for (const auto& cell : table[i])
      out += "<td>" + html_escape(cell) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

}  // namespace

std::string tenant_table_text(const RunResults& r) {
  if (r.tenants.empty()) return {};
  return "Per tenant (cost and stranded CPU attributed by reserved CPU; mean ± 95% CI):\n" +
         aligned(tenant_rows(r));
}

std::string tenant_table_html(const RunResults& r) {
  if (r.tenants.empty()) return {};
  return html_table(tenant_rows(r));
}

std::string isolation_cost_text(const RunResults& r) {
  if (r.isolation_cost.empty()) return {};
  return fmt::format("Cost of isolation (paired over replications, mean ± 95% CI, against {}):\n",
                     r.isolation_cost.front().variant_b) +
         aligned(rows(r));
}

std::string isolation_cost_html(const RunResults& r) {
  if (r.isolation_cost.empty()) return {};
  return html_table(rows(r));
}

std::string interference_caption() {
  return "Each tenant's request latency with another tenant's workload bursts minus the same "
         "variant, seeds and requests without those bursts: what the bursts cost it through "
         "the disks, links, nodes and hosts the variant lets them share (paired over "
         "replications, mean ± 95% CI; docs/multi-tenant.md).";
}

std::string interference_text(const RunResults& r) {
  if (r.interference.empty()) return {};
  return "Interference (victim's latency with the bursts minus without, paired, mean ± 95% "
         "CI):\n" +
         aligned(interference_rows(r));
}

std::string interference_cell(const PairedDifference& d) {
  return difference_cell(d);
}

std::string interference_html(const RunResults& r) {
  if (r.interference.empty()) return {};
  return html_table(interference_rows(r));
}

}  // namespace vmcsim::app::report
