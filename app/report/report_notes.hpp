#pragma once
// What the human-facing writers (terminal table, report.html) leave out or add around their
// tables and charts, decided once from the run so both say the same:
// - rows and charts that do not apply to the run (n/a for every variant, no traffic);
// - paired differences worth a sentence each, and the rest grouped into one line each;
// - notes computed from the run that a chart alone would hide (CPU quotas behind SLO misses,
//   variants that fetch an image and variants that fetch nothing).

#include <span>
#include <string>
#include <vector>

#include "app/report/metrics.hpp"
#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

/// Whether a table row has a value for some variant of `r` (otherwise it is left out and named
/// in not_applicable_note).
bool applies(const HeadlineMetric& m, const RunResults& r);

/// "Not applicable to any variant of this run: time to capacity (s), SLO violations (%)." for the
/// rows of `metrics` that apply to no variant; "" when every row applies.
std::string not_applicable_note(std::span<const HeadlineMetric> metrics, const RunResults& r);

/// Whether any request arrived (any timeseries sample with demand): without, a capacity versus
/// demand chart has nothing to compare.
bool has_traffic(const RunResults& r);

/// The paired differences in words: a sentence for each that says something, then one line
/// for those that round to no difference at the shown precision and one for those not
/// applicable, each naming the metrics and pairs it stands for. A metric no variant has at all
/// is left out here: not_applicable_note names it under the table.
std::vector<std::string> difference_lines(const RunResults& r);

/// A note (none or one) naming the services under a CPU quota below one core per request, when
/// some variant missed its latency SLO: the quota stretches every request's CPU time while capacity (a
/// throughput) stays above demand, so the capacity chart alone would look ample. Computed from
/// the resolved scenario's cpu_limit and the run's SLO violation fractions.
std::vector<std::string> cpu_quota_notes(const RunResults& r);

/// Which variants' boot phases fetch an image (image_pull) and which fetch nothing, when a run
/// has both, so a startup comparison across them is read as not like for like; "" otherwise.
std::string image_fetch_note(const RunResults& r);

}  // namespace vmcsim::app::report
