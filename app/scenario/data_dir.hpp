#pragma once
// Where `${VMCSIM_DATA}` in a scenario points: the environment variable when set, else the shared
// fixtures folder `../shared/fixtures` as the README places it beside the checkout, looked for
// from the current folder and from each folder above the scenario file (so `vmcsim run
// scenarios/x.yaml` from the checkout, or from anywhere with an absolute path, finds it).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vmcsim::app::scenario {

// The folders looked at, in order, when VMCSIM_DATA is not set.
std::vector<std::filesystem::path> default_data_candidates(
    const std::filesystem::path& scenario_dir);

// $VMCSIM_DATA, else the first candidate that is a folder; nullopt when neither.
std::optional<std::string> data_dir(const std::filesystem::path& scenario_dir);

}  // namespace vmcsim::app::scenario
