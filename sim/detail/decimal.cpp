#include "sim/detail/decimal.hpp"

#include <cmath>
#include <limits>

namespace vmcsim::sim::detail {

bool read_decimal(std::string_view& text, Decimal& out) {
  Decimal d;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    d.negative = text[i] == '-';
    ++i;
  }
  bool any_digit = false;
  bool after_point = false;
  int significant = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !after_point) {
      after_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any_digit = true;
    if (++significant > 30) return false;  // beyond what 128 bits hold exactly
    d.digits = d.digits * 10 + static_cast<unsigned>(c - '0');
    if (after_point) ++d.fraction_digits;
  }
  if (!any_digit) return false;
  text.remove_prefix(i);
  out = d;
  return true;
}

bool scale_decimal(const Decimal& d, std::int64_t factor, std::int64_t& out) {
  Uint128 pow10 = 1;
  for (int k = 0; k < d.fraction_digits; ++k)
    pow10 *= 10;
  const auto f = static_cast<Uint128>(factor);
  // digits * factor fits in 128 bits for any realistic input; guard anyway.
  if (d.digits != 0 && f > std::numeric_limits<Uint128>::max() / d.digits) return false;
  const Uint128 scaled = (d.digits * f + pow10 / 2) / pow10;
  if (scaled > static_cast<Uint128>(std::numeric_limits<std::int64_t>::max())) return false;
  out = static_cast<std::int64_t>(scaled);
  if (d.negative) out = -out;
  return true;
}

double decimal_to_double(const Decimal& d) {
  const double v = static_cast<double>(d.digits) / std::pow(10.0, d.fraction_digits);
  return d.negative ? -v : v;
}

}  // namespace vmcsim::sim::detail
