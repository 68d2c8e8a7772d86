#include "app/report/terminal_table.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "app/report/metrics.hpp"
#include "app/report/report_notes.hpp"
#include "app/report/tenancy_report.hpp"

namespace vmcsim::app::report {
namespace {

// Display width of UTF-8 text: counts code points, not bytes ("±", "·" are one column).
std::size_t columns(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t width, bool right) {
  const std::string fill(width > columns(s) ? width - columns(s) : 0, ' ');
  return right ? fill + s : s + fill;
}

}  // namespace

std::string terminal_table(const RunResults& r) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{"metric"}, platform{"platform"};
  for (const auto& v : r.variants) {
    header.push_back(v.name);
    platform.push_back(std::string{to_string(v.platform)});
  }
  rows.push_back(header);
  rows.push_back(platform);
  for (const auto& m : headline_metrics()) {
    if (!shown_in(m, r) || !applies(m, r)) continue;
    std::vector<std::string> row{fmt::format("{} ({})", m.label, m.unit)};
    for (const auto& v : r.variants)
      row.push_back(format_estimate(m.shown(v), m.precision));
    rows.push_back(std::move(row));
  }
  // [fn] function rows only when some variant ran functions
  if (std::any_of(r.variants.begin(), r.variants.end(),
                  [](const VariantSummary& v) { return v.functions_measured(); }))
    for (const auto& m : function_metrics()) {
      std::vector<std::string> row{fmt::format("{} ({})", m.label, m.unit)};
      for (const auto& v : r.variants)
        row.push_back(format_estimate(m.shown(v), m.precision));
      rows.push_back(std::move(row));
    }
  for (auto& slo : slo_rows(r)) {
    std::vector<std::string> row{std::move(slo.label)};
    for (auto& cell : slo.cells)
      row.push_back(std::move(cell));
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], columns(row[c]));
  }
  std::string out = fmt::format("{} · seed {} · {}{} (mean ± 95% CI)\n", r.scenario_name, r.seed,
                                count_of(r.replications, "replication"), warmup_note(r));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t c = 0; c < rows[i].size(); ++c) {
      out += (c ? "  " : "") + pad(rows[i][c], widths[c], c > 0);
    }
    out += '\n';
    if (i == 1) {
      std::size_t total = 0;
      for (auto w : widths)
        total += w + 2;
      for (std::size_t k = 0; k + 2 < total; ++k)
        out += "─";
      out += '\n';
    }
  }
  if (const std::string na = not_applicable_note(headline_metrics(), r); !na.empty())
    out += na + '\n';
  for (const auto& w : health_warnings(r))
    out += w + '\n';
  for (const auto& note : cpu_quota_notes(r))
    out += note + '\n';
  if (const std::string note = image_fetch_note(r); !note.empty()) out += note + '\n';
  const std::vector<std::string> differences = difference_lines(r);
  for (const auto& line : differences)
    out += '\n' + line;
  if (!differences.empty()) out += '\n';
  if (const std::string cost = isolation_cost_text(r); !cost.empty())  // [tenants]
    out += '\n' + cost;
  if (const std::string tenants = tenant_table_text(r); !tenants.empty()) out += '\n' + tenants;
  if (const std::string i = interference_text(r); !i.empty()) out += '\n' + i;  // [tenants]
  return out;
}

}  // namespace vmcsim::app::report
