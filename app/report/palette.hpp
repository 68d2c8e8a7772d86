#pragma once
// The colours of report.html, read from app/report/palette.json, which CMake embeds into the
// binary at build time. The notebooks load the same file, so a phase has one colour wherever it
// is drawn. Every phase of the catalog has a colour of its own (tests/app/report_palette_test).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vmcsim::app::report {

struct Palette {
  std::map<std::string, std::string, std::less<>> phases;  ///< phase name -> "#rrggbb"
  std::map<std::string, std::string, std::less<>> series;  ///< "demand", "failures", ...
  std::vector<std::string> variants;        ///< the i-th variant's colour, cycling
  std::vector<std::string> unknown_phases;  ///< for phases palette.json does not name
};

/// The text of palette.json as built in.
std::string_view palette_json();

/// palette.json, parsed once.
const Palette& palette();

/// The colour of a series palette.json names ("demand", "failures"); asserts that it does.
const std::string& series_colour(std::string_view name);

}  // namespace vmcsim::app::report
