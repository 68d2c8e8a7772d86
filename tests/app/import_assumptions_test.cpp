// What the importers fill in that the files do not say (an image known only by name, a request
// taken from a limit, a BestEffort pod's zero requests and its scoring defaults, a missing
// replica count, an ECS task's count) is listed in Scenario::assumptions at FILE:LINE:COL, shown
// by `validate`, and carried into results.json's resolved_scenario, marked as assumed.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include "app/scenario/loader.hpp"
#include "cli_run.hpp"
#include "fixture_path.hpp"

using namespace vmcsim::app::scenario;
using vmcsim::test::CliRun;
using vmcsim::test::ScratchDir;
using vmcsim::test::TempFile;

namespace {

// Line 5 holds `app`'s container (limits only), line 15 `idle`'s (no resources); neither gives
// spec.replicas.
constexpr const char* kManifest = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      containers:
      - name: c
        image: app:1
        resources: {limits: {cpu: 500m, memory: 256Mi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: idle}
spec:
  template:
    spec:
      containers:
      - name: c
        image: idle:1
)";

constexpr const char* kTask = R"({"family": "web", "containerDefinitions": [
  {"name": "web", "image": "nginx:1.27", "cpu": 256, "memory": 512, "essential": true}]})";

// Three imported services (none writes replicas) on two metal hosts, one container variant.
std::string scenario_text(const std::string& manifest, const std::string& task) {
  return "name: t\nduration: 30s\nhosts: [{name: h, count: 2, instance_type: m5.metal}]\n"
         "registry: {bandwidth: 1Gbps, latency: 10ms}\n"
         "services:\n"
         "  - {name: app, kubernetes: '" +
         manifest +
         "'}\n"
         "  - {name: idle, kubernetes: '" +
         manifest +
         "'}\n"
         "  - {name: web, ecs_task_definition: '" +
         task +
         "'}\n"
         "variants: [{name: c, platform: container, profile: runc}]\n";
}

const Assumption* find(const Scenario& s, const std::string& field, const std::string& value) {
  const auto it = std::find_if(s.assumptions.begin(), s.assumptions.end(), [&](const auto& a) {
    return a.field == field && a.value == value;
  });
  return it == s.assumptions.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("importer defaults are listed as assumptions at the line of the file that lacks them") {
  TempFile manifest{"assume.yaml", kManifest};
  TempFile task{"assume.json", kTask};
  const Scenario s =
      load_scenario_text(scenario_text(manifest.path(), task.path()), "inline.yaml");

  // Limits as requests: at the container's entry in the manifest.
  const Assumption* cpu = find(s, "services[0].cpu", "500m");
  REQUIRE(cpu != nullptr);
  CHECK(vmcsim::app::to_string(cpu->where) == manifest.path() + ":8:9");
  CHECK_THAT(cpu->reason, Catch::Contains("uses the limit as its request"));
  CHECK(find(s, "services[0].memory", "256MiB") != nullptr);
  // A missing spec.replicas: Kubernetes' default, at the workload's document.
  const Assumption* replicas = find(s, "services[0].replicas", "1");
  REQUIRE(replicas != nullptr);
  CHECK(vmcsim::app::to_string(replicas->where) == manifest.path() + ":1:1");

  // BestEffort: zero requests, scored at kube-scheduler's defaults.
  const Assumption* idle_cpu = find(s, "services[1].cpu", "0");
  REQUIRE(idle_cpu != nullptr);
  CHECK_THAT(idle_cpu->reason, Catch::Contains("BestEffort") && Catch::Contains("100m"));
  const Assumption* idle_memory = find(s, "services[1].memory", "0");
  REQUIRE(idle_memory != nullptr);
  CHECK_THAT(idle_memory->reason, Catch::Contains("200MiB"));

  // An ECS task definition has no count: at the service entry in the scenario.
  const Assumption* web = find(s, "services[2].replicas", "1");
  REQUIRE(web != nullptr);
  CHECK(vmcsim::app::to_string(web->where) == "inline.yaml:8:5");

  // Images known by name only.
  for (const char* image : {"app:1", "idle:1", "nginx:1.27"}) {
    INFO(image);
    CHECK(find(s, std::string{"images."} + image, "{size: 200MiB, layers: 4}") != nullptr);
  }
}

TEST_CASE("what the scenario writes itself is not listed as assumed") {
  TempFile manifest{"written.yaml", kManifest};
  TempFile task{"written.json", kTask};
  std::string text = scenario_text(manifest.path(), task.path());
  text.replace(text.find("{name: app,"), 11, "{name: app, cpu: 200m, memory: 128MiB, replicas: 2,");
  const Scenario s = load_scenario_text(text, "inline.yaml");
  for (const auto& a : s.assumptions) {
    INFO(a.field << ": " << a.value);
    CHECK_FALSE(a.field.starts_with("services[0]."));
  }
}

TEST_CASE("validate lists the importers' assumptions with FILE:LINE:COL") {
  TempFile manifest{"validate.yaml", kManifest};
  TempFile task{"validate.json", kTask};
  TempFile scenario{"validate-scenario.yaml", scenario_text(manifest.path(), task.path())};
  const auto r = vmcsim::test::run_cli("validate '" + scenario.path() + "'");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains(manifest.path() + ":8:9: services[0].cpu: 500m ("));
  CHECK_THAT(r.output, Catch::Contains(scenario.path() + ":8:5: services[2].replicas: 1 ("));
  CHECK_THAT(r.output, Catch::Contains("images.nginx:1.27: {size: 200MiB, layers: 4} ("));
}

TEST_CASE("results.json's resolved scenario marks each assumed value with where and why") {
  ScratchDir dir{"assumptions"};
  TempFile manifest{"results.yaml", kManifest};
  TempFile task{"results.json", kTask};
  TempFile scenario{"results-scenario.yaml", scenario_text(manifest.path(), task.path())};
  const CliRun r = vmcsim::test::run_vmcsim(
      "run '" + scenario.path() + "' --format json --out '" + (dir.path() / "out").string() + "'",
      dir.path());
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(vmcsim::test::read_text(dir.path() / "out/results.json"));
  const auto& assumed = j.at("resolved_scenario").at("assumptions");
  REQUIRE(assumed.is_array());
  const Scenario s = load_scenario(scenario.path(), vmcsim::models::Catalog::load_default());
  REQUIRE(assumed.size() == s.assumptions.size());
  for (std::size_t i = 0; i < assumed.size(); ++i) {
    INFO(assumed[i].dump());
    CHECK(assumed[i].at("field") == s.assumptions[i].field);
    CHECK(assumed[i].at("value") == s.assumptions[i].value);
    CHECK(assumed[i].at("reason") == s.assumptions[i].reason);
    CHECK(assumed[i].at("at") == vmcsim::app::to_string(s.assumptions[i].where));
  }
  const auto has = [&](const std::string& field) {
    return std::any_of(assumed.begin(), assumed.end(),
                       [&](const auto& a) { return a.at("field") == field; });
  };
  CHECK(has("services[0].cpu"));
  CHECK(has("services[1].memory"));
  CHECK(has("services[2].replicas"));
  CHECK(has("images.app:1"));
}
