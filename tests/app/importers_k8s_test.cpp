// Kubernetes manifests: the shared fixtures import with their values; quantities follow the
// Kubernetes grammar; bad fields are reported at their YAML line:column with the field path.
#include <catch2/catch.hpp>

#include "app/importers/k8s_manifest.hpp"
#include "fixture_path.hpp"
#include "sim/parse_error.hpp"

using namespace vmcsim::app::importers;
using vmcsim::app::InputError;
using vmcsim::sim::Bytes;
using vmcsim::sim::Millicores;
using vmcsim::sim::ParseError;
using vmcsim::sim::Time;
using vmcsim::test::fixture;

namespace {

std::string k8s_error(const std::string& yaml) {
  return vmcsim::test::input_error_of([&] { parse_k8s_manifests(yaml, "m.yaml"); });
}

}  // namespace

TEST_CASE("Kubernetes CPU quantities become millicores, rounded up") {
  CHECK(parse_k8s_cpu("100m") == Millicores{100});
  CHECK(parse_k8s_cpu("0.5") == Millicores{500});
  CHECK(parse_k8s_cpu(".5") == Millicores{500});
  CHECK(parse_k8s_cpu("2") == Millicores{2000});
  CHECK(parse_k8s_cpu("1e3") == Millicores{1'000'000});
  CHECK(parse_k8s_cpu("1E-3") == Millicores{1});
  CHECK(parse_k8s_cpu("0.0001") == Millicores{1});
  CHECK(parse_k8s_cpu("+1.5") == Millicores{1500});
  CHECK(parse_k8s_cpu("1k") == Millicores{1'000'000});
}

TEST_CASE("Kubernetes memory quantities take decimal and binary suffixes and exponents") {
  CHECK(parse_k8s_memory("100Mi") == Bytes::mib(100));
  CHECK(parse_k8s_memory("1Gi") == Bytes::gib(1));
  CHECK(parse_k8s_memory("1.5Gi") == Bytes{1610612736});
  CHECK(parse_k8s_memory("128974848") == Bytes{128974848});
  CHECK(parse_k8s_memory("129e6") == Bytes{129'000'000});
  CHECK(parse_k8s_memory("129M") == Bytes{129'000'000});
  CHECK(parse_k8s_memory("123Ki") == Bytes{125952});
  CHECK(parse_k8s_memory("1k") == Bytes{1000});
  CHECK(parse_k8s_memory("2Ti") == Bytes::tib(2));
  CHECK(parse_k8s_memory("1Pi") == Bytes{1LL << 50});
  CHECK(parse_k8s_memory("1E") == Bytes{1'000'000'000'000'000'000});
  CHECK(parse_k8s_memory("7Ei") == Bytes{7LL << 60});
  CHECK(parse_k8s_memory("0.5") == Bytes{1});  // rounded up to a whole byte
}

TEST_CASE("malformed Kubernetes quantities are rejected") {
  for (const char* bad :
       {"", "abc", "1Xi", "-1", "1.5.5", "Mi", "1e", "1 Mi", "1mi", "8Ei", "12E", "1e40"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_k8s_memory(bad), ParseError);
  }
  CHECK_THROWS_WITH(parse_k8s_cpu("1Xi"),
                    Catch::Contains("invalid quantity '1Xi': unknown suffix 'Xi'"));
}

TEST_CASE("the frontend Deployment imports with replicas, labels and requests") {
  const auto m = load_k8s_manifests(fixture("k8s/frontend-deployment.yaml"));
  REQUIRE(m.workloads.size() == 1);
  CHECK(m.autoscalers.empty());
  CHECK(m.ignored.empty());
  const auto& w = m.workloads[0];
  CHECK(w.kind == "Deployment");
  CHECK(w.name == "frontend");
  CHECK(w.replicas == 3);
  CHECK(w.labels == std::map<std::string, std::string>{{"app", "guestbook"}, {"tier", "frontend"}});
  REQUIRE(w.containers.size() == 1);
  CHECK(w.containers[0].name == "php-redis");
  CHECK(w.containers[0].image == "gcr.io/google-samples/gb-frontend:v5");
  CHECK(w.containers[0].cpu_request == Millicores{100});
  CHECK(w.containers[0].memory_request == Bytes::mib(100));
  CHECK_FALSE(w.containers[0].cpu_limit.has_value());
  CHECK(w.anti_affinity.empty());
  CHECK(w.where.line == 1);
}

TEST_CASE("the redis replica Deployment imports") {
  const auto m = load_k8s_manifests(fixture("k8s/redis-replica-deployment.yaml"));
  REQUIRE(m.workloads.size() == 1);
  CHECK(m.workloads[0].name == "redis-replica");
  CHECK(m.workloads[0].replicas == 2);
  CHECK(m.workloads[0].labels.at("role") == "replica");
  CHECK(m.workloads[0].containers.at(0).name == "slave");
  CHECK(m.workloads[0].containers.at(0).image == "gcr.io/google_samples/gb-redisslave:v1");
  CHECK(m.workloads[0].cpu() == Millicores{100});
}

TEST_CASE("the all-in-one guestbook imports three Deployments and lists the Services as ignored") {
  const auto m = load_k8s_manifests(fixture("k8s/guestbook-all-in-one.yaml"));
  REQUIRE(m.workloads.size() == 3);
  CHECK(m.workloads[0].name == "redis-master");
  CHECK(m.workloads[0].replicas == 1);
  CHECK(m.workloads[0].containers.at(0).image == "registry.k8s.io/redis:e2e");
  CHECK(m.workloads[0].where.line == 18);
  CHECK(m.workloads[1].name == "redis-replica");
  CHECK(m.workloads[1].replicas == 2);
  CHECK(m.workloads[2].name == "frontend");
  CHECK(m.workloads[2].replicas == 3);
  REQUIRE(m.ignored.size() == 3);
  CHECK(m.ignored[0].kind == "Service");
  CHECK(m.ignored[0].name == "redis-master");
  CHECK(m.ignored[1].name == "redis-replica");
  CHECK(m.ignored[2].name == "frontend");
  const auto summary = summarize(m);
  CHECK_THAT(summary, Catch::Contains("3 workloads, 6 pods requesting cpu 600m, memory 600MiB"));
  CHECK_THAT(summary, Catch::Contains("ignored Service frontend"));
}

TEST_CASE("the vLLM HorizontalPodAutoscaler imports its metric and scale-down behavior") {
  const auto m = load_k8s_manifests(fixture("k8s/horizontal-pod-autoscaler.yaml"));
  REQUIRE(m.autoscalers.size() == 1);
  const auto& h = m.autoscalers[0];
  CHECK(h.name == "gemma-server-hpa");
  CHECK(h.api_version == "autoscaling/v2");
  CHECK(h.target_kind == "Deployment");
  CHECK(h.target_name == "vllm-gemma-deployment");
  CHECK(h.min_replicas == 1);
  CHECK(h.max_replicas == 5);
  REQUIRE(h.metrics.size() == 1);
  CHECK(h.metrics[0].type == "Pods");
  CHECK(h.metrics[0].name == "vllm_num_requests_running");
  CHECK(h.metrics[0].target_type == "AverageValue");
  CHECK(h.metrics[0].target_value == "4");
  CHECK_FALSE(h.target_cpu_utilization().has_value());
  CHECK_FALSE(h.scale_up.has_value());
  REQUIRE(h.scale_down.has_value());
  CHECK(h.scale_down->stabilization_window == Time::from_s(30));
  REQUIRE(h.scale_down->policies.size() == 1);
  CHECK(h.scale_down->policies[0].type == "Percent");
  CHECK(h.scale_down->policies[0].value == 100);
  CHECK(h.scale_down->policies[0].period == Time::from_s(15));
  CHECK(m.target_of(h) == nullptr);
  CHECK_THAT(summarize(m), Catch::Contains("(target not in these files)"));
}

TEST_CASE("an autoscaling/v2 HPA with resource metrics, policies and a Pod with anti-affinity") {
  const auto m = parse_k8s_manifests(R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: prod}
spec:
  replicas: 4
  template:
    metadata: {labels: {app: db}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: db}}
            topologyKey: kubernetes.io/hostname
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 50
            podAffinityTerm:
              labelSelector: {matchLabels: {app: db}}
              topologyKey: topology.kubernetes.io/zone
      containers:
      - name: pg
        image: postgres:16
        resources:
          requests: {cpu: "0.5", memory: 1Gi}
          limits: {cpu: 2, memory: 2Gi}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: db, namespace: prod}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: db}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 1500Mi}}
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 0
      selectPolicy: Max
      policies:
      - {type: Pods, value: 4, periodSeconds: 15}
      - {type: Percent, value: 100, periodSeconds: 15}
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  maxReplicas: 3
  targetCPUUtilizationPercentage: 80
---
apiVersion: v1
kind: Pod
metadata: {name: solo, labels: {app: solo}}
spec:
  containers:
  - name: c
    image: busybox
    resources: {limits: {cpu: 250m, memory: 64Mi}}
---
)",
                                     "inline.yaml");
  REQUIRE(m.workloads.size() == 2);
  const auto& db = m.workloads[0];
  CHECK(db.kind == "StatefulSet");
  CHECK(db.namespace_name == "prod");
  CHECK(db.replicas == 4);
  CHECK(db.containers.at(0).cpu_request == Millicores{500});
  CHECK(db.containers.at(0).cpu_limit == Millicores{2000});
  CHECK(db.containers.at(0).memory_limit == Bytes::gib(2));
  REQUIRE(db.anti_affinity.size() == 2);
  CHECK(db.anti_affinity[0].required);
  CHECK(db.anti_affinity[0].topology_key == "kubernetes.io/hostname");
  REQUIRE(db.anti_affinity[0].selector);
  CHECK(db.anti_affinity[0].selector->match_labels.at("app") == "db");
  CHECK_FALSE(db.anti_affinity[1].required);
  CHECK(db.anti_affinity[1].weight == 50);
  CHECK(db.anti_affinity[1].topology_key == "topology.kubernetes.io/zone");

  const auto& solo = m.workloads[1];
  CHECK(solo.kind == "Pod");
  CHECK(solo.replicas == 1);
  CHECK(solo.labels.at("app") == "solo");
  CHECK(solo.cpu() == Millicores{250});  // no request: the limit is what gets reserved
  CHECK(solo.memory() == Bytes::mib(64));

  REQUIRE(m.autoscalers.size() == 2);
  const auto& h = m.autoscalers[0];
  CHECK(m.target_of(h) == &db);
  CHECK(h.min_replicas == 2);
  CHECK(h.max_replicas == 10);
  CHECK(h.target_cpu_utilization() == 70);
  CHECK(h.metrics.at(1).name == "memory");
  CHECK(h.metrics.at(1).target_value == "1500Mi");
  REQUIRE(h.scale_up.has_value());
  CHECK(h.scale_up->stabilization_window == Time::zero());
  CHECK(h.scale_up->select_policy == "Max");
  REQUIRE(h.scale_up->policies.size() == 2);
  CHECK(h.scale_up->policies[0].type == "Pods");
  CHECK(h.scale_up->policies[0].value == 4);
  const auto& v1 = m.autoscalers[1];
  CHECK(v1.min_replicas == 1);
  CHECK(v1.max_replicas == 3);
  CHECK(v1.target_cpu_utilization() == 80);
}

TEST_CASE("bad manifest fields are reported at their line and column with the field path") {
  const std::string deployment =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n"
      "  replicas: 2\n  template:\n    spec:\n      containers:\n"
      "      - name: c\n        image: i\n";
  CHECK(k8s_error(deployment + "        resources: {requests: {cpu: lots}}\n") ==
        "m.yaml:11:37: error: spec.template.spec.containers[0].resources.requests.cpu: invalid "
        "quantity 'lots': expected a number (write e.g. 100m, 0.5, 128Mi, 1Gi, 1e3)");
  CHECK(k8s_error(deployment + "        resources:\n          requests: {memory: 2Gi}\n"
                               "          limits: {memory: 1Gi}\n") ==
        "m.yaml:12:11: error: spec.template.spec.containers[0].resources: the memory request "
        "exceeds the memory limit");
  CHECK(k8s_error("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  replicas: "
                  "many\n") == "m.yaml:5:13: error: spec.replicas: 'many' is not an integer");
  CHECK(
      k8s_error("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  replicas: 1\n"
                "  template:\n    spec:\n      containers: []\n") ==
      "m.yaml:8:7: error: spec.template.spec: a pod needs at least one container");
  CHECK(k8s_error("apiVersion: v1\nkind: Pod\nmetadata: {labels: {a: b}}\nspec: {}\n") ==
        "m.yaml:3:11: error: metadata: missing required 'name'");
  CHECK(
      k8s_error("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
                "spec:\n  scaleTargetRef: {kind: Deployment, name: w}\n  maxReplicas: 3\n"
                "  behavior:\n    scaleDown:\n      policies:\n      - {type: Percent, value: 10, "
                "periodSeconds: 3600}\n") ==
      "m.yaml:10:51: error: spec.behavior.scaleDown.policies[0].periodSeconds: 3600 is outside "
      "1..1800");
  CHECK(k8s_error("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
                  "spec:\n  scaleTargetRef: {kind: Deployment, name: w}\n  minReplicas: 5\n  "
                  "maxReplicas: 3\n") ==
        "m.yaml:6:16: error: spec.minReplicas: minReplicas exceeds maxReplicas");
  CHECK(
      k8s_error(
          "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
          "spec:\n  scaleTargetRef: {kind: Deployment, name: w}\n  maxReplicas: 3\n  metrics:\n"
          "  - type: Resource\n    resource: {name: cpu, target: {type: Utilisation}}\n") ==
      "m.yaml:9:42: error: spec.metrics[0].resource.target.type: 'Utilisation' is not Utilization, "
      "AverageValue or Value");
}

TEST_CASE("invalid YAML is reported at yaml-cpp's mark") {
  const std::string what = k8s_error("kind: Deployment\nmetadata: {name: [unclosed\n");
  CHECK(what.starts_with("m.yaml:3:1: error: invalid YAML: "));
}

TEST_CASE("a missing manifest file is an input error naming the path") {
  CHECK_THROWS_WITH(load_k8s_manifests("/nonexistent/m.yaml"),
                    "/nonexistent/m.yaml: error: cannot open '/nonexistent/m.yaml': no such file");
}

TEST_CASE("an HPA finds its Deployment across files") {
  const auto m = load_k8s_manifests(std::vector<std::string>{
      fixture("k8s/frontend-deployment.yaml"), fixture("k8s/horizontal-pod-autoscaler.yaml")});
  CHECK(m.files.size() == 2);
  CHECK(m.workloads.size() == 1);
  CHECK(m.autoscalers.size() == 1);
}

TEST_CASE(
    "a kind List, a ReplicaSet and a ReplicationController import, and a DaemonSet is ignored") {
  const auto m = parse_k8s_manifests(R"(apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata: {name: rs}
  spec:
    replicas: 5
    template: {spec: {containers: [{name: a, image: i, resources: {requests: {cpu: "1", memory: 1G}}}]}}
- apiVersion: v1
  kind: ReplicationController
  metadata: {name: rc}
  spec:
    template: {spec: {containers: [{name: b, image: j}]}}
- apiVersion: apps/v1
  kind: DaemonSet
  metadata: {name: agent}
  spec: {}
)",
                                     "list.yaml");
  REQUIRE(m.workloads.size() == 2);
  CHECK(m.workloads[0].kind == "ReplicaSet");
  CHECK(m.workloads[0].replicas == 5);
  CHECK(m.workloads[0].cpu() == Millicores{1000});
  CHECK(m.workloads[0].memory() == Bytes{1'000'000'000});
  CHECK(m.workloads[0].where.line == 4);
  CHECK(m.workloads[1].kind == "ReplicationController");
  CHECK(m.workloads[1].replicas == 1);  // the Kubernetes default
  CHECK(m.workloads[1].cpu() == Millicores{0});
  REQUIRE(m.ignored.size() == 1);
  CHECK(m.ignored[0].kind == "DaemonSet");
  CHECK(m.ignored[0].name == "agent");
}

TEST_CASE("a Kubernetes container keeps its GPU limit and the pod its QoS class") {
  const auto m = parse_k8s_manifests(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: llm}
spec:
  template:
    spec:
      containers:
      - name: a
        image: a
        resources:
          limits: {cpu: "2", memory: 10Gi, nvidia.com/gpu: 1}
      - name: b
        image: b
        resources:
          requests: {nvidia.com/gpu: 2}
          limits: {nvidia.com/gpu: 2}
)",
                                     "gpu.yaml");
  REQUIRE(m.workloads.size() == 1);
  const auto& w = m.workloads[0];
  CHECK(w.containers[0].gpus == 1);
  CHECK(w.containers[1].gpus == 2);
  CHECK(w.gpus() == 3);
  CHECK(w.qos_class() == "Burstable");  // b has no CPU or memory limits
  CHECK_THAT(summarize(m), Catch::Contains("3 GPUs, Burstable"));
}

TEST_CASE("a GPU request different from its limit is an error at the request") {
  CHECK_THROWS_WITH(parse_k8s_manifests(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    image: a
    resources:
      requests: {nvidia.com/gpu: 1}
      limits: {nvidia.com/gpu: 2}
)",
                                        "gpu.yaml"),
                    "gpu.yaml:10:32: error: spec.containers[0].resources.limits.nvidia.com/gpu: a "
                    "GPU request must equal its limit");
}

TEST_CASE("Kubernetes QoS classes follow the containers' requests and limits") {
  const auto qos = [](const std::string& resources) {
    return parse_k8s_manifests(
               "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
               "  containers:\n  - name: a\n    image: a\n" +
                   resources,
               "p.yaml")
        .workloads[0]
        .qos_class();
  };
  CHECK(qos("") == "BestEffort");
  CHECK(qos("    resources: {limits: {cpu: 1, memory: 1Gi}}\n") == "Guaranteed");
  CHECK(qos("    resources: {requests: {cpu: 1, memory: 1Gi}, limits: {cpu: 1, memory: 1Gi}}\n") ==
        "Guaranteed");
  CHECK(qos("    resources: {requests: {cpu: 100m}}\n") == "Burstable");
}
