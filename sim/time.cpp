#include "sim/time.hpp"

#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "sim/detail/decimal.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::sim {
namespace {

struct TimeUnit {
  std::string_view name;
  std::int64_t ns;
};
// Longest names first, so that "ms" is not read as "m" followed by "s".
constexpr std::array<TimeUnit, 9> kUnits{{{"min", 60'000'000'000},
                                          {"ns", 1},
                                          {"us", 1'000},
                                          {"\xC2\xB5s", 1'000},  // µs
                                          {"ms", 1'000'000},
                                          {"s", 1'000'000'000},
                                          {"m", 60'000'000'000},
                                          {"h", 3'600'000'000'000},
                                          {"d", 86'400'000'000'000}}};

}  // namespace

namespace {

// Nearest integer nanosecond, saturating at +-max(): 2^63 itself is the first double beyond
// the range, so the comparison is exact.
std::int64_t saturating_round(double ns) {
  VMCSIM_ASSERT(!std::isnan(ns), "a time computed as NaN");
  constexpr double kLimit = 0x1p63;
  if (ns >= kLimit) return std::numeric_limits<std::int64_t>::max();
  if (ns <= -kLimit) return -std::numeric_limits<std::int64_t>::max();
  if (std::isnan(ns)) return 0;
  return round_half_away(ns);
}

}  // namespace

Time Time::from_seconds(double seconds) {
  return Time{saturating_round(seconds * 1e9)};
}

Time Time::scaled(Time a, double k) {
  return Time{saturating_round(static_cast<double>(a.ns()) * k)};
}

Time Time::parse(std::string_view text) {
  const std::string original{text};
  auto fail = [&](const std::string& why) -> ParseError {
    return ParseError{"invalid duration '" + original + "': " + why};
  };
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  if (text.empty()) throw fail("empty (write a number with a unit, e.g. 250ms, 1.5s, 2h)");
  bool negative = false;
  if (text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  std::int64_t total = 0;
  int terms = 0;
  while (!text.empty()) {
    detail::Decimal number;
    if (!detail::read_decimal(text, number) || number.negative)
      throw fail("expected a number where '" + std::string{text} + "' stands");
    const TimeUnit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (text.substr(0, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) {
      if (text.empty()) throw fail("missing unit (one of ns, us, ms, s, m, min, h, d)");
      throw fail("unknown unit '" + std::string{text} + "' (one of ns, us, ms, s, m, min, h, d)");
    }
    text.remove_prefix(unit->name.size());
    std::int64_t ns = 0;
    if (!detail::scale_decimal(number, unit->ns, ns) || total > max_input().ns() - ns)
      throw fail("out of range (at most 100 years, 36525d)");
    total += ns;
    ++terms;
  }
  return Time{negative ? -total : total};
}

std::string Time::to_string() const {
  if (ns_ == 0) return "0s";
  if (ns_ == std::numeric_limits<std::int64_t>::min()) return fmt::format("{}ns", ns_);
  if (ns_ < 0) return fmt::format("-{}", (-*this).to_string());
  constexpr std::int64_t kHour = 3'600'000'000'000;
  constexpr std::int64_t kMinute = 60'000'000'000;
  if (ns_ % kHour == 0) return fmt::format("{}h", ns_ / kHour);
  if (ns_ % kMinute == 0 && ns_ >= kMinute) return fmt::format("{}m", ns_ / kMinute);
  // Fractional values are printed in the largest unit below which the value is at least 1,
  // with trailing zeros trimmed; all digits are kept, so the text parses back exactly.
  struct Scale {
    std::int64_t ns;
    const char* name;
    int decimals;
  };
  constexpr std::array<Scale, 4> scales{
      {{1'000'000'000, "s", 9}, {1'000'000, "ms", 6}, {1'000, "us", 3}, {1, "ns", 0}}};
  for (const auto& s : scales) {
    if (ns_ >= s.ns) {
      const std::int64_t whole = ns_ / s.ns;
      std::int64_t frac = ns_ % s.ns;
      if (frac == 0) return fmt::format("{}{}", whole, s.name);
      int decimals = s.decimals;
      while (frac % 10 == 0) {
        frac /= 10;
        --decimals;
      }
      return fmt::format("{}.{:0{}}{}", whole, frac, decimals, s.name);
    }
  }
  return fmt::format("{}ns", ns_);
}

}  // namespace vmcsim::sim
