#include "app/report/html_report.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <ostream>
#include <span>

#include <fmt/format.h>

#include "app/report/metrics.hpp"
#include "app/report/palette.hpp"
#include "app/report/report_notes.hpp"
#include "app/report/svg_charts.hpp"
#include "app/report/sweep_report.hpp"
#include "app/report/tenancy_report.hpp"
#include "app/report/text_format.hpp"

namespace vmcsim::app::report {
namespace {

// Beyond this many points a CDF looks the same and only makes the file bigger.
constexpr std::size_t kMaxCdfPoints = 400;

constexpr std::string_view kStyle = R"(
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --band: #f6f7f9; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: var(--ink); margin: 0; background: #fff; line-height: 1.45; }
main { max-width: 940px; margin: 0 auto; padding: 28px 24px 40px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 0 0 6px; }
p.meta { color: var(--muted); margin: 0 0 22px; font-size: 0.9rem; }
section { margin: 0 0 30px; }
p.caption { color: var(--muted); margin: 0 0 8px; font-size: 0.88rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.86rem;
        font-variant-numeric: tabular-nums; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--rule); text-align: right;
         white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { background: var(--band); font-weight: 600; vertical-align: bottom; }
thead th small { display: block; font-weight: 400; color: var(--muted); }
td small { color: var(--muted); }
p.note { margin: 0 0 8px; font-size: 0.88rem; border-left: 3px solid #E69F00; padding-left: 8px; }
p.warning { margin: 0 0 8px; font-size: 0.88rem; border-left: 3px solid #D55E00; padding-left: 8px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
          margin-right: 6px; vertical-align: baseline; }
ul.differences { padding-left: 1.2em; margin: 0; }
ul.differences li { margin: 3px 0; }
svg.chart { display: block; width: 100%; height: auto; max-width: 100%; }
svg.chart text { font-family: inherit; fill: #333; }
svg.chart .tick { font-size: 11px; fill: #555; }
svg.chart .axis-label { font-size: 12px; fill: #333; }
svg.chart .legend, svg.chart .bar-label { font-size: 12px; }
svg.chart .value { font-size: 11px; fill: #333; }
footer { color: var(--muted); font-size: 0.8rem; border-top: 1px solid var(--rule);
         padding-top: 10px; }
@media print {
  main { max-width: none; padding: 0; }
  section { break-inside: avoid; }
}
)";

std::string swatch(std::size_t i) {
  return fmt::format("<span class=\"swatch\" style=\"background:{}\"></span>", variant_colour(i));
}

// Metrics down, variants across: reads like the terminal table and fits any number of metrics.
std::string metrics_table(const RunResults& r, std::span<const HeadlineMetric> metrics) {
  std::string out = "<table>\n<thead><tr><th>metric</th>";
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    const auto& v = r.variants[i];
    out += fmt::format("<th>{}{}<small>{} / {}</small></th>", swatch(i), html_escape(v.name),
                       to_string(v.platform), html_escape(v.profile));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& m : metrics) {
    if (!shown_in(m, r) || !applies(m, r)) continue;
    out += fmt::format("<tr><td>{} <small>({})</small></td>", html_escape(m.label),
                       html_escape(m.unit));
    for (const auto& v : r.variants) {
      out += fmt::format("<td>{}</td>", html_escape(format_estimate(m.shown(v), m.precision)));
    }
    out += "</tr>\n";
  }
  if (metrics.data() == headline_metrics().data())
    for (const auto& row : slo_rows(r)) {
      out += fmt::format("<tr><td>{}</td>", html_escape(row.label));
      for (const auto& cell : row.cells)
        out += fmt::format("<td>{}</td>", html_escape(cell));
      out += "</tr>\n";
    }
  out += "</tbody>\n</table>\n";
  if (const std::string na = not_applicable_note(metrics, r); !na.empty())
    out += "<p class=\"caption\">" + html_escape(na) + "</p>\n";
  return out;
}

std::string paragraphs(const std::vector<std::string>& texts, std::string_view cls) {
  std::string out;
  for (const auto& t : texts)
    if (!t.empty()) out += fmt::format("<p class=\"{}\">{}</p>\n", cls, html_escape(t));
  return out;
}

std::vector<svg::Point> cdf_points(std::vector<double> samples_ms) {
  std::sort(samples_ms.begin(), samples_ms.end());
  std::vector<svg::Point> points;
  const std::size_t n = samples_ms.size();
  if (n == 0) return points;
  const std::size_t stride = std::max<std::size_t>(1, n / kMaxCdfPoints);
  for (std::size_t i = 0; i < n; i += stride) {
    points.push_back({samples_ms[i] / 1000.0, static_cast<double>(i + 1) / static_cast<double>(n)});
  }
  if (points.back().y < 1.0) points.push_back({samples_ms.back() / 1000.0, 1.0});
  return points;
}

std::string startup_cdf(const RunResults& r) {
  std::vector<svg::LineSeries> series;
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    series.push_back({r.variants[i].name, variant_colour(i),
                      cdf_points(r.variants[i].startup_samples_ms), false, true});
  }
  return svg::line_chart("Startup time CDF per variant", series,
                         {"startup time, requested to ready (s, log scale)", true, {}, {}},
                         {"fraction of instances ready", false, 0.0, 1.0});
}

std::string phase_bars(const RunResults& r) {
  const std::map<std::string, std::string> colours = phase_colours(r);
  std::vector<svg::StackedBar> bars;
  for (const auto& v : r.variants) {
    svg::StackedBar bar{v.name, {}};
    for (const auto& p : v.startup_phases_ms) {
      bar.segments.push_back({p.phase, colours.at(p.phase), p.mean / 1000.0});
    }
    bars.push_back(std::move(bar));
  }
  return svg::stacked_bar_chart("Mean startup time by phase", bars,
                                {"mean time in phase (s), stacked", false, {}, {}});
}

// The time axis of the timeseries charts: minutes beyond 20 minutes of simulated time.
struct TimeAxis {
  double per_unit = 1.0;  // seconds per axis unit
  std::string label;
};

TimeAxis time_axis(const RunResults& r) {
  double max_t = 0;
  for (const auto& s : r.timeseries)
    max_t = std::max(max_t, s.t.seconds());
  if (max_t > 1200) return {60.0, "simulated time (min)"};
  return {1.0, "simulated time (s)"};
}

// One variant's value at each sample time, averaged over its replications.
std::vector<svg::Point> mean_over_replications(const RunResults& r, const std::string& variant,
                                               double (*value)(const TimeseriesSample&),
                                               const TimeAxis& axis) {
  std::map<std::int64_t, std::pair<double, int>> by_time;  // t (ns) -> sum, count
  for (const auto& s : r.timeseries) {
    if (s.variant != variant) continue;
    auto& [sum, n] = by_time[s.t.ns()];
    sum += value(s);
    ++n;
  }
  std::vector<svg::Point> points;
  for (const auto& [t, sum_n] : by_time)
    points.push_back({static_cast<double>(t) * 1e-9 / axis.per_unit, sum_n.first / sum_n.second});
  return points;
}

std::string capacity_chart(const RunResults& r) {
  const TimeAxis axis = time_axis(r);
  std::vector<svg::LineSeries> series;
  for (std::size_t i = 0; i < r.variants.size(); ++i)
    series.push_back(
        {r.variants[i].name + " capacity", variant_colour(i),
         mean_over_replications(
             r, r.variants[i].name, [](const TimeseriesSample& s) { return s.capacity_rps; }, axis),
         false, true});
  // Under common random numbers every variant sees the same demand: draw it once, on top.
  if (!r.variants.empty())
    series.push_back({"demand", series_colour("demand"),
                      mean_over_replications(
                          r, r.variants.front().name,
                          [](const TimeseriesSample& s) { return s.demand_rps; }, axis),
                      true, true});
  // Failures (host down, crash) of the first variant's first replication, as vertical strokes
  // (every variant sees the same failure times under common random numbers).
  std::vector<double> at;
  for (const auto& f : r.failures)
    if (!r.variants.empty() && f.variant == r.variants.front().name && f.replication == 0 &&
        (f.kind == "host_down" || f.kind == "crash" || f.kind == "hang"))
      at.push_back(f.at.seconds() / axis.per_unit);
  if (!at.empty()) {
    double top = 0;
    for (const auto& s : series)
      for (const auto& p : s.points)
        top = std::max(top, p.y);
    std::vector<svg::Point> strokes;
    for (const double x : at) {
      strokes.push_back({x, 0});
      strokes.push_back({x, top});
      strokes.push_back({x, 0});
    }
    series.push_back({"failures (host down, crash)", series_colour("failures"), std::move(strokes),
                      true, false});
  }
  return svg::line_chart("Serving capacity and demand over time", series,
                         {axis.label, false, {}, {}}, {"requests per second", false, {}, {}});
}

// Physical hosts in use over time per variant, and the live node VMs of variants that have
// them (dashed).
std::string hosts_chart(const RunResults& r) {
  const TimeAxis axis = time_axis(r);
  std::vector<svg::LineSeries> series;
  for (std::size_t i = 0; i < r.variants.size(); ++i)
    series.push_back({r.variants[i].name + " hosts", variant_colour(i),
                      mean_over_replications(
                          r, r.variants[i].name,
                          [](const TimeseriesSample& s) { return double(s.hosts_used); }, axis),
                      false, true});
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    if (r.variants[i].nodes_peak.mean <= 0) continue;
    series.push_back({r.variants[i].name + " node VMs", variant_colour(i),
                      mean_over_replications(
                          r, r.variants[i].name,
                          [](const TimeseriesSample& s) { return double(s.nodes_used); }, axis),
                      true, true});
  }
  return svg::line_chart("Hosts and node VMs in use over time", series, {axis.label, false, {}, {}},
                         {"in use (mean over replications)", false, 0.0, {}});
}

std::string estimate_bars(const RunResults& r, const std::string& title, const std::string& label,
                          Estimate (*get)(const VariantSummary&)) {
  std::vector<svg::Bar> bars;
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    const Estimate e = get(r.variants[i]);
    bars.push_back({r.variants[i].name, variant_colour(i), e.mean, e.half_width});
  }
  return svg::bar_chart(title, bars, {label, false, {}, {}});
}

void section(std::ostream& out, std::string_view title, std::string_view caption,
             const std::string& body) {
  out << "<section>\n<h2>" << html_escape(title) << "</h2>\n";
  if (!caption.empty()) out << "<p class=\"caption\">" << html_escape(caption) << "</p>\n";
  out << body << "</section>\n";
}

}  // namespace

std::string variant_colour(std::size_t index) {
  const auto& colours = palette().variants;
  return colours[index % colours.size()];
}

std::map<std::string, std::string> phase_colours(const RunResults& r) {
  std::map<std::string, std::string> colours;
  std::size_t unknown = 0;
  const Palette& p = palette();
  for (const auto& v : r.variants)
    for (const auto& phase : v.startup_phases_ms) {
      if (colours.count(phase.phase)) continue;
      const auto it = p.phases.find(phase.phase);
      colours[phase.phase] = it != p.phases.end()
                                 ? it->second
                                 : p.unknown_phases[unknown++ % p.unknown_phases.size()];
    }
  return colours;
}

void write_html_report(const RunResults& r, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>vmcsim report: " << html_escape(r.scenario_name) << "</title>\n<style>" << kStyle
      << "</style>\n</head>\n<body>\n<main>\n";
  out << "<header>\n<h1>" << html_escape(r.scenario_name) << "</h1>\n<p class=\"meta\">"
      << html_escape(fmt::format("scenario {} · seed {} · {} per variant{} · vmcsim {}",
                                 r.scenario_file, r.seed, count_of(r.replications, "replication"),
                                 warmup_note(r), r.vmcsim_version))
      << "</p>\n</header>\n";
  out << sweep_html_section(r);  // every point of a sweep, before the first point's sections
  std::string warnings;
  for (const auto& w : health_warnings(r))
    warnings += "<p class=\"warning\">" + html_escape(w) + "</p>\n";
  section(out, "Summary",
          "Mean ± half-width of the 95% confidence interval over replications (Student t).",
          warnings + metrics_table(r, headline_metrics()));
  if (const std::vector<std::string> lines = difference_lines(r); !lines.empty()) {
    std::string items = "<ul class=\"differences\">\n";
    for (const auto& line : lines) {
      items += "<li>" + html_escape(line) + "</li>\n";
    }
    section(out, "What differs",
            "Paired differences under common random numbers: each replication runs every "
            "variant on the same random streams.",
            items + "</ul>\n");
  }
  if (!r.isolation_cost.empty())  // [tenants]
    section(out, "Cost of isolation",
            "What keeping tenants apart adds, per variant, to the same workload with no isolation: "
            "paired differences over replications (mean ± 95% CI).",
            isolation_cost_html(r));
  if (!r.tenants.empty())  // [tenants]
    section(out, "Per tenant",
            "Each tenant's SLO and density as measured; its cost and stranded CPU attributed by "
            "its share of the reserved CPU (docs/multi-tenant.md). Mean ± 95% CI.",
            tenant_table_html(r));
  if (!r.interference.empty())  // [tenants]
    section(out, "Interference between tenants", interference_caption(), interference_html(r));
  const std::string fetch_note = paragraphs({image_fetch_note(r)}, "note");
  if (std::any_of(r.variants.begin(), r.variants.end(),
                  [](const VariantSummary& v) { return !v.startup_samples_ms.empty(); }))
    section(out, "Startup time distribution",
            "Share of instances ready within a given time after they were requested.",
            fetch_note + startup_cdf(r));
  if (std::any_of(r.variants.begin(), r.variants.end(),
                  [](const VariantSummary& v) { return !v.startup_phases_ms.empty(); }))
    section(out, "Where startup time goes",
            "Mean duration of each measured phase; the bar's length is the mean startup time.",
            phase_bars(r));
  // Without traffic there is no demand to set capacity against: the chart is left out.
  if (has_traffic(r)) {
    section(out, "Capacity versus demand",
            "Requests per second the ready instances can serve, against offered load (dashed), "
            "averaged over replications. Capacity is a throughput: it says nothing of how long "
            "each request takes.",
            paragraphs(cpu_quota_notes(r), "note") + capacity_chart(r));
  }
  if (std::any_of(r.variants.begin(), r.variants.end(),
                  [](const VariantSummary& v) { return v.placement_measured(); })) {
    std::string body = metrics_table(r, placement_metrics());
    if (!r.timeseries.empty()) body += hosts_chart(r);
    section(out, "Placement",
            "How the variants pack their instances onto hosts (or node VMs): peaks, efficiency "
            "and stranded or fragmented capacity are means over sample times after the warm-up; "
            "pending time runs from request to placement.",
            body);
  }
  if (std::any_of(r.variants.begin(), r.variants.end(),
                  [](const VariantSummary& v) { return v.functions_measured(); }))  // [fn]
    section(out, "Functions",
            "Scale to zero: the share of function requests that waited for a cold start and how "
            "long, the memory of warm instances kept idle by the keep-alive policy, and the bill "
            "as AWS Lambda would compute it (GB-seconds and requests). Whole run, no warm-up "
            "deletion.",
            metrics_table(r, function_metrics()));
  section(out, "Memory spent on overhead",
          "Guest OS, hypervisor and runtime memory integrated over the run; whiskers are 95% "
          "confidence intervals.",
          estimate_bars(r, "Memory overhead per variant", "memory overhead (GiB·h)",
                        [](const VariantSummary& v) { return v.memory_overhead_gib_hours; }));
  section(out, "Cost", "Cost of the run under the scenario's price model.",
          estimate_bars(r, "Cost per variant", "cost (USD)",
                        [](const VariantSummary& v) { return v.cost_usd; }));
  out << "<footer>Generated by vmcsim " << html_escape(r.vmcsim_version)
      << ". This page is self-contained: no scripts, fonts or network resources.</footer>\n"
      << "</main>\n</body>\n</html>\n";
}

}  // namespace vmcsim::app::report
