// ${VMCSIM_DATA} in a scenario without the variable set: the fixtures beside the checkout
// (../shared/fixtures), as the README says, found from the current folder or the scenario's.
#include <cstdio>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "app/scenario/data_dir.hpp"
#include "cli_run.hpp"

namespace fs = std::filesystem;

namespace {

// Runs vmcsim in `folder` with VMCSIM_DATA removed from the environment; exit code and stderr.
std::pair<int, std::string> run_without_data(const std::string& args, const fs::path& folder,
                                             const fs::path& scratch) {
  const fs::path err = scratch / "stderr.txt";
  const std::string command = "cd '" + folder.string() + "' && env -u VMCSIM_DATA '" +
                              std::string{VMCSIM_CLI} + "' " + args + " >/dev/null 2>'" +
                              err.string() + "'";
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, vmcsim::test::read_text(err)};
}

}  // namespace

TEST_CASE("a scenario using VMCSIM_DATA validates from the checkout without the variable set") {
  REQUIRE(fs::is_directory(VMCSIM_DEFAULT_DATA));  // the checkout's ../shared/fixtures
  vmcsim::test::ScratchDir scratch{"data-dir-checkout"};
  const auto [code, err] = run_without_data("validate scenarios/ecs-eks-fargate.yaml",
                                            VMCSIM_SOURCE_DIR_FOR_TESTS, scratch.path());
  INFO(err);
  CHECK(code == 0);
}

TEST_CASE("the fixtures are found above the scenario file when vmcsim runs elsewhere") {
  vmcsim::test::ScratchDir scratch{"data-dir-elsewhere"};
  const fs::path scenario = fs::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "scenarios/ecs-eks-fargate.yaml";
  const auto [code, err] =
      run_without_data("validate '" + scenario.string() + "'", scratch.path(), scratch.path());
  INFO(err);
  CHECK(code == 0);
}

TEST_CASE("with neither VMCSIM_DATA nor ../shared/fixtures the error says what to set") {
  vmcsim::test::ScratchDir scratch{"data-dir-none"};
  const fs::path deep = scratch.path() / "a" / "b";
  fs::create_directories(deep);
  fs::copy_file(fs::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "scenarios/ecs-eks-fargate.yaml",
                deep / "s.yaml");
  const auto [code, err] = run_without_data("validate s.yaml", deep, scratch.path());
  CHECK(code == 2);
  CHECK_THAT(err, Catch::Contains("s.yaml:33:26: error: services[0].ecs_task_definition:") &&
                      Catch::Contains("no ../shared/fixtures folder was found") &&
                      Catch::Contains("set VMCSIM_DATA"));
}

TEST_CASE("the default fixtures folder is looked for beside the current folder first") {
  const auto candidates = vmcsim::app::scenario::default_data_candidates("/x/y/scenarios");
  REQUIRE(candidates.size() >= 3);
  CHECK(candidates[0] == (fs::current_path() / "../shared/fixtures").lexically_normal());
  CHECK(std::find(candidates.begin(), candidates.end(), fs::path{"/x/shared/fixtures"}) !=
        candidates.end());
}
