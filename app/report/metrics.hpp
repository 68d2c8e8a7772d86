#pragma once
// The headline metrics every human-facing writer shows (terminal table, HTML summary), and the
// sentences that describe paired differences, defined once so the outputs agree.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

struct HeadlineMetric {
  std::string_view key;                         ///< VariantSummary field name
  std::string_view label;                       ///< human label, e.g. "startup, mean"
  std::string_view unit;                        ///< unit of the shown values, e.g. "ms"
  Estimate (*estimate)(const VariantSummary&);  ///< the mean +- CI to show (n = 0: n/a)
  int precision;                                ///< decimals shown
};

/// In display order: startup mean and p95, time to capacity, SLO violations, memory overhead,
/// idle reserved memory, density, hosts at peak, energy, cost.
std::span<const HeadlineMetric> headline_metrics();

/// The placement metrics of the HTML report's placement section, in display order: hosts and
/// node VMs at peak, packing efficiency, stranded capacity and fragmentation per dimension,
/// pending time, placement decisions, evictions.
std::span<const HeadlineMetric> placement_metrics();

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

}  // namespace vmcsim::app::report
