// Pod affinity, anti-affinity and topology spread from the scenario file and from Kubernetes
// manifests, down to placements over the zones of a generated topology.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include <yaml-cpp/yaml.h>

#include "app/importers/k8s_manifest.hpp"
#include "app/importers/scenario_fragment.hpp"
#include "app/runner/world.hpp"
#include "app/scenario/loader.hpp"
#include "fixture_path.hpp"
#include "models/cluster_test_support.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using namespace vmcsim::app;
namespace placement = vmcsim::models::placement;

namespace {

// 3 zones x 1 rack x 2 hosts generated; one service `web` of 4 replicas whose placement keys
// are `service_keys` (indented under the service), under one variant with `placement`.
std::string zoned_scenario(const std::string& service_keys, const std::string& placement) {
  return R"(name: zones
duration: 1m
hosts:
  - {name: h, count: 6, cpu: "4", memory: 16GiB}
topology:
  generator: {zones: 3, racks_per_zone: 1, hosts_per_rack: 2,
              uplinks: {bandwidth: 10Gbps, latency: 100us}}
registry: {bandwidth: 1Gbps, latency: 10ms}
images:
  web: {size: 100MiB, layers: 2}
services:
  - name: web
    image: web
    cpu: 500m
    memory: 512MiB
    replicas: 4
)" + service_keys +
         R"(variants:
  - {name: c, platform: container, profile: runc, placement: ")" +
         placement + "\"}\n";
}

// Loads the scenario, prepares its world and runs the first variant's cluster for 5 s.
models::testing::ZonePlacements run_placements(const std::string& text) {
  const auto catalog = models::Catalog::load_default();
  const auto s = scenario::load_scenario_text(text, "zones.yaml", catalog);
  const auto world = runner::prepare_world(s, catalog);
  return models::testing::placements_by_zone(world->variants.at(0).cluster);
}

}  // namespace

TEST_CASE("a service's labels, affinity, anti-affinity and spread load with resolved keys") {
  const auto s = scenario::load_scenario_text(zoned_scenario(R"(    labels: {app: web, tier: front}
    affinity:
      - {type: preferred, weight: 40, topology_key: rack, match_labels: {app: cache}}
    anti_affinity:
      - {topology_key: zone, match_labels: {app: web}}
      - topology_key: ecs.availability-zone
        match_expressions:
          - {key: tier, operator: In, values: [back, db]}
          - {key: legacy, operator: DoesNotExist}
    topology_spread:
      - {max_skew: 2, topology_key: hostname, when_unsatisfiable: ScheduleAnyway,
         match_labels: {}}
)",
                                                             "k8s"),
                                              "zones.yaml");
  const auto& web = s.services.at(0);
  CHECK(web.labels == std::map<std::string, std::string>{{"app", "web"}, {"tier", "front"}});
  REQUIRE(web.affinity.size() == 1);
  CHECK_FALSE(web.affinity[0].required);
  CHECK(web.affinity[0].weight == 40);
  CHECK(web.affinity[0].topology_key == "topology.vmcsim.io/rack");
  CHECK(web.affinity[0].selector.match_labels.at("app") == "cache");
  REQUIRE(web.anti_affinity.size() == 2);
  CHECK(web.anti_affinity[0].required);
  CHECK(web.anti_affinity[0].topology_key == "topology.kubernetes.io/zone");
  CHECK(web.anti_affinity[1].topology_key == "ecs.availability-zone");
  using Op = placement::LabelRequirement::Op;
  CHECK(web.anti_affinity[1].selector.match_expressions ==
        std::vector<placement::LabelRequirement>{{"tier", Op::in, {"back", "db"}},
                                                 {"legacy", Op::does_not_exist, {}}});
  REQUIRE(web.topology_spread.size() == 1);
  CHECK(web.topology_spread[0].max_skew == 2);
  CHECK(web.topology_spread[0].topology_key == "kubernetes.io/hostname");
  CHECK_FALSE(web.topology_spread[0].do_not_schedule);
  CHECK(web.topology_spread[0].selector == placement::LabelSelector{});  // every pod
}

TEST_CASE("required zone anti-affinity in a scenario runs one replica per generated zone") {
  const auto out = run_placements(zoned_scenario(R"(    labels: {app: web}
    anti_affinity:
      - {topology_key: zone, match_labels: {app: web}}
)",
                                                 "k8s"));
  CHECK(out.per_zone == std::map<std::string, int>{{"zone-0", 1}, {"zone-1", 1}, {"zone-2", 1}});
  REQUIRE(out.unplaced.size() == 1);
  CHECK(out.unplaced[0] == "all 6 nodes rejected: 6 by anti-affinity");
}

TEST_CASE("ECS spread over ecs.availability-zone balances the zones a scenario generates") {
  const auto spread =
      run_placements(zoned_scenario("", "ecs:spread(attribute:ecs.availability-zone)"));
  // 4 tasks on 3 zones: 2, 1, 1 (ties to the lowest index).
  CHECK(spread.per_zone == std::map<std::string, int>{{"zone-0", 2}, {"zone-1", 1}, {"zone-2", 1}});
  const auto member = run_placements(zoned_scenario(
      "    placement_constraints: [\"memberOf(attribute:ecs.availability-zone == zone-1)\"]\n",
      "ecs:spread(attribute:ecs.availability-zone)"));
  CHECK(member.per_zone == std::map<std::string, int>{{"zone-1", 4}});
}

TEST_CASE("the Kubernetes importer turns pod affinity, anti-affinity and spread into terms") {
  const auto manifest = importers::parse_k8s_manifests(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers:
      - {name: c, image: nginx, resources: {requests: {cpu: 250m, memory: 256Mi}}}
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector: {matchLabels: {app: web}}
      affinity:
        podAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 30
            podAffinityTerm:
              topologyKey: kubernetes.io/hostname
              labelSelector:
                matchExpressions:
                - {key: app, operator: In, values: [cache]}
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - topologyKey: kubernetes.io/hostname
            labelSelector: {matchLabels: {app: web}}
          - topologyKey: example.com/power-domain
            labelSelector: {matchLabels: {app: web}}
)",
                                                       "web.yaml");
  const auto imported = importers::imported_services(manifest);
  REQUIRE(imported.services.size() == 1);
  const auto& web = imported.services[0];
  CHECK(web.labels.at("tier") == "front");
  // Required self-anti-affinity per host is now a term, not distinctInstance.
  CHECK(web.placement_constraints.empty());
  REQUIRE(web.anti_affinity.size() == 1);
  CHECK(web.anti_affinity[0].topology_key == "kubernetes.io/hostname");
  CHECK(web.anti_affinity[0].required);
  REQUIRE(web.affinity.size() == 1);
  CHECK(web.affinity[0].weight == 30);
  CHECK(web.affinity[0].selector.match_expressions.at(0).values ==
        std::vector<std::string>{"cache"});
  REQUIRE(web.topology_spread.size() == 1);
  CHECK(web.topology_spread[0].do_not_schedule);
  // The key nodes do not carry is named in a note, not dropped silently.
  REQUIRE(imported.notes.size() == 1);
  CHECK_THAT(imported.notes[0],
             Catch::Contains("'example.com/power-domain'") && Catch::Contains("not imported"));

  // The fragment, pasted into a scenario, loads back to the same terms.
  const YAML::Node entry =
      YAML::Load(importers::scenario_fragment(imported).to_yaml())["services"][0];
  CHECK(entry["anti_affinity"][0]["type"].as<std::string>() == "required");
  CHECK(entry["affinity"][0]["match_expressions"][0]["operator"].as<std::string>() == "In");
  YAML::Node doc = YAML::Load(zoned_scenario("", "k8s"));
  for (const char* k : {"labels", "affinity", "anti_affinity", "topology_spread"})
    doc["services"][0][k] = entry[k];
  YAML::Emitter text;
  text << doc;
  const auto s = scenario::load_scenario_text(text.c_str(), "zones.yaml");
  const auto& loaded = s.services.at(0);
  CHECK(loaded.labels == web.labels);
  CHECK(loaded.affinity == web.affinity);
  CHECK(loaded.anti_affinity == web.anti_affinity);
  CHECK(loaded.topology_spread == web.topology_spread);
}

TEST_CASE("a service naming a fixture manifest takes its pod labels") {
  const auto catalog = models::Catalog::load_default();
  const std::string text = R"(name: guestbook
duration: 1m
hosts:
  - {name: h, count: 2, cpu: "4", memory: 16GiB}
registry: {bandwidth: 1Gbps, latency: 10ms}
services:
  - name: redis-replica
    kubernetes: )" + test::fixture("k8s/redis-replica-deployment.yaml") +
                           R"(
variants:
  - {name: c, platform: container, profile: runc, placement: k8s}
)";
  const auto s = scenario::load_scenario_text(text, "guestbook.yaml", catalog);
  CHECK(s.services.at(0).labels == std::map<std::string, std::string>{
                                       {"app", "redis"}, {"role", "replica"}, {"tier", "backend"}});
}

TEST_CASE("a manifest's bad selector operator or whenUnsatisfiable fails at its place") {
  const std::string head = R"(apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  containers: [{name: c, image: busybox}]
)";
  CHECK(test::input_error_of([&] {
          importers::parse_k8s_manifests(head + R"(  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - topologyKey: kubernetes.io/hostname
        labelSelector:
          matchExpressions: [{key: app, operator: Gt, values: ["1"]}]
)",
                                         "pod.yaml");
        }) ==
        "pod.yaml:11:51: error: spec.affinity.podAntiAffinity."
        "requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector."
        "matchExpressions[0].operator: 'Gt' is not In, NotIn, Exists or DoesNotExist");
  CHECK(test::input_error_of([&] {
          importers::parse_k8s_manifests(head + R"(  topologySpreadConstraints:
  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: Never}
)",
                                         "pod.yaml");
        }) ==
        "pod.yaml:7:56: error: spec.topologySpreadConstraints[0].whenUnsatisfiable: 'Never' "
        "is not DoNotSchedule or ScheduleAnyway");
}
