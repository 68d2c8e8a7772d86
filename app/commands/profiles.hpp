#pragma once
// `vmcsim profiles [--format table|markdown|yaml]`: the calibration catalog (models/catalog).
//   table     one line per platform profile (kind, boot phases, description) and per instance
//             type (vCPUs, memory, price); the default
//   markdown  every value with its source: models::Catalog::render_markdown (docs/calibration.md)
//   yaml      the catalog files themselves, profiles.yaml then instance_types.yaml
// Exit code (through `exit_code`): 0, or 1 if the catalog cannot be read.
#include <string>

#include <CLI/CLI.hpp>

#include "models/catalog/catalog.hpp"

namespace vmcsim::app {

void add_profiles_command(CLI::App& cli, int& exit_code);

// The text `vmcsim profiles --format table` prints.
std::string profiles_table(const models::Catalog& catalog);

}  // namespace vmcsim::app
