// scripts/demo, dry-run (VMCSIM_DEMO_DRY_RUN=1): it builds the vmcsim target only, never every
// test binary, and says what it does and about how long it takes.
#include <cstdio>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "cli_run.hpp"

TEST_CASE("scripts/demo builds only the vmcsim target and says how long that takes") {
  vmcsim::test::ScratchDir scratch{"demo-dry-run"};
  const auto err = scratch.path() / "err.txt";
  // A build folder without vmcsim: the from-scratch estimate is the one shown.
  const std::string command = "cd '" + std::string{VMCSIM_SOURCE_DIR_FOR_TESTS} +
                              "' && VMCSIM_DEMO_DRY_RUN=1 VMCSIM_BUILD_DIR='" +
                              (scratch.path() / "build").string() + "' scripts/demo 2>'" +
                              err.string() + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  const std::string said = vmcsim::test::read_text(err);
  INFO(said);
  CHECK_THAT(said, Catch::Contains("--target vmcsim --parallel"));
  CHECK_THAT(said, !Catch::Contains("--target vmcsim_") && !Catch::Contains("_tests"));
  CHECK_THAT(said, Catch::Contains("CPU-minutes from scratch") &&
                       Catch::Contains("The tests are not built"));
  CHECK_THAT(said, Catch::Contains("would run: " + (scratch.path() / "build").string() +
                                   "/bin/vmcsim run scenarios/default.yaml"));
}
