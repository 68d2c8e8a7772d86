#pragma once
// Writes every result file of a run into one folder: results.json, timings.json (the
// wall-clock figures, apart so results.json is deterministic), instances.csv (or
// instances.csv.gz, see WriteOptions), timeseries.csv, trace.json and report.html (and
// placement.txt for a pod-trace placement benchmark, plus extra files such as sweep.csv).
//
// The folder is written as one set, atomically per file: each file goes to a temporary file in
// the folder, and only when all of them are complete are they renamed over the old ones. A run
// that fails midway (a full disk, a writer that throws) leaves the folder as the earlier run left
// it, never an empty or half-written results.json that looks valid. Files an earlier run wrote
// that this run does not (trace.json, report.html, sweep.csv, placement.txt) are removed, so
// two runs never mix in one folder.

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "app/report/results_json.hpp"
#include "app/report/trace_json.hpp"
#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

// One file of a results folder: its name in the folder and what writes its contents.
struct OutputFile {
  std::string name;
  std::function<void(std::ostream&)> write;
};

struct WriteOptions {
  TraceOptions trace;
  std::vector<OutputFile> extra;  // written with the others, as one set (sweep.csv)
  // instances.csv.gz (gzip) instead of instances.csv: true, false, or unset: gzip when the run
  // has more than kGzipInstancesAbove instance rows (scenario `output.instances: auto`).
  std::optional<bool> gzip_instances;
  // The scenario's output.formats: json (results.json, timings.json), csv (instances.csv,
  // timeseries.csv), trace (trace.json), html (report.html); empty: all of them. `table` names
  // the terminal comparison and no file. placement.txt and the extra files are always written.
  std::vector<std::string> formats;
};

// Above this many instance rows (about 20 MB of CSV) instances.csv is written gzip-compressed
// as instances.csv.gz unless the scenario says otherwise.
inline constexpr std::size_t kGzipInstancesAbove = 100'000;

// The name write_all gives the instances file of `results`: instances.csv or instances.csv.gz.
std::string instances_file_name(const RunResults& results, const WriteOptions& options);

// The output.formats value that writes `file` ("json", "csv", "trace", "html"); empty for files
// written whatever the formats (placement.txt, sweep.csv).
std::string format_of_file(const std::string& file);

// Every file name a vmcsim run may write into an output folder; write_files removes those of an
// earlier run that it does not write itself.
const std::vector<std::string>& known_output_files();

// Checks, before the first event, that `folder` can take the results: it is (or can be made)
// a directory, a file can be created and written in it, and its disk is not full. Creates the
// folder. Throws InputError (exit 2) naming the path otherwise.
void check_output_folder(const std::filesystem::path& folder);

// Writes `files` into folder as described at the top. Throws InputError naming the file that
// could not be written (the disk filled up, permissions changed) and rethrows what a writer
// throws; in both cases the temporary files are removed and the earlier files stay.
void write_files(const std::filesystem::path& folder, const std::vector<OutputFile>& files);

// Creates the folder if needed and writes the result files options.formats asks for (and
// options.extra) as one set; returns their names, in the order written.
std::vector<std::string> write_all(const RunResults& results,
                                   const std::filesystem::path& folder,
                                   const WriteOptions& options = {});

}  // namespace vmcsim::app::report
