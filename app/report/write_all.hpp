#pragma once
// Writes every result file of a run into one folder: results.json, instances.csv,
// timeseries.csv, trace.json and report.html.

#include <filesystem>

#include "app/report/results_json.hpp"
#include "app/report/trace_json.hpp"
#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

struct WriteOptions {
  ResultsJsonOptions json;
  TraceOptions trace;
};

/// Creates the folder if needed. Throws std::runtime_error naming the file that could not be
/// written.
void write_all(const RunResults& results, const std::filesystem::path& folder,
               const WriteOptions& options = {});

}  // namespace vmcsim::app::report
