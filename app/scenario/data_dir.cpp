#include "app/scenario/data_dir.hpp"

#include <algorithm>
#include <cstdlib>

namespace vmcsim::app::scenario {

namespace fs = std::filesystem;

std::vector<fs::path> default_data_candidates(const fs::path& scenario_dir) {
  std::error_code ec;
  const fs::path relative = fs::path{".."} / "shared" / "fixtures";
  std::vector<fs::path> out{(fs::current_path(ec) / relative).lexically_normal()};
  fs::path dir = fs::absolute(scenario_dir, ec).lexically_normal();
  // Up to the root: the checkout is one of these folders, its fixtures beside it.
  for (int depth = 0; depth < 64 && !dir.empty(); ++depth) {
    const fs::path candidate = (dir / relative).lexically_normal();
    if (std::find(out.begin(), out.end(), candidate) == out.end()) out.push_back(candidate);
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return out;
}

std::optional<std::string> data_dir(const fs::path& scenario_dir) {
  if (const char* env = std::getenv("VMCSIM_DATA"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  for (const auto& candidate : default_data_candidates(scenario_dir))
    if (fs::is_directory(candidate, ec)) return candidate.string();
  return std::nullopt;
}

}  // namespace vmcsim::app::scenario
