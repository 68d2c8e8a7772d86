// Kubernetes probes and PodDisruptionBudgets: read as the API defines them, checked at yaml-cpp's
// mark with the field path, mapped to the service's probes (startupProbe and timeoutSeconds
// included) and disruption_budget; another container's probe, a budget over nothing or two budgets
// over one pod are reported.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "app/importers/k8s_manifest.hpp"
#include "app/importers/scenario_fragment.hpp"
#include "fixture_path.hpp"

using namespace vmcsim::app::importers;
using vmcsim::models::failures::DisruptionBudget;
using vmcsim::sim::Time;

namespace {

// A Deployment `name` (labels app: NAME, tier: web) whose first container carries `probes`
// (YAML lines indented for the container, each ending in a newline).
std::string k8s_health_deployment(const std::string& name, const std::string& probes,
                                  const std::string& extra_container = "") {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name +
         "}\nspec:\n  replicas: 4\n  template:\n    metadata: {labels: {app: " + name +
         ", tier: web}}\n    spec:\n      containers:\n      - name: " + name +
         "\n        image: " + name + ":1\n" + probes + extra_container;
}

std::string k8s_health_pdb(const std::string& name, const std::string& spec,
                           const std::string& api = "policy/v1") {
  return "---\napiVersion: " + api + "\nkind: PodDisruptionBudget\nmetadata: {name: " + name +
         "}\nspec:\n" + spec;
}

std::string k8s_health_error(const std::string& yaml) {
  return vmcsim::test::input_error_of([&] { parse_k8s_manifests(yaml, "m.yaml"); });
}

bool k8s_health_noted(const ImportedServices& in, const std::string& part) {
  return std::any_of(in.notes.begin(), in.notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

const ImportedAssumption* k8s_health_assumption(const ImportedService& s,
                                                const std::string& field) {
  const auto it = std::find_if(s.assumptions.begin(), s.assumptions.end(),
                               [&](const ImportedAssumption& a) { return a.field == field; });
  return it == s.assumptions.end() ? nullptr : &*it;
}

ImportedServices k8s_health_import(const std::string& yaml) {
  return imported_services(parse_k8s_manifests(yaml, "m.yaml"));
}

}  // namespace

TEST_CASE("a Kubernetes probe without its optional fields leaves them to the defaults") {
  const auto m = parse_k8s_manifests(
      k8s_health_deployment("web",
                            "        readinessProbe:\n          httpGet: {path: /, port: "
                            "80}\n"),
      "m.yaml");
  const auto& c = m.workloads.at(0).containers.at(0);
  REQUIRE(c.readiness.has_value());
  CHECK(c.readiness->handler == "httpGet");
  CHECK_FALSE(c.readiness->period_seconds.has_value());
  CHECK_FALSE(c.readiness->failure_threshold.has_value());
  CHECK(c.readiness->where.line == 13);
  CHECK_FALSE(c.liveness.has_value());
  const auto in = imported_services(m);
  const auto& probe = in.services.at(0).health.readiness;
  REQUIRE(probe.has_value());
  CHECK_FALSE(probe->period.has_value());
  CHECK_FALSE(probe->initial_delay.has_value());
  CHECK(probe->source == "container 'web' readinessProbe");
  CHECK_FALSE(in.services.at(0).health.liveness.has_value());
  CHECK(scenario_fragment(in).to_yaml().find("    probes:\n      readiness:\n        {}\n") !=
        std::string::npos);
  CHECK(
      summarize(m).find("    container web: readinessProbe httpGet (API defaults for the rest)") !=
      std::string::npos);
}

TEST_CASE("every field of a Kubernetes readiness and liveness probe is mapped") {
  const auto in = k8s_health_import(k8s_health_deployment(
      "web",
      "        readinessProbe:\n          tcpSocket: {port: 80}\n          initialDelaySeconds: 5\n"
      "          periodSeconds: 7\n          successThreshold: 2\n          failureThreshold: 4\n"
      "        livenessProbe:\n          exec: {command: [cat, /tmp/ok]}\n"
      "          periodSeconds: 20\n          failureThreshold: 5\n          timeoutSeconds: 3\n"));
  const auto& h = in.services.at(0).health;
  REQUIRE(h.readiness.has_value());
  CHECK(h.readiness->initial_delay == Time::from_s(5));
  CHECK(h.readiness->period == Time::from_s(7));
  CHECK(h.readiness->success_threshold == 2);
  CHECK(h.readiness->failure_threshold == 4);
  REQUIRE(h.liveness.has_value());
  CHECK(h.liveness->period == Time::from_s(20));
  CHECK(h.liveness->failure_threshold == 5);
  CHECK_FALSE(h.liveness->initial_delay.has_value());
  // The liveness probe's timeout is mapped; the readiness probe's, left out, stays unset (the
  // catalog's default fills it when the scenario loads).
  CHECK(h.liveness->timeout == Time::from_s(3));
  CHECK_FALSE(h.readiness->timeout.has_value());
  CHECK(k8s_health_assumption(in.services.at(0), "probes.liveness.timeout") == nullptr);
  const std::string yaml = scenario_fragment(in).to_yaml();
  INFO(yaml);
  CHECK(yaml.find("      readiness:\n        initial_delay: 5s\n        period: 7s\n        "
                  "failure_threshold: 4\n        success_threshold: 2\n      liveness:\n        "
                  "period: 20s\n        timeout: 3s\n        failure_threshold: 5\n") !=
        std::string::npos);
}

TEST_CASE("bad Kubernetes probes are errors at their line and column with the field path") {
  const auto probe = [](const std::string& key, const std::string& fields) {
    return k8s_health_error(k8s_health_deployment(
        "w", "        " + key + ":\n          httpGet: {port: 80}\n" + fields));
  };
  CHECK(probe("readinessProbe", "          periodSeconds: 0\n") ==
        "m.yaml:14:26: error: spec.template.spec.containers[0].readinessProbe.periodSeconds: 0 is "
        "outside 1..2147483647");
  CHECK(probe("readinessProbe", "          timeoutSeconds: 0\n")
            .find("readinessProbe.timeoutSeconds: 0 is outside 1..") != std::string::npos);
  CHECK(probe("livenessProbe", "          failureThreshold: 0\n")
            .find("livenessProbe.failureThreshold: 0 is outside 1..") != std::string::npos);
  CHECK(probe("readinessProbe", "          successThreshold: 0\n")
            .find("readinessProbe.successThreshold: 0 is outside 1..") != std::string::npos);
  CHECK(probe("readinessProbe", "          initialDelaySeconds: -1\n") ==
        "m.yaml:14:32: error: spec.template.spec.containers[0].readinessProbe.initialDelaySeconds: "
        "-1 is outside 0..2147483647");
  CHECK(probe("livenessProbe", "          successThreshold: 2\n") ==
        "m.yaml:14:29: error: spec.template.spec.containers[0].livenessProbe.successThreshold: "
        "must be 1 for a livenessProbe (Kubernetes API, Probe.successThreshold)");
  CHECK(probe("startupProbe", "          successThreshold: 3\n")
            .find("startupProbe.successThreshold: must be 1 for a startupProbe") !=
        std::string::npos);
  CHECK(probe("readinessProbe", "          periodSeconds: often\n")
            .find("readinessProbe.periodSeconds: 'often' is not an integer") != std::string::npos);
  CHECK(probe("readinessProbe", "          tcpSocket: {port: 80}\n") ==
        "m.yaml:14:22: error: spec.template.spec.containers[0].readinessProbe.tcpSocket: may not "
        "specify more than 1 handler type (already httpGet)");
  CHECK(k8s_health_error(
            k8s_health_deployment("w", "        livenessProbe:\n          periodSeconds: 5\n")) ==
        "m.yaml:13:11: error: spec.template.spec.containers[0].livenessProbe: must specify a "
        "handler type (exec, httpGet, tcpSocket or grpc)");
  CHECK(k8s_health_error(k8s_health_deployment("w", "        readinessProbe: [httpGet]\n")) ==
        "m.yaml:12:25: error: spec.template.spec.containers[0].readinessProbe: expected a mapping");
}

TEST_CASE("a startupProbe and its timeoutSeconds are mapped to the service's startup probe") {
  const auto in = k8s_health_import(k8s_health_deployment(
      "web",
      "        startupProbe:\n          httpGet: {port: 80}\n          failureThreshold: "
      "30\n          periodSeconds: 10\n          timeoutSeconds: 2\n"));
  const auto& s = in.services.at(0);
  CHECK_FALSE(s.health.readiness.has_value());
  REQUIRE(s.health.startup.has_value());
  CHECK(s.health.startup->period == Time::from_s(10));
  CHECK(s.health.startup->failure_threshold == 30);
  CHECK(s.health.startup->timeout == Time::from_s(2));
  CHECK_FALSE(s.health.startup->initial_delay.has_value());
  CHECK(s.health.startup->source == "container 'web' startupProbe");
  CHECK(k8s_health_assumption(s, "probes.startup") == nullptr);
  CHECK_FALSE(k8s_health_noted(in, "not modelled"));
  const std::string yaml = scenario_fragment(in).to_yaml();
  INFO(yaml);
  CHECK(yaml.find("      startup:\n        period: 10s\n        timeout: 2s\n        "
                  "failure_threshold: 30\n") != std::string::npos);
}

TEST_CASE("a second container's startupProbe is reported as not modelled") {
  const auto in = k8s_health_import(
      k8s_health_deployment("web", "",
                            "      - name: proxy\n        image: envoy\n        startupProbe:\n"
                            "          tcpSocket: {port: 9901}\n"));
  const auto& s = in.services.at(0);
  CHECK_FALSE(s.health.startup.has_value());
  const auto* a = k8s_health_assumption(s, "probes.startup");
  REQUIRE(a != nullptr);
  CHECK(a->value == "not modelled");
}

TEST_CASE("a second container's probes are reported, and the service takes the first container's") {
  const auto in = k8s_health_import(
      k8s_health_deployment("web", "        livenessProbe:\n          httpGet: {port: 80}\n",
                            "      - name: proxy\n        image: envoy\n        readinessProbe:\n"
                            "          tcpSocket: {port: 9901}\n          periodSeconds: 2\n"));
  const auto& s = in.services.at(0);
  CHECK(s.health.liveness.has_value());
  CHECK_FALSE(s.health.readiness.has_value());
  CHECK(k8s_health_noted(in,
                         "container 'proxy' readinessProbe tcpSocket, periodSeconds 2 (API "
                         "defaults for the rest): not the pod's first container"));
  CHECK(k8s_health_assumption(s, "probes.readiness") != nullptr);
}

TEST_CASE("a PodDisruptionBudget attaches to the workloads its selector selects") {
  const std::string two =
      k8s_health_deployment("web", "") + "---\n" + k8s_health_deployment("api", "");
  SECTION("matchLabels, an integer") {
    const auto in = k8s_health_import(
        two +
        k8s_health_pdb("web-pdb", "  minAvailable: 3\n  selector: {matchLabels: {app: web}}\n"));
    REQUIRE(in.services.size() == 2);
    const auto& b = in.services[0].health.budget;
    REQUIRE(b.has_value());
    CHECK(b->kind == DisruptionBudget::Kind::min_available);
    CHECK(b->value == 3.0);
    CHECK_FALSE(b->percent);
    CHECK(in.services[0].health.budget_source == "PodDisruptionBudget 'web-pdb'");
    CHECK_FALSE(in.services[1].health.budget.has_value());
    CHECK(scenario_fragment(in).to_yaml().find(
              "    disruption_budget:\n      min_available: 3\n") != std::string::npos);
    const auto m = parse_k8s_manifests(two + k8s_health_pdb("web-pdb",
                                                            "  minAvailable: 3\n  "
                                                            "selector: {matchLabels: "
                                                            "{app: web}}\n"),
                                       "m.yaml");
    const std::string summary = summarize(m);
    INFO(summary);
    CHECK(summary.find("1 autoscaler") == std::string::npos);
    CHECK(summary.find("0 autoscalers, 1 disruption budget, 0 ignored") != std::string::npos);
    CHECK(summary.find("  PodDisruptionBudget web-pdb: minAvailable 3, selects Deployment web\n") !=
          std::string::npos);
  }
  SECTION("matchExpressions, a percent") {
    const auto in =
        k8s_health_import(two + k8s_health_pdb("api-pdb",
                                               "  maxUnavailable: \"25%\"\n  selector:\n    "
                                               "matchExpressions:\n    - {key: app, operator: In, "
                                               "values: [api]}\n"));
    CHECK_FALSE(in.services[0].health.budget.has_value());
    const auto& b = in.services[1].health.budget;
    REQUIRE(b.has_value());
    CHECK(b->kind == DisruptionBudget::Kind::max_unavailable);
    CHECK(b->value == 25.0);
    CHECK(b->percent);
    CHECK(b->min_ready(4) == 3);
    CHECK(scenario_fragment(in).to_yaml().find(
              "    disruption_budget:\n      max_unavailable: 25%\n") != std::string::npos);
  }
  SECTION("one budget over both workloads is applied to each, and noted") {
    const auto in = k8s_health_import(
        two +
        k8s_health_pdb("all", "  minAvailable: 50%\n  selector: {matchLabels: {tier: web}}\n"));
    CHECK(in.services[0].health.budget.has_value());
    CHECK(in.services[1].health.budget.has_value());
    CHECK(k8s_health_noted(in,
                           "service 'api': PodDisruptionBudget 'all' (minAvailable 50%) "
                           "selects 2 workloads"));
  }
  SECTION("another namespace's budget does not apply") {
    const auto in = k8s_health_import(
        two +
        "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p, "
        "namespace: other}\nspec:\n  minAvailable: 1\n  selector: {matchLabels: {app: web}}\n");
    CHECK_FALSE(in.services[0].health.budget.has_value());
    CHECK(k8s_health_noted(in,
                           "PodDisruptionBudget 'p' selects no workload in these files "
                           "(namespace 'other'); not imported"));
  }
}

TEST_CASE("a PodDisruptionBudget that selects no imported workload is reported, not an error") {
  const std::string yaml =
      k8s_health_deployment("web", "") + k8s_health_pdb("db-pdb",
                                                        "  minAvailable: 1\n  selector: "
                                                        "{matchLabels: {app: db}}\n");
  const auto in = k8s_health_import(yaml);
  CHECK_FALSE(in.services.at(0).health.budget.has_value());
  CHECK(k8s_health_noted(in, "PodDisruptionBudget 'db-pdb' selects no workload in these files"));
  CHECK(summarize(parse_k8s_manifests(yaml, "m.yaml"))
            .find("PodDisruptionBudget db-pdb: minAvailable 1, selects no workload in these "
                  "files") != std::string::npos);
  // No selector at all selects no pod (policy/v1).
  CHECK(k8s_health_noted(k8s_health_import(k8s_health_deployment("web", "") +
                                           k8s_health_pdb("none", "  minAvailable: 1\n")),
                         "no selector: it selects no pod"));
}

TEST_CASE("an empty PodDisruptionBudget selector selects every pod in policy/v1, none in v1beta1") {
  const std::string web = k8s_health_deployment("web", "");
  CHECK(k8s_health_import(web + k8s_health_pdb("p", "  minAvailable: 1\n  selector: {}\n"))
            .services.at(0)
            .health.budget.has_value());
  CHECK_FALSE(k8s_health_import(web + k8s_health_pdb("p", "  minAvailable: 1\n  selector: {}\n",
                                                     "policy/v1beta1"))
                  .services.at(0)
                  .health.budget.has_value());
  // A non-empty v1beta1 selector matches as v1's does.
  CHECK(k8s_health_import(web + k8s_health_pdb("p",
                                               "  minAvailable: 1\n  selector: "
                                               "{matchLabels: {app: web}}\n",
                                               "policy/v1beta1"))
            .services.at(0)
            .health.budget.has_value());
}

TEST_CASE("a pod under two PodDisruptionBudgets is never evicted, and that is reported") {
  const auto in = k8s_health_import(
      k8s_health_deployment("web", "") +
      k8s_health_pdb("a", "  minAvailable: 1\n  selector: {matchLabels: {app: web}}\n") +
      k8s_health_pdb("b", "  maxUnavailable: 1\n  selector: {matchLabels: {tier: web}}\n"));
  const auto& s = in.services.at(0);
  REQUIRE(s.health.budget.has_value());
  CHECK(s.health.budget->kind == DisruptionBudget::Kind::max_unavailable);
  CHECK(s.health.budget->value == 0.0);
  CHECK(s.health.budget->min_ready(4) == 4);
  CHECK(k8s_health_noted(in,
                         "selected by PodDisruptionBudgets 'a', 'b': the eviction API "
                         "refuses to evict a pod with more than one (HTTP 500)"));
  const auto* a = k8s_health_assumption(s, "disruption_budget");
  REQUIRE(a != nullptr);
  CHECK(a->value == "{max_unavailable: 0}");
}

TEST_CASE("bad PodDisruptionBudgets are errors at their line and column") {
  const std::string web = k8s_health_deployment("web", "");
  CHECK(k8s_health_error(web + k8s_health_pdb("p", "  minAvailable: 1\n  maxUnavailable: 1\n")) ==
        "m.yaml:18:19: error: spec: minAvailable and maxUnavailable cannot be both set");
  CHECK(k8s_health_error(web + k8s_health_pdb("p", "  minAvailable: 120%\n")) ==
        "m.yaml:17:17: error: spec.minAvailable: '120%' is more than 100%");
  CHECK(k8s_health_error(web + k8s_health_pdb("p", "  maxUnavailable: -1\n")) ==
        "m.yaml:17:19: error: spec.maxUnavailable: '-1' is not a non-negative integer or a "
        "percent (\"25%\")");
  CHECK(k8s_health_error(web + k8s_health_pdb("p", "  maxUnavailable: half\n"))
            .find("spec.maxUnavailable: 'half' is not a non-negative integer") !=
        std::string::npos);
  CHECK(k8s_health_error(web + k8s_health_pdb("p", "  minAvailable: 1\n", "policy/v2")) ==
        "m.yaml:13:13: error: apiVersion: unsupported 'policy/v2' for a PodDisruptionBudget (use "
        "policy/v1)");
  CHECK(k8s_health_error(web + k8s_health_pdb("p",
                                              "  minAvailable: 1\n  selector:\n    "
                                              "matchExpressions:\n    - {key: app, "
                                              "operator: Near}\n"))
            .find("spec.selector.matchExpressions[0].operator: 'Near' is not In") !=
        std::string::npos);
}

TEST_CASE("a PodDisruptionBudget with neither field imports no budget and says so") {
  const auto in = k8s_health_import(k8s_health_deployment("web", "") +
                                    k8s_health_pdb("p", "  selector: {matchLabels: {app: web}}\n"));
  CHECK_FALSE(in.services.at(0).health.budget.has_value());
  CHECK(k8s_health_noted(in,
                         "PodDisruptionBudget 'p' sets neither minAvailable nor "
                         "maxUnavailable: no budget imported"));
}

TEST_CASE("the shared Kubernetes fixtures have no probes or budgets and import none") {
  for (const char* name : {"frontend-deployment.yaml", "guestbook-all-in-one.yaml",
                           "horizontal-pod-autoscaler.yaml", "redis-replica-deployment.yaml"}) {
    INFO(name);
    const auto m = load_k8s_manifests(vmcsim::test::fixture(std::string{"k8s/"} + name));
    CHECK(m.budgets.empty());
    const auto in = imported_services(m);
    for (const auto& s : in.services) {
      CHECK_FALSE(s.health.readiness.has_value());
      CHECK_FALSE(s.health.liveness.has_value());
      CHECK_FALSE(s.health.budget.has_value());
    }
    const std::string yaml = scenario_fragment(in).to_yaml();
    CHECK(yaml.find("probes") == std::string::npos);
    CHECK(yaml.find("disruption_budget") == std::string::npos);
  }
}
