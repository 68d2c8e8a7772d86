// Services with ecs_task_definition or kubernetes take image, sizes, replicas and autoscaling
// from the file when the scenario loads; what the scenario writes itself wins.
#include "app/scenario/imported_services.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "app/scenario/loader.hpp"
#include "fixture_path.hpp"

using namespace vmcsim::app::scenario;
using vmcsim::sim::Bytes;
using vmcsim::sim::Millicores;
using vmcsim::sim::Time;
using vmcsim::test::fixture;
using vmcsim::test::input_error_of;
using vmcsim::test::TempFile;

namespace {

// A scenario whose only service is `service` (a YAML flow mapping).
Scenario load_service(const std::string& service) {
  return load_scenario_text(
      "name: t\nduration: 10m\nhosts: [{name: h, count: 2, cpu: \"16\", "
      "memory: 64GiB}]\nservices: [" +
          service +
          "]\nvariants: [{name: c, platform: container, profile: runc}]\n"
          "registry: {bandwidth: 1Gbps, latency: 10ms}\n",
      "inline.yaml");
}

}  // namespace

TEST_CASE("an ECS Fargate task definition gives the service its image and task size") {
  // nginx_fargate.json: container nginx:latest with cpu 256 units; task cpu "256", memory "512".
  const auto path = fixture("ecs/nginx_fargate.json");
  const Service s = load_service("{name: web, ecs_task_definition: '" + path + "'}").services[0];
  CHECK(s.image == "nginx:latest");
  CHECK(s.cpu_request == Millicores{250});  // 256 units x 1000 / 1024
  CHECK(s.cpu_limit == Millicores{250});    // task-level cpu is a hard limit (CFS quota)
  CHECK(s.memory_request == Bytes::mib(512));
  CHECK(s.memory_limit == Bytes::mib(512));
  CHECK(s.replicas == 1);  // a task definition has no count
  CHECK(s.autoscaling.kind == AutoscalerKind::none);
}

TEST_CASE("an ECS task definition without task sizes gives the sum of its containers") {
  // tomcat_ec2.json: one container tomcat, cpu 1024 units, memory 2048 MiB, no task sizes.
  const Service s = load_service("{name: t, replicas: 3, ecs_task_definition: '" +
                                 fixture("ecs/tomcat_ec2.json") + "'}")
                        .services[0];
  CHECK(s.image == "tomcat");
  CHECK(s.cpu_request == Millicores::cores(1));
  CHECK(s.cpu_limit == Millicores{});  // container cpu units alone are shares: no hard limit
  CHECK(s.memory_request == Bytes::gib(2));
  CHECK(s.replicas == 3);  // written in the scenario
}

TEST_CASE("a Kubernetes service takes the workload of its name from a manifest") {
  // guestbook-all-in-one.yaml: redis-replica, 2 replicas of gb-redisslave:v1 requesting 100m and
  // 100Mi, no limits.
  const Service s = load_service("{name: redis-replica, kubernetes: '" +
                                 fixture("k8s/guestbook-all-in-one.yaml") + "'}")
                        .services[0];
  CHECK(s.image == "gcr.io/google_samples/gb-redisslave:v1");
  CHECK(s.replicas == 2);
  CHECK(s.cpu_request == Millicores{100});
  CHECK(s.cpu_limit == Millicores{});  // requests without limits: CPU shares, no CFS quota
  CHECK(s.memory_request == Bytes::mib(100));
  CHECK(s.memory_limit == Bytes::mib(100));
}

TEST_CASE("values the scenario writes win over the manifest's") {
  const Service s = load_service(
                        "{name: x, cpu: 300m, memory: 1GiB, replicas: 5, "
                        "kubernetes: '" +
                        fixture("k8s/frontend-deployment.yaml") + "'}")
                        .services[0];
  CHECK(s.cpu_request == Millicores{300});
  CHECK(s.memory_request == Bytes::gib(1));
  CHECK(s.replicas == 5);
}

TEST_CASE("a manifest's HPA on CPU becomes the service's autoscaling, limits come along") {
  const TempFile manifest("hpa.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: c
        image: nginx:1.27
        resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {cpu: "1", memory: 512Mi}}
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
    scaleDown: {stabilizationWindowSeconds: 120}
)");
  const Service s = load_service("{name: web, kubernetes: '" + manifest.path() + "'}").services[0];
  CHECK(s.image == "nginx:1.27");
  CHECK(s.cpu_request == Millicores{250});
  CHECK(s.cpu_limit == Millicores{1000});
  CHECK(s.memory_request == Bytes::mib(256));
  CHECK(s.memory_limit == Bytes::mib(512));
  CHECK(s.replicas == 2);
  CHECK(s.autoscaling.kind == AutoscalerKind::hpa);
  CHECK(s.autoscaling.min_replicas == 2);
  CHECK(s.autoscaling.max_replicas == 12);
  CHECK(s.autoscaling.target_cpu_utilization == Approx(0.6));
  CHECK(s.autoscaling.scale_down_stabilization == Time::from_s(120));

  const Service own =
      load_service("{name: web, autoscaling: {kind: none}, kubernetes: '" + manifest.path() + "'}")
          .services[0];
  CHECK(own.autoscaling.kind == AutoscalerKind::none);  // written: the scenario wins
}

TEST_CASE("a manifest without a workload of the service's name is an error at the service") {
  const std::string message = input_error_of([] {
    load_service("{name: web, kubernetes: '" + fixture("k8s/guestbook-all-in-one.yaml") + "'}");
  });
  CHECK_THAT(message, Catch::StartsWith("inline.yaml:4:12: error: services[0]: kubernetes: "));
  CHECK_THAT(message, Catch::Contains("has 3 workloads and none is named 'web'"));
  CHECK_THAT(message, Catch::Contains("redis-master, redis-replica, frontend"));
}

TEST_CASE("an invalid task definition is an error at the service quoting the file's location") {
  const TempFile bad("bad.json",
                     "{\"family\": \"f\",\n \"containerDefinitions\": [{\"name\": "
                     "\"a\", \"image\": \"i\", \"memory\": -1}]}");
  const std::string message =
      input_error_of([&] { load_service("{name: f, ecs_task_definition: '" + bad.path() + "'}"); });
  CHECK_THAT(message, Catch::StartsWith("inline.yaml:4:12: error: services[0]: "
                                        "ecs_task_definition: " +
                                        bad.path() + ":2:"));
}

TEST_CASE("an imported service too large for every host group is an error at the service") {
  const TempFile big("big.yaml", R"(apiVersion: v1
kind: Pod
metadata: {name: big}
spec:
  containers:
  - {name: c, image: i, resources: {requests: {cpu: "100", memory: 1Gi}}}
)");
  const std::string message =
      input_error_of([&] { load_service("{name: big, kubernetes: '" + big.path() + "'}"); });
  CHECK_THAT(message, Catch::StartsWith("inline.yaml:4:12: error: services[0]: request 100 fits "
                                        "no host group (the largest has 16, 'h')"));
}

TEST_CASE("cpu_limit: none leaves a written service without a hard CPU limit") {
  const auto service = [](const std::string& extra) {
    return load_scenario_text(
               "name: t\nduration: 10m\nhosts: [{name: h, count: 1, cpu: \"4\", memory: 8GiB}]\n"
               "images: {web: {size: 100MiB, layers: 1}}\nregistry: {bandwidth: 1Gbps, latency: "
               "1ms}\n"
               "services: [{name: w, image: web, cpu: 300m, memory: 1GiB" +
                   extra + "}]\nvariants: [{name: c, platform: container, profile: runc}]\n",
               "inline.yaml")
        .services[0];
  };
  CHECK(service("").cpu_limit == Millicores{300});  // `cpu` alone: request and limit
  const Service unlimited = service(", cpu_limit: none");
  CHECK(unlimited.cpu_request == Millicores{300});
  CHECK(unlimited.cpu_limit == Millicores{});
}
