#include "sim/units.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <limits>

#include "sim/assert.hpp"
#include "sim/detail/decimal.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::sim {
namespace {

struct Unit {
  std::string_view name;
  double factor;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

template <std::size_t N>
const Unit* find_unit(const std::array<Unit, N>& units, std::string_view name) {
  for (const auto& u : units)
    if (u.name == name) return &u;
  return nullptr;
}

// Splits "1.5 GiB" into the number and the unit text; throws when no number leads.
detail::Decimal split(std::string_view& text, const std::string& original, const char* kind,
                      const char* hint) {
  text = trim(text);
  detail::Decimal number;
  if (!detail::read_decimal(text, number))
    throw ParseError{fmt::format("invalid {} '{}': expected a number with a unit, e.g. {}", kind,
                                 original, hint)};
  if (number.negative)
    throw ParseError{fmt::format("invalid {} '{}': must not be negative", kind, original)};
  text = trim(text);
  return number;
}

constexpr std::array<Unit, 20> kByteUnits{{
    {"", 1.0},       {"B", 1.0},     {"KiB", 0x1p10}, {"MiB", 0x1p20}, {"GiB", 0x1p30},
    {"TiB", 0x1p40}, {"Ki", 0x1p10}, {"Mi", 0x1p20},  {"Gi", 0x1p30},  {"Ti", 0x1p40},
    {"kB", 1e3},     {"KB", 1e3},    {"MB", 1e6},     {"GB", 1e9},     {"TB", 1e12},
    {"k", 1e3},      {"K", 1e3},     {"M", 1e6},      {"G", 1e9},      {"T", 1e12},
}};

constexpr std::array<Unit, 17> kRateUnits{{
    {"bps", 1.0 / 8},
    {"kbps", 1e3 / 8},
    {"Kbps", 1e3 / 8},
    {"Mbps", 1e6 / 8},
    {"Gbps", 1e9 / 8},
    {"Tbps", 1e12 / 8},
    {"Mbit/s", 1e6 / 8},
    {"Gbit/s", 1e9 / 8},
    {"B/s", 1.0},
    {"KB/s", 1e3},
    {"kB/s", 1e3},
    {"MB/s", 1e6},
    {"GB/s", 1e9},
    {"KiB/s", 0x1p10},
    {"MiB/s", 0x1p20},
    {"GiB/s", 0x1p30},
    {"TB/s", 1e12},
}};

}  // namespace

namespace {

// Nearest integer, saturating at the int64 limits (2^63 is the first double beyond them).
std::int64_t saturating_round(double v) {
  VMCSIM_ASSERT(!std::isnan(v), "a size computed as NaN");
  if (std::isnan(v)) return 0;
  if (v >= 0x1p63) return std::numeric_limits<std::int64_t>::max();
  if (v <= -0x1p63) return std::numeric_limits<std::int64_t>::min();
  return round_half_away(v);
}

}  // namespace

Bytes Bytes::from_gib(double gib) {
  return Bytes{saturating_round(gib * 0x1p30)};
}
Bytes Bytes::from_mib(double mib) {
  return Bytes{saturating_round(mib * 0x1p20)};
}
Bytes Bytes::scaled(Bytes a, double k) {
  return Bytes{saturating_round(static_cast<double>(a.count()) * k)};
}

Bytes Bytes::parse(std::string_view text) {
  const std::string original{text};
  const auto number = split(text, original, "size", "512MiB, 2GiB, 1.5GB");
  const Unit* unit = find_unit(kByteUnits, text);
  if (unit == nullptr)
    throw ParseError{fmt::format(
        "invalid size '{}': unknown unit '{}' (use B, KiB, MiB, GiB, TiB, KB, MB, GB, TB, or "
        "Kubernetes' Ki, Mi, Gi, Ti)",
        original, text)};
  std::int64_t count = 0;
  if (!detail::scale_decimal(number, static_cast<std::int64_t>(unit->factor), count) ||
      count > max_input().count())
    throw ParseError{fmt::format("invalid size '{}': too large (at most 1EiB)", original)};
  return Bytes{count};
}

std::string Bytes::to_string() const {
  constexpr std::array<std::pair<std::int64_t, const char*>, 4> units{
      {{1LL << 40, "TiB"}, {1LL << 30, "GiB"}, {1LL << 20, "MiB"}, {1LL << 10, "KiB"}}};
  // 128 bits: magnitude x 1000 must not overflow for any count (10000TiB did in 64).
  const detail::Uint128 magnitude = count_ < 0
                                        ? detail::Uint128{0} - static_cast<detail::Uint128>(count_)
                                        : static_cast<detail::Uint128>(count_);
  const char* sign = count_ < 0 ? "-" : "";
  for (const auto& [factor, name] : units) {
    const auto f = static_cast<detail::Uint128>(factor);
    if (magnitude < f) continue;
    // Exact to three decimals, or the next smaller unit keeps it exact.
    if ((magnitude * 1000) % f == 0) {
      const auto milli = static_cast<std::uint64_t>(magnitude * 1000 / f);
      if (milli % 1000 == 0) return fmt::format("{}{}{}", sign, milli / 1000, name);
      std::string s = fmt::format("{}{}.{:03}", sign, milli / 1000, milli % 1000);
      while (s.back() == '0')
        s.pop_back();
      return s + name;
    }
  }
  return fmt::format("{}B", count_);
}

DataRate DataRate::parse(std::string_view text) {
  const std::string original{text};
  const auto number = split(text, original, "rate", "10Gbps, 100MB/s, 1GiB/s");
  const Unit* unit = text.empty() ? nullptr : find_unit(kRateUnits, text);
  if (unit == nullptr)
    throw ParseError{fmt::format(
        "invalid rate '{}': {} (use bps, Mbps, Gbps, Tbps for bits, B/s, MB/s, GB/s, MiB/s, "
        "GiB/s for bytes per second)",
        original,
        text.empty() ? std::string{"missing unit"} : fmt::format("unknown unit '{}'", text))};
  const double bps = detail::decimal_to_double(number) * unit->factor;
  if (!std::isfinite(bps) || bps > max_input().bytes_per_second())
    throw ParseError{fmt::format("invalid rate '{}': too large (at most 1EB/s)", original)};
  return DataRate{bps};
}

Time DataRate::time_to_transfer(Bytes size) const {
  if (bytes_per_second_ <= 0.0) return Time::max();
  return Time::from_seconds(static_cast<double>(size.count()) / bytes_per_second_);
}

std::string DataRate::to_string() const {
  const double bits = bits_per_second();
  constexpr std::array<std::pair<double, const char*>, 4> units{
      {{1e12, "Tbps"}, {1e9, "Gbps"}, {1e6, "Mbps"}, {1e3, "kbps"}}};
  for (const auto& [factor, name] : units) {
    if (bits >= factor) {
      std::string s = fmt::format("{:.6f}", bits / factor);
      while (s.back() == '0')
        s.pop_back();
      if (s.back() == '.') s.pop_back();
      return s + name;
    }
  }
  return fmt::format("{}bps", bits);
}

Millicores Millicores::parse(std::string_view text) {
  const std::string original{text};
  const auto number = split(text, original, "CPU quantity", "0.5, 500m, 2");
  std::int64_t factor = 0;
  if (text == "m") {
    factor = 1;
  } else if (text.empty() || text == "cpu" || text == "vcpu" || text == "vCPU" || text == "cores" ||
             text == "core") {
    factor = 1000;
  } else {
    throw ParseError{fmt::format(
        "invalid CPU quantity '{}': unknown unit '{}' (write cores as 0.5 or 2, or millicores "
        "as 500m)",
        original, text)};
  }
  std::int64_t value = 0;
  if (!detail::scale_decimal(number, factor, value) || value > max_input().value())
    throw ParseError{
        fmt::format("invalid CPU quantity '{}': too large (at most 1000000000 cores)", original)};
  return Millicores{value};
}

std::string Millicores::to_string() const {
  if (value_ % 1000 == 0) return fmt::format("{}", value_ / 1000);
  return fmt::format("{}m", value_);
}

}  // namespace vmcsim::sim
