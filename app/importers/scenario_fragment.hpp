#pragma once
// Turns imported ECS task definitions and Kubernetes manifests into the `services:` entries of a
// vmcsim scenario, in the format of app/scenario (branch app-scenario, app/scenario/loader.cpp):
//   services:
//     - name: nginx
//       ecs_task_definition: path/to/nginx_fargate.json   (or kubernetes: path/to/manifest.yaml)
//       cpu: 250m                    memory: 512MiB
//       cpu_limit / memory_limit     only when the source gives limits above the requests
//       replicas: 3
//       autoscaling: {kind: hpa, min_replicas, max_replicas, target_cpu_utilization (fraction),
//                     scale_down_stabilization}
//       placement_constraints: [distinctInstance, "memberOf(EXPRESSION)"]
// `image` is left out on purpose: with a task definition or manifest named, the scenario loader
// takes the image from that file, and an `image:` key would have to name an entry of `images:`
// (with sizes the sources do not give). The scenario format has no per-service platform key
// (platforms are chosen per variant), so the ECS platform hint (fargate/ec2) is returned in
// platform_hints and written as a comment. What cannot be expressed (an HPA on a custom metric,
// an HPA whose target is not in the files, preferred anti-affinity) is listed in notes, also as
// comments, never dropped silently.
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "app/importers/ecs_task_definition.hpp"
#include "app/importers/k8s_manifest.hpp"

namespace vmcsim::app::importers {

struct ScenarioFragment {
  YAML::Node services;                                // a sequence of service mappings
  std::map<std::string, std::string> platform_hints;  // service -> "fargate" | "ec2"
  std::vector<std::string> notes;
  // "# ..." comment lines (hints, notes), then "services:" and the entries.
  std::string to_yaml() const;
};

// "fargate" when requiresCompatibilities has FARGATE, else "ec2".
std::string platform_hint(const EcsTaskDefinition& task);

ScenarioFragment scenario_fragment(const EcsTaskDefinition& task);
ScenarioFragment scenario_fragment(const K8sManifest& manifest);

}  // namespace vmcsim::app::importers
