// `vmcsim run` and `vmcsim sweep` on files with and without a sweep grid: which command runs the
// grid, what each says when it does not, and that a sweep's table and report show every point.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "fixture_path.hpp"

namespace {

namespace fs = std::filesystem;
using vmcsim::test::CliRun;
using vmcsim::test::read_text;
using vmcsim::test::run_vmcsim;
using vmcsim::test::ScratchDir;

using vmcsim::test::small_scenario;

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// small.yaml without its `sweep:` block (it is the file's second-to-last block).
fs::path without_sweep(const fs::path& folder) {
  std::string text = read_text(small_scenario);
  const auto from = text.find("\nsweep:");
  const auto to = text.find("\noutput:");
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  text.erase(from, to - from);
  const fs::path out = folder / "no-sweep.yaml";
  std::ofstream{out} << text;
  return out;
}

}  // namespace

TEST_CASE("vmcsim run on a file with a sweep grid runs the scenario as written and names sweep") {
  ScratchDir dir{"run-grid"};
  const CliRun r = run_vmcsim("run '" + small_scenario.string() + "' --replications 1 --out '" +
                                  (dir.path() / "out").string() + "'",
                              dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find(small_scenario.string() + ":") != std::string::npos);
  CHECK(r.err.find("note: the sweep grid (1 parameter) was not run") != std::string::npos);
  CHECK(r.err.find("`vmcsim sweep " + small_scenario.string() + "`") != std::string::npos);
  const auto j = nlohmann::json::parse(read_text(dir.path() / "out" / "results.json"));
  CHECK(j["sweep_points"].empty());
  CHECK_FALSE(fs::exists(dir.path() / "out" / "sweep.csv"));
  CHECK(r.out.find("point 1 of") == std::string::npos);
}

TEST_CASE("vmcsim run on a file without a sweep grid says nothing of sweeps") {
  ScratchDir dir{"run-no-grid"};
  const fs::path scenario = without_sweep(dir.path());
  const CliRun r = run_vmcsim("run '" + scenario.string() + "' --replications 1 --out '" +
                                  (dir.path() / "out").string() + "'",
                              dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("sweep") == std::string::npos);
}

TEST_CASE("vmcsim sweep on a file without a sweep grid exits 2 at the file, naming run") {
  ScratchDir dir{"sweep-no-grid"};
  const fs::path scenario = without_sweep(dir.path());
  const CliRun r = run_vmcsim("sweep '" + scenario.string() + "' --replications 1 --out '" +
                                  (dir.path() / "out").string() + "'",
                              dir.path());
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind(scenario.string() + ": error: ", 0) == 0);
  CHECK(r.err.find("no `sweep:` grid") != std::string::npos);
  CHECK(r.err.find("`vmcsim run`") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "out" / "results.json"));
}

TEST_CASE("vmcsim sweep prints one table per point, each labelled with its parameter values") {
  ScratchDir dir{"sweep-tables"};
  const CliRun r =
      run_vmcsim("sweep '" + small_scenario.string() + "' --replications 2 --jobs 2 --out '" +
                     (dir.path() / "out").string() + "'",
                 dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto first = r.out.find("point 1 of 2: services.web.replicas = 2\n");
  const auto second = r.out.find("point 2 of 2: services.web.replicas = 3\n");
  REQUIRE(first == 0);
  REQUIRE(second != std::string::npos);
  // Each point has the run table's header and rows, and its own paired differences.
  CHECK(occurrences(r.out, "runner-small · seed 5 · 2 replications") == 2);
  CHECK(occurrences(r.out, "startup, mean") == 2);
  CHECK(occurrences(r.out, "(paired over 2 replications)") >= 2);
  // The second table holds the second point's numbers, not the first point's again.
  const auto body1 = r.out.find('\n', first), body2 = r.out.find('\n', second);
  CHECK(r.out.substr(body1, second - 1 - body1) != r.out.substr(body2));
}

TEST_CASE("a sweep's report.html shows every point and a chart per metric against the parameter") {
  ScratchDir dir{"sweep-report"};
  const CliRun r = run_vmcsim("sweep '" + small_scenario.string() +
                                  "' --replications 2 --jobs 2 --quiet --out '" +
                                  (dir.path() / "out").string() + "'",
                              dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string html = read_text(dir.path() / "out" / "report.html");
  REQUIRE(occurrences(html, "<section id=\"sweep\">") == 1);
  for (const char* row : {"<tr><td>2</td><td>vm</td>", "<tr><td>2</td><td>container</td>",
                          "<tr><td>3</td><td>vm</td>", "<tr><td>3</td><td>container</td>"})
    CHECK(occurrences(html, row) == 1);
  CHECK(occurrences(html, "<div class=\"sweep-chart\" data-metric=\"startup_ms\">") == 1);
  CHECK(occurrences(html, "<div class=\"sweep-chart\"") >= 4);
  CHECK(html.find("against services.web.replicas") != std::string::npos);
}

TEST_CASE("the shipped sweep scenario prints its golden table per point") {
  // Regenerate with scripts/update-golden after an intended change.
  ScratchDir dir{"golden-burst-sweep"};
  const CliRun r = run_vmcsim(
      "sweep scenarios/burst-sweep.yaml --replications 1 --jobs 2 "
      "--format table --out '" +
          dir.path().string() + "'",
      dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const fs::path golden =
      fs::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "tests" / "app" / "golden" / "burst-sweep.txt";
  INFO("golden file " << golden << " (scripts/update-golden regenerates it)");
  REQUIRE(fs::exists(golden));
  CHECK(r.out == read_text(golden));
}
