#pragma once
// results.json: the run's summary in a versioned JSON layout (docs/results-format.md).
// Keys keep a fixed order and numbers print in their shortest round-trip form, so identical
// results give byte-identical files.

#include <iosfwd>

#include <nlohmann/json.hpp>

#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

struct ResultsJsonOptions {
  /// wall_seconds and placement_decision_us are the fields that differ between identical
  /// runs; golden and determinism tests leave them out.
  bool include_wall_seconds = true;
};

nlohmann::ordered_json results_to_json(const RunResults& results,
                                       const ResultsJsonOptions& options = {});

/// Writes results_to_json indented by two spaces, with a final newline.
void write_results_json(const RunResults& results, std::ostream& out,
                        const ResultsJsonOptions& options = {});

}  // namespace vmcsim::app::report
