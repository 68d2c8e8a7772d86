#pragma once
// The table `vmcsim run` prints: variants side by side, one row per headline metric
// (mean ± 95% CI half-width), followed by the paired differences in words.

#include <string>

#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

std::string terminal_table(const RunResults& results);

}  // namespace vmcsim::app::report
