#include "app/report/sweep_report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "app/report/html_report.hpp"
#include "app/report/metrics.hpp"
#include "app/report/svg_charts.hpp"
#include "app/report/tenancy_report.hpp"
#include "app/report/terminal_table.hpp"
#include "app/report/text_format.hpp"
#include "models/metrics/descriptors.hpp"
#include "models/tenancy/interference.hpp"

namespace vmcsim::app::report {
namespace {

// Two charts side by side: a dozen metrics stay a few screens long.
constexpr svg::Size kChartSize{560, 300};
constexpr std::string_view kChartGrid =
    "<div class=\"sweep-charts\" style=\"display:grid;grid-template-columns:repeat(auto-fit,"
    "minmax(420px,1fr));gap:8px 16px\">\n";

// The parameter the charts put on their x axis: the first one whose values are all numbers and
// that takes more than one value. Without one, the points are numbered (1, 2, ...) as in the
// table, so a sweep of names (profiles, policies) still gets its charts.
struct XAxis {
  std::optional<std::size_t> parameter;  // index into SweepPoint::parameters
  std::string label;
  double at(const SweepPoint& p, std::size_t index) const {
    return parameter ? *p.parameters[*parameter].numeric : static_cast<double>(index + 1);
  }
};

XAxis x_axis_of(const RunResults& r) {
  const auto& first = r.sweep_points.front().parameters;
  for (std::size_t k = 0; k < first.size(); ++k) {
    bool numeric = true, varies = false;
    for (const auto& p : r.sweep_points) {
      if (k >= p.parameters.size() || !p.parameters[k].numeric) {
        numeric = false;
        break;
      }
      varies = varies || *p.parameters[k].numeric != *first[k].numeric;
    }
    if (numeric && varies) return {k, first[k].name};
  }
  // Few points: name them on the axis ("sweep point: 1 none, 2 fixed, 3 hybrid").
  std::string label = "sweep point, numbered as in the table above";
  if (r.sweep_points.size() <= 6) {
    label = "sweep point:";
    for (std::size_t i = 0; i < r.sweep_points.size(); ++i) {
      std::string values;
      for (const auto& p : r.sweep_points[i].parameters)
        values += (values.empty() ? "" : "/") + p.value;
      label += fmt::format("{}{} {}", i ? ", " : " ", i + 1, values);
    }
  }
  return {std::nullopt, label};
}

// "name = value, ..." of a point's parameters, leaving out the one at index `skip`.
std::string parameters_text(const SweepPoint& p, std::optional<std::size_t> skip) {
  std::string out;
  for (std::size_t k = 0; k < p.parameters.size(); ++k) {
    if (skip && k == *skip) continue;
    out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", p.parameters[k].name,
                       p.parameters[k].value);
  }
  return out;
}

std::size_t variant_index(const RunResults& r, const std::string& name) {
  for (std::size_t i = 0; i < r.variants.size(); ++i)
    if (r.variants[i].name == name) return i;
  return r.variants.size();
}

// Whether any variant at any point measured `m` (a chart of nothing is left out): the variant
// measures it (v.measures, which shown_in's failures rule follows) and has a value.
bool measured_somewhere(const HeadlineMetric& m, const RunResults& r) {
  for (const auto& p : r.sweep_points)
    for (const auto& v : p.variants) {
      const Estimate e = m.shown(v);
      if (v.measures(*m.metric) && e.n > 0 && std::isfinite(e.mean)) return true;
    }
  return false;
}

// One chart: a line per variant (and per combination of the other parameters, dashed after the
// first), through the point means in x order; at a point with a confidence interval the line
// runs up to its upper end, down to its lower end and back, which draws the whisker.
std::string metric_chart(const HeadlineMetric& m, const RunResults& r, const XAxis& x) {
  struct Line {
    std::size_t variant;
    std::string others;
    std::vector<std::pair<double, Estimate>> points;
  };
  std::vector<Line> lines;
  std::map<std::string, std::size_t> combination;  // other parameters -> first-seen order
  for (std::size_t i = 0; i < r.sweep_points.size(); ++i) {
    const SweepPoint& p = r.sweep_points[i];
    // Points that share the values of every parameter but the x axis's form one line.
    // Without a numeric parameter the x axis is the point itself, so one line per variant.
    const std::string others = x.parameter ? parameters_text(p, x.parameter) : std::string{};
    combination.emplace(others, combination.size());
    for (const auto& v : p.variants) {
      const Estimate e = m.shown(v);
      if (!v.measures(*m.metric) || e.n == 0 || !std::isfinite(e.mean)) continue;
      const std::size_t vi = variant_index(r, v.name);
      auto line = std::find_if(lines.begin(), lines.end(), [&](const Line& l) {
        return l.variant == vi && l.others == others;
      });
      if (line == lines.end()) line = lines.insert(lines.end(), Line{vi, others, {}});
      line->points.emplace_back(x.at(p, i), e);
    }
  }
  std::vector<svg::LineSeries> series;
  for (auto& l : lines) {
    std::stable_sort(l.points.begin(), l.points.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    svg::LineSeries s;
    s.name = l.variant < r.variants.size() ? r.variants[l.variant].name : "?";
    if (!l.others.empty()) s.name += " (" + l.others + ")";
    s.colour = variant_colour(l.variant);
    s.dashed = combination[l.others] % 2 == 1;
    for (const auto& [at, e] : l.points) {
      s.points.push_back({at, e.mean});
      if (e.half_width > 0 && std::isfinite(e.half_width)) {
        s.points.push_back({at, e.mean + e.half_width});
        s.points.push_back({at, e.mean - e.half_width});
        s.points.push_back({at, e.mean});
      }
    }
    series.push_back(std::move(s));
  }
  // The x axis spans the swept values (not from 0: a sweep of 100 to 120 would be a sliver).
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& l : lines)
    for (const auto& [at, e] : l.points)
      lo = std::min(lo, at), hi = std::max(hi, at);
  svg::Axis xa{x.label, false, {}, {}};
  if (hi > lo) xa.min = lo, xa.max = hi;
  const std::string title = fmt::format("{} ({}) against {}", m.label, m.unit, x.label);
  return svg::line_chart(title, series, xa,
                         {fmt::format("{} ({})", m.label, m.unit), false, {}, {}}, kChartSize);
}

// [tenants] The (bursting tenant, victim tenant) pairs of every point's interference, in the
// order first seen: one group of columns each in the points table.
std::vector<std::pair<std::string, std::string>> interference_pairs(const RunResults& r) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& p : r.sweep_points)
    for (const auto& i : p.interference)
      if (std::find(pairs.begin(), pairs.end(), std::pair{i.bursting_tenant, i.victim_tenant}) ==
          pairs.end())
        pairs.emplace_back(i.bursting_tenant, i.victim_tenant);
  return pairs;
}

// [tenants] A point's and variant's interference cells, a pair's kInterferenceMetrics after
// another; "n/a" where the point has no such pair (the tenant does not burst there).
std::string interference_cells(const SweepPoint& p, const std::string& variant,
                               const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& pair : pairs) {
    // Named references, not a structured binding: clang 14 (the fuzz build's) cannot capture one.
    const std::string& bursting = pair.first;
    const std::string& victim = pair.second;
    const auto it = std::find_if(p.interference.begin(), p.interference.end(), [&](const auto& i) {
      return i.variant == variant && i.bursting_tenant == bursting && i.victim_tenant == victim;
    });
    for (std::size_t k = 0; k < std::size(models::tenancy::kInterferenceMetrics); ++k)
      out += fmt::format("<td>{}</td>", it != p.interference.end() && k < it->differences.size()
                                            ? html_escape(interference_cell(it->differences[k]))
                                            : std::string{"n/a"});
  }
  return out;
}

// Every point's headline metrics: one row per point and variant, a column per metric charted,
// then the point's interference between tenants (with the bursts minus without) when it has any.
std::string points_table(const RunResults& r, const std::vector<const HeadlineMetric*>& shown) {
  std::string out = "<div style=\"overflow-x:auto\">\n<table class=\"sweep-points\">\n<thead><tr>";
  for (const auto& p : r.sweep_points.front().parameters)
    out += fmt::format("<th>{}</th>", html_escape(p.name));
  out += "<th>variant</th>";
  for (const HeadlineMetric* m : shown)
    out += fmt::format("<th>{}<small>{}</small></th>", html_escape(m->label), html_escape(m->unit));
  const auto pairs = interference_pairs(r);
  for (const auto& [bursting, victim] : pairs)
    for (const std::string_view key : models::tenancy::kInterferenceMetrics) {
      const models::metrics::MetricDescriptor* d = models::metrics::find_metric(key);
      out += fmt::format("<th>interference of {}'s bursts on {}: {}<small>{}</small></th>",
                         html_escape(bursting), html_escape(victim), html_escape(key),
                         d != nullptr ? html_escape(d->unit) : std::string{});
    }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& p : r.sweep_points) {
    for (const auto& v : p.variants) {
      out += "<tr>";
      for (const auto& param : p.parameters)
        out += fmt::format("<td>{}</td>", html_escape(param.value));
      out += fmt::format("<td>{}</td>", html_escape(v.name));
      for (const HeadlineMetric* m : shown) {
        const bool applies = v.measures(*m->metric);
        out += fmt::format(
            "<td>{}</td>",
            applies ? html_escape(format_estimate(m->shown(v), m->precision)) : std::string{"n/a"});
      }
      out += interference_cells(p, v.name, pairs);
      out += "</tr>\n";
    }
  }
  return out + "</tbody>\n</table>\n</div>\n";
}

}  // namespace

std::string sweep_point_label(const SweepPoint& point) {
  return parameters_text(point, std::nullopt);
}

RunResults sweep_point_results(const RunResults& r, std::size_t index) {
  RunResults p;
  p.vmcsim_version = r.vmcsim_version;
  p.scenario_name = r.scenario_name;
  p.scenario_file = r.scenario_file;
  p.resolved_scenario = r.resolved_scenario;
  p.seed = r.seed;
  p.warmup = r.warmup;
  p.replications = r.replications;
  p.partial = r.partial;
  p.replications_planned = r.replications_planned;
  p.variants = r.sweep_points.at(index).variants;
  p.differences = r.sweep_points.at(index).differences;
  p.interference = r.sweep_points.at(index).interference;  // [tenants]
  return p;
}

std::string sweep_terminal_tables(const RunResults& r) {
  std::string out;
  for (std::size_t i = 0; i < r.sweep_points.size(); ++i) {
    if (i > 0) out += '\n';
    out += fmt::format("point {} of {}: {}\n", i + 1, r.sweep_points.size(),
                       sweep_point_label(r.sweep_points[i]));
    out += terminal_table(sweep_point_results(r, i));
  }
  return out;
}

std::string sweep_html_section(const RunResults& r) {
  if (r.sweep_points.empty()) return {};
  std::vector<const HeadlineMetric*> shown;
  // The summary's metrics, then the function metrics (cold starts, wasted memory) where some
  // variant ran functions: measured_somewhere leaves them out otherwise.
  for (const auto metrics : {headline_metrics(), function_metrics()})
    for (const auto& m : metrics)
      if (measured_somewhere(m, r)) shown.push_back(&m);
  const XAxis x = x_axis_of(r);
  std::string out = "<section id=\"sweep\">\n<h2>Sweep: every point</h2>\n";
  out += fmt::format(
      "<p class=\"caption\">{}</p>\n",
      html_escape(fmt::format(
          "{} sweep points, each run with every variant ({} per variant and point); mean ± "
          "half-width of the 95% confidence interval.{} The sections after this one show the "
          "first point ({}).",
          r.sweep_points.size(), count_of(r.replications, "replication"),
          interference_pairs(r).empty()
              ? ""
              : " The interference columns are each point's own: the victim tenant's latency "
                "with the bursting tenant's bursts minus the same point without them, paired "
                "over replications (docs/multi-tenant.md).",
          sweep_point_label(r.sweep_points.front()))));
  out += points_table(r, shown);
  out += fmt::format(
      "<p class=\"caption\">{}</p>\n",
      html_escape(fmt::format(
          "Each metric against {}: one line per variant{}; vertical strokes at a point are its "
          "95% confidence interval. Lines of variants that measured the same values coincide, "
          "and the later one hides the earlier; a variant that did not measure a metric at a "
          "point has no mark there.",
          x.label,
          r.sweep_points.front().parameters.size() > 1
              ? " and combination of the other parameters (dashed: every second combination)"
              : "")));
  out += kChartGrid;
  for (const HeadlineMetric* m : shown)
    out += fmt::format("<div class=\"sweep-chart\" data-metric=\"{}\">\n{}</div>\n",
                       html_escape(m->key), metric_chart(*m, r, x));
  return out + "</div>\n</section>\n";
}

}  // namespace vmcsim::app::report
