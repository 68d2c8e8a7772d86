#include "models/platform/platform_kind.hpp"

#include <array>
#include <utility>

namespace vmcsim::models {

namespace {
constexpr std::array<std::pair<PlatformKind, std::string_view>, 4> kNames{{
    {PlatformKind::vm, "vm"},
    {PlatformKind::microvm, "microvm"},
    {PlatformKind::container, "container"},
    {PlatformKind::container_in_vm, "container_in_vm"},
}};
}  // namespace

std::string_view to_string(PlatformKind kind) {
  for (const auto& [k, name] : kNames)
    if (k == kind) return name;
  return "?";
}

std::optional<PlatformKind> parse_platform_kind(std::string_view text) {
  for (const auto& [k, name] : kNames)
    if (name == text) return k;
  return std::nullopt;
}

}  // namespace vmcsim::models
