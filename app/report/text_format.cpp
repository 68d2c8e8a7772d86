#include "app/report/text_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include <fmt/format.h>

namespace vmcsim::app::report {

std::string exact_seconds(sim::Time t) {
  const std::int64_t ns = t.ns();
  const std::uint64_t magnitude =
      ns < 0 ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  return fmt::format("{}{}.{:09d}", ns < 0 ? "-" : "", magnitude / 1'000'000'000u,
                     magnitude % 1'000'000'000u);
}

std::string shortest(double value) {
  return fmt::format("{}", value);
}

std::string fixed(double value, int decimals) {
  std::string text = fmt::format("{:.{}f}", value, decimals);
  // "-0.00": a tiny negative that rounds to zero is zero to a reader.
  if (text.front() == '-' && text.find_first_not_of("-0.") == std::string::npos) text.erase(0, 1);
  return text;
}

int decimals_for(double largest_magnitude, int significant) {
  const double a = std::abs(largest_magnitude);
  if (!(a > 0) || !std::isfinite(a)) return std::clamp(significant - 1, 0, 6);
  const int integer_digits = static_cast<int>(std::floor(std::log10(a))) + 1;
  return std::clamp(significant - integer_digits, 0, 6);
}

std::string spread(double half_width, int decimals) {
  const std::string h = fixed(std::abs(half_width), decimals);
  if (half_width == 0 || h.find_first_not_of("0.") != std::string::npos) return h;
  // The smallest amount the precision shows: "<0.01", "<1".
  return decimals > 0 ? "<0." + std::string(static_cast<std::size_t>(decimals - 1), '0') + "1"
                      : "<1";
}

std::string plus_minus(double mean, double half_width, int decimals) {
  const std::string m = fixed(mean, decimals);
  if (half_width == 0 || !std::isfinite(half_width)) return m;
  return m + " ± " + spread(half_width, decimals);
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string{text};
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    std::string_view replacement;
    switch (c) {
      case '&':
        replacement = "&amp;";
        break;
      case '<':
        replacement = "&lt;";
        break;
      case '>':
        replacement = "&gt;";
        break;
      case '"':
        replacement = "&quot;";
        break;
      case '\'':
        replacement = "&#39;";
        break;
      default:
        out.push_back(c);
        continue;
    }
    out.append(replacement);
  }
  return out;
}

}  // namespace vmcsim::app::report
