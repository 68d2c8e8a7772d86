#pragma once
// Turning a Scenario into what the models run: one ClusterConfig per variant, the workload
// plans, and what the metrics need (service SLOs, burst windows).
//
// Mapping (documented in docs/scenario-format.md where the user sees it):
//  - host groups: `count` hosts named "<group>-<i>" (just "<group>" when count is 1), labelled
//    zone, rack and instance_type; a topology generator assigns zones "zone-<z>" and racks
//    "zone-<z>-rack-<r>" round the hosts in order when the group names none. Missing disk or
//    network bandwidths take 500MB/s and 10Gbps (vmcsim assumption).
//  - services' labels, affinity/anti-affinity terms and topology spread constraints go to the
//    ServiceConfig as they are (keys already resolved by the loader); the nodes' attributes come
//    from the host labels through placement::node_attributes (in the Cluster).
//  - services are mapped as the loader resolved them (imports merged, assumed images listed,
//    traces read: app/scenario/imported_services.hpp, request_trace.hpp); nothing here reads or
//    interprets input, and every check lives in app/scenario/load_checks_semantics.hpp.
//  - variants: `profile` from the catalog with `overrides` applied (a catalog error becomes an
//    InputError at the override); container_in_vm: `profile` is the node profile, its
//    container_runtime the containers' profile, `node_instance_type` from the catalog; the
//    initial node count is, with the cluster autoscaler enabled, its min_nodes (0 allowed:
//    scale from zero, nodes come through the EC2 launch path); otherwise the nodes the initial
//    replicas need (by CPU, by memory, one per replica with distinctInstance), at least
//    min_nodes and at most max_nodes.
//  - placement: the spec as written (make_policy reads the registry's names); empty is
//    first_fit.
//  - billing: vm, container and microvm pay their physical hosts' price while in use; a
//    microvm profile named "fargate..." pays Fargate's per-vCPU and per-GB hour (catalog prices,
//    rounded sizes); container_in_vm pays its node VMs' instance-type price.
//  - autoscaling: hpa -> HpaSpec (target = utilization x 100, tolerance, scale-down
//    stabilization), target_tracking -> TargetTrackingSpec (cooldown on both sides), step ->
//    StepScalingSpec (threshold 0, each step's [lower, upper) x 100, change in capacity).
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "app/scenario/scenario.hpp"
#include "models/catalog/catalog.hpp"
#include "models/cluster/cluster_config.hpp"
#include "models/failures/failures.hpp"
#include "models/metrics/collector.hpp"
#include "models/workload/arrivals.hpp"

namespace vmcsim::app::runner {

// One workload of the scenario, ready to become an ArrivalProcess in each job.
struct WorkloadPlan {
  std::size_t service = 0;  // index into the cluster's services
  std::string stream_name;  // "workload/<index>/<service>": the same in every variant
  scenario::Workload spec;
  models::RequestShape shape;  // bare-timestamps traces: each job draws the work from it
};

struct PreparedVariant {
  std::unique_ptr<models::PlatformProfile> profile;
  std::unique_ptr<models::PlatformProfile> node_profile;
  models::ClusterConfig cluster;  // seed and replication set per job
};

// Everything the jobs read (never write). Profiles and images are owned here and pointed to by
// the ClusterConfigs, so a PreparedWorld must not be moved once built (it is not copyable).
struct PreparedWorld {
  PreparedWorld() = default;
  PreparedWorld(const PreparedWorld&) = delete;
  PreparedWorld& operator=(const PreparedWorld&) = delete;

  std::deque<models::Image> images;
  std::vector<PreparedVariant> variants;  // scenario order
  std::vector<WorkloadPlan> workloads;
  std::vector<models::metrics::ServiceMetricsConfig> service_metrics;
  std::vector<models::metrics::BurstWindow> bursts;
  std::vector<scenario::Service> services;  // the scenario's, with imported values filled in
  models::failures::FailureSpec failures;   // empty: nothing fails (app/runner/failures.hpp)
  sim::Time duration;
};

// Never throws InputError: the scenario passed check_world at load. A mapping that still fails
// is a broken contract (sim::ContractViolation).
std::unique_ptr<PreparedWorld> prepare_world(const scenario::Scenario& scenario,
                                             const models::Catalog& catalog);

// Builds the arrival process of a plan (bursts folded into the rate). A bare-timestamps trace
// draws its requests' work from `stream` here, once per job.
std::unique_ptr<models::ArrivalProcess> make_arrivals(const WorkloadPlan& plan,
                                                      sim::RandomStream& stream);

}  // namespace vmcsim::app::runner
