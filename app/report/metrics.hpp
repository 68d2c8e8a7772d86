#pragma once
// The headline metrics every human-facing writer shows (terminal table, HTML summary), and the
// sentences that describe paired differences, defined once so the outputs agree.

#include <span>
#include <string>
#include <string_view>

#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

struct HeadlineMetric {
  std::string_view key;                         ///< VariantSummary field name
  std::string_view label;                       ///< human label, e.g. "startup, mean"
  std::string_view unit;                        ///< unit of the shown values, e.g. "ms"
  Estimate (*estimate)(const VariantSummary&);  ///< the mean +- CI to show
  int precision;                                ///< decimals shown
};

/// In display order: startup mean and p95, time to capacity, SLO violations, memory overhead,
/// idle reserved memory, density, hosts at peak, energy, cost.
std::span<const HeadlineMetric> headline_metrics();

/// "612.3 ± 4.1" (the ± part left out when half_width is 0); "n/a" when no replication has a
/// value (n == 0: no burst to catch up with, no request, no instance).
std::string format_estimate(const Estimate& estimate, int precision);

/// A sentence for a paired difference, e.g. "container starts 41.2 s (± 1.3 s) sooner than vm
/// (paired over 10 replications)." Says "not significant at 95%" when the interval holds 0, and
/// that the metric is not applicable when no replication pairs a value (n == 0).
std::string describe_difference(const PairedDifference& difference);

}  // namespace vmcsim::app::report
