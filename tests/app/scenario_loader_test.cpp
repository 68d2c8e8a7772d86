#include "app/scenario/data_dir.hpp"
#include "app/scenario/loader.hpp"
#include "compiled_paths.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "app/diagnostic.hpp"
#include "app/scenario/yaml_field.hpp"
#include "fixture_path.hpp"

namespace fs = std::filesystem;
using namespace vmcsim::app::scenario;
using vmcsim::app::InputError;
using vmcsim::sim::Bytes;
using vmcsim::sim::DataRate;
using vmcsim::sim::Millicores;
using vmcsim::sim::Time;
using vmcsim::test::Run;
using vmcsim::test::run_cli;

namespace {

using vmcsim::test::source_dir;
using vmcsim::test::test_data;

// The shared fixtures: VMCSIM_DATA as CTest sets it, else the build's default. Missing
// fixtures fail the test that needs them.
fs::path fixtures() {
  const char* env = std::getenv("VMCSIM_DATA");
  if (env == nullptr) ::setenv("VMCSIM_DATA", VMCSIM_DEFAULT_DATA, 1);
  const fs::path dir = std::getenv("VMCSIM_DATA");
  INFO("shared fixtures folder (VMCSIM_DATA): " << dir);
  REQUIRE(fs::is_directory(dir));
  return dir;
}

std::string first_line(const fs::path& file) {
  std::ifstream in{file};
  std::string line;
  std::getline(in, line);
  return line;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

std::vector<fs::path> bad_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator{test_data / "bad"})
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// What load + sweep expansion (what `vmcsim validate` does) reports for `file`; "" if valid.
std::string load_error(const fs::path& file) {
  try {
    expand_sweep(load_scenario(file));
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("every bad scenario fails with the message its first line expects") {
  const auto files = bad_files();
  REQUIRE(files.size() >= 30);
  const std::string dir = (test_data / "bad").string();
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      const std::string line = first_line(file);
      REQUIRE(line.rfind("# expect: ", 0) == 0);
      const std::string expected = dir + "/" + replace_all(line.substr(10), "{dir}", dir);
      CHECK(load_error(file) == expected);
    }
  }
}

TEST_CASE("vmcsim validate exits 2 and prints the expected message for every bad scenario") {
  const std::string dir = (test_data / "bad").string();
  for (const auto& file : bad_files()) {
    DYNAMIC_SECTION(file.filename().string()) {
      const std::string expected =
          dir + "/" + replace_all(first_line(file).substr(10), "{dir}", dir);
      const Run run = run_cli("validate '" + file.string() + "'");
      CHECK(run.exit_code == 2);
      CHECK(run.output == expected + "\n");
    }
  }
}

TEST_CASE("vmcsim validate exits 2 for a missing file and for a missing argument") {
  CHECK(run_cli("validate /nonexistent/scenario.yaml").exit_code == 2);
  CHECK(run_cli("validate").exit_code == 2);
}

TEST_CASE("vmcsim validate summarizes a valid scenario and exits 0") {
  const Run run = run_cli("validate '" + (source_dir / "scenarios/default.yaml").string() + "'");
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.output, Catch::Contains("Scenario 'web-io-burst' is valid: 4 variants"));
  CHECK_THAT(run.output, Catch::Contains("microvm (microvm firecracker)"));
  CHECK_THAT(run.output, Catch::Contains("12 hosts in 1 group"));
  CHECK_THAT(run.output, Catch::Contains("30m simulated (warmup 5m), 3 replications, seed 42"));
  CHECK_THAT(run.output, Catch::Contains("Work estimate: about "));
  CHECK_THAT(run.output, Catch::Contains(" events over 12 runs"));
}

TEST_CASE("the minimal scenario loads with the documented defaults") {
  const Scenario s = load_scenario(test_data / "good/minimal.yaml");
  CHECK(s.name == "minimal");
  CHECK(s.seed == 1);
  CHECK(s.replications == 1);
  CHECK(s.duration == Time::from_s(1800));
  CHECK(s.warmup == Time::zero());
  REQUIRE(s.hosts.size() == 1);
  CHECK(s.hosts[0].count == 1);
  CHECK(s.hosts[0].cpu == Millicores::cores(4));
  CHECK(s.hosts[0].memory == Bytes::gib(8));
  REQUIRE(s.services.size() == 1);
  const Service& app = s.services[0];
  CHECK(app.cpu_request == Millicores{250});
  CHECK(app.cpu_limit == app.cpu_request);
  CHECK(app.memory_request == Bytes::mib(128));  // Kubernetes "128Mi"
  CHECK(app.memory_limit == app.memory_request);
  CHECK(app.replicas == 1);
  CHECK(app.autoscaling.kind == AutoscalerKind::none);
  REQUIRE(s.images.size() == 1);
  CHECK(s.images[0].layers.size() == 1);
  CHECK(s.images[0].total_size() == Bytes::mib(50));
  CHECK(s.output.formats ==
        std::vector<std::string>{"table", "json", "csv", "trace", "html"});
  CHECK(s.sweep.empty());
  CHECK_FALSE(s.topology.has_value());
}

TEST_CASE("the full scenario puts every value where the format says") {
  const fs::path data = fixtures();
  const Scenario s = load_scenario(test_data / "good/full.yaml");
  CHECK(s.seed == 7);
  CHECK(s.replications == 3);
  CHECK(s.warmup == Time::from_s(600));
  REQUIRE(s.hosts.size() == 2);
  const HostGroup& general = s.hosts[0];
  CHECK(general.instance_type == "m5.xlarge");
  CHECK(general.cpu == Millicores::cores(4));  // from the instance type
  CHECK(general.memory == Bytes::gib(16));
  CHECK(general.disk_bandwidth == DataRate::parse("200MB/s"));
  CHECK(general.disk_iops == 3000);
  CHECK(general.network_bandwidth == DataRate::gbps(10));
  CHECK(general.zone == "a");
  REQUIRE(general.power.has_value());
  CHECK(general.power->peak_watts == 300);
  CHECK(general.price_per_hour == Approx(0.192));
  CHECK(s.hosts[1].cpu == Millicores::cores(32));  // explicit values beat the instance type
  CHECK(s.host_count() == 6);
  REQUIRE(s.topology.has_value());
  REQUIRE(s.topology->links.size() == 1);
  CHECK(s.topology->links[0].link.latency == Time::from_us(100));
  CHECK(s.registry.bandwidth == DataRate::gbps(2));

  // The two written, then the imported services' images, known by name only (assumed).
  REQUIRE(s.images.size() == 4);
  CHECK_FALSE(s.images[1].assumed);
  CHECK(s.images[2].assumed);
  CHECK(s.images[3].assumed);
  CHECK(s.images[0].name == "web");
  CHECK(s.images[0].layers[0].digest == "sha256:aaa");
  CHECK(s.images[0].layers[1].digest == "web/layer1");
  CHECK(s.images[0].total_size() == Bytes::mib(100));
  CHECK(s.images[1].layers.size() == 4);
  CHECK(s.images[1].total_size() == Bytes::gib(1));

  REQUIRE(s.services.size() == 4);
  const Service& web = s.services[0];
  CHECK(web.cpu_request == Millicores{500});
  CHECK(web.cpu_limit == Millicores{1000});
  CHECK(web.memory_limit == Bytes::gib(1));
  REQUIRE(web.work.cpu_time.has_value());
  CHECK(web.work.cpu_time->kind == DistKind::lognormal);
  CHECK(web.work.cpu_time->p95 == Time::from_s(2));
  const auto& lognormal =
      std::get<vmcsim::sim::LogNormal>(web.work.cpu_time->distribution.variant());
  CHECK(lognormal.median() == Approx(1.2));  // seconds
  REQUIRE(web.work.io_bytes.has_value());
  CHECK(web.work.io_bytes->kind == DistKind::constant);  // a bare quantity
  CHECK(web.work.io_bytes->distribution.mean() == Approx(65536));
  CHECK(web.autoscaling.kind == AutoscalerKind::step);
  REQUIRE(web.autoscaling.steps.size() == 2);
  CHECK(std::isinf(web.autoscaling.steps[0].upper));
  CHECK(web.autoscaling.steps[1].change == -1);
  CHECK(web.placement_constraints.size() == 2);
  CHECK(s.services[1].ecs_task_definition == (data / "ecs/nginx_ec2.json").lexically_normal());
  CHECK(s.services[1].image == "nginx:latest");         // from the task definition
  CHECK(s.services[1].cpu_request == Millicores{250});  // 256 CPU units
  CHECK(s.services[1].memory_request == Bytes::mib(256));
  CHECK(s.services[1].replicas == 2);  // written in the scenario
  CHECK(s.services[2].kubernetes == (data / "k8s/frontend-deployment.yaml").lexically_normal());
  CHECK(s.services[2].autoscaling.target_cpu_utilization == Approx(0.5));
  CHECK(s.services[2].autoscaling.scale_down_stabilization == Time::from_s(300));
  CHECK(s.services[3].work.io_bytes->distribution.mean() == Approx(2.0 * (1 << 20)));

  REQUIRE(s.workloads.size() == 4);
  CHECK(s.workloads[0].kind == WorkloadKind::onoff);
  CHECK(s.workloads[0].off->kind == DistKind::weibull);
  REQUIRE(s.workloads[2].bursts.size() == 1);
  CHECK(s.workloads[2].bursts[0].multiplier == 20);
  CHECK(s.workloads[2].bursts[0].at == Time::from_s(1800));
  CHECK(s.workloads[1].states.size() == 2);
  CHECK(s.workloads[2].peak_at == Time::from_s(14 * 3600));
  REQUIRE(s.workloads[3].trace.has_value());
  CHECK(s.workloads[3].trace->format == "azure-functions-2019");

  REQUIRE(s.variants.size() == 3);
  CHECK(s.variants[0].platform == PlatformKind::vm);
  CHECK(s.variants[0].overrides.at("boot.kernel.median").text == "1.5s");
  CHECK(s.variants[0].overrides.at("guest_os_memory").text == "256MiB");
  CHECK(s.variants[2].platform == PlatformKind::container_in_vm);
  CHECK(s.variants[2].node_instance_type == "m5.large");
  REQUIRE(s.variants[2].cluster_autoscaler.has_value());
  CHECK(s.variants[2].cluster_autoscaler->max_nodes == 8);
  CHECK(s.slo.request_latency_threshold == Time::from_s(1));
  REQUIRE(s.cost.has_value());
  CHECK(s.cost->currency == "EUR");
  CHECK(s.output.baseline == "fc");
  REQUIRE(s.sweep.size() == 3);
  CHECK(s.sweep[2].values == std::vector<std::string>{"1Gbps", "1.5Gbps", "2Gbps"});
}

TEST_CASE("a sweep expands to its grid, the first parameter varying slowest") {
  fixtures();
  const Scenario s = load_scenario(test_data / "good/full.yaml");
  const auto points = expand_sweep(s);
  REQUIRE(points.size() == 2 * 3 * 3);
  const Scenario& last = points.back();
  CHECK(last.sweep_point ==
        std::vector<std::pair<std::string, std::string>>{{"services.web.replicas", "4"},
                                                         {"variants.*.overrides.boot.kernel", "3s"},
                                                         {"registry.bandwidth", "2Gbps"}});
  CHECK(last.services[0].replicas == 4);
  CHECK(last.registry.bandwidth == DataRate::gbps(2));
  for (const auto& v : last.variants)
    CHECK(v.overrides.at("boot.kernel").text == "3s");
  CHECK(last.sweep.empty());
  CHECK(points[1].sweep_point[2].second == "1.5Gbps");  // the last parameter varies fastest
  CHECK(points[3].sweep_point[1].second == "2s");
  CHECK(points[9].services[0].replicas == 4);
  CHECK(points[8].services[0].replicas == 2);
}

TEST_CASE("a scenario without a sweep expands to itself") {
  const Scenario s = load_scenario(test_data / "good/minimal.yaml");
  const auto points = expand_sweep(s);
  REQUIRE(points.size() == 1);
  CHECK(points[0].name == "minimal");
  CHECK(points[0].sweep_point.empty());
}

TEST_CASE("a referenced file is found relative to the scenario file") {
  const Scenario s = load_scenario(test_data / "good/relative-trace.yaml");
  REQUIRE(s.workloads.size() == 1);
  CHECK(s.workloads[0].trace->file == (test_data / "good/arrivals.txt").lexically_normal());
}

TEST_CASE("a path using an unset VMCSIM_DATA with no fixtures beside the checkout says how to set it") {
  const std::string text = fmt::format(
      "name: x\nduration: 1m\nhosts: [{{name: h, cpu: 1, memory: 1GiB}}]\n"
      "services:\n  - {{name: s, kubernetes: '${{VMCSIM_DATA}}/k8s/frontend-deployment.yaml', "
      "cpu: 100m, memory: 1MiB}}\nvariants: [{{name: v, platform: container, profile: runc}}]\n");
  const char* saved = std::getenv("VMCSIM_DATA");
  const std::string restore = saved != nullptr ? saved : "";
  ::unsetenv("VMCSIM_DATA");
  // Neither the current folder nor the scenario's may have ../shared/fixtures near it. The
  // search climbs to the root, so a checkout in the temporary folder with its fixtures beside it
  // (/tmp/shared) would be found from /tmp/...: take the first root that sees none.
  fs::path nowhere;
  for (const fs::path& root :
       {fs::temp_directory_path(), fs::path{"/var/tmp"}, fs::path{"/dev/shm"}}) {
    const fs::path dir = root / "vmcsim-no-fixtures" / "a" / "b";
    // The first candidate is the current folder's, which the test moves to `dir` below.
    const auto candidates = vmcsim::app::scenario::default_data_candidates(dir);
    if (std::none_of(candidates.begin() + 1, candidates.end(),
                     [](const fs::path& c) { return fs::is_directory(c); })) {
      nowhere = dir;
      break;
    }
  }
  REQUIRE_FALSE(nowhere.empty());  // no folder here without fixtures above it
  fs::create_directories(nowhere);
  const fs::path cwd = fs::current_path();
  fs::current_path(nowhere);
  const std::string file = (nowhere / "inline.yaml").string();
  std::string message;
  try {
    load_scenario_text(text, file);
  } catch (const InputError& e) {
    message = e.what();
  }
  fs::current_path(cwd);
  if (saved != nullptr) ::setenv("VMCSIM_DATA", restore.c_str(), 1);
  CHECK_THAT(message, Catch::StartsWith(file + ":5:27: error: services[0].kubernetes: "));
  CHECK_THAT(message, Catch::Contains("which is not set, and no ../shared/fixtures folder was "
                                      "found") &&
                          Catch::Contains("set VMCSIM_DATA to the folder holding the shared "
                                          "fixtures"));
}

TEST_CASE("the closest key is suggested for a typo, and none for another word") {
  const std::vector<std::string> keys{"replicas", "memory", "memory_limit", "image"};
  CHECK(closest_match("replicass", keys) == "replicas");
  CHECK(closest_match("repilcas", keys) == "replicas");  // a transposition counts once
  CHECK(closest_match("memroy", keys) == "memory");
  CHECK(closest_match("imgae", keys) == "image");
  CHECK(closest_match("colour", keys).empty());
}

TEST_CASE("the JSON schema allows exactly the keys the loader allows, mapping by mapping") {
  std::ifstream in{source_dir / "scenarios/schema.json"};
  REQUIRE(in);
  const auto schema = nlohmann::json::parse(in);
  CHECK(schema.at("$schema") == "https://json-schema.org/draft/2020-12/schema");
  std::set<std::string> schema_tables{"scenario"};
  for (const auto& [name, def] : schema.at("$defs").items())
    schema_tables.insert(name);
  std::set<std::string> loader_tables;
  for (const auto& [name, keys] : key_tables())
    loader_tables.insert(name);
  CHECK(schema_tables == loader_tables);
  for (const auto& [name, keys] : key_tables()) {
    INFO("mapping: " << name);
    const auto& def = name == "scenario" ? schema : schema.at("$defs").at(name);
    std::set<std::string> in_schema;
    for (const auto& [key, value] : def.at("properties").items())
      in_schema.insert(key);
    CHECK(in_schema == std::set<std::string>(keys.begin(), keys.end()));
    CHECK(def.at("additionalProperties") == false);
  }
}

TEST_CASE("the default scenario compares the four platform kinds under a 5x burst") {
  const Scenario s = load_scenario(source_dir / "scenarios/default.yaml");
  std::set<PlatformKind> kinds;
  for (const auto& v : s.variants)
    kinds.insert(v.platform);
  CHECK(kinds == std::set<PlatformKind>{PlatformKind::vm, PlatformKind::microvm,
                                        PlatformKind::container, PlatformKind::container_in_vm});
  REQUIRE(s.workloads.size() == 1);
  REQUIRE(s.workloads[0].bursts.size() == 1);
  CHECK(s.workloads[0].bursts[0].multiplier == 5);
  CHECK(s.services[0].work.io_bytes.has_value());
}
