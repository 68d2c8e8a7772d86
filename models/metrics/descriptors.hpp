#pragma once
// Metric descriptors: every per-variant metric of a run, declared once. A descriptor says what a
// metric is (key, unit, doc), how one run gives its value, how replications are aggregated and
// where summarize() stores the result, how it shows in the terminal table and the report, and
// whether and how variants are compared on it ("What differs"). summarize(), results.json, the
// summary CSV, the terminal table, report.html and the difference sentences all iterate this
// table; docs/results-format.md documents every key (a test checks it).
//
// One unit per key everywhere: the key's `unit` is the unit of every number written under that
// key (JSON, CSV, differences). Only the human-facing display scales it (a fraction shows as a
// percentage in the table, whose label then says "%").
#include <span>
#include <string_view>

#include "models/metrics/run_metrics.hpp"
#include "models/metrics/summary.hpp"

namespace vmcsim::models::metrics {

enum class Aggregation {
  // One value per replication (per_run; NaN: not measured in that run, left out), Student-t
  // 95% CI over them: an Estimate.
  mean_ci,
  // Samples pooled over replications (quantiles of all of them) and the CI of the
  // per-replication means (per_run is the run's mean): a Quantiles, filled by summarize()
  // from the run's samples.
  pooled,
};

// Which statistic of a metric a table row shows.
enum class Statistic { mean, p95, p99 };

// Where a row shows: the summary table (terminal, report) or the report's placement table.
enum class MetricTable { summary, placement, functions };

struct MetricDisplay {
  MetricTable table = MetricTable::summary;
  std::string_view label;  // "startup, mean"
  std::string_view unit;   // unit of the shown value ("%", "s")
  double scale = 1.0;      // multiplies the key's unit into the shown unit
  int precision = 1;       // decimals shown
  Statistic statistic = Statistic::mean;
};

// How a paired difference a - b reads: "{a} {verb} than {b}", the verb phrase holding the amount
// ({}) in `unit` (the key's unit times `scale`). Empty `less`: variants are not compared on it.
struct MetricComparison {
  std::string_view less;  // a - b < 0
  std::string_view more;
  std::string_view unit;
  double scale = 1.0;
};

struct MetricDescriptor {
  std::string_view key;  // results.json key ("a.b": key b of object a), CSV and difference name
  std::string_view unit;
  std::string_view doc;
  Aggregation aggregation = Aggregation::mean_ci;
  double (*per_run)(const VariantRunMetrics&) = nullptr;
  Estimate VariantEstimates::*estimate = nullptr;    // mean_ci: where summarize() stores it
  Quantiles VariantEstimates::*quantiles = nullptr;  // pooled: where summarize() stores it
  // Written only when the run measured placement (VariantSummary::placement_measured).
  bool placement_only = false;
  // Written and shown only when the run modelled failures (its availability was measured).
  bool failures_only = false;
  // [fn] Written only when some service ran as a function (VariantSummary::functions_measured).
  bool functions_only = false;
  // Rows in the terminal table / report (none, one, or mean and a percentile).
  std::span<const MetricDisplay> display;
  MetricComparison comparison;

  bool compared() const { return !comparison.less.empty(); }
  // The value summarize() stored for this metric: the Estimate, or a Quantiles' statistic
  // (p95/p99 with the n of its CI, no interval of its own).
  Estimate value(const VariantEstimates& v, Statistic statistic = Statistic::mean) const;
};

// Every metric, in the order results.json, the tables and the differences list them.
std::span<const MetricDescriptor> metric_descriptors();

// The descriptor of `key`, or nullptr.
const MetricDescriptor* find_metric(std::string_view key);

}  // namespace vmcsim::models::metrics
