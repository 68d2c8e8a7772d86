#pragma once
// What a sweep adds to the human-facing outputs: one terminal table per sweep point, labelled
// with its parameter values, and report.html's sweep section (a table of every point and one
// chart per headline metric against the swept parameter).
//
// Both reuse the writers of a single run: a point is turned into the RunResults of that point
// (its variants, summarised over replications, and its paired differences) and handed to
// terminal_table(); the charts are svg::line_chart with one line per variant in the variant's
// report colour. A run without sweep points gets nothing from here.

#include <iosfwd>
#include <string>

#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

/// "workloads[0].bursts[0].multiplier = 4, services[web].replicas = 2": a point's values.
std::string sweep_point_label(const SweepPoint& point);

/// The results of sweep point `index` alone, as a run of that point would summarise them (the
/// run's header fields, the point's variants, differences and interference; no instances or
/// timeseries).
RunResults sweep_point_results(const RunResults& results, std::size_t index);

/// `vmcsim sweep`'s table output: for each point a line "point i of N: <label>" and the
/// terminal table of its results, separated by blank lines. Empty without sweep points.
std::string sweep_terminal_tables(const RunResults& results);

/// report.html's sweep section: every point's headline metrics, and the function metrics when
/// functions ran (one row per point and variant), and the point's own cross-tenant interference
/// when some point has it (a column per bursting and victim tenant and metric), and, per such
/// metric some variant measured
/// at some point, a chart of the metric against the swept
/// parameter (one line per variant, vertical strokes at each point for the 95% CI when there are
/// replications). Empty without sweep points.
std::string sweep_html_section(const RunResults& results);

}  // namespace vmcsim::app::report
