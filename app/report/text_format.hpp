#pragma once
// Small, locale-independent text formatting shared by the writers, so that every output file
// is byte-identical for identical results.

#include <string>
#include <string_view>

#include "sim/time.hpp"

namespace vmcsim::app::report {

/// Time in seconds with exactly nine decimals, computed from the integer nanoseconds (no
/// floating-point rounding): 1500 ms -> "1.500000000".
std::string exact_seconds(sim::Time t);

/// Shortest decimal text that reads back as the same double ("0.1", "1e-07", "nan").
std::string shortest(double value);

/// One CSV field, quoted (RFC 4180) when it holds a comma, quote or line break.
std::string csv_field(std::string_view text);

/// Text escaped for HTML and SVG element content and attribute values.
std::string html_escape(std::string_view text);

}  // namespace vmcsim::app::report
