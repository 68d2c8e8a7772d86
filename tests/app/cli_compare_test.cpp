// `vmcsim compare A/ B/`: two result folders of one scenario, before and after a change of
// placement policy, compared paired (same seeds) or unpaired (Welch), and its refusals.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "fixture_path.hpp"

namespace {

namespace fs = std::filesystem;
using vmcsim::test::run_vmcsim;
using vmcsim::test::ScratchDir;
using json = nlohmann::json;

// runner-small with one variant whose placement policy is `policy`.
std::string scenario_with_policy(const std::string& policy) {
  std::string text = vmcsim::test::read_text(fs::path{VMCSIM_TEST_DATA} / "runner" / "small.yaml");
  const std::string variants = text.substr(text.find("variants:"));
  const std::string rest = variants.substr(variants.find("\nsweep:"));
  text = text.substr(0, text.find("variants:")) +
         "variants:\n  - name: container\n    platform: container\n    profile: runc\n"
         "    placement: " +
         policy + "\n" + rest;
  // No sweep here, and the baseline is the one variant.
  return text.substr(0, text.find("\nsweep:")) +
         "\noutput:\n  directory: results/compare\n  baseline: container\n";
}

// Runs the policy's scenario into dir/name with extra options; the folder.
fs::path run_into(const ScratchDir& dir, const std::string& name, const std::string& policy,
                  const std::string& options = "") {
  vmcsim::test::TempFile file{"compare-" + name + ".yaml", scenario_with_policy(policy)};
  const fs::path out = dir.path() / name;
  const auto r = run_vmcsim("run '" + file.path() + "' --quiet --jobs 2 --out '" + out.string() +
                                "' " + options,
                            dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return out;
}

json read_json(const fs::path& file) {
  return json::parse(vmcsim::test::read_text(file));
}

// Per-replication values of `key` of the one variant.
std::vector<double> values_of(const fs::path& folder, const std::string& key) {
  std::vector<double> out;
  const json results = read_json(folder / "results.json");
  for (const auto& r : results["variants"][0]["per_replication"])
    out.push_back(r["values"][key].get<double>());
  return out;
}

const json& difference_of(const json& compared, const std::string& metric) {
  for (const auto& d : compared["differences"])
    if (d["metric"] == metric) return d;
  FAIL("no difference for " << metric);
  throw;
}

}  // namespace

TEST_CASE("vmcsim compare pairs the replications of two runs with the same seed") {
  ScratchDir dir{"compare-paired"};
  const fs::path before = run_into(dir, "before", "best_fit", "--replications 3");
  const fs::path after = run_into(dir, "after", "worst_fit", "--replications 3");
  const auto table = run_vmcsim("compare '" + before.string() + "' '" + after.string() + "'",
                                dir.path());
  INFO(table.err);
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("compare before/ (runner-small · seed 5 · 3 replications) → after/") == 0);
  CHECK(table.out.find("before/container") != std::string::npos);
  CHECK(table.out.find("after/container") != std::string::npos);
  CHECK(table.out.find("startup, mean") != std::string::npos);
  CHECK(table.out.find("What differs:") != std::string::npos);
  CHECK(table.out.find("than before/container (paired over 3 replications") != std::string::npos);
  CHECK(table.out.find("Welch") == std::string::npos);

  const auto j = run_vmcsim(
      "compare '" + before.string() + "' '" + after.string() + "' --format json", dir.path());
  REQUIRE(j.exit_code == 0);
  const json compared = json::parse(j.out);
  // The paired difference is the mean of after - before, replication by replication.
  const auto a = values_of(before, "hosts_used_peak");
  const auto b = values_of(after, "hosts_used_peak");
  const json& hosts = difference_of(compared, "hosts_used_peak");
  CHECK(hosts["method"] == "paired");
  CHECK(hosts["n_a"] == 3);
  CHECK(hosts["mean"].get<double>() == Approx((b[0] - a[0] + b[1] - a[1] + b[2] - a[2]) / 3));
  // Same arrivals in both (common random numbers): the requests completed are the same, so the
  // request count metric differs by nothing while placement-driven ones may not.
  CHECK(values_of(before, "instances_requested").size() == 3);

  const auto csv = run_vmcsim(
      "compare '" + before.string() + "' '" + after.string() + "' --format csv", dir.path());
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("variant,metric,method,mean,half_width,n_a,n_b\n", 0) == 0);
  CHECK(csv.out.find("\ncontainer,hosts_used_peak,paired,") != std::string::npos);
}

TEST_CASE("vmcsim compare falls back to Welch's unpaired interval when the seeds differ") {
  ScratchDir dir{"compare-welch"};
  const fs::path before = run_into(dir, "before", "best_fit", "--replications 3");
  const fs::path after = run_into(dir, "after", "best_fit", "--replications 2 --seed 6");
  const auto j = run_vmcsim(
      "compare '" + before.string() + "' '" + after.string() + "' --format json", dir.path());
  INFO(j.err);
  REQUIRE(j.exit_code == 0);
  const json compared = json::parse(j.out);
  // The mean startup varies from replication to replication (cost does not here).
  const json& startup = difference_of(compared, "startup_ms");
  CHECK(startup["method"] == "welch");
  CHECK(startup["n_a"] == 3);
  CHECK(startup["n_b"] == 2);
  const auto a = values_of(before, "startup_ms");
  const auto b = values_of(after, "startup_ms");
  CHECK(startup["mean"].get<double>() == Approx((b[0] + b[1]) / 2 - (a[0] + a[1] + a[2]) / 3));
  CHECK(startup["half_width"].get<double>() > 0);
  const auto table = run_vmcsim("compare '" + before.string() + "' '" + after.string() + "'",
                                dir.path());
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("(unpaired: Welch over 2 replications and 3 replications") !=
        std::string::npos);
}

TEST_CASE("vmcsim compare exits 2 naming a missing folder or one without results.json") {
  ScratchDir dir{"compare-missing"};
  fs::create_directories(dir.path() / "empty");
  const auto missing = run_vmcsim("compare '" + (dir.path() / "nowhere").string() + "' '" +
                                      (dir.path() / "empty").string() + "'",
                                  dir.path());
  INFO(missing.err);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find((dir.path() / "nowhere").string() + ": error: no such folder") == 0);
  CHECK(missing.out.empty());
  const auto empty = run_vmcsim("compare '" + (dir.path() / "empty").string() + "' '" +
                                    (dir.path() / "empty").string() + "'",
                                dir.path());
  CHECK(empty.exit_code == 2);
  CHECK(empty.err.find("results.json: error: no results.json in this folder") !=
        std::string::npos);
}

TEST_CASE("vmcsim compare exits 2 on results of different schema versions") {
  ScratchDir dir{"compare-schema"};
  const fs::path before = run_into(dir, "before", "best_fit", "--replications 2");
  fs::create_directories(dir.path() / "future");
  json j = read_json(before / "results.json");
  j["schema_version"] = 2;
  std::ofstream(dir.path() / "future" / "results.json") << j.dump();
  const auto r = run_vmcsim("compare '" + before.string() + "' '" +
                                (dir.path() / "future").string() + "'",
                            dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("future/results.json: error: schema_version 2 differs from") !=
        std::string::npos);
}

TEST_CASE("vmcsim compare names same-named folders by their paths and lists unshared variants") {
  ScratchDir dir{"compare-labels"};
  const fs::path one = run_into(dir, "one", "best_fit", "--replications 2");
  // runner-small itself: variants vm and container.
  const fs::path two = dir.path() / "two" / "one";
  const auto r = run_vmcsim("run '" + (fs::path{VMCSIM_TEST_DATA} / "runner" / "small.yaml").string() +
                                "' --quiet --replications 2 --jobs 2 --out '" + two.string() + "'",
                            dir.path());
  REQUIRE(r.exit_code == 0);
  const auto c = run_vmcsim("compare '" + one.string() + "/' '" + two.string() + "'", dir.path());
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  // Both folders are called "one": the columns carry the paths, without a trailing '/'.
  CHECK(c.out.find(one.string() + "/container") != std::string::npos);
  CHECK(c.out.find(two.string() + "/container") != std::string::npos);
  CHECK(c.out.find("only in " + two.string() + "/: vm\n") != std::string::npos);
  const auto j = run_vmcsim(
      "compare '" + one.string() + "' '" + two.string() + "' --format json", dir.path());
  REQUIRE(j.exit_code == 0);
  const json compared = json::parse(j.out);
  CHECK(compared["only_in_b"] == json::array({"vm"}));
  CHECK(compared["only_in_a"].empty());
  for (const auto& d : compared["differences"])
    CHECK(d["variant"] == "container");
}
