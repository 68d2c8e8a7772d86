#pragma once
// How every `vmcsim` subcommand ends, and the one place that sorts errors into exit codes:
//  - success: the text the body made on stdout, exit 0;
//  - bad input the user can fix: an app::InputError as FILE:LINE:COL: error: ... on stderr, or a
//    sim::ParseError (a value that does not parse, where no file is known) as "vmcsim: error:
//    ...", exit 2;
//  - anything else is vmcsim's fault, a broken internal contract (sim::ContractViolation, a
//    std::logic_error, a std::invalid_argument a model did not mean as a refusal, ...):
//    "vmcsim: internal error: ..." on stderr, exit 1.
#include <functional>
#include <string>

namespace vmcsim::app {

// Runs `body` and prints what it returns (or the error); returns the exit code.
int print_or_report(const std::function<std::string()>& body);

}  // namespace vmcsim::app
