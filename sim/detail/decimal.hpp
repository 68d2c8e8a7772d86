#pragma once
// Exact decimal arithmetic for parsing quantities such as "1.5s" or "0.25GiB": the digits are
// kept as an integer and a power of ten, so scaling by a unit factor rounds once, at the end.
#include <cstdint>
#include <string_view>

namespace vmcsim::sim::detail {

// 128-bit integers hold 30 decimal digits exactly (a GCC/Clang extension, hence __extension__).
__extension__ using Uint128 = unsigned __int128;

struct Decimal {
  bool negative = false;
  Uint128 digits = 0;       // all digits, the decimal point removed
  int fraction_digits = 0;  // how many of them stand after the point
};

// Reads a leading decimal number ("12", "-1.5", ".5") from text and advances text past it.
// Returns false (text untouched) when no digit is there or the number is too long.
bool read_decimal(std::string_view& text, Decimal& out);

// decimal x factor, rounded to the nearest integer (ties away from zero).
// Returns false on overflow of int64.
bool scale_decimal(const Decimal& d, std::int64_t factor, std::int64_t& out);

// decimal as a double (for quantities held as real numbers, such as rates).
double decimal_to_double(const Decimal& d);

}  // namespace vmcsim::sim::detail
