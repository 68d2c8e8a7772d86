#pragma once
// results.json: the run's summary in a versioned JSON layout (docs/results-format.md).
// Keys keep a fixed order and numbers print in their shortest round-trip form, and nothing
// measured on the wall clock goes in it, so one scenario and seed give a byte-identical file
// whatever the machine, its load or --jobs. The wall-clock figures (time spent per variant,
// placement decision timings) go to timings.json.

#include <iosfwd>

#include <nlohmann/json.hpp>

#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

nlohmann::ordered_json results_to_json(const RunResults& results);

/// Writes results_to_json indented by two spaces, with a final newline.
void write_results_json(const RunResults& results, std::ostream& out);

/// timings.json: per variant, the wall-clock seconds its runs took and (when it measured
/// placement) the mean and p99 wall-clock time of a placement decision, microseconds. Differs
/// between identical runs.
nlohmann::ordered_json timings_to_json(const RunResults& results);
void write_timings_json(const RunResults& results, std::ostream& out);

}  // namespace vmcsim::app::report
