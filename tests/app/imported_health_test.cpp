// A scenario importing a manifest or task definition takes its probes, health check and
// PodDisruptionBudget, the catalog's defaults filling what the file leaves out; what the
// scenario writes on the service wins; what the model cannot take is among the assumptions; and
// the imported budget changes what a drain does.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"
#include "fixture_path.hpp"

using namespace vmcsim;
using namespace vmcsim::app;
using vmcsim::models::failures::DisruptionBudget;
using vmcsim::sim::Time;
using vmcsim::test::TempFile;

namespace {

// web: 4 pods of 2 CPUs with a readiness probe (5 s initial delay, 10 s period) and a liveness
// probe of 20 s; `budget` is appended (a PodDisruptionBudget document, or nothing).
std::string health_manifest(const std::string& budget) {
  return R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 4
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: web:1
        resources: {requests: {cpu: "2", memory: 1Gi}}
        readinessProbe:
          httpGet: {path: /healthz, port: 80}
          initialDelaySeconds: 5
          periodSeconds: 10
        livenessProbe:
          httpGet: {path: /healthz, port: 80}
          periodSeconds: 20
        startupProbe:
          httpGet: {path: /healthz, port: 80}
)" + budget;
}

const char* kHealthBudget = R"(---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web-pdb}
spec:
  minAvailable: 3
  selector: {matchLabels: {app: web}}
)";

// One Kubernetes variant over four hosts in two zones; the service imports `manifest` and
// carries `service_extra` (", key: value" pairs); `failures` is appended as written.
std::string health_scenario(const std::string& manifest, const std::string& service_extra,
                            const std::string& failures) {
  return R"(name: imported-health
duration: 6m
seed: 3
hosts:
  - {name: a, count: 2, cpu: "8", memory: 32GiB, zone: zone-a}
  - {name: b, count: 2, cpu: "8", memory: 32GiB, zone: zone-b}
services:
  - {name: web, kubernetes: ')" +
         manifest + "'" + service_extra + R"(}
workloads:
  - {service: web, kind: poisson, rate: 10}
variants:
  - {name: k8s, platform: container, profile: runc, placement: "k8s:MostAllocated"}
registry: {bandwidth: 1Gbps, latency: 20ms}
)" + failures;
}

scenario::Scenario health_load(const std::string& manifest, const std::string& extra = "") {
  return scenario::load_scenario_text(health_scenario(manifest, extra, ""), "health.yaml");
}

bool health_assumed(const scenario::Scenario& s, const std::string& field,
                    const std::string& value) {
  return std::any_of(
      s.assumptions.begin(), s.assumptions.end(),
      [&](const scenario::Assumption& a) { return a.field == field && a.value == value; });
}

}  // namespace

TEST_CASE("an imported manifest's probes and budget reach the service, defaults filled in") {
  const TempFile manifest("health-web.yaml", health_manifest(kHealthBudget));
  const auto s = health_load(manifest.path());
  const auto& h = s.services.at(0).health;
  REQUIRE(h.readiness.has_value());
  CHECK(h.readiness->initial_delay == Time::from_s(5));
  CHECK(h.readiness->period == Time::from_s(10));
  CHECK(h.readiness->failure_threshold == 3);  // the catalog's, the API's default
  CHECK(h.readiness->success_threshold == 1);
  REQUIRE(h.liveness.has_value());
  CHECK(h.liveness->period == Time::from_s(20));
  CHECK(h.liveness->initial_delay == Time::zero());
  CHECK(h.budget.kind == DisruptionBudget::Kind::min_available);
  CHECK(h.budget.value == 3.0);
  CHECK_FALSE(h.health_check.has_value());
  // The startupProbe reaches the service too (the API's defaults: 10 s, 3 failures, 1 s), and
  // every probe takes the catalog's timeoutSeconds; nothing about them is left "not modelled".
  REQUIRE(h.startup.has_value());
  CHECK(h.startup->period == Time::from_s(10));
  CHECK(h.startup->failure_threshold == 3);
  CHECK(h.startup->timeout == Time::from_s(1));
  CHECK(h.liveness->timeout == Time::from_s(1));
  for (const auto& a : s.assumptions) {
    INFO(a.field << ": " << a.reason);
    CHECK(a.value != "not modelled");
  }
}

TEST_CASE("an imported ECS health check reaches the service with the catalog's defaults") {
  const TempFile task("health-task.json",
                      R"({"family": "web", "cpu": "1024", "memory": "2048",
 "containerDefinitions": [{"name": "web", "image": "web:1",
   "healthCheck": {"command": ["CMD-SHELL", "curl -f localhost"], "retries": 5}}]})");
  const auto s = scenario::load_scenario_text(
      "name: t\nduration: 10m\nhosts: [{name: h, count: 2, cpu: \"16\", memory: 64GiB}]\n"
      "services: [{name: web, ecs_task_definition: '" +
          task.path() +
          "'}]\nvariants: [{name: c, platform: container, profile: runc}]\n"
          "registry: {bandwidth: 1Gbps, latency: 10ms}\n",
      "inline.yaml");
  const auto& h = s.services.at(0).health;
  REQUIRE(h.health_check.has_value());
  CHECK(h.health_check->failure_threshold == 5);
  CHECK(h.health_check->period == Time::from_s(30));  // ECS's default interval, from the catalog
  CHECK(h.health_check->initial_delay == Time::zero());
  CHECK(h.health_check->timeout == Time::from_s(5));  // ECS's default timeout, from the catalog
  CHECK_FALSE(health_assumed(s, "services[0].health_check.timeout", "not modelled"));
}

TEST_CASE("health settings the scenario writes win over the imported ones") {
  const TempFile manifest("health-web.yaml", health_manifest(kHealthBudget));
  const auto s = health_load(manifest.path(),
                             ", probes: {readiness: {period: 3s}}, disruption_budget: "
                             "{max_unavailable: 2}");
  const auto& h = s.services.at(0).health;
  REQUIRE(h.readiness.has_value());
  CHECK(h.readiness->period == Time::from_s(3));
  CHECK(h.readiness->initial_delay == Time::zero());  // the scenario's probe is taken whole
  REQUIRE(h.liveness.has_value());                    // not written: from the manifest
  CHECK(h.liveness->period == Time::from_s(20));
  CHECK(h.budget.kind == DisruptionBudget::Kind::max_unavailable);
  CHECK(h.budget.value == 2.0);
}

TEST_CASE("an imported PodDisruptionBudget makes a drain refuse evictions") {
  const TempFile with("health-with.yaml", health_manifest(kHealthBudget));
  const TempFile without("health-without.yaml", health_manifest(""));
  const auto refused = [](const std::string& manifest) {
    const auto s = scenario::load_scenario_text(
        health_scenario(manifest, "",
                        "failures:\n  drains:\n    - {host: a-0, at: 2m, duration: 2m}\n"),
        "health.yaml");
    runner::RunOptions options;
    options.jobs = 1;
    options.replications = 2;
    const RunResults r = runner::run_scenario(s, options);
    REQUIRE(r.variants.size() == 1);
    REQUIRE(r.variants[0].evictions_refused.n == 2);
    return r.variants[0].evictions_refused.mean;
  };
  const double with_budget = refused(with.path());
  const double without_budget = refused(without.path());
  CHECK(with_budget > 0.0);
  CHECK(without_budget == 0.0);
}
