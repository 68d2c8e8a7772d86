#pragma once
// report.html: one self-contained, printable page (inline CSS and SVG; no script, font or
// network reference): summary table, paired differences in words, startup CDF, stacked phase
// bars, capacity vs demand over time, memory overhead and cost bars. Each variant keeps one
// colour across all charts.

#include <iosfwd>
#include <map>
#include <string>

#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

/// The colour of the i-th variant (colour-blind-safe palette, cycling; app/report/palette.json).
std::string variant_colour(std::size_t index);

/// The colour of each boot phase of `results`: its own from palette.json, so a phase looks the
/// same in every report and notebook; a phase palette.json does not name gets a grey of its own.
std::map<std::string, std::string> phase_colours(const RunResults& results);

void write_html_report(const RunResults& results, std::ostream& out);

}  // namespace vmcsim::app::report
