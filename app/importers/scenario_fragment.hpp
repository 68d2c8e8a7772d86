#pragma once
// Turns imported ECS task definitions and Kubernetes manifests into the `services:` entries of a
// vmcsim scenario, in the format of app/scenario (branch app-scenario, app/scenario/loader.cpp):
//   services:
//     - name: nginx
//       ecs_task_definition: path/to/nginx_fargate.json   (or kubernetes: path/to/manifest.yaml)
//       cpu: 250m                    memory: 512MiB
//       cpu_limit / memory_limit     only when the source gives limits above the requests;
//                                    cpu_limit: none when it gives no CPU limit
//       replicas: 3
//       autoscaling: {kind: hpa, min_replicas, max_replicas, target_cpu_utilization (fraction),
//                     scale_down_stabilization}
//       placement_constraints: [distinctInstance, "memberOf(EXPRESSION)"]   (ECS)
//       labels: {app: web}                                                 (Kubernetes)
//       affinity / anti_affinity: [{type: required|preferred, weight, topology_key,
//                                   match_labels, match_expressions}]
//       topology_spread: [{max_skew, topology_key, when_unsatisfiable, match_labels, ...}]
//       probes: {readiness: {...}, liveness: {...}, startup: {...}}   (Kubernetes probes)
//       health_check: {interval, timeout, retries, start_period} (ECS healthCheck)
//       disruption_budget: {min_available | max_unavailable} (a PodDisruptionBudget)
//       (only the fields the file gives: the loader fills the rest from the catalog)
// `image` is left out on purpose: with a task definition or manifest named, the scenario loader
// takes the image from that file, and an `image:` key would have to name an entry of `images:`
// (with sizes the sources do not give). The scenario format has no per-service platform key
// (platforms are chosen per variant), so the ECS platform hint (fargate/ec2) is returned in
// platform_hints and written as a comment. What cannot be expressed (an HPA on a custom metric,
// an HPA whose target is not in the files, a term on a topology key nodes do not carry or
// without a label selector) is listed in notes, also as comments, never dropped silently.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "app/importers/ecs_task_definition.hpp"
#include "app/importers/k8s_manifest.hpp"
#include "models/failures/failures.hpp"

namespace vmcsim::app::importers {

// A Kubernetes HPA on CPU utilization, the one kind of autoscaler the scenario format takes
// from a manifest.
struct ImportedAutoscaling {
  std::string hpa;  // the HorizontalPodAutoscaler's name
  int min_replicas = 1;
  int max_replicas = 1;
  double target_cpu_utilization = 0.0;  // fraction in (0, 1]
  std::optional<sim::Time> scale_down_stabilization;
};

// A value the source file does not give that the import fills in (a default of the platform, or
// a vmcsim assumption). The scenario loader lists those a service takes in Scenario::assumptions,
// so `validate` shows them and results.json marks them as assumed.
struct ImportedAssumption {
  std::string field;   // the service key it fills: "cpu", "memory", "replicas", ...
  std::string value;   // as a scenario would write it
  std::string reason;  // why this value
  SourceLocation where;  // in the source file; an empty file: the scenario's service entry
};

// A probe or container health check as the source file writes it. A field the file leaves out
// is nullopt and takes the catalog's default when the scenario loads (models/catalog/
// detection.yaml, the platform's documented default), exactly as a field left out of a
// service's own `probes` or `health_check` does, so an import and a scenario writing the same
// fields agree. The timeout decides how late a check of a hung process fails
// (models/failures/recovery.hpp, kubelet_probe_detection and docker_check_detection).
struct ImportedProbe {
  std::optional<sim::Time> initial_delay;  // initialDelaySeconds; ECS startPeriod
  std::optional<sim::Time> period;         // periodSeconds; ECS interval
  std::optional<sim::Time> timeout;        // timeoutSeconds; ECS timeout
  std::optional<int> failure_threshold;    // failureThreshold; ECS retries
  std::optional<int> success_threshold;    // successThreshold (Kubernetes only)
  std::string source;                      // "container 'web' readinessProbe", for the notes
};

// What a service's `probes`, `health_check` and `disruption_budget` take from the file (the
// scenario's own, where written, win: app/scenario/imported_services.hpp).
struct ImportedHealth {
  std::optional<ImportedProbe> readiness;                    // Kubernetes readinessProbe
  std::optional<ImportedProbe> liveness;                     // Kubernetes livenessProbe
  std::optional<ImportedProbe> startup;                      // Kubernetes startupProbe
  std::optional<ImportedProbe> health_check;                 // ECS container healthCheck
  std::optional<models::failures::DisruptionBudget> budget;  // a PodDisruptionBudget
  std::string budget_source;                                 // "PodDisruptionBudget 'web-pdb'"
};

// One service as its source file describes it. Both the fragment `vmcsim import` prints and the
// scenario loader's resolve_imported_services (app/scenario/imported_services.hpp) are built from
// this, so the two cannot disagree.
struct ImportedService {
  std::string name;     // ECS family or Kubernetes workload name
  std::string file;     // the task definition or manifest it came from
  bool ecs = false;     // true: an ECS task definition; false: a Kubernetes workload
  std::string image;    // the first essential (ECS) or first (Kubernetes) container's image
  sim::Millicores cpu;  // 0: the source gives none
  // ECS: the task-level cpu; Kubernetes: only when every container has one. None: no hard limit.
  std::optional<sim::Millicores> cpu_limit;
  // What the scheduler reserves; 0: the source gives none (a BestEffort pod). ECS: task-level
  // memory, else each container's memoryReservation (soft limit), else its memory.
  sim::Bytes memory;
  // Kubernetes: the sum of limits when every container has one; ECS: task-level memory, else
  // the sum of hard limits when every container has one.
  std::optional<sim::Bytes> memory_limit;
  std::optional<int> replicas;  // nullopt: the source has no count (ECS)
  int gpus = 0;  // whole GPUs per replica: nvidia.com/gpu (Kubernetes), GPU requirements (ECS)
  std::string qos_class;  // Kubernetes: BestEffort, Burstable or Guaranteed; ECS: empty
  std::optional<ImportedAutoscaling> autoscaling;
  std::vector<std::string> placement_constraints;  // "distinctInstance", "memberOf(...)"
  // Kubernetes: the pod labels, pod (anti-)affinity terms and topology spread constraints with
  // their topology keys resolved (models/placement/affinity.hpp).
  std::map<std::string, std::string> labels;
  std::vector<models::placement::PodAffinityTerm> affinity;
  std::vector<models::placement::PodAffinityTerm> anti_affinity;
  std::vector<models::placement::TopologySpreadConstraint> topology_spread;
  ImportedHealth health;
  std::vector<ImportedAssumption> assumptions;  // in the order the import made them
};

struct ImportedServices {
  std::vector<ImportedService> services;
  std::map<std::string, std::string> platform_hints;  // service -> "fargate" | "ec2"
  std::vector<std::string> notes;                     // what the scenario format cannot take
};

ImportedServices imported_services(const EcsTaskDefinition& task);
ImportedServices imported_services(const K8sManifest& manifest);

struct ScenarioFragment {
  YAML::Node services;                                // a sequence of service mappings
  std::map<std::string, std::string> platform_hints;  // service -> "fargate" | "ec2"
  std::vector<std::string> notes;
  // "# ..." comment lines (hints, notes), then "services:" and the entries.
  std::string to_yaml() const;
};

// "fargate" when requiresCompatibilities has FARGATE, else "ec2".
std::string platform_hint(const EcsTaskDefinition& task);

ScenarioFragment scenario_fragment(const ImportedServices& imported);
ScenarioFragment scenario_fragment(const EcsTaskDefinition& task);
ScenarioFragment scenario_fragment(const K8sManifest& manifest);

}  // namespace vmcsim::app::importers
