#pragma once
// How every `vmcsim` subcommand ends: the text it made on stdout and exit code 0; an InputError
// (bad input the user can fix) as FILE:LINE:COL: error: ... on stderr and exit code 2; any other
// exception as "vmcsim: internal error: ..." and exit code 1.
#include <functional>
#include <string>

namespace vmcsim::app {

// Runs `body` and prints what it returns (or the error); returns the exit code.
int print_or_report(const std::function<std::string()>& body);

}  // namespace vmcsim::app
