#include "app/importers/human_units.hpp"

#include <array>
#include <cmath>

#include <fmt/format.h>

namespace vmcsim::app::importers {

std::string with_thousands(long long n) {
  // The magnitude in unsigned arithmetic: -n overflows for the smallest long long.
  const auto magnitude = static_cast<unsigned long long>(n);
  const std::string digits = std::to_string(n < 0 ? 0ULL - magnitude : magnitude);
  std::string out = n < 0 ? "-" : "";
  out.reserve(out.size() + digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string human_cores(sim::Millicores cpu) {
  const double cores = cpu.cores_value();
  if (cores >= 100.0) return with_thousands(std::llround(cores)) + " cores";
  return fmt::format("{:g} cores", std::round(cores * 100.0) / 100.0);
}

std::string human_bytes(sim::Bytes bytes) {
  static constexpr std::array<const char*, 6> kUnits{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(bytes.count());
  std::size_t unit = 0;
  while (v >= 1024.0 && unit + 1 < kUnits.size()) {
    v /= 1024.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes.count()) : fmt::format("{:.1f} {}", v, kUnits[unit]);
}

std::string human_duration(sim::Time t) {
  if (t == sim::Time::max()) return "never";
  const double s = t.seconds();
  if (s < 120.0) return fmt::format("{:g} s", std::round(s * 1000.0) / 1000.0);
  if (s < 7200.0) return fmt::format("{:.1f} min", s / 60.0);
  if (s < 172800.0) return fmt::format("{:.1f} h", s / 3600.0);
  return fmt::format("{:.1f} days", s / 86400.0);
}

}  // namespace vmcsim::app::importers
