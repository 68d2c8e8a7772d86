#pragma once
// `vmcsim import`: reads workload descriptions and traces with the importers (app/importers/)
// and prints what they found.
//
//   vmcsim import ecs FILE...                 ECS task definitions (JSON)
//   vmcsim import k8s FILE...                 Kubernetes manifests (YAML; an HPA may name a
//                                             workload of another file)
//   vmcsim import trace --format F [--skip-bad-lines] FILE
//                                             a cluster trace (formats: trace_import_formats())
//
// For ecs and k8s the whole output is YAML: the importer's summary and notes as `#` comments,
// then the `services:` fragment that a scenario's services list accepts (load_scenario loads
// it). For traces: the importer's summary; with --skip-bad-lines bad lines are counted (and the
// first few quoted) instead of stopping the import.
// Exit code (through `exit_code`): 0 imported, 2 bad input (FILE:LINE:COL: error: ... on
// stderr), 1 internal error.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace vmcsim::app {

void add_import_command(CLI::App& cli, int& exit_code);

// The --format values of `vmcsim import trace`.
const std::vector<std::string>& trace_import_formats();

// What `vmcsim import ecs` / `vmcsim import k8s` print for these files (throws InputError).
std::string import_ecs_text(const std::vector<std::string>& files);
std::string import_k8s_text(const std::vector<std::string>& files);

}  // namespace vmcsim::app
