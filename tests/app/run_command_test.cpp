// `vmcsim run` and `vmcsim sweep` end to end: exit codes, the result files, golden outputs of the
// shipped scenarios, and determinism across worker counts and seeds.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "app/scenario/loader.hpp"
#include "cli_run.hpp"
#include "fixture_path.hpp"

namespace {

using vmcsim::test::read_text;

namespace fs = std::filesystem;

using vmcsim::test::small_scenario;
using vmcsim::test::source_dir;

using CommandRun = vmcsim::test::CliRun;
using vmcsim::test::run_vmcsim;
using vmcsim::test::ScratchDir;

// results.json without its wall-clock fields (run time, placement decision time): the rest is
// deterministic.
nlohmann::json results_json_of(const fs::path& folder) {
  return nlohmann::json::parse(read_text(folder / "results.json"));
}

struct DemandSample {
  std::string run;  // "variant/replication"
  double t = 0;     // seconds
  double arrivals = 0;
};

// timeseries.csv's demand column: arrivals per 1 s sample, by run and time.
std::vector<DemandSample> demand_samples(const fs::path& folder) {
  std::istringstream series{read_text(folder / "timeseries.csv")};
  std::string line;
  std::getline(series, line);
  REQUIRE(line.rfind("variant,replication,t_s,demand_rps,", 0) == 0);
  std::vector<DemandSample> out;
  while (std::getline(series, line)) {
    std::istringstream fields{line};
    std::string variant, replication, t, demand;
    std::getline(fields, variant, ',');
    std::getline(fields, replication, ',');
    std::getline(fields, t, ',');
    std::getline(fields, demand, ',');
    out.push_back({variant + "/" + replication, std::stod(t), std::stod(demand)});
  }
  return out;
}

// Arrivals per "variant/replication" over the whole run.
std::map<std::string, double> arrivals_per_run(const fs::path& folder) {
  std::map<std::string, double> arrivals;
  for (const auto& d : demand_samples(folder))
    arrivals[d.run] += d.arrivals;
  return arrivals;
}

}  // namespace

TEST_CASE("vmcsim run writes every result file and results.json has the documented keys") {
  ScratchDir dir{"keys"};
  const CommandRun r = run_vmcsim("run '" + small_scenario.string() + "' --jobs 2 --out '" +
                                      (dir.path() / "out").string() + "'",
                                  dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("runner-small · seed 5 · 2 replications") != std::string::npos);
  for (const char* file :
       {"results.json", "instances.csv", "timeseries.csv", "trace.json", "report.html"})
    CHECK(fs::file_size(dir.path() / "out" / file) > 0);
  const auto j = nlohmann::json::parse(read_text(dir.path() / "out" / "results.json"));
  for (const char* key : {"schema_version", "vmcsim_version", "scenario_name", "scenario_file",
                          "seed", "replications", "resolved_scenario", "variants", "differences"})
    CHECK(j.contains(key));
  CHECK(j["seed"] == 5);
  CHECK(j["replications"] == 2);
  CHECK(j["resolved_scenario"]["name"] == "runner-small");
  REQUIRE(j["variants"].size() == 2);
  CHECK(j["variants"][0]["name"] == "vm");
  CHECK(j["variants"][1]["name"] == "container");
  for (const auto& v : j["variants"]) {
    for (const char* key :
         {"startup_ms", "time_to_capacity_s", "request_latency_ms", "slo_violation_fraction",
          "memory_overhead_gib_hours", "cost_usd", "events", "instances_requested",
          "instances_ready", "instances_never_placed", "instances_never_started"})
      CHECK(v.contains(key));
    // Both variants really ran: instances started and requests were served.
    CHECK(v["startup_ms"]["mean"].get<double>() > 0);
    CHECK(v["request_latency_ms"]["p50"].get<double>() > 0);
    CHECK(v["events"].get<double>() > 1000);
  }
  // Common random numbers: replication r of both variants saw the same Poisson arrivals;
  // different replications saw different ones.
  const auto arrivals = arrivals_per_run(dir.path() / "out");
  REQUIRE(arrivals.size() == 4);
  CHECK(arrivals.at("vm/0") == arrivals.at("container/0"));
  CHECK(arrivals.at("vm/1") == arrivals.at("container/1"));
  CHECK(arrivals.at("vm/0") != arrivals.at("vm/1"));
  CHECK(arrivals.at("vm/0") > 40 * 180 * 0.9);  // 40/s for 3 min plus a 4x minute
  // A VM pays a guest OS; a runc container does not.
  CHECK(j["variants"][0]["memory_overhead_gib_hours"]["mean"].get<double>() >
        j["variants"][1]["memory_overhead_gib_hours"]["mean"].get<double>());
}

TEST_CASE("vmcsim run output is byte-identical whatever the number of worker threads") {
  ScratchDir dir{"jobs"};
  const std::string base = "run '" + small_scenario.string() + "' --quiet --out '";
  const CommandRun one = run_vmcsim(base + (dir.path() / "j1").string() + "' --jobs 1", dir.path());
  const CommandRun two = run_vmcsim(base + (dir.path() / "j2").string() + "' --jobs 2", dir.path());
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  CHECK(one.out.empty());
  // Byte for byte, as cmp compares them: no wall-clock figure is in results.json.
  CHECK(read_text(dir.path() / "j1" / "results.json") ==
        read_text(dir.path() / "j2" / "results.json"));
  // Every replication's values are in it too, each with its seed: still the same bytes.
  const auto j = results_json_of(dir.path() / "j2");
  for (const auto& v : j["variants"]) {
    REQUIRE(v["per_replication"].size() == 2);
    CHECK(v["per_replication"][0]["replication"] == 0);
    CHECK(v["per_replication"][1]["replication"] == 1);
    CHECK(v["per_replication"][1]["seed"] == 5);
  }
  // The wall-clock figures are apart, in timings.json.
  const auto timings = nlohmann::json::parse(read_text(dir.path() / "j1" / "timings.json"));
  REQUIRE(timings["variants"].size() == 2);
  CHECK(timings["variants"][0]["wall_seconds"].get<double>() > 0);
  CHECK(read_text(dir.path() / "j1" / "instances.csv") ==
        read_text(dir.path() / "j2" / "instances.csv"));
  CHECK(read_text(dir.path() / "j1" / "timeseries.csv") ==
        read_text(dir.path() / "j2" / "timeseries.csv"));
}

TEST_CASE("vmcsim run --format csv writes each key in the unit results.json has") {
  // The default scenario: its variants miss the latency SLO on a few % of their requests.
  ScratchDir dir{"csv-units"};
  const CommandRun r = run_vmcsim(
      "run scenarios/default.yaml --replications 1 --jobs 2 --format csv "
      "--out '" +
          (dir.path() / "out").string() + "'",
      dir.path());
  REQUIRE(r.exit_code == 0);
  const auto j = results_json_of(dir.path() / "out");
  std::istringstream lines{r.out};
  std::string line;
  int checked = 0;
  while (std::getline(lines, line)) {
    std::vector<std::string> f;
    std::istringstream fields{line};
    for (std::string x; std::getline(fields, x, ',');)
      f.push_back(x);
    if (f.size() != 5 || f[1] != "slo_violation_fraction") continue;
    for (const auto& v : j["variants"])
      if (v["name"] == f[0]) {
        // A fraction in both, not a percentage in one.
        const double fraction = v["slo_violation_fraction"]["mean"].get<double>();
        CHECK(fraction > 0.0);
        CHECK(fraction < 1.0);
        CHECK(std::stod(f[2]) == Approx(fraction));
        ++checked;
      }
  }
  CHECK(checked == 4);
}

TEST_CASE("vmcsim run with a different seed gives different results") {
  ScratchDir dir{"seed"};
  const std::string base = "run '" + small_scenario.string() + "' --quiet --jobs 2 --out '";
  REQUIRE(run_vmcsim(base + (dir.path() / "a").string() + "'", dir.path()).exit_code == 0);
  REQUIRE(run_vmcsim(base + (dir.path() / "b").string() + "' --seed 6", dir.path()).exit_code == 0);
  const auto a = results_json_of(dir.path() / "a");
  const auto b = results_json_of(dir.path() / "b");
  CHECK(b["seed"] == 6);
  CHECK(a["variants"].dump() != b["variants"].dump());
  CHECK(read_text(dir.path() / "a" / "instances.csv") !=
        read_text(dir.path() / "b" / "instances.csv"));
}

TEST_CASE("vmcsim run exits 2 with the location on a bad scenario") {
  ScratchDir dir{"bad"};
  vmcsim::test::TempFile bad{"bad-run.yaml", "name: x\nduration: 10 parsecs\n"};
  const CommandRun r =
      run_vmcsim("run '" + bad.path() + "' --out '" + dir.path().string() + "'", dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(bad.path() + ":") == 0);
  CHECK(r.err.find("error:") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("vmcsim run exits 2 naming the trace file when it is missing") {
  ScratchDir dir{"trace"};
  std::string text = read_text(small_scenario);
  const std::string poisson =
      "    kind: poisson\n    rate: 40\n    bursts:\n      - {at: 60s, "
      "duration: 60s, multiplier: 4}\n";
  const auto at = text.find(poisson);
  REQUIRE(at != std::string::npos);
  text.replace(at, poisson.size(),
               "    kind: trace\n    trace: {file: no-such-trace.txt, format: timestamps}\n");
  vmcsim::test::TempFile scenario{"missing-trace.yaml", text};
  const CommandRun r =
      run_vmcsim("run '" + scenario.path() + "' --out '" + dir.path().string() + "'", dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no-such-trace.txt") != std::string::npos);
}

TEST_CASE("vmcsim run replays a timestamps trace under common random numbers") {
  ScratchDir dir{"replay"};
  {
    std::ofstream trace{dir.path() / "arrivals.txt"};
    trace << "# seconds\n";
    for (int i = 0; i < 600; ++i)
      trace << i * 0.25 << '\n';
  }
  std::string text = read_text(small_scenario);
  const std::string poisson =
      "    kind: poisson\n    rate: 40\n    bursts:\n      - {at: 60s, "
      "duration: 60s, multiplier: 4}\n";
  text.replace(text.find(poisson), poisson.size(),
               "    kind: trace\n    trace: {file: " + (dir.path() / "arrivals.txt").string() +
                   ", format: timestamps}\n");
  vmcsim::test::TempFile scenario{"replay.yaml", text};
  const CommandRun r = run_vmcsim(
      "run '" + scenario.path() + "' --quiet --out '" + (dir.path() / "out").string() + "'",
      dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // Every variant and replication saw exactly the 600 replayed arrivals.
  const auto arrivals = arrivals_per_run(dir.path() / "out");
  REQUIRE(arrivals.size() == 4);
  for (const auto& [run, n] : arrivals) {
    INFO(run);
    CHECK(n == Approx(600));
  }
}

TEST_CASE("vmcsim run exits 2 on a usage error") {
  ScratchDir dir{"usage"};
  CHECK(run_vmcsim("run '" + small_scenario.string() + "' --format xml", dir.path()).exit_code ==
        2);
  CHECK(run_vmcsim("run", dir.path()).exit_code == 2);
  CHECK(
      run_vmcsim("run '" + small_scenario.string() + "' --replications 0", dir.path()).exit_code ==
      2);
}

TEST_CASE("vmcsim sweep runs every grid point and writes sweep.csv") {
  ScratchDir dir{"sweep"};
  const CommandRun r =
      run_vmcsim("sweep '" + small_scenario.string() + "' --replications 1 --jobs 2 --out '" +
                     (dir.path() / "out").string() + "'",
                 dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = results_json_of(dir.path() / "out");
  REQUIRE(j["sweep_points"].size() == 2);
  CHECK(j["sweep_points"][0]["parameters"][0]["value"] == "2");
  CHECK(j["sweep_points"][1]["parameters"][0]["value"] == "3");
  CHECK(j["sweep_points"][1]["variants"].size() == 2);
  const std::string csv = read_text(dir.path() / "out" / "sweep.csv");
  CHECK(csv.rfind("services.web.replicas,variant,", 0) == 0);
  CHECK(csv.find(",startup_ms,startup_ms_half_width,startup_ms_n,") != std::string::npos);
  CHECK(csv.find("\n3,container,") != std::string::npos);
}

TEST_CASE("every shipped scenario prints its golden comparison") {
  // Regenerate with scripts/update-golden after an intended change.
  for (const char* name : {"default", "boot-storm", "density", "ecs-eks-fargate",
                           "scale-out-0-to-3500", "multi-tenant", "zone-outage",
                           "serverless-azure", "zone-outage-crashes"}) {
    DYNAMIC_SECTION(name) {
      ScratchDir dir{std::string{"golden-"} + name};
      const CommandRun r = run_vmcsim(std::string{"run scenarios/"} + name +
                                          ".yaml --replications 1 --jobs 2 --format table --out '" +
                                          dir.path().string() + "'",
                                      dir.path());
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      const fs::path golden =
          source_dir / "tests" / "app" / "golden" / (std::string{name} + ".txt");
      INFO("golden file " << golden << " (scripts/update-golden regenerates it)");
      REQUIRE(fs::exists(golden));
      CHECK(r.out == read_text(golden));
    }
  }
}

TEST_CASE(
    "vmcsim run --format json prints results.json without wall_seconds, csv one line per "
    "variant and summary row") {
  ScratchDir dir{"formats"};
  const std::string base = "run '" + small_scenario.string() + "' --replications 1 --out '" +
                           (dir.path() / "out").string() + "' --format ";
  const CommandRun json = run_vmcsim(base + "json", dir.path());
  REQUIRE(json.exit_code == 0);
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j.dump() == results_json_of(dir.path() / "out").dump());
  CHECK_FALSE(j["variants"][0].contains("wall_seconds"));
  const CommandRun csv = run_vmcsim(base + "csv", dir.path());
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("variant,metric,mean,half_width,n\nvm,instances_requested,", 0) == 0);
  CHECK(csv.out.find("\nvm,startup_ms,") != std::string::npos);
  CHECK(csv.out.find("\ncontainer,cost_usd,") != std::string::npos);
}

TEST_CASE("a variant's overrides change its catalog profile, and a bad one exits 2 at its line") {
  ScratchDir dir{"overrides"};
  const std::string text = read_text(small_scenario);
  const std::string profile = "    profile: kvm-ubuntu\n";
  const auto at = text.find(profile);
  REQUIRE(at != std::string::npos);
  std::string good = text;
  good.insert(at + profile.size(),
              "    overrides:\n      boot:\n        kernel: {dist: constant, value: 80ms}\n");
  vmcsim::test::TempFile good_file{"overrides-good.yaml", good};
  const CommandRun ok =
      run_vmcsim("run '" + good_file.path() + "' --replications 1 --quiet --out '" +
                     (dir.path() / "good").string() + "'",
                 dir.path());
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  const auto j = results_json_of(dir.path() / "good");
  CHECK(j["variants"][0]["startup_phases_ms"]["kernel"]["mean"].get<double>() == Approx(80.0));
  CHECK(j["variants"][0]["startup_phases_ms"]["kernel"]["p95"].get<double>() == Approx(80.0));

  std::string bad = text;
  bad.insert(at + profile.size(), "    overrides:\n      boot:\n        kernal: 1s\n");
  vmcsim::test::TempFile bad_file{"overrides-bad.yaml", bad};
  const CommandRun r = run_vmcsim(
      "run '" + bad_file.path() + "' --out '" + (dir.path() / "bad").string() + "'", dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(bad_file.path() + ":57:") == 0);  // the line of boot.kernal
  CHECK(r.err.find("unknown boot phase 'kernal'") != std::string::npos);
}

TEST_CASE("a burst multiplies a diurnal workload's rate while it lasts") {
  ScratchDir dir{"diurnal"};
  std::string text = read_text(small_scenario);
  const std::string poisson = "    kind: poisson\n    rate: 40\n";
  const auto at = text.find(poisson);
  REQUIRE(at != std::string::npos);
  // Period 1 min: each minute of the run holds one whole period of the sinusoid.
  text.replace(at, poisson.size(),
               "    kind: diurnal\n    rate: 40\n    amplitude: 0.5\n    period: 1m\n"
               "    peak_at: 15s\n");
  vmcsim::test::TempFile scenario{"diurnal.yaml", text};
  const CommandRun r = run_vmcsim("run '" + scenario.path() + "' --replications 1 --quiet --out '" +
                                      (dir.path() / "out").string() + "'",
                                  dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // Arrivals per whole period (60 s): 40/s on average, 4x during the burst minute [60 s, 120 s).
  double minute[3] = {0, 0, 0};
  for (const auto& d : demand_samples(dir.path() / "out"))
    if (d.run == "vm/0" && d.t > 0 && d.t <= 180)
      minute[static_cast<int>((d.t - 1) / 60)] += d.arrivals;
  CHECK(minute[0] == Approx(2400).margin(300));
  CHECK(minute[1] == Approx(9600).margin(700));
  CHECK(minute[2] == Approx(2400).margin(300));
}

TEST_CASE("vmcsim run replays a pod_trace scenario as a placement benchmark, one row per policy") {
  ScratchDir dir{"placement"};
  // The shipped scenario on the first 300 pods (the whole trace takes most of a minute).
  std::string text = read_text(source_dir / "scenarios" / "scheduler-benchmark-alibaba.yaml");
  const std::string anchor = "    patience: 1h\n";
  REQUIRE(text.find(anchor) != std::string::npos);
  text.replace(text.find(anchor), anchor.size(), anchor + "    max_pods: 300\n");
  std::ofstream{dir.path() / "bench.yaml"} << text;
  const CommandRun r = run_vmcsim("run '" + (dir.path() / "bench.yaml").string() + "' --out '" +
                                      (dir.path() / "out").string() + "' --replications 2 --jobs 2",
                                  dir.path());
  REQUIRE(r.exit_code == 0);
  const auto s = vmcsim::app::scenario::load_scenario(
      (source_dir / "scenarios" / "scheduler-benchmark-alibaba.yaml").string());
  for (const auto& v : s.variants)
    CHECK_THAT(r.out, Catch::Contains("\n" + v.name + " "));
  CHECK(read_text(dir.path() / "out" / "placement.txt") == r.out);
  // The same result files as any run, placement section included.
  for (const char* file : {"results.json", "timings.json", "instances.csv", "timeseries.csv",
                           "trace.json", "report.html"})
    CHECK(fs::exists(dir.path() / "out" / file));
  const auto j = results_json_of(dir.path() / "out");
  CHECK(j["replications"] == 2);
  REQUIRE(j["variants"].size() == s.variants.size());
  for (const auto& v : j["variants"]) {
    CHECK(v["instances_requested"]["mean"] == 300.0);
    CHECK(v["instances_requested"]["n"] == 2);
    CHECK(v.contains("pending_time_ms"));
    CHECK(v.contains("placement_decisions"));
  }
  // --format csv: one line per summary row and variant, in the keys' own units.
  const CommandRun csv = run_vmcsim("run '" + (dir.path() / "bench.yaml").string() + "' --out '" +
                                        (dir.path() / "csv").string() + "' --format csv --jobs 2",
                                    dir.path());
  REQUIRE(csv.exit_code == 0);
  CHECK_THAT(csv.out, Catch::Contains("variant,metric,mean,half_width,n\n"));
  CHECK_THAT(csv.out, Catch::Contains(",instances_requested,300,0,1\n"));
}

// instances.csv's service instances (node VMs left out) that became ready: variant, requested
// and ready times in seconds.
struct ReadyInstance {
  std::string variant;
  double requested_s = 0;
  double ready_s = 0;
};

std::vector<ReadyInstance> ready_instances(const fs::path& folder) {
  std::istringstream csv{read_text(folder / "instances.csv")};
  std::string line;
  std::getline(csv, line);
  REQUIRE(line.rfind("variant,replication,service,platform,profile,host,node,requested_s,ready_s,",
                     0) == 0);
  std::vector<ReadyInstance> out;
  while (std::getline(csv, line)) {
    std::istringstream fields{line};
    std::vector<std::string> f;
    for (std::string x; f.size() < 9 && std::getline(fields, x, ',');)
      f.push_back(x);
    REQUIRE(f.size() == 9);
    if (f[2] == "node" || f[8].empty()) continue;
    out.push_back({f[0], std::stod(f[7]), std::stod(f[8])});
  }
  return out;
}

TEST_CASE("vmcsim run leaves instances requested during the warm-up out of the startup samples") {
  // The same small scenario without a warm-up and with 45 s of it: the simulation is the same,
  // so the warm-up run's startup samples are, instance by instance, the other run's instances
  // requested at or after 45 s.
  ScratchDir dir{"warmup"};
  std::string text = read_text(small_scenario);
  const auto at = text.find("warmup: 0s");
  REQUIRE(at != std::string::npos);
  text.replace(at, 10, "warmup: 45s");
  const fs::path with_warmup = dir.path() / "small-warmup.yaml";
  std::ofstream{with_warmup} << text;
  const auto run = [&](const fs::path& scenario, const std::string& out) {
    return run_vmcsim("run '" + scenario.string() + "' --replications 1 --jobs 1 --out '" +
                          (dir.path() / out).string() + "'",
                      dir.path());
  };
  const CommandRun plain = run(small_scenario, "plain");
  const CommandRun warm = run(with_warmup, "warm");
  REQUIRE(plain.exit_code == 0);
  REQUIRE(warm.exit_code == 0);
  CHECK(warm.err.find("warning") == std::string::npos);
  CHECK_THAT(warm.out,
             Catch::Contains("runner-small · seed 5 · 1 replication · warm-up 45s left out"));
  const auto plain_json = nlohmann::json::parse(read_text(dir.path() / "plain" / "results.json"));
  const auto warm_json = nlohmann::json::parse(read_text(dir.path() / "warm" / "results.json"));
  CHECK(plain_json["warmup_s"] == 0.0);
  CHECK(warm_json["warmup_s"] == 45.0);
  const auto instances = ready_instances(dir.path() / "plain");
  for (std::size_t v = 0; v < 2; ++v) {
    const std::string name = warm_json["variants"][v]["name"];
    DYNAMIC_SECTION(name) {
      std::vector<double> expected, all;
      for (const auto& i : instances) {
        if (i.variant != name) continue;
        const double ms = (i.ready_s - i.requested_s) * 1000.0;
        all.push_back(ms);
        if (i.requested_s >= 45.0) expected.push_back(ms);
      }
      auto kept = warm_json["variants"][v]["startup_samples_ms"].get<std::vector<double>>();
      auto plain_samples =
          plain_json["variants"][v]["startup_samples_ms"].get<std::vector<double>>();
      std::sort(expected.begin(), expected.end());
      std::sort(all.begin(), all.end());
      std::sort(kept.begin(), kept.end());
      std::sort(plain_samples.begin(), plain_samples.end());
      // The two initial replicas (requested at 0) are gone; the burst's scale-up is kept.
      REQUIRE(all.size() == plain_samples.size());
      REQUIRE(expected.size() + 2 <= all.size());
      REQUIRE_FALSE(expected.empty());
      REQUIRE(kept.size() == expected.size());
      for (std::size_t k = 0; k < kept.size(); ++k)
        CHECK(kept[k] == Approx(expected[k]).epsilon(1e-9));
    }
  }
  // The same simulation: the timeseries (which cover the warm-up) agree sample by sample.
  CHECK(read_text(dir.path() / "plain" / "timeseries.csv") ==
        read_text(dir.path() / "warm" / "timeseries.csv"));
}

TEST_CASE("vmcsim validate and run exit 2 at the line when a model would refuse the variant") {
  // Scenarios whose variant the models cannot build or run: the loader's check_world rejects
  // them, so validate fails as run does; each file's first line is the expected message.
  const fs::path folder = fs::path{VMCSIM_TEST_DATA} / "bad-run";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator{folder})
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 2);
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      ScratchDir dir{"bad-run"};
      std::ifstream in{file};
      std::string first;
      std::getline(in, first);
      REQUIRE(first.rfind("# expect: ", 0) == 0);
      const CommandRun r =
          run_vmcsim("run '" + file.string() + "' --replications 1 --jobs 1 --out '" +
                         (dir.path() / "out").string() + "'",
                     dir.path());
      CHECK(r.exit_code == 2);
      CHECK(r.err == folder.string() + "/" + first.substr(10) + "\n");
      const CommandRun v = run_vmcsim("validate '" + file.string() + "'", dir.path());
      CHECK(v.exit_code == 2);
      CHECK(v.err == folder.string() + "/" + first.substr(10) + "\n");
    }
  }
}

TEST_CASE("results.json per_replication holds the values behind each variant's estimates") {
  ScratchDir dir{"per-replication"};
  const CommandRun r = run_vmcsim("run '" + small_scenario.string() + "' --quiet --jobs 2 --out '" +
                                      (dir.path() / "out").string() + "'",
                                  dir.path());
  REQUIRE(r.exit_code == 0);
  const auto j = results_json_of(dir.path() / "out");
  for (const auto& v : j["variants"]) {
    INFO(v["name"]);
    const auto& reps = v["per_replication"];
    REQUIRE(reps.size() == 2);
    // cost_usd is an Estimate over these values; startup_ms's ci95 over the replication means.
    double cost = 0, startup = 0;
    for (const auto& rep : reps) {
      CHECK(rep["seed"] == j["seed"]);
      cost += rep["values"]["cost_usd"].get<double>() / 2;
      startup += rep["values"]["startup_ms"].get<double>() / 2;
    }
    CHECK(cost == Approx(v["cost_usd"]["mean"].get<double>()));
    CHECK(startup == Approx(v["startup_ms"]["ci95"]["mean"].get<double>()));
    // Each replication's own value, not the mean repeated.
    CHECK(reps[0]["values"]["startup_ms"] != reps[1]["values"]["startup_ms"]);
  }
}
