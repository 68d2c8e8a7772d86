#pragma once
// Time: simulated time as a strong signed 64-bit count of nanoseconds.
//
// One type serves both as an instant (time since the start of the run) and as a duration,
// as in ns-3. Integer nanoseconds keep the clock exact: adding 1 ms a million times gives
// exactly 1000 s, and equal times compare equal on every machine. The range is +-292 years.
//
// Overflow: parse() accepts at most kMaxInput (100 years), so a sum of two user durations
// always fits. The factories from_us/ms/s and from_seconds saturate at +-max() (a rate of 1e-12
// per second is "never", not a wrapped negative time); NaN is a broken contract. The arithmetic
// operators are contracts too: checked by VMCSIM_ASSERT in Debug and checked builds
// (sim/checked.hpp), never undefined behaviour.
//
//   using namespace vmcsim::sim::literals;
//   Time boot = 1500_ms;                      // literals: _ns _us _ms _s _min _h
//   Time t = Time::parse("2h");               // "250ms", "1.5s", "90s", "2m", "1h30m"
//   fmt::print("{}", boot);                   // "1.5s"
#include <compare>
#include <concepts>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "sim/checked.hpp"

namespace vmcsim::sim {

class Time {
 public:
  constexpr Time() = default;

  static constexpr Time from_ns(std::int64_t ns) { return Time{ns}; }
  // Saturate at +-max() instead of overflowing.
  static constexpr Time from_us(std::int64_t us) { return symmetric(saturating_mul(us, 1'000)); }
  static constexpr Time from_ms(std::int64_t ms) {
    return symmetric(saturating_mul(ms, 1'000'000));
  }
  static constexpr Time from_s(std::int64_t s) {
    return symmetric(saturating_mul(s, 1'000'000'000));
  }
  // Rounds to the nearest nanosecond; saturates at +-max() beyond the range (NaN is a contract
  // violation).
  static Time from_seconds(double seconds);
  static constexpr Time zero() { return Time{0}; }
  static constexpr Time max() { return Time{std::numeric_limits<std::int64_t>::max()}; }
  // The largest duration parse() accepts: 100 years of 365.25 days.
  static constexpr Time max_input() { return Time{36'525LL * 86'400'000'000'000}; }

  // Parses a duration with a unit: ns, us (or µs), ms, s, m or min, h, d; several terms may
  // follow each other ("1h30m"); a leading '-' negates. Decimal fractions are exact ("1.5s").
  // Throws ParseError naming what is wrong, also beyond +-max_input().
  static Time parse(std::string_view text);

  constexpr std::int64_t ns() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }
  constexpr double milliseconds() const { return static_cast<double>(ns_) * 1e-6; }

  // The shortest exact spelling that parse() reads back: "250ms", "1.5s", "2h", "90s".
  std::string to_string() const;

  constexpr Time& operator+=(Time other) {
    ns_ = checked_add(ns_, other.ns_);
    return *this;
  }
  constexpr Time& operator-=(Time other) {
    ns_ = checked_sub(ns_, other.ns_);
    return *this;
  }
  friend constexpr Time operator+(Time a, Time b) { return Time{checked_add(a.ns_, b.ns_)}; }
  // For sums that valid input can push past the range (a total over a whole trace): sticks at
  // +-max() instead of wrapping.
  static constexpr Time saturating_add(Time a, Time b) {
    return symmetric(sim::saturating_add(a.ns_, b.ns_));
  }
  friend constexpr Time operator-(Time a, Time b) { return Time{checked_sub(a.ns_, b.ns_)}; }
  friend constexpr Time operator-(Time a) { return Time{checked_neg(a.ns_)}; }
  template <std::integral I>
  friend constexpr Time operator*(Time a, I k) {
    return Time{checked_mul(a.ns_, static_cast<std::int64_t>(k))};
  }
  template <std::integral I>
  friend constexpr Time operator*(I k, Time a) {
    return a * k;
  }
  // Scaling by a real factor rounds to the nearest nanosecond.
  friend Time operator*(Time a, double k) { return scaled(a, k); }
  friend Time operator*(double k, Time a) { return scaled(a, k); }
  template <std::integral I>
  friend constexpr Time operator/(Time a, I k) {
    VMCSIM_ASSERT(k != 0, "time divided by zero");
    return Time{a.ns_ / static_cast<std::int64_t>(k)};
  }
  friend constexpr double operator/(Time a, Time b) {
    return static_cast<double>(a.ns_) / static_cast<double>(b.ns_);
  }
  friend constexpr auto operator<=>(Time, Time) = default;

 private:
  constexpr explicit Time(std::int64_t ns) : ns_{ns} {}
  // Saturated results stop at -max(), not at the int64 minimum, so that negating them is safe.
  static constexpr Time symmetric(std::int64_t ns) {
    return Time{ns == std::numeric_limits<std::int64_t>::min() ? -max().ns_ : ns};
  }
  static Time scaled(Time a, double k);
  std::int64_t ns_ = 0;
};

namespace literals {
constexpr Time operator""_ns(unsigned long long v) {
  return Time::from_ns(static_cast<std::int64_t>(v));
}
constexpr Time operator""_us(unsigned long long v) {
  return Time::from_us(static_cast<std::int64_t>(v));
}
constexpr Time operator""_ms(unsigned long long v) {
  return Time::from_ms(static_cast<std::int64_t>(v));
}
constexpr Time operator""_s(unsigned long long v) {
  return Time::from_s(static_cast<std::int64_t>(v));
}
constexpr Time operator""_min(unsigned long long v) {
  return Time::from_s(static_cast<std::int64_t>(v) * 60);
}
constexpr Time operator""_h(unsigned long long v) {
  return Time::from_s(static_cast<std::int64_t>(v) * 3600);
}
inline Time operator""_s(long double v) {
  return Time::from_seconds(static_cast<double>(v));
}
inline Time operator""_ms(long double v) {
  return Time::from_seconds(static_cast<double>(v) * 1e-3);
}
}  // namespace literals

}  // namespace vmcsim::sim

template <>
struct fmt::formatter<vmcsim::sim::Time> : fmt::formatter<std::string_view> {
  template <class Ctx>
  auto format(vmcsim::sim::Time t, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(t.to_string(), ctx);
  }
};
