#pragma once
// Services that name an ECS task definition (`ecs_task_definition: path`) or a Kubernetes
// manifest (`kubernetes: path`) take what the scenario leaves out from that file.
//
// Filled, unless the scenario wrote the value itself:
//   image            the first essential (ECS) or first (Kubernetes) container's image
//   cpu, memory      ECS: task-level cpu/memory, else the sum over containers (CPU units -> 1024
//                    per core: 256 -> 250m); Kubernetes: the sum of the containers' requests
//                    (a missing request defaults to the limit)
//   cpu_limit        Kubernetes: the sum of the containers' limits when every container has one,
//                    else none (requests without limits are CPU shares, no CFS quota); ECS: the
//                    task-level cpu (a hard limit), else none (container cpu units are shares)
//   memory_limit     Kubernetes: as cpu_limit, else the request; ECS: the request
//   replicas         Kubernetes: spec.replicas (ECS task definitions have no count)
//   autoscaling      Kubernetes: an HPA on Resource cpu Utilization targeting the workload
//                    becomes {kind: hpa, min, max, target_cpu_utilization,
//                    scale_down_stabilization}
//   placement_constraints  ECS placementConstraints
//   labels, affinity, anti_affinity, topology_spread  Kubernetes: the pod template's labels,
//                    podAffinity / podAntiAffinity terms and topologySpreadConstraints (each
//                    list taken whole when the scenario wrote none of its own)
//   gpus, qos_class  whole GPUs per replica; the Kubernetes pod's QoS class (a BestEffort pod
//                    keeps zero requests: see Service::qos_class)
//   probes.readiness, probes.liveness, probes.startup   Kubernetes: the first container's
//                    readinessProbe, livenessProbe and startupProbe (timeoutSeconds included);
//                    health_check   ECS: the first essential container's healthCheck (timeout
//                    included); disruption_budget   Kubernetes: the PodDisruptionBudget that
//                    selects the workload's pods. Each is taken whole when the scenario wrote
//                    none of its own (a scenario's probe is never completed field by field from
//                    the file's); fields the file leaves out take the catalog's defaults, as a
//                    scenario's own do (ImportedProbe). What the model cannot take (another
//                    container's checks) becomes an assumption valued "not modelled", so
//                    `validate` and results.json show it.
// What the scenario writes wins, field by field as listed (cpu, memory, replicas, autoscaling,
// each list, each probe, the health check, the budget), whatever the file says.
// An imported image not listed under `images:` is added to them as assumed (Image::assumed:
// 200MiB in 4 layers; task definitions and manifests give no sizes).
// A manifest may hold several workloads: the service takes the one of its name, or the only one.
// Errors (an unreadable or invalid file, no matching workload, a limit below a request) are
// InputErrors at the service entry, "services[i]: ...", quoting the importer's own located
// message for errors inside the file.
#include "app/importers/scenario_fragment.hpp"
#include "app/scenario/scenario.hpp"

namespace vmcsim::app::scenario {

// `defaults`: the catalog's detection settings, for the probe fields a file leaves out.
void resolve_imported_services(Scenario& scenario,
                               const models::failures::DetectionConfig& defaults);

// Merges one imported service into `service` (the rule above); exposed for tests. Returns the
// values it took that the file does not give (fields relative to the service: "cpu", "replicas",
// ...) and what it could not model (another container's "probes.readiness" or "health_check":
// value "not modelled"); resolve_imported_services adds them, and each assumed image, to
// Scenario::assumptions.
std::vector<Assumption> merge_imported(Service& service, const importers::ImportedService& imported,
                                       const models::failures::DetectionConfig& defaults);

}  // namespace vmcsim::app::scenario
