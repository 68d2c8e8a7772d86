// What a run puts in its output folder, as the built binary does it: output.formats decides the
// files, an earlier run's files of other formats go (the user's own files stay), and a host
// group without `power` gets the catalog's default power model, so energy does not read 0.
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>
#include <catch2/catch.hpp>

#include "cli_run.hpp"

namespace fs = std::filesystem;
using vmcsim::test::read_text;
using vmcsim::test::run_vmcsim;
using vmcsim::test::ScratchDir;

namespace {

// tests/data/runner/small.yaml with `edit` applied: (old, new) text pairs.
fs::path small_with(const fs::path& dir, const std::vector<std::pair<std::string, std::string>>& edits) {
  std::string text = read_text(fs::path{VMCSIM_TEST_DATA} / "runner" / "small.yaml");
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  const fs::path file = dir / "small.yaml";
  std::ofstream{file} << text;
  return file;
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator{dir})
    names.insert(e.path().filename().string());
  return names;
}

std::string run_small(const fs::path& scenario, const fs::path& out, const ScratchDir& scratch,
                      const std::string& extra = "") {
  const auto r = run_vmcsim("run '" + scenario.string() + "' --replications 1 --jobs 1 --out '" +
                                out.string() + "' " + extra,
                            scratch.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("output.formats writes only the files it lists") {
  ScratchDir scratch{"formats-listed"};
  const fs::path scenario = small_with(
      scratch.path(), {{"output:\n", "output:\n  formats: [json, csv]\n"}});
  const fs::path out = scratch.path() / "out";
  const std::string printed = run_small(scenario, out, scratch);
  CHECK(names_in(out) == std::set<std::string>{"instances.csv", "results.json", "timeseries.csv",
                                               "timings.json"});
  CHECK(printed.empty());  // no `table`: nothing on stdout unless --format asks
  CHECK_FALSE(run_small(scenario, scratch.path() / "out2", scratch, "--format csv").empty());
}

TEST_CASE("without output.formats every result file is written and the table printed") {
  ScratchDir scratch{"formats-default"};
  const fs::path scenario = small_with(scratch.path(), {});
  const fs::path out = scratch.path() / "out";
  CHECK_FALSE(run_small(scenario, out, scratch).empty());
  CHECK(names_in(out) == std::set<std::string>{"instances.csv", "report.html", "results.json",
                                               "timeseries.csv", "timings.json", "trace.json"});
}

TEST_CASE("a run removes the earlier sweep's sweep.csv and files of formats it no longer writes but "
          "keeps the user's files") {
  ScratchDir scratch{"formats-stale"};
  const fs::path out = scratch.path() / "out";
  const auto sweep = run_vmcsim("sweep '" + (fs::path{VMCSIM_TEST_DATA} / "runner" / "small.yaml").string() +
                                    "' --replications 1 --quiet --out '" + out.string() + "'",
                                scratch.path());
  INFO(sweep.err);
  REQUIRE(sweep.exit_code == 0);
  REQUIRE(fs::exists(out / "sweep.csv"));
  std::ofstream{out / "my-notes.txt"} << "mine";
  const fs::path scenario =
      small_with(scratch.path(), {{"output:\n", "output:\n  formats: [table, json]\n"}});
  run_small(scenario, out, scratch, "--quiet");
  CHECK(names_in(out) == std::set<std::string>{"my-notes.txt", "results.json", "timings.json"});
}

TEST_CASE("a host group without power draws the catalog's default, recorded as an assumption") {
  ScratchDir scratch{"default-power"};
  const fs::path scenario =
      small_with(scratch.path(), {{"    power: {idle_watts: 100, peak_watts: 300}\n", ""}});
  const fs::path out = scratch.path() / "out";
  run_small(scenario, out, scratch, "--quiet");
  const auto results = nlohmann::json::parse(read_text(out / "results.json"));
  // 8 vCPUs and 32 GiB: 8 x 0.74 + 34.4 GB x 0.392 = 19 W idle, 8 x 3.5 + 13.5 = 41 W peak.
  bool assumed = false;
  for (const auto& a : results.at("resolved_scenario").at("assumptions"))
    if (a.dump().find("hosts[0].power") != std::string::npos) {
      assumed = true;
      CHECK_THAT(a.dump(), Catch::Contains("idle_watts: 19, peak_watts: 41") &&
                               Catch::Contains("Cloud Carbon Footprint"));
    }
  CHECK(assumed);
  for (const auto& v : results.at("variants")) {
    INFO(v.at("name"));
    CHECK(v.at("energy_kwh").at("mean").get<double>() > 0.0);
  }
}
