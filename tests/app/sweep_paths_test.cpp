// Sweep paths that index lists and name entries (issue 16): workloads[0].bursts[0].multiplier,
// services[web].replicas, and the errors of a path that selects nothing.
#include <string>

#include <catch2/catch.hpp>

#include "app/diagnostic.hpp"
#include "app/scenario/loader.hpp"
#include "compiled_paths.hpp"
#include "cli_run.hpp"
#include "fixture_path.hpp"

using namespace vmcsim::app::scenario;
using vmcsim::app::InputError;

namespace {

// runner-small (two services' worth of structure: one service, one workload with two bursts)
// with `sweep` in place of its own sweep.
std::string with_sweep(const std::string& sweep) {
  std::string text = vmcsim::test::read_text(std::string{VMCSIM_TEST_DATA} + "/runner/small.yaml");
  const std::string burst = "      - {at: 60s, duration: 60s, multiplier: 4}\n";
  REQUIRE(text.find(burst) != std::string::npos);
  text.replace(text.find(burst), burst.size(),
               burst + "      - {at: 150s, duration: 10s, multiplier: 2}\n");
  const auto from = text.find("sweep:");
  const auto to = text.find("output:");
  return text.substr(0, from) + "sweep:\n" + sweep + "\n" + text.substr(to);
}

std::vector<Scenario> points_of(const std::string& sweep) {
  vmcsim::test::TempFile file{"sweep-paths.yaml", with_sweep(sweep)};
  return expand_sweep(load_scenario(file.path()));
}

std::string sweep_error(const std::string& sweep) {
  try {
    points_of(sweep);
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("a sweep path indexes a workload's bursts by position") {
  const auto points = points_of("  - path: workloads[0].bursts[1].multiplier\n    values: [3, 8]");
  REQUIRE(points.size() == 2);
  for (std::size_t p = 0; p < 2; ++p) {
    REQUIRE(points[p].workloads.at(0).bursts.size() == 2);
    // Only the second burst is swept; the first keeps the file's multiplier.
    CHECK(points[p].workloads[0].bursts[0].multiplier == 4.0);
  }
  CHECK(points[0].workloads[0].bursts[1].multiplier == 3.0);
  CHECK(points[1].workloads[0].bursts[1].multiplier == 8.0);
  CHECK(points[1].sweep_point.at(0).first == "workloads[0].bursts[1].multiplier");
}

TEST_CASE("a sweep path names a service in brackets as it does with a plain segment") {
  const auto bracket = points_of("  - path: services[web].replicas\n    values: [4, 5]");
  const auto plain = points_of("  - path: services.web.replicas\n    values: [4, 5]");
  REQUIRE(bracket.size() == 2);
  REQUIRE(plain.size() == 2);
  CHECK(bracket[0].services.at(0).replicas == 4);
  CHECK(bracket[1].services.at(0).replicas == 5);
  CHECK(bracket[1].services[0].replicas == plain[1].services[0].replicas);
  // By position and by service name, a workload's burst is the same parameter.
  const auto named = points_of("  - path: workloads[web].bursts[0].multiplier\n    values: [6]");
  CHECK(named.at(0).workloads.at(0).bursts.at(0).multiplier == 6.0);
  const auto all = points_of("  - path: workloads[0].bursts[*].multiplier\n    values: [7]");
  CHECK(all.at(0).workloads.at(0).bursts.at(0).multiplier == 7.0);
  CHECK(all.at(0).workloads.at(0).bursts.at(1).multiplier == 7.0);
}

TEST_CASE("a sweep path that selects no entry is an error at the path") {
  const std::string past_end =
      sweep_error("  - path: workloads[0].bursts[2].multiplier\n    values: [3]");
  CHECK(past_end.find("bursts has no entry 2 (it has 2)") != std::string::npos);
  CHECK(past_end.find("sweep-paths.yaml:") != std::string::npos);  // FILE:LINE:COL
  CHECK(sweep_error("  - path: services[db].replicas\n    values: [3]")
            .find("there is no services 'db'") != std::string::npos);
  CHECK(sweep_error("  - path: workloads[0].bursts[big].multiplier\n    values: [3]")
            .find("the entries of bursts have no names") != std::string::npos);
  CHECK(sweep_error("  - path: services[web.replicas\n    values: [3]")
            .find("unbalanced or empty [ ]") != std::string::npos);
  CHECK(sweep_error("  - path: workloads[0].bursts[0].size\n    values: [3]")
            .find("'size' is not a key of burst") != std::string::npos);
}

TEST_CASE("a sweep path over entries that lack their name key is an error, not a crash") {
  // Found by the scenario fuzz target: yaml-cpp throws InvalidNode when a missing key is asked
  // whether it is a scalar, and that escaped the loader (exit 1).
  std::string text = with_sweep("  - path: services[web].replicas\n    values: [3]");
  const std::string service = "  - name: web";
  REQUIRE(text.find(service) != std::string::npos);
  text.replace(text.find(service), service.size(), "  - nom: web");
  vmcsim::test::TempFile file{"sweep-paths.yaml", text};
  try {
    (void)load_scenario(file.path());
    FAIL("the scenario loaded");
  } catch (const InputError& e) {
    CHECK(std::string{e.what()}.find("sweep-paths.yaml:") != std::string::npos);
  }
}
