#pragma once
// Writes every result file of a run into one folder: results.json, timings.json (the
// wall-clock figures, apart so results.json is deterministic), instances.csv, timeseries.csv,
// trace.json and report.html (and placement.txt for a pod-trace placement benchmark).

#include <filesystem>

#include "app/report/results_json.hpp"
#include "app/report/trace_json.hpp"
#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

struct WriteOptions {
  TraceOptions trace;
};

/// Creates the folder if needed. Throws std::runtime_error naming the file that could not be
/// written.
void write_all(const RunResults& results, const std::filesystem::path& folder,
               const WriteOptions& options = {});

}  // namespace vmcsim::app::report
