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
// An imported image not listed under `images:` is added to them as assumed (Image::assumed:
// 200MiB in 4 layers; task definitions and manifests give no sizes).
// A manifest may hold several workloads: the service takes the one of its name, or the only one.
// Errors (an unreadable or invalid file, no matching workload, a limit below a request) are
// InputErrors at the service entry, "services[i]: ...", quoting the importer's own located
// message for errors inside the file.
#include "app/importers/scenario_fragment.hpp"
#include "app/scenario/scenario.hpp"

namespace vmcsim::app::scenario {

void resolve_imported_services(Scenario& scenario);

// Merges one imported service into `service` (the rule above); exposed for tests. Returns the
// values it took that the file does not give (fields relative to the service: "cpu", "replicas",
// ...); resolve_imported_services adds them, and each assumed image, to Scenario::assumptions.
std::vector<Assumption> merge_imported(Service& service, const importers::ImportedService& imported);

}  // namespace vmcsim::app::scenario
