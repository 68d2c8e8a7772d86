#pragma once
// `vmcsim run SCENARIO` and `vmcsim sweep SCENARIO`: run a scenario (every point of its sweep
// for `sweep`), print the side-by-side comparison and write the result files.
//
//   vmcsim run SCENARIO [--seed N] [--replications R] [--jobs J] [--out DIR]
//                       [--format table|json|csv] [--quiet] [--allow-large]
//   vmcsim sweep SCENARIO [same options]
//
// Output: stdout gets the comparison (table: the terminal table; json: results.json without
// wall_seconds; csv: one line per variant and headline metric), unless --quiet. DIR (default:
// the scenario's output.directory) gets results.json, instances.csv, timeseries.csv, trace.json
// and report.html; a sweep also writes sweep.csv (one line per point and variant, a column per
// metric descriptor: app/report/csv_writers.hpp)
// and results.json's sweep_points. A progress bar goes to stderr when stderr is a terminal and
// the run lasts longer than a second.
// Before the first event the scenario's work estimate (with --replications, if given) is checked
// against the budget, as `validate` does: over it, exit 2 naming the estimate and the key that
// drives it, unless --allow-large.
// Exit code (through `exit_code`, print_or_report): 0 success, 2 bad input (InputError,
// sim::ParseError), 1 any other error, each with a message on stderr.
#include <iosfwd>

#include <CLI/CLI.hpp>

#include "app/results/run_results.hpp"

namespace vmcsim::app {

void add_run_command(CLI::App& cli, int& exit_code);
void add_sweep_command(CLI::App& cli, int& exit_code);

}  // namespace vmcsim::app
