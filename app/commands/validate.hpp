#pragma once
// `vmcsim validate SCENARIO`: loads a scenario (and every point of its sweep) and prints a
// one-paragraph summary, or every error (up to 20) as FILE:LINE:COL: error: ... lines on stderr.
// Exit code (through `exit_code`): 0 valid, 2 invalid input, 1 internal error.
#include <string>

#include <CLI/CLI.hpp>

#include "app/scenario/scenario.hpp"

namespace vmcsim::app {

void add_validate_command(CLI::App& cli, int& exit_code);

// The summary `validate` prints: variants, services, hosts, duration, replications, sweep;
// then the work estimate and the values assumed (Scenario::assumptions), one line each.
std::string summarize(const scenario::Scenario& s, std::size_t sweep_points);

}  // namespace vmcsim::app
