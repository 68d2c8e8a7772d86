#pragma once
// Checks at load, part 2 of 2 (semantics; load_checks_structure.hpp holds the structural part).
// What the models will be asked to run, checked before the first event: every problem the
// runner's mapping (app/runner/world.hpp) or a model would otherwise meet at `vmcsim run` is an
// InputError here, at the line of the entry that causes it, so `vmcsim validate` rejects what
// `run` would. load_scenario calls check_world last; prepare_world then never throws InputError
// (a failure there is a broken contract: sim::ContractViolation).
//
// Checked, per service: a CPU and memory request (only a Kubernetes import may leave one zero:
// Kubernetes fits such a pod with no request and kube-scheduler scores it at its defaults), an
// image, a CPU request under autoscaling (utilization is relative to it). Per workload: bursts
// only on poisson, step, diurnal and azure-functions-2019 rates; a trace format the runner
// replays as requests, and the trace's content (read here, once, into the workload). Per variant
// and service: the profile with its overrides; a `registry:` when the variant pulls images
// (without one the pulls would never end); container_in_vm: a container runtime that is a
// container profile, every service fitting one node of node_instance_type; vm and microvm: a
// service with a size (not BestEffort) and a Fargate size covering it; GPUs: no host or node type
// of the scenario has GPUs, so a service requesting them fits nowhere.
#include "app/scenario/scenario.hpp"
#include "models/catalog/catalog.hpp"

namespace vmcsim::app::scenario {

// Checks `scenario` against the catalog and reads its request traces into its workloads.
void check_world(Scenario& scenario, const models::Catalog& catalog);

// The variant's catalog profile with its overrides applied; an override the catalog refuses is
// an InputError at the override.
models::PlatformProfile variant_profile(const Variant& variant, const models::Catalog& catalog);

// container_in_vm: the container runtime the node profile runs (runc if it names none), which
// must be a catalog profile of kind container; InputError at the override that named it, else
// at the variant.
models::PlatformProfile container_runtime_profile(const Variant& variant,
                                                  const models::PlatformProfile& node_profile,
                                                  const models::Catalog& catalog);

}  // namespace vmcsim::app::scenario
