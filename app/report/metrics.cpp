#include "app/report/metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "app/report/text_format.hpp"

namespace vmcsim::app::report {
namespace {

namespace mm = models::metrics;

std::vector<HeadlineMetric> rows_of(mm::MetricTable table) {
  std::vector<HeadlineMetric> rows;
  for (const mm::MetricDescriptor& d : mm::metric_descriptors())
    for (const mm::MetricDisplay& display : d.display) {
      if (display.table != table) continue;
      std::string key{d.key};
      if (display.statistic == mm::Statistic::p95) key += ".p95";
      if (display.statistic == mm::Statistic::p99) key += ".p99";
      rows.push_back(
          {&d, &display, std::move(key), display.label, display.unit, display.precision});
    }
  return rows;
}

}  // namespace

Estimate HeadlineMetric::estimate(const VariantSummary& v) const {
  return metric->value(v, display->statistic);
}

Estimate HeadlineMetric::shown(const VariantSummary& v) const {
  Estimate e = estimate(v);
  e.mean *= display->scale;
  e.half_width *= display->scale;
  return e;
}

std::span<const HeadlineMetric> headline_metrics() {
  static const std::vector<HeadlineMetric> rows = rows_of(mm::MetricTable::summary);
  return rows;
}

std::span<const HeadlineMetric> placement_metrics() {
  static const std::vector<HeadlineMetric> rows = rows_of(mm::MetricTable::placement);
  return rows;
}

bool shown_in(const HeadlineMetric& m, const RunResults& r) {
  if (!m.metric->failures_only) return true;
  return std::any_of(r.variants.begin(), r.variants.end(),
                     [](const VariantSummary& v) { return v.failures_measured(); });
}

std::span<const HeadlineMetric> function_metrics() {
  static const std::vector<HeadlineMetric> rows = rows_of(mm::MetricTable::functions);
  return rows;
}

std::string count_of(std::int64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

std::string warmup_note(const RunResults& results) {
  if (results.warmup <= sim::Time::zero()) return {};
  return fmt::format(" · warm-up {} left out", results.warmup);
}

std::vector<SloRow> slo_rows(const RunResults& results) {
  std::vector<SloRow> rows;
  std::vector<std::string> objectives;
  for (const auto& v : results.variants)
    for (const auto& verdict : v.slo)
      if (std::find(objectives.begin(), objectives.end(), verdict.objective) == objectives.end())
        objectives.push_back(verdict.objective);
  for (const auto& objective : objectives) {
    SloRow row;
    for (const auto& v : results.variants) {
      const auto it = std::find_if(v.slo.begin(), v.slo.end(),
                                   [&](const auto& s) { return s.objective == objective; });
      if (it == v.slo.end()) {
        row.cells.emplace_back("n/a");
        continue;
      }
      if (row.label.empty())
        row.label = fmt::format("{} SLO (≤ {:.1f} ms)",
                                objective == "startup_p99" ? std::string{"startup p99"} : objective,
                                it->target);
      const std::string value = std::isfinite(it->value) ? fmt::format("{:.1f} ms", it->value)
                                                         : std::string{"over 1% never ready"};
      row.cells.push_back(fmt::format("{}: {}", it->met ? "met" : "missed", value));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Requests left unserved (mean per replication) from which the table warns.
constexpr double kUnservedWarning = 10.0;

std::vector<std::string> health_warnings(const RunResults& results) {
  std::vector<std::string> out;
  for (const auto& v : results.variants) {
    if (v.instances_not_ready.n == 0 || v.instances_not_ready.mean <= 0) continue;
    std::string why;
    for (const auto& r : v.not_ready_reasons)
      why += fmt::format("{}{}: {}", why.empty() ? "" : "; ", r.reason, r.instances);
    const double ready = v.instances_ready.mean;
    out.push_back(fmt::format(
        "warning: {}: {} of {} requested instances never became ready{} ({}{}); its startup "
        "figures cover only the {} that did.",
        v.name, fmt::format("{:g}", v.instances_not_ready.mean),
        fmt::format("{:g}", v.instances_requested.mean),
        results.replications > 1 ? " (mean per replication)" : "", why,
        results.replications > 1 ? ", over all replications" : "", fmt::format("{:g}", ready)));
  }
  // [fn] nothing silently left in a queue; a handful in flight when the run ends is normal
  for (const auto& v : results.variants)
    if (v.requests_unserved.n > 0 && v.requests_unserved.mean >= kUnservedWarning)
      out.push_back(fmt::format(
          "warning: {}: {} requests{} were still queued or in service when the run ended; the "
          "latency figures cover only the completed ones.",
          v.name, fmt::format("{:g}", v.requests_unserved.mean),
          results.replications > 1 ? " (mean per replication)" : ""));
  return out;
}

std::string format_estimate(const Estimate& estimate, int precision) {
  // No replication has a value (no burst, no request, no instance): not applicable, not zero.
  if (estimate.n == 0) return "n/a";
  return plus_minus(estimate.mean, estimate.half_width, precision);
}

int difference_decimals(std::string_view unit) {
  return unit.empty() ? 3 : 2;
}

std::string describe_difference(const PairedDifference& d) {
  const mm::MetricDescriptor* metric = mm::find_metric(d.metric);
  if (d.n == 0) {
    std::string_view what = d.metric;
    if (metric != nullptr && !metric->display.empty()) what = metric->display.front().label;
    return fmt::format("{} and {}: {} is not applicable (no replication has it for both).",
                       d.variant_a, d.variant_b, what);
  }
  // One replication gives a difference but no spread: no interval, so no verdict either.
  const bool interval = d.n >= 2;
  const bool significant = std::abs(d.mean) > d.half_width;
  const std::string tail =
      interval ? fmt::format(" (paired over {}{}).", count_of(d.n, "replication"),
                             significant ? "" : "; not significant at 95%")
               : fmt::format(" (paired over {}: a 95% confidence interval needs at least 2).",
                             count_of(d.n, "replication"));
  const auto with_interval = [&](double value, double half_width, std::string_view unit) {
    const int decimals = difference_decimals(unit);
    const std::string amount = fixed(value, decimals) + (unit.empty() ? "" : " ") + std::string{unit};
    if (!interval) return amount;
    return fmt::format("{} (± {})", amount, spread(half_width, decimals));
  };
  if (metric != nullptr && metric->compared()) {
    const mm::MetricComparison& p = metric->comparison;
    const std::string amount =
        with_interval(std::abs(d.mean) * p.scale, d.half_width * p.scale, p.unit);
    const std::string verb = fmt::format(fmt::runtime(d.mean < 0 ? p.less : p.more), amount);
    return fmt::format("{} {} than {}{}", d.variant_a, verb, d.variant_b, tail);
  }
  return fmt::format("{} minus {} in {}: {}{}", d.variant_a, d.variant_b, d.metric,
                     with_interval(d.mean, d.half_width, ""), tail);
}

}  // namespace vmcsim::app::report
