#pragma once
// The vmcsim command line: subcommands, their options and exit codes
// (0 success, 2 bad input or usage, 1 internal error).

namespace vmcsim::app {

int run_cli(int argc, char** argv);

}  // namespace vmcsim::app
