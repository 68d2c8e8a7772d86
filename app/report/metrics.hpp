#pragma once
// The headline metrics every human-facing writer shows (terminal table, HTML summary), and the
// sentences that describe paired differences, defined once so the outputs agree.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/results/run_results.hpp"
#include "models/metrics/descriptors.hpp"

namespace vmcsim::app::report {

/// One row of a table: a display row of a metric descriptor (models/metrics/descriptors.hpp).
struct HeadlineMetric;
/// Whether a row belongs in the tables of `r`: failures_only metrics show only when some
/// variant modelled failures.
bool shown_in(const HeadlineMetric& m, const RunResults& r);

struct HeadlineMetric {
  const models::metrics::MetricDescriptor* metric;
  const models::metrics::MetricDisplay* display;
  std::string key;         ///< the metric's key, plus ".p95" / ".p99" for a percentile row
  std::string_view label;  ///< human label, e.g. "startup, mean"
  std::string_view unit;   ///< unit of the shown values, e.g. "%" (display only)
  int precision;           ///< decimals shown

  /// The mean ± CI in the key's own unit (what the CSV writes); n = 0: nothing measured.
  Estimate estimate(const VariantSummary& v) const;
  /// The same in the shown unit (a fraction as a percentage).
  Estimate shown(const VariantSummary& v) const;
};

/// The summary table's rows, in descriptor order: instances requested and never placed or
/// started, startup mean and p95, time to capacity, SLO violations, memory overhead, idle
/// reserved memory, density, hosts at peak, energy, cost.
std::span<const HeadlineMetric> headline_metrics();

/// The rows of the HTML report's placement table, in descriptor order.
std::span<const HeadlineMetric> placement_metrics();
// [fn] The function rows (cold starts, wasted memory, cost), shown when functions ran.
std::span<const HeadlineMetric> function_metrics();

/// One sentence per variant some of whose requested instances never became ready (never
/// placed or never started, with the reasons), so a run that left them out never looks healthy.
std::vector<std::string> health_warnings(const RunResults& results);

/// A row of text cells per service-level objective of the scenario, one cell per variant:
/// "met: 212.0 ms", "missed: 13230.3 ms", "missed: over 1% never ready", "n/a".
struct SloRow {
  std::string label;  ///< e.g. "startup p99 SLO (≤ 5000.0 ms)"
  std::vector<std::string> cells;
};
std::vector<SloRow> slo_rows(const RunResults& results);

/// "1 replication", "3 replications": a count with its noun, singular for one.
std::string count_of(std::int64_t n, std::string_view noun);

/// " · warm-up 5m left out" (of the statistics), or "" without a warm-up.
std::string warmup_note(const RunResults& results);

/// "612.3 ± 4.1" (the ± part left out when half_width is 0); "n/a" when nothing was measured
/// (n = 0: no instance started after the warm-up, no burst, ...).
std::string format_estimate(const Estimate& estimate, int precision);

/// A sentence for a paired difference, e.g. "container starts 41.2 s (± 1.3 s) sooner than vm
/// (paired over 10 replications)." Says "not significant at 95%" when the interval holds 0;
/// with fewer than two replications paired there is no interval, and it says so instead; with
/// none (no burst had a time to capacity, say), that there is nothing to compare.
std::string describe_difference(const PairedDifference& difference);

/// Decimals describe_difference prints an amount in `unit` with ("" : a unitless difference).
int difference_decimals(std::string_view unit);

}  // namespace vmcsim::app::report
