// Scenario fragments from imports: the emitted YAML reads back with the service keys of the
// scenario format and the values of the source files.
#include <catch2/catch.hpp>

#include "app/importers/scenario_fragment.hpp"
#include "fixture_path.hpp"

using namespace vmcsim::app::importers;
using vmcsim::test::fixture;

TEST_CASE("an ECS Fargate task definition becomes one service with a fargate hint") {
  const auto path = fixture("ecs/nginx_fargate.json");
  const auto fragment = scenario_fragment(load_ecs_task_definition(path));
  const std::string yaml = fragment.to_yaml();
  INFO(yaml);
  CHECK_THAT(yaml, Catch::StartsWith("# service 'nginx': platform hint fargate"));
  const YAML::Node back = YAML::Load(yaml);
  REQUIRE(back["services"].size() == 1);
  const YAML::Node s = back["services"][0];
  CHECK(s["name"].as<std::string>() == "nginx");
  CHECK(s["ecs_task_definition"].as<std::string>() == path);
  CHECK(s["cpu"].as<std::string>() == "250m");
  CHECK_FALSE(s["cpu_limit"]);  // task-level cpu: a hard limit equal to the request
  CHECK(s["memory"].as<std::string>() == "512MiB");
  CHECK(s["replicas"].as<int>() == 1);
  CHECK_FALSE(s["image"]);
  CHECK(fragment.platform_hints.at("nginx") == "fargate");
}

TEST_CASE("an ECS EC2 task definition without task sizes sums its containers") {
  const auto fragment = scenario_fragment(load_ecs_task_definition(fixture("ecs/tomcat_ec2.json")));
  const YAML::Node s = YAML::Load(fragment.to_yaml())["services"][0];
  CHECK(s["name"].as<std::string>() == "tomcat-webserver");
  CHECK(s["cpu"].as<std::string>() == "1");
  // Container-level CPU units only: shares, no hard limit (`cpu` alone would mean one).
  CHECK(s["cpu_limit"].as<std::string>() == "none");
  CHECK(s["memory"].as<std::string>() == "2GiB");
  CHECK(fragment.platform_hints.at("tomcat-webserver") == "ec2");
}

TEST_CASE("ECS placement constraints carry over in the scenario spelling") {
  const auto task = parse_ecs_task_definition(
      R"({"family":"f","memory":"512","containerDefinitions":[{"name":"a","image":"i"}],
          "placementConstraints":[{"type":"distinctInstance"},
                                  {"type":"memberOf","expression":"attribute:ecs.instance-type =~ t2.*"}]})",
      "t.json");
  const YAML::Node s = YAML::Load(scenario_fragment(task).to_yaml())["services"][0];
  REQUIRE(s["placement_constraints"].size() == 2);
  CHECK(s["placement_constraints"][0].as<std::string>() == "distinctInstance");
  CHECK(s["placement_constraints"][1].as<std::string>() ==
        "memberOf(attribute:ecs.instance-type =~ t2.*)");
  CHECK_FALSE(s["cpu"]);  // no CPU anywhere in the file: left to the loader
}

TEST_CASE("the guestbook becomes three services with their replicas") {
  const auto path = fixture("k8s/guestbook-all-in-one.yaml");
  const YAML::Node services =
      YAML::Load(scenario_fragment(load_k8s_manifests(path)).to_yaml())["services"];
  REQUIRE(services.size() == 3);
  CHECK(services[0]["name"].as<std::string>() == "redis-master");
  CHECK(services[0]["kubernetes"].as<std::string>() == path);
  CHECK(services[0]["cpu"].as<std::string>() == "100m");
  CHECK(services[0]["cpu_limit"].as<std::string>() == "none");  // requests without limits
  CHECK(services[0]["memory"].as<std::string>() == "100MiB");
  CHECK(services[0]["replicas"].as<int>() == 1);
  CHECK(services[1]["replicas"].as<int>() == 2);
  CHECK(services[2]["name"].as<std::string>() == "frontend");
  CHECK(services[2]["replicas"].as<int>() == 3);
  CHECK_FALSE(services[2]["autoscaling"]);
}

TEST_CASE("an HPA on CPU becomes hpa autoscaling, and one on a custom metric becomes a note") {
  const auto manifest = parse_k8s_manifests(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: web}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - {labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname}
      containers:
      - name: c
        image: nginx
        resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {cpu: 500m, memory: 256Mi}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 12
  metrics:
  - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 300}
)",
                                            "m.yaml");
  const auto fragment = scenario_fragment(manifest);
  const YAML::Node s = YAML::Load(fragment.to_yaml())["services"][0];
  CHECK(s["cpu"].as<std::string>() == "250m");
  CHECK(s["cpu_limit"].as<std::string>() == "500m");
  CHECK(s["memory"].as<std::string>() == "256MiB");
  CHECK_FALSE(s["memory_limit"]);  // equal to the request
  const YAML::Node a = s["autoscaling"];
  CHECK(a["kind"].as<std::string>() == "hpa");
  CHECK(a["min_replicas"].as<int>() == 2);
  CHECK(a["max_replicas"].as<int>() == 12);
  CHECK(a["target_cpu_utilization"].as<double>() == Approx(0.6));
  CHECK(a["scale_down_stabilization"].as<std::string>() == "5m");
  // Required self-anti-affinity per host is written as the term itself (not distinctInstance).
  CHECK_FALSE(s["placement_constraints"]);
  CHECK(s["labels"]["app"].as<std::string>() == "web");
  REQUIRE(s["anti_affinity"].size() == 1);
  CHECK(s["anti_affinity"][0]["type"].as<std::string>() == "required");
  CHECK(s["anti_affinity"][0]["topology_key"].as<std::string>() == "kubernetes.io/hostname");
  CHECK(s["anti_affinity"][0]["match_labels"]["app"].as<std::string>() == "web");
  CHECK(fragment.notes.empty());

  const auto vllm =
      scenario_fragment(load_k8s_manifests(fixture("k8s/horizontal-pod-autoscaler.yaml")));
  CHECK(vllm.services.size() == 0);
  REQUIRE(vllm.notes.size() == 1);
  CHECK_THAT(
      vllm.notes[0],
      Catch::Contains("'gemma-server-hpa': target Deployment 'vllm-gemma-deployment' is not"));
}
