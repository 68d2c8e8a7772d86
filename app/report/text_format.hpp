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

/// `value` with `decimals` digits after the point, never in exponent notation: "0.341".
/// Negative zero prints as "0.000".
std::string fixed(double value, int decimals);

/// Decimals that show `significant` digits of the largest magnitude in a group of numbers drawn
/// side by side (a chart's bar labels), so the whole group shares one precision: 9.91 and 0.171
/// both print with two decimals (0 to 6).
int decimals_for(double largest_magnitude, int significant = 3);

/// A confidence half-width at `decimals`: "0.02", or "<0.01" when it is not 0 but rounds to 0
/// there (a spread too small to show, never "7.1e-16").
std::string spread(double half_width, int decimals);

/// "0.34 ± 0.02" with one precision for both numbers ("0.34 ± <0.01", see spread); "0.34" when
/// the half-width is 0 (one replication, or no spread at all).
std::string plus_minus(double mean, double half_width, int decimals);

/// One CSV field, quoted (RFC 4180) when it holds a comma, quote or line break.
std::string csv_field(std::string_view text);

/// Text escaped for HTML and SVG element content and attribute values.
std::string html_escape(std::string_view text);

}  // namespace vmcsim::app::report
