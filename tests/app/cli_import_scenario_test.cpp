// `vmcsim import ecs|k8s FILE... --scenario OUT.yaml`, run as the built binary on the shared
// fixtures: the scenario it writes runs with `vmcsim run` as written, from another folder.
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>
#include <catch2/catch.hpp>

#include "cli_run.hpp"

namespace fs = std::filesystem;
using vmcsim::test::read_text;
using vmcsim::test::run_vmcsim;
using vmcsim::test::ScratchDir;

namespace {

// Imports `files` (relative to the fixtures) into scratch/sub/imported.yaml, then runs it.
void import_then_run(const std::string& kind, const std::string& files, int services) {
  ScratchDir scratch{"import-scenario-" + kind};
  const fs::path scenario = scratch.path() / "sub" / "imported.yaml";
  fs::create_directories(scenario.parent_path());
  const auto imported = run_vmcsim("import " + kind + " " + files + " --scenario '" +
                                   scenario.string() + "'", scratch.path());
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK_THAT(imported.out, Catch::Contains("run it with"));
  const std::string text = read_text(scenario);
  INFO(text);
  // Paths relative to the scenario's folder, not to the folder vmcsim ran in.
  const std::string key = kind == "ecs" ? "ecs_task_definition: " : "kubernetes: ";
  CHECK_THAT(text, Catch::Contains(key + "../") && !Catch::Contains(key + "/"));
  const fs::path out = scratch.path() / "out";
  const auto ran = run_vmcsim("run '" + scenario.string() + "' --replications 1 --quiet --out '" +
                                  out.string() + "'",
                              scratch.path());
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  const auto results = nlohmann::json::parse(read_text(out / "results.json"));
  std::vector<std::string> variants;
  for (const auto& v : results.at("variants"))
    variants.push_back(v.at("name").get<std::string>());
  CHECK(variants == std::vector<std::string>{"ecs-ec2", "eks-ec2", "fargate", "vm"});
  CHECK(results.at("resolved_scenario").at("services").size() == static_cast<std::size_t>(services));
}

}  // namespace

TEST_CASE("import ecs --scenario writes a scenario that runs without edits") {
  const std::string d = "'" + vmcsim::test::data_dir() + "'/ecs/";
  import_then_run("ecs", d + "nginx_fargate.json " + d + "tomcat_ec2.json " + d + "jetty_ec2.json", 3);
}

TEST_CASE("import k8s --scenario writes a scenario that runs without edits") {
  const std::string d = "'" + vmcsim::test::data_dir() + "'/k8s/";
  import_then_run("k8s", d + "guestbook-all-in-one.yaml " + d + "horizontal-pod-autoscaler.yaml", 3);
}

TEST_CASE("import --scenario refuses to overwrite an existing file") {
  ScratchDir scratch{"import-scenario-exists"};
  const fs::path scenario = scratch.path() / "mine.yaml";
  { std::ofstream{scenario} << "user: file\n"; }
  const auto r = run_vmcsim("import ecs '" + vmcsim::test::data_dir() + "/ecs/nginx_ec2.json' --scenario '" +
                                scenario.string() + "'",
                            scratch.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("already exists"));
  CHECK(read_text(scenario) == "user: file\n");
}

TEST_CASE("the printed fragment names its files by absolute path, so it resolves anywhere") {
  ScratchDir scratch{"import-fragment-paths"};
  // vmcsim runs in the source folder: name the file relative to it.
  const fs::path relative = fs::relative(fs::path{vmcsim::test::data_dir()} / "ecs/nginx_ec2.json",
                                         VMCSIM_SOURCE_DIR_FOR_TESTS);
  REQUIRE(relative.is_relative());
  const auto r = run_vmcsim("import ecs '" + relative.string() + "'", scratch.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto at = r.out.find("ecs_task_definition: ");
  REQUIRE(at != std::string::npos);
  CHECK(r.out.compare(at + 21, 1, "/") == 0);
}
