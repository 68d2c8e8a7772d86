#pragma once
// Quantities as a person reads them in `vmcsim import trace` summaries: "85,436 cores",
// "289.5 TiB", "149.3 days", rather than "cpu 85436012m", "303546211MiB", "12902960s".
#include <string>

#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::app::importers {

// Whole cores with thousands separators from 100 cores up, else up to two decimals.
std::string human_cores(sim::Millicores cpu);
// The largest binary unit (KiB .. PiB) that keeps the number at or above 1, one decimal.
std::string human_bytes(sim::Bytes bytes);
// Seconds, minutes, hours or days, whichever reads best; "never" for Time::max().
std::string human_duration(sim::Time t);
// 1234567 -> "1,234,567".
std::string with_thousands(long long n);

}  // namespace vmcsim::app::importers
