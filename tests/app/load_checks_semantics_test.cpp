// Imported Kubernetes and ECS services as the platforms run them, resolved once at load; every
// check `run` would make is made by the loader (`validate`), at the line that causes it.
#include "app/scenario/load_checks_semantics.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "app/runner/world.hpp"
#include "app/scenario/loader.hpp"
#include "fixture_path.hpp"

using namespace vmcsim::app;
using namespace vmcsim::app::scenario;
using vmcsim::sim::Bytes;
using vmcsim::sim::Millicores;
using vmcsim::test::fixture;
using vmcsim::test::input_error_of;
using vmcsim::test::run_cli;
using vmcsim::test::TempFile;

namespace {

// A Deployment of `replicas` pods whose one container has `resources` (YAML, indented for the
// container; empty: none).
std::string deployment(const std::string& name, const std::string& resources, int replicas = 2) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name +
         "}\nspec:\n  replicas: " + std::to_string(replicas) +
         "\n  template:\n    metadata: {labels: {app: " + name +
         "}}\n    spec:\n      containers:\n      - name: c\n        image: " + name + ":1\n" +
         resources;
}

// One service (a YAML flow mapping) run on metal hosts by an EKS-like variant and a runc one.
std::string semantics_scenario(const std::string& service, const std::string& extra_variants = "") {
  return "name: t\nduration: 2m\nhosts: [{name: h, count: 2, instance_type: m5.metal}]\n"
         "registry: {bandwidth: 1Gbps, latency: 10ms}\nservices: [" +
         service + "]\nworkloads: [{service: " + "web" +
         ", kind: poisson, rate: 5}]\n"
         "variants:\n"
         "  - {name: eks, platform: container_in_vm, profile: eks-node, node_instance_type: "
         "m5.large, placement: 'k8s:LeastAllocated'}\n"
         "  - {name: runc, platform: container, profile: runc}\n" +
         extra_variants;
}

}  // namespace

TEST_CASE("a Kubernetes container with only limits requests its limits") {
  TempFile manifest{"limits.yaml",
                    deployment("web",
                               "        resources:\n          limits: {cpu: 500m, memory: "
                               "256Mi}\n")};
  const auto s = load_scenario_text(
      semantics_scenario("{name: web, kubernetes: '" + manifest.path() + "'}"), "inline.yaml");
  const Service& web = s.services[0];
  CHECK(web.cpu_request == Millicores{500});
  CHECK(web.memory_request == Bytes::mib(256));
  CHECK(web.qos_class == "Guaranteed");
  const auto world = runner::prepare_world(s, vmcsim::models::Catalog::load_default());
  CHECK(world->variants[0].cluster.services[0].cpu_request == Millicores{500});
}

TEST_CASE("a Kubernetes Deployment without resources runs BestEffort and validate says so") {
  TempFile manifest{"besteffort.yaml", deployment("web", "")};
  TempFile file{"besteffort-scenario.yaml",
                semantics_scenario("{name: web, kubernetes: '" + manifest.path() + "'}")};
  const auto s = load_scenario(file.path());
  CHECK(s.services[0].cpu_request == Millicores{});
  CHECK(s.services[0].memory_request == Bytes{});
  CHECK(s.services[0].qos_class == "BestEffort");
  const auto validate = run_cli("validate '" + file.path() + "'");
  CHECK(validate.exit_code == 0);
  CHECK_THAT(validate.output,
             Catch::Contains("web (2 x 0 CPU, 0B from its Kubernetes manifest, BestEffort: no "
                             "CPU or memory request, fitted as 0 and scored as 100m CPU, 200MiB "
                             "by k8s placement (kube-scheduler's default))"));
  // Today's `run` refused it ("no CPU or memory request"); Kubernetes runs it.
  const auto out = TempFile{"besteffort-out", ""}.path();
  const auto run = run_cli("run '" + file.path() + "' --replications 1 --out '" + out + "'");
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.output, !Catch::Contains("error"));
  std::filesystem::remove_all(out);
}

TEST_CASE("vmcsim import k8s names the QoS class and the scoring defaults of a BestEffort pod") {
  TempFile manifest{"besteffort-import.yaml", deployment("web", "")};
  const auto r = run_cli("import k8s '" + manifest.path() + "'");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("cpu 0, memory 0B, BestEffort: fitted with no request, "
                                       "scored as 100m CPU, 200MiB by k8s placement"));
}

TEST_CASE("a BestEffort service cannot be sized as a VM nor autoscaled on CPU utilization") {
  TempFile manifest{"besteffort-vm.yaml", deployment("web", "")};
  const std::string service = "{name: web, kubernetes: '" + manifest.path() + "'}";
  CHECK_THAT(
      input_error_of([&] {
        load_scenario_text(
            semantics_scenario(service, "  - {name: vm, platform: vm, profile: kvm-ubuntu}\n"),
            "inline.yaml");
      }),
      Catch::StartsWith("inline.yaml:5:12: error: service 'web' requests no CPU "
                        "(BestEffort), but variant 'vm' sizes a vm"));
  CHECK_THAT(
      input_error_of([&] {
        load_scenario_text(
            semantics_scenario("{name: web, kubernetes: '" + manifest.path() +
                               "', autoscaling: {kind: hpa, min_replicas: 1, max_replicas: 3, "
                               "target_cpu_utilization: 0.5}}"),
            "inline.yaml");
      }),
      Catch::StartsWith("inline.yaml:5:12: error: service 'web': hpa scales on CPU "
                        "utilization relative to the CPU request"));
}

TEST_CASE("explicit replicas and autoscaling win over a manifest's in the run as at load") {
  // The manifest asks for 5 replicas and has an HPA on CPU; the scenario says 1 and none.
  TempFile manifest{
      "hpa.yaml",
      deployment("web", "        resources:\n          requests: {cpu: 100m, memory: 64Mi}\n", 5) +
          "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
          "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
          "  minReplicas: 2\n  maxReplicas: 9\n  metrics:\n  - type: Resource\n    resource:\n"
          "      name: cpu\n      target: {type: Utilization, averageUtilization: 60}\n"};
  const auto catalog = vmcsim::models::Catalog::load_default();
  const auto explicit_values =
      load_scenario_text(semantics_scenario("{name: web, kubernetes: '" + manifest.path() +
                                            "', replicas: 1, autoscaling: {kind: none}}"),
                         "inline.yaml");
  const auto world = runner::prepare_world(explicit_values, catalog);
  for (const auto& v : world->variants) {
    CHECK(v.cluster.services[0].replicas == 1);
    CHECK(v.cluster.services[0].autoscaling.kind == vmcsim::models::AutoscalerConfig::Kind::none);
  }
  // Without them, the manifest's count (within the HPA's bounds) and its HPA.
  const auto from_file = load_scenario_text(
      semantics_scenario("{name: web, kubernetes: '" + manifest.path() + "'}"), "inline.yaml");
  const auto imported = runner::prepare_world(from_file, catalog);
  CHECK(imported->variants[0].cluster.services[0].replicas == 5);
  CHECK(imported->variants[0].cluster.services[0].autoscaling.kind ==
        vmcsim::models::AutoscalerConfig::Kind::hpa);
  CHECK(imported->variants[0].cluster.services[0].autoscaling.hpa.max_replicas == 9);
}

TEST_CASE("an imported image not listed under images is listed as assumed at load") {
  const auto s =
      load_scenario_text(semantics_scenario("{name: web, kubernetes: '" +
                                            fixture("k8s/frontend-deployment.yaml") + "'}"),
                         "inline.yaml");
  REQUIRE(s.images.size() == 1);
  CHECK(s.images[0].name == "gcr.io/google-samples/gb-frontend:v5");
  CHECK(s.images[0].assumed);
  CHECK(s.images[0].total_size() == Bytes::mib(200));
}

TEST_CASE("bursts the runner cannot fold are an error at the bursts list when loading") {
  const std::string text =
      "name: t\nduration: 2m\nhosts: [{name: h, count: 1, instance_type: m5.metal}]\n"
      "images: {web: {size: 10MiB, layers: 1}}\nregistry: {bandwidth: 1Gbps, latency: 1ms}\n"
      "services: [{name: web, image: web, cpu: 100m, memory: 64MiB}]\n"
      "workloads:\n  - service: web\n    kind: onoff\n    rate: 5\n"
      "    on: {dist: constant, value: 1s}\n    off: {dist: constant, value: 1s}\n"
      "    bursts: [{at: 10s, duration: 5s, multiplier: 2}]\n"
      "variants: [{name: c, platform: container, profile: runc}]\n";
  CHECK(input_error_of([&] { load_scenario_text(text, "inline.yaml"); }) ==
        "inline.yaml:13:13: error: workload of 'web': bursts on onoff workloads are not modelled "
        "yet (poisson, step, diurnal and azure-functions-2019 take bursts)");
}

TEST_CASE("a service that fits no node of its variant is an error at the service") {
  // 10Gi and one GPU on m5.large EKS nodes (8GiB, no GPU): today it ran with every metric n/a.
  TempFile gpu{"gpu.yaml",
               deployment("web",
                          "        resources:\n          requests: {cpu: 500m, memory: "
                          "1Gi}\n          limits: {memory: 1Gi, nvidia.com/gpu: 1}\n")};
  CHECK(input_error_of([&] {
          load_scenario_text(semantics_scenario("{name: web, kubernetes: '" + gpu.path() + "'}"),
                             "inline.yaml");
        }) ==
        "inline.yaml:5:12: error: service 'web' requests 1 GPU per replica, but no node of "
        "variant 'eks' has a GPU (m5.large nodes): vmcsim models GPUs only for pod_trace "
        "placement");
  TempFile big{"big.yaml", deployment("web",
                                      "        resources:\n          requests: {cpu: 500m, "
                                      "memory: 10Gi}\n")};
  CHECK_THAT(input_error_of([&] {
               load_scenario_text(
                   semantics_scenario("{name: web, kubernetes: '" + big.path() + "'}"),
                   "inline.yaml");
             }),
             Catch::StartsWith("inline.yaml:5:12: error: service 'web' (500m CPU, 10GiB) fits no "
                               "node of variant 'eks': a m5.large node has 2 CPU and"));
}

TEST_CASE("a variant that pulls images needs a registry, else an error at the variant") {
  // Without one the pulls had bandwidth 0 and replicas waited in image_pull forever.
  const std::string text =
      "name: t\nduration: 2m\nhosts: [{name: h, count: 1, instance_type: m5.metal}]\n"
      "images: {web: {size: 10MiB, layers: 1}}\n"
      "services: [{name: web, image: web, cpu: 100m, memory: 64MiB}]\n"
      "variants:\n  - {name: vm, platform: vm, profile: kvm-ubuntu}\n"
      "  - {name: c, platform: container, profile: runc}\n";
  CHECK(input_error_of([&] { load_scenario_text(text, "inline.yaml"); }) ==
        "inline.yaml:8:5: error: variant 'c': runc pulls each service's image from the registry, "
        "and the scenario has no `registry:` (give its bandwidth and latency, e.g. `registry: "
        "{bandwidth: 1Gbps, latency: 20ms}`)");
}
