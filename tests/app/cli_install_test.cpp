// `cmake --install` into a temporary prefix: vmcsim, its catalog, docs, man page and bash
// completion land in their FHS places, and the tree still runs after it has been moved.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "compiled_paths.hpp"

namespace {

namespace fs = std::filesystem;
using vmcsim::test::read_text;
using vmcsim::test::run_vmcsim;
using vmcsim::test::ScratchDir;

}  // namespace

TEST_CASE("an installed vmcsim runs a scenario after its prefix has moved") {
  ScratchDir dir{"install"};
  const fs::path build = fs::path{VMCSIM_CLI}.parent_path().parent_path();
  const fs::path first = dir.path() / "first";
  const std::string install = "cmake --install '" + build.string() + "' --prefix '" +
                              first.string() + "' >'" + (dir.path() / "install.log").string() +
                              "' 2>&1";
  INFO(install);
  REQUIRE(std::system(install.c_str()) == 0);
  for (const char* file :
       {"bin/vmcsim", "share/vmcsim/catalog/profiles.yaml",
        "share/vmcsim/catalog/instance_types.yaml", "share/vmcsim/scenarios/default.yaml",
        "share/doc/vmcsim/README.md", "share/doc/vmcsim/scenario-format.md",
        "share/man/man1/vmcsim.1", "share/bash-completion/completions/vmcsim"}) {
    INFO(file);
    CHECK(fs::is_regular_file(first / file));
  }
  CHECK(read_text(first / "share/man/man1/vmcsim.1").find(".SH") != std::string::npos);

  // Move the whole tree: nothing in the binary may point at where it was installed (or built).
  const fs::path moved = dir.path() / "moved";
  fs::rename(first, moved);
  const std::string vmcsim = (moved / "bin" / "vmcsim").string();
  // The catalog read is the moved copy: mark it and look for the mark.
  std::ofstream{moved / "share/vmcsim/catalog/profiles.yaml", std::ios::app}
      << "# the moved copy\n";
  const auto profiles = run_vmcsim("profiles --format yaml", dir.path(), vmcsim);
  INFO(profiles.err);
  REQUIRE(profiles.exit_code == 0);
  CHECK(profiles.out.find("# the moved copy") != std::string::npos);

  const fs::path scenario = fs::path{VMCSIM_TEST_DATA} / "runner" / "small.yaml";
  const auto run = run_vmcsim("run '" + scenario.string() + "' --replications 1 --quiet --out '" +
                                  (dir.path() / "out").string() + "'",
                              dir.path(), vmcsim);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto j = nlohmann::json::parse(read_text(dir.path() / "out" / "results.json"));
  CHECK(j["variants"].size() == 2);
  CHECK(run_vmcsim("--version", dir.path(), vmcsim).out ==
        std::string{"vmcsim "} + VMCSIM_VERSION + "\n");
}
