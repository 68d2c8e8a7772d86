#pragma once
// Overflow-aware 64-bit integer arithmetic for the strong types (Time, Bytes, Millicores).
//
// Three flavours, chosen per call site:
//   checked_*      a model contract: the operands never overflow. VMCSIM_ASSERT checks it in
//                  Debug and -DVMCSIM_CHECKS=ON builds; a plain Release build computes the
//                  two's-complement result (defined behaviour through the builtins, never UB).
//   saturating_*   overflow is possible from valid input (a sum over millions of hosts): the
//                  result sticks at the int64 limit instead of wrapping.
//   *_overflows    for parsers and importers that turn an overflow into a user-facing error.
// And round_half_away, std::llround without the libm call, for the strong types' factories.
// The builtins compile to one add/mul plus a flag test, so they may sit on hot paths.
#include <cstdint>
#include <limits>
#include <string>

#include "sim/assert.hpp"

namespace vmcsim::sim {

constexpr bool add_overflows(std::int64_t a, std::int64_t b, std::int64_t& out) {
  return __builtin_add_overflow(a, b, &out);
}
constexpr bool sub_overflows(std::int64_t a, std::int64_t b, std::int64_t& out) {
  return __builtin_sub_overflow(a, b, &out);
}
constexpr bool mul_overflows(std::int64_t a, std::int64_t b, std::int64_t& out) {
  return __builtin_mul_overflow(a, b, &out);
}

constexpr std::int64_t checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  [[maybe_unused]] const bool overflow = add_overflows(a, b, out);
  VMCSIM_ASSERT(!overflow, "64-bit overflow in " + std::to_string(a) + " + " + std::to_string(b));
  return out;
}
constexpr std::int64_t checked_sub(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  [[maybe_unused]] const bool overflow = sub_overflows(a, b, out);
  VMCSIM_ASSERT(!overflow, "64-bit overflow in " + std::to_string(a) + " - " + std::to_string(b));
  return out;
}
constexpr std::int64_t checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  [[maybe_unused]] const bool overflow = mul_overflows(a, b, out);
  VMCSIM_ASSERT(!overflow, "64-bit overflow in " + std::to_string(a) + " * " + std::to_string(b));
  return out;
}
constexpr std::int64_t checked_neg(std::int64_t a) {
  return checked_sub(0, a);
}

constexpr std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (!add_overflows(a, b, out)) return out;
  return b > 0 ? std::numeric_limits<std::int64_t>::max()
               : std::numeric_limits<std::int64_t>::min();
}
constexpr std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (!mul_overflows(a, b, out)) return out;
  return (a < 0) == (b < 0) ? std::numeric_limits<std::int64_t>::max()
                            : std::numeric_limits<std::int64_t>::min();
}

// std::llround (the nearest integer, halves away from zero) of a finite x with |x| < 2^63,
// inline: the x86-64 baseline has no rounding instruction, so std::llround is a libm call, and
// every sampled time (Time::from_seconds) is rounded on the per-request path. Exactly llround:
// below 2^52 the cast truncates and x - trunc(x) is exact (a multiple of x's ulp, less than 1);
// from 2^52 on every double is an integer, so the cast is exact and the remainder is 0.
inline std::int64_t round_half_away(double x) {
  const auto i = static_cast<std::int64_t>(x);
  const double remainder = x - static_cast<double>(i);
  return remainder >= 0.5 ? i + 1 : remainder <= -0.5 ? i - 1 : i;
}

}  // namespace vmcsim::sim
