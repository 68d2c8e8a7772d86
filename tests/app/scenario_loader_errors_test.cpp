// The loader reports every independent error of a file (up to a cap), not only the first.
#include "compiled_paths.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "app/diagnostic.hpp"
#include "app/scenario/input_errors.hpp"
#include "app/scenario/loader.hpp"
#include "fixture_path.hpp"

namespace fs = std::filesystem;
using namespace vmcsim::app::scenario;
using vmcsim::app::InputError;
using vmcsim::test::Run;
using vmcsim::test::run_cli;

namespace {

using vmcsim::test::test_data;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("a file with three independent errors reports all three, the first one first") {
  const fs::path file = test_data / "bad/many/three-errors.yaml";
  const std::string f = file.string();
  try {
    (void)load_scenario(file);
    FAIL("the file loaded");
  } catch (const InputError& e) {
    // The error itself is the first one, so callers looking at one error see the first.
    CHECK(e.line() == 3);
    CHECK(e.field() == "duration");
    const auto got = lines(e.what());
    REQUIRE(got.size() == 3);
    CHECK(got[0] == f + ":3:11: error: duration: must be greater than zero, got '0s'");
    CHECK(got[1].rfind(f + ":14:13: error: services[0].memory: invalid size '128Mb'", 0) == 0);
    CHECK(got[2].rfind(f + ":29:14: error: variants[0].profile: unknown profile 'runk'", 0) == 0);
  }
}

TEST_CASE("vmcsim validate prints every error of a file and exits 2") {
  const fs::path file = test_data / "bad/many/three-errors.yaml";
  const Run run = run_cli("validate '" + file.string() + "'");
  CHECK(run.exit_code == 2);
  const auto got = lines(run.output);
  REQUIRE(got.size() == 3);
  CHECK_THAT(got[0], Catch::Contains(":3:11: error: duration"));
  CHECK_THAT(got[1], Catch::Contains(":14:13: error: services[0].memory"));
  CHECK_THAT(got[2], Catch::Contains(":29:14: error: variants[0].profile"));
}

TEST_CASE("a workload of a service whose entry failed adds no second error") {
  // The memory error is the only one: 'app' is not reported as undefined by the workload.
  const std::string text = R"(name: x
duration: 10m
hosts: [{name: node, cpu: "4", memory: 8GiB}]
images: {app: {size: 50MiB, layers: 1}}
services: [{name: app, image: app, cpu: 250m, memory: 12Q}]
workloads: [{service: app, kind: poisson, rate: 1}]
variants: [{name: runc, platform: container, profile: runc}]
)";
  try {
    (void)load_scenario_text(text, "x.yaml");
    FAIL("the file loaded");
  } catch (const InputError& e) {
    CHECK(lines(e.what()).size() == 1);
    CHECK(e.field() == "services[0].memory");
  }
}

TEST_CASE("a file with more errors than the cap stops after 20 and says so") {
  std::string text = "name: x\nduration: 10m\nhosts:\n";
  for (int i = 0; i < 25; ++i)
    text += fmt::format("  - {{name: h{}, cpu: \"4\", memory: {}Q}}\n", i, i + 1);
  text += "variants: [{name: runc, platform: container, profile: runc}]\n";
  try {
    (void)load_scenario_text(text, "x.yaml");
    FAIL("the file loaded");
  } catch (const InputErrors& e) {
    CHECK(e.errors().size() == 20);
    CHECK(e.truncated());
    const auto got = lines(e.what());
    REQUIRE(got.size() == 21);
    CHECK_THAT(got[0], Catch::StartsWith("x.yaml:4:"));
    CHECK(got[20] == "x.yaml: error: stopped after 20 errors");
  }
}

TEST_CASE("an image whose name is an empty key is an error at its line, not an escaping "
          "yaml-cpp exception") {
  // Found by the scenario fuzz campaign (tests/data/fuzz/scenario/crash-ffbdc6c8...): the
  // reader looked the empty key up by its text, and yaml-cpp's answer for an absent key threw
  // YAML::InvalidNode (exit 1) when asked whether it was a mapping.
  const std::string text =
      "name: bad\nduration: 10m\nhosts:\n  - name: node\n    cpu: \"4\"\n    memory: 8GiB\n"
      "images:\n  : 5}\nvariants:\n  - name: runc\n    platform: container\n    profile: runc\n";
  try {
    (void)load_scenario_text(text, "x.yaml");
    FAIL("the scenario loaded");
  } catch (const InputError& e) {
    CHECK(std::string{e.what()}.find("x.yaml:8:") != std::string::npos);
  }
}
