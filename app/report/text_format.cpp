#include "app/report/text_format.hpp"

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
