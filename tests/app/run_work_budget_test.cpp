// `vmcsim run` checks the work estimate before the first event, as `validate` does: a scenario
// over the budget is refused (exit 2, the estimate and the key that drives it), --allow-large
// overrides, and --replications on the command line counts. The campaign's runaway cases
// (max_pods: 10000001, a 10x burst on a saturated service) are bounded or refused.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "app/scenario/loader.hpp"
#include "cli_run.hpp"
#include "fixture_path.hpp"

namespace {

namespace fs = std::filesystem;
using vmcsim::test::read_text;
using vmcsim::test::run_vmcsim;
using vmcsim::test::ScratchDir;
namespace sc = vmcsim::app::scenario;

// Over the replica budget (an HPA may run up to 2,000,000 replicas), yet cheap to simulate: no
// traffic, so the autoscaler never scales past its one replica.
constexpr const char* kLargeButCheap = R"(name: large-but-cheap
duration: 1m
hosts: [{name: h, count: 1, cpu: "8", memory: 32GiB}]
registry: {bandwidth: 1Gbps, latency: 20ms}
images: {web: {size: 10MiB, layers: 1}}
services:
  - name: web
    image: web
    cpu: 100m
    memory: 64MiB
    replicas: 1
    autoscaling: {kind: hpa, min_replicas: 1, max_replicas: 2000000, target_cpu_utilization: 0.6}
variants:
  - {name: container, platform: container, profile: runc}
)";

// Two replicas that serve 20 requests per second at most, offered `rate` per second with a 10x
// burst over most of the run.
std::string saturated_burst(const std::string& rate) {
  return "name: saturated-burst\nduration: 10m\nwarmup: 0s\n"
         "hosts: [{name: h, count: 2, cpu: \"8\", memory: 32GiB}]\n"
         "registry: {bandwidth: 1Gbps, latency: 20ms}\nimages: {web: {size: 60MiB, layers: 2}}\n"
         "services:\n  - name: web\n    image: web\n    cpu: 500m\n    memory: 512MiB\n"
         "    replicas: 2\n    work: {cpu_time: {dist: constant, value: 100ms}}\n"
         "workloads:\n  - service: web\n    kind: poisson\n    rate: " +
         rate +
         "\n    bursts: [{at: 1m, duration: 8m, multiplier: 10}]\n"
         "variants: [{name: container, platform: container, profile: runc}]\n";
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream{dir / name} << text;
  return dir / name;
}

}  // namespace

TEST_CASE("vmcsim run refuses a scenario over the work budget before simulating") {
  ScratchDir dir{"budget-refuse"};
  const fs::path scenario = write(dir.path(), "large.yaml", kLargeButCheap);
  const fs::path out = dir.path() / "out";
  const auto r = run_vmcsim("run '" + scenario.string() + "' --out '" + out.string() + "'",
                            dir.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(scenario.string() + ":12:61: error: "
                                                        "services[0].autoscaling.max_replicas: "
                                                        "the scenario starts up to 2e+06 "
                                                        "replicas"));
  CHECK_THAT(r.err, Catch::Contains("refused before the first event (pass --allow-large"));
  // Nothing ran: the output folder was never made.
  CHECK_FALSE(fs::exists(out));
  // validate says the same.
  const auto v = run_vmcsim("validate '" + scenario.string() + "'", dir.path());
  CHECK(v.exit_code == 2);
  CHECK_THAT(v.err, Catch::Contains("services[0].autoscaling.max_replicas"));
}

TEST_CASE("vmcsim run --allow-large runs a scenario over the work budget") {
  ScratchDir dir{"budget-allow"};
  const fs::path scenario = write(dir.path(), "large.yaml", kLargeButCheap);
  const fs::path out = dir.path() / "out";
  const auto r = run_vmcsim(
      "run '" + scenario.string() + "' --allow-large --quiet --out '" + out.string() + "'",
      dir.path());
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(fs::exists(out / "results.json"));
  CHECK(run_vmcsim("validate '" + scenario.string() + "' --allow-large", dir.path()).exit_code ==
        0);
}

TEST_CASE("replications given on the command line count in the work estimate") {
  ScratchDir dir{"budget-replications"};
  const fs::path scenario = fs::path{VMCSIM_TEST_DATA} / "runner" / "small.yaml";
  const fs::path out = dir.path() / "out";
  // Within the option's cap (100000), but 400,000 runs of 2 variants x 2 sweep points.
  const auto r = run_vmcsim("run '" + scenario.string() + "' --replications 100000 --out '" +
                                out.string() + "'",
                            dir.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("error: --replications 100000: the scenario needs about"));
  CHECK_THAT(r.err, Catch::Contains("refused before the first event"));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("a pod trace's max_pods far beyond the file is bounded by the file, not a runaway") {
  const auto catalog = vmcsim::models::Catalog::load_default();
  const fs::path shipped =
      fs::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "scenarios" / "scheduler-benchmark-alibaba.yaml";
  std::string text = read_text(shipped);
  const auto whole = sc::estimate_work(sc::load_scenario_text(text, shipped, catalog));
  const std::string anchor = "    patience: 1h\n";
  REQUIRE(text.find(anchor) != std::string::npos);
  text.replace(text.find(anchor), anchor.size(), anchor + "    max_pods: 10000001\n");
  // Loads (the estimate is within budget) and asks no more work than the whole trace.
  const auto capped = sc::estimate_work(sc::load_scenario_text(text, shipped, catalog));
  CHECK(capped.instances == whole.instances);
  CHECK(capped.events == whole.events);
  CHECK(capped.instances < sc::WorkBudget{}.max_instances);
}

TEST_CASE("a 10x burst on a saturated service stays within its work estimate") {
  ScratchDir dir{"saturated"};
  const fs::path scenario = write(dir.path(), "saturated.yaml", saturated_burst("200"));
  const auto r = run_vmcsim("run '" + scenario.string() + "' --replications 1 --quiet --out '" +
                                (dir.path() / "out").string() + "'",
                            dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_text(dir.path() / "out" / "results.json"));
  const double events = j["variants"][0]["events"].get<double>();
  const auto estimate = sc::estimate_work(sc::load_scenario(scenario));
  // The service serves 20 requests per second of the 2,000 offered; the queue grows, and the
  // events stay within what the estimate allowed for.
  CHECK(j["variants"][0]["request_latency_ms"]["p50"].get<double>() > 60'000);
  CHECK(events > 0);
  CHECK(events <= estimate.events);
}

TEST_CASE("a 10x burst that would take a runaway run is refused at the burst's multiplier") {
  // 200,000 requests per second, ten times that for 8 minutes: about 4e9 events.
  const auto e = vmcsim::test::input_error_of(
      [] { sc::load_scenario_text(saturated_burst("200000"), "burst.yaml"); });
  CHECK_THAT(e, Catch::StartsWith("burst.yaml:18:49: error: workloads[0].bursts[0].multiplier: "
                                  "the scenario needs about"));
  CHECK_THAT(e, Catch::Contains("a 10x burst for 8m"));
  CHECK_THAT(e, Catch::Contains("refused before the first event"));
}
