// `vmcsim import` and `vmcsim profiles`, run as the built binary: every shared ECS and Kubernetes
// fixture imports, and the fragment it prints loads as the services of a scenario.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include "app/scenario/loader.hpp"
#include "fixture_path.hpp"
#include "models/catalog/catalog.hpp"

namespace fs = std::filesystem;
using vmcsim::app::scenario::load_scenario_text;
using vmcsim::app::scenario::Scenario;
using vmcsim::app::scenario::Service;
using vmcsim::sim::Bytes;
using vmcsim::sim::Millicores;
using vmcsim::test::fixture;
using vmcsim::test::Run;
using vmcsim::test::run_cli;
using vmcsim::test::TempFile;

namespace {

// The fixture files of one folder with this extension, sorted; the folder must hold some.
std::vector<std::string> fixture_files(const std::string& folder, const std::string& extension) {
  const fs::path dir = fs::path{fixture(folder + "/LICENSE")}.parent_path();
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator{dir})
    if (e.path().extension() == extension) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  INFO("fixture folder " << dir);
  REQUIRE_FALSE(files.empty());
  return files;
}

// The fragment's services behind a minimal scenario's own service, loaded as a scenario.
Scenario load_with_fragment(const std::string& fragment_yaml) {
  const YAML::Node fragment = YAML::Load(fragment_yaml);
  REQUIRE(fragment["services"].IsSequence());
  YAML::Node doc = YAML::Load(R"(name: imported
duration: 10m
hosts: [{name: big, count: 2, cpu: "64", memory: 256GiB}]
images: {base: {size: 10MiB, layers: 1}}
registry: {bandwidth: 1Gbps, latency: 10ms}
services: [{name: zz-base, image: base, cpu: 100m, memory: 64MiB}]
variants: [{name: c, platform: container, profile: runc}]
)");
  for (const auto& s : fragment["services"])
    doc["services"].push_back(s);
  return load_scenario_text(YAML::Dump(doc), "imported.yaml");
}

// The line of a "FILE:LINE:COL: error: " message about `file`; 0 if it is not one.
int error_line(const std::string& output, const std::string& file) {
  if (output.rfind(file + ":", 0) != 0) return 0;
  std::size_t i = file.size() + 1;
  int line = 0;
  while (i < output.size() && std::isdigit(static_cast<unsigned char>(output[i])))
    line = line * 10 + (output[i++] - '0');
  if (i == file.size() + 1 || i >= output.size() || output[i] != ':') return 0;
  ++i;
  const std::size_t column_start = i;
  while (i < output.size() && std::isdigit(static_cast<unsigned char>(output[i])))
    ++i;
  if (i == column_start || output.compare(i, 9, ": error: ") != 0) return 0;
  return line;
}

const Service& service_named(const Scenario& s, const std::string& name) {
  const auto it = std::find_if(s.services.begin(), s.services.end(),
                               [&](const Service& sv) { return sv.name == name; });
  INFO("service " << name);
  REQUIRE(it != s.services.end());
  return *it;
}

// Each fragment service's values equal the loaded service's.
void check_round_trip(const std::string& output) {
  const YAML::Node services = YAML::Load(output)["services"];
  const Scenario s = load_with_fragment(output);
  REQUIRE(s.services.size() == services.size() + 1);
  for (const auto& f : services) {
    const Service& sv = service_named(s, f["name"].as<std::string>());
    if (f["ecs_task_definition"])
      CHECK(sv.ecs_task_definition == f["ecs_task_definition"].as<std::string>());
    else
      CHECK(sv.kubernetes == f["kubernetes"].as<std::string>());
    CHECK(sv.cpu_request == Millicores::parse(f["cpu"].as<std::string>()));
    CHECK(sv.memory_request == Bytes::parse(f["memory"].as<std::string>()));
    CHECK(sv.replicas == f["replicas"].as<int>());
    CHECK_FALSE(sv.image.empty());  // resolved from the file
  }
}

// `vmcsim import KIND FILE` for every fixture of folder KIND: exit 0, the summary as comments,
// and a fragment that round-trips through the loader.
void check_fixtures_import(const std::string& kind, const std::string& extension,
                           const std::string& summary_start) {
  for (const auto& file : fixture_files(kind, extension)) {
    DYNAMIC_SECTION(file) {
      const Run run = run_cli("import " + kind + " '" + file + "'");
      INFO(run.output);
      REQUIRE(run.exit_code == 0);
      CHECK_THAT(run.output, Catch::StartsWith(summary_start));
      check_round_trip(run.output);
    }
  }
}

}  // namespace

TEST_CASE("every ECS fixture imports through the CLI and its fragment loads as a scenario") {
  check_fixtures_import("ecs", ".json", "# ECS task definition '");
}

TEST_CASE("several ECS task definitions import into one fragment") {
  const auto files = fixture_files("ecs", ".json");
  const Run run = run_cli("import ecs '" + files[0] + "' '" + files[1] + "'");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(YAML::Load(run.output)["services"].size() == 2);
}

TEST_CASE("every Kubernetes fixture imports through the CLI and its fragment loads as a scenario") {
  check_fixtures_import("k8s", ".yaml", "# Kubernetes manifests: ");
}

TEST_CASE("the guestbook fragment keeps each workload's replicas through the scenario loader") {
  const Run run = run_cli("import k8s '" + fixture("k8s/guestbook-all-in-one.yaml") + "'");
  REQUIRE(run.exit_code == 0);
  const Scenario s = load_with_fragment(run.output);
  CHECK(service_named(s, "redis-master").replicas == 1);
  CHECK(service_named(s, "redis-replica").replicas == 2);
  CHECK(service_named(s, "frontend").replicas == 3);
  CHECK(service_named(s, "frontend").image == "gcr.io/google-samples/gb-frontend:v5");
}

TEST_CASE("a bad ECS task definition exits 2 with the error at its line") {
  const TempFile bad("bad-task.json", R"({
  "family": "web",
  "containerDefinitions": [
    {"name": "a", "image": "nginx", "cpu": -5, "memory": 128}
  ]
})");
  const Run run = run_cli("import ecs '" + bad.path() + "'");
  INFO(run.output);
  CHECK(run.exit_code == 2);
  CHECK(error_line(run.output, bad.path()) == 4);
  CHECK_THAT(run.output, Catch::Contains("cpu"));
}

TEST_CASE("a bad Kubernetes manifest exits 2 with the error at its line") {
  const TempFile bad("bad-manifest.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: c
        image: nginx
        resources: {requests: {cpu: lots}}
)");
  const Run run = run_cli("import k8s '" + bad.path() + "'");
  INFO(run.output);
  CHECK(run.exit_code == 2);
  CHECK(error_line(run.output, bad.path()) == 10);
  CHECK_THAT(run.output, Catch::Contains("resources.requests.cpu"));
}

TEST_CASE("a missing import file exits 2 naming it") {
  const Run run = run_cli("import ecs /nonexistent/task.json");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output, Catch::Contains("/nonexistent/task.json"));
  CHECK(run_cli("import").exit_code == 2);
  CHECK(run_cli("import ecs").exit_code == 2);
}

TEST_CASE("a trace with bad lines stops at the first, or with --skip-bad-lines counts them") {
  const TempFile trace("replay.csv",
                       "timestamp,service,cpu_time,io_bytes\n"
                       "0,web,12ms,64KiB\n"
                       "0.5,web,abc,1KiB\n"
                       "1,web,10ms,1KiB\n"
                       "2,web,10ms,lots\n"
                       "3,web,10ms,2KiB\n");
  const Run strict = run_cli("import trace --format replay-csv '" + trace.path() + "'");
  INFO(strict.output);
  CHECK(strict.exit_code == 2);
  CHECK(error_line(strict.output, trace.path()) == 3);

  const Run lenient =
      run_cli("import trace --format replay-csv --skip-bad-lines '" + trace.path() + "'");
  INFO(lenient.output);
  CHECK(lenient.exit_code == 0);
  CHECK_THAT(lenient.output, Catch::Contains("3 requests"));
  CHECK_THAT(lenient.output, Catch::Contains("skipped 2 bad lines"));
}

TEST_CASE("the shared trace fixtures import through the CLI in their formats") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"alibaba-gpu-2023", "traces/alibaba-gpu-2023/openb_pod_list_default.csv"},
      {"alibaba-gpu-2023-nodes", "traces/alibaba-gpu-2023/openb_node_list_all_node.csv"},
      {"google-2011", "traces/google-2011-sample/task-events-sample-1.csv"},
      {"google-2011-machines", "traces/google-2011-sample/machine-events-sample-1.csv"},
      {"azure-functions-2019", "traces/azure-functions-2019-format/invocations.csv"},
      {"azure-vm-2019", "traces/azure-vm-sample/vmtable.csv.gz"},
      {"azure-vm-2019-cpu", "traces/azure-vm-sample/vm_cpu_readings-file-1-of-125.csv.gz"},
  };
  for (const auto& [format, file] : cases) {
    DYNAMIC_SECTION(format) {
      const Run run =
          run_cli("import trace --format " + format + " --skip-bad-lines '" + fixture(file) + "'");
      INFO(run.output);
      CHECK(run.exit_code == 0);
      CHECK_THAT(run.output, Catch::Contains("skipped 0 bad lines"));
    }
  }
  const Run unknown = run_cli("import trace --format nope '" + fixture(cases[0].second) + "'");
  CHECK(unknown.exit_code == 2);
}

TEST_CASE("vmcsim profiles lists every profile and instance type in each format") {
  const auto catalog = vmcsim::models::Catalog::load_default();
  for (const std::string format : {"table", "markdown", "yaml"}) {
    DYNAMIC_SECTION(format) {
      const Run run = run_cli("profiles --format " + format);
      REQUIRE(run.exit_code == 0);
      for (const auto& [name, profile] : catalog.profiles())
        CHECK_THAT(run.output, Catch::Contains(name));
      for (const auto& [name, type] : catalog.instance_types())
        CHECK_THAT(run.output, Catch::Contains(name));
    }
  }
  CHECK(run_cli("profiles --format markdown").output == catalog.render_markdown());
  CHECK(run_cli("profiles").output == run_cli("profiles --format table").output);
  CHECK(run_cli("profiles --format html").exit_code == 2);
}
