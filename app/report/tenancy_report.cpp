#include "app/report/tenancy_report.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "app/report/text_format.hpp"
#include "models/metrics/descriptors.hpp"
#include "models/tenancy/cost_of_isolation.hpp"

namespace vmcsim::app::report {
namespace {

namespace mm = models::metrics;

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
    // n < 2: a difference without an interval; n = 0: nothing to pair.
    out.back().push_back(d.n == 0     ? std::string{"n/a"}
                         : d.n < 2    ? fmt::format("{:+.2f}", d.mean)
                                      : fmt::format("{:+.2f} ± {:.2f}", d.mean, d.half_width));
  }
  return out;
}

}  // namespace

std::string isolation_cost_text(const RunResults& r) {
  if (r.isolation_cost.empty()) return {};
  const auto table = rows(r);
  std::vector<std::size_t> widths(table.front().size(), 0);
  for (const auto& row : table)
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  std::string out = fmt::format(
      "Cost of isolation (paired over replications, mean ± 95% CI, against {}):\n",
      r.isolation_cost.front().variant_b);
  for (const auto& row : table) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c)
      line += fmt::format("{}{:{}}", c ? "  " : "", row[c], widths[c]);
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + '\n';
  }
  return out;
}

std::string isolation_cost_html(const RunResults& r) {
  if (r.isolation_cost.empty()) return {};
  const auto table = rows(r);
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

}  // namespace vmcsim::app::report
