#pragma once
// `vmcsim compare A/ B/`: two result folders (their results.json) side by side, e.g. before and
// after a change of placement policy.
//
//   vmcsim compare BEFORE/ AFTER/ [--format table|json|csv]
//
// For every variant both hold (by name) and every metric, the difference AFTER - BEFORE of the
// per-replication values (results.json per_replication) with its 95% confidence interval:
//  - paired, when both ran the same replications with the same seeds (same indices and seeds,
//    so replication r saw the same random streams in both): the Student-t interval of the
//    per-replication differences (sim::paired_difference), as `run` pairs variants;
//  - unpaired otherwise (other seeds, other replication counts): Welch's interval, the t
//    quantile at the Welch-Satterthwaite degrees of freedom.
// A replication that did not measure a metric (null) is left out of it.
//
// A folder is called by its name ("before"), or by its path as given when both have the same
// name (runs/1/out, runs/2/out). Variants only one folder has are listed, not compared.
// table: the terminal table of `run` with a column per folder and variant ("before/vm"), then
// one "What differs" sentence per compared metric and variant (n/a ones left out); json: the
// two runs' provenance and every difference; csv: variant, metric, method, mean, half_width,
// n_a, n_b. Exit 0; 2 with FILE: error: ... when a folder is missing, holds no results.json
// (or one that does not parse, or without per_replication), or the two files have different
// schema versions.
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

namespace vmcsim::app {

void add_compare_command(CLI::App& cli, int& exit_code);

// What `vmcsim compare a b --format format` prints (format: table, json or csv). Throws
// InputError on the inputs above.
std::string compare_folders(const std::filesystem::path& a, const std::filesystem::path& b,
                            const std::string& format);

}  // namespace vmcsim::app
