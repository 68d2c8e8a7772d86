#include "app/report/palette.hpp"

#include <nlohmann/json.hpp>

#include "sim/assert.hpp"

namespace vmcsim::app::report {

// Defined in the file CMake generates from palette.json (app/report/palette_data.cpp.in).
extern const std::string_view kPaletteJson;

std::string_view palette_json() {
  return kPaletteJson;
}

const Palette& palette() {
  static const Palette parsed = [] {
    const nlohmann::json j = nlohmann::json::parse(kPaletteJson);
    Palette p;
    for (const auto& [name, colour] : j.at("phases").items())
      p.phases.emplace(name, colour.get<std::string>());
    for (const auto& [name, colour] : j.at("series").items())
      p.series.emplace(name, colour.get<std::string>());
    p.variants = j.at("variants").get<std::vector<std::string>>();
    p.unknown_phases = j.at("unknown_phases").get<std::vector<std::string>>();
    // Not an assertion: the callers index these, also in builds without checks.
    if (p.variants.empty()) p.variants.emplace_back("#000000");
    if (p.unknown_phases.empty()) p.unknown_phases.emplace_back("#777777");
    return p;
  }();
  return parsed;
}

const std::string& series_colour(std::string_view name) {
  const auto it = palette().series.find(name);
  VMCSIM_ASSERT(it != palette().series.end(), "palette.json has no colour for this series");
  // Checks compiled out: a series palette.json forgot is drawn in the first fallback grey.
  return it != palette().series.end() ? it->second : palette().unknown_phases.front();
}

}  // namespace vmcsim::app::report
