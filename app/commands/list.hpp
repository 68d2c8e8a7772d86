#pragma once
// `vmcsim list [policies|trace-formats|platforms|autoscalers|distributions]`: the names a
// scenario may use at each extension point, with a one-line description, printed from the one
// table each has (models/registry/, app/importers/trace_formats.hpp). Without an argument, every
// table under a heading. An unknown argument is a usage error (exit 2).
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace vmcsim::app {

void add_list_command(CLI::App& cli, int& exit_code);

// The extension points `vmcsim list` knows, in the order it prints them.
const std::vector<std::string>& list_topics();

// What `vmcsim list TOPIC` prints ("" = every topic); throws std::out_of_range for an unknown one.
std::string list_text(const std::string& topic);

}  // namespace vmcsim::app
