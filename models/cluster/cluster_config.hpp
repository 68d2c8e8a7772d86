#pragma once
// The plain data a Cluster is built from: hosts, registry, services and one variant (how the
// services run: vm, microvm, container or container_in_vm). The app-layer runner fills these
// from a Scenario; tests fill them by hand. Pointers (profiles, images) must outlive the
// Cluster built from the config.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/autoscaling/cluster_autoscaler.hpp"
#include "models/autoscaling/ecs_scaling.hpp"
#include "models/autoscaling/hpa.hpp"
#include "models/catalog/profile.hpp"
#include "models/failures/failures.hpp"
#include "models/host.hpp"
#include "models/image/image.hpp"
#include "models/image/registry.hpp"
#include "models/placement/affinity.hpp"
#include "models/placement/fargate.hpp"
#include "models/serverless/function.hpp"
#include "models/platform/platform_kind.hpp"
#include "models/tenancy/service_tenancy.hpp"
#include "models/topology/topology.hpp"
#include "sim/distributions.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::models {

using RegistryConfig = RegistrySpec;

// A service's autoscaler. The metric every kind sees is the service's average CPU utilization in
// percent of its CPU request over the last sync period (see cluster.hpp).
struct AutoscalerConfig {
  enum class Kind { none, hpa, target_tracking, step };
  Kind kind = Kind::none;
  autoscaling::HpaSpec hpa;
  autoscaling::TargetTrackingSpec target_tracking;
  autoscaling::StepScalingSpec step;
  // How often the controller is evaluated; zero: 15 s for hpa (the HPA's sync period), 60 s for
  // the ECS kinds (CloudWatch's standard metric period).
  sim::Time sync_period;

  sim::Time period() const {
    if (sync_period > sim::Time::zero()) return sync_period;
    return kind == Kind::hpa ? sim::Time::from_s(15) : sim::Time::from_s(60);
  }
};

struct ServiceConfig {
  std::string name;
  // cpu_limit is a hard cap (a CFS quota: Kubernetes limits.cpu, ECS task-level cpu); zero means
  // none (CPU shares only, as a pod without limits.cpu or an ECS container with container-level
  // cpu units only): a container then runs up to what its node has free.
  sim::Millicores cpu_request, cpu_limit;
  // A container reserves memory_request on its node; memory_limit caps its use. A VM, microVM or
  // Fargate task is sized for max(request, limit).
  sim::Bytes memory_request, memory_limit;
  int replicas = 1;     // initial desired count
  int concurrency = 0;  // requests an instance serves at once (0: ceil(limit cores), at least 1)
  sim::Distribution cpu_time = sim::Constant{0.01};  // per request, seconds of CPU at one core
  sim::Distribution io_bytes = sim::Constant{0.0};   // per request, bytes of disk I/O
  const Image* image = nullptr;                      // containers / Fargate
  std::optional<sim::Distribution> app_init;  // replaces the profile's app_init phase (seconds)
  // ECS expressions (memberOf) and "distinctInstance".
  std::vector<std::string> placement_constraints;
  // Kubernetes-style: the instances' labels, inter-pod terms and spread constraints (topology
  // keys resolved, see models/placement/affinity.hpp).
  placement::Labels labels;
  std::vector<placement::PodAffinityTerm> affinity;
  std::vector<placement::PodAffinityTerm> anti_affinity;
  std::vector<placement::TopologySpreadConstraint> topology_spread;
  AutoscalerConfig autoscaling;
  sim::Time slo_latency;  // request latency SLO threshold (0 = none); for the metrics
  // Tenant, sandbox, isolation policy, tolerations, node affinity (models/tenancy).
  tenancy::ServiceTenancy tenancy{};
  // [fn] Run as a function: scale to zero, cold starts, keep-alive (models/serverless).
  serverless::FunctionConfig function{};
  // [failures] A started instance takes requests only this long after it is up (a Kubernetes
  // readiness probe, models/failures/recovery.hpp readiness_delay); until then it counts as
  // starting.
  sim::Time readiness_delay;
  // [failures] A Kubernetes startup probe (and the readiness probe it holds back): the delay
  // until Ready then depends on how long the instance's application took to come up (its
  // app_init phase), models/failures/recovery.hpp startup_ready_delay; readiness_delay is
  // unused. A container whose application is not up by startup_deadline is killed by
  // app/runner/failures.* (it plays restarts).
  std::optional<failures::Probe> startup_probe;
  std::optional<failures::Probe> readiness_probe;

  int effective_concurrency() const;
  // What a VM, microVM or Fargate task of this service is sized for: max(request, limit).
  sim::Millicores cpu_size() const { return std::max(cpu_request, cpu_limit); }
};

// The node-count controller of container_in_vm variants: the decision logic of
// models/autoscaling plus the bounds the cluster applies.
struct ClusterAutoscalerConfig {
  bool enabled = false;
  int min_nodes = 0;
  int max_nodes = 100;
  autoscaling::ClusterAutoscalerConfig logic;  // scan 10 s, unneeded 10 min, threshold 0.5
};

// How a variant is billed (Cluster::billable_usage).
struct Pricing {
  enum class Basis {
    host_time,      // each physical host while it holds a live instance, at its price_per_hour
    instance_time,  // each instance while live (requested to stopped), at usd_per_instance_hour
    node_time,      // each node VM while live, at the node instance type's usd_per_hour
    fargate,        // each microVM per vCPU-hour and GB-hour of its Fargate size, rounded up
  };
  Basis basis = Basis::host_time;
  double usd_per_instance_hour = 0.0;
  placement::FargatePrice fargate;
};

struct VariantConfig {
  std::string name;
  PlatformKind platform = PlatformKind::container;
  const PlatformProfile* profile = nullptr;       // the instance profile (kvm-ubuntu, runc, ...)
  const PlatformProfile* node_profile = nullptr;  // container_in_vm: ecs-ec2-node / eks-node
  InstanceType node_instance_type;                // container_in_vm: a node VM's size and price
  int initial_nodes = 0;                          // container_in_vm
  std::string placement = "first-fit";            // a models/placement make_policy spec
  ClusterAutoscalerConfig cluster_autoscaler;     // container_in_vm
  Pricing pricing;
};

struct HostConfig {
  HostSpec spec;
  double price_per_hour = 0.0;
  sim::Bytes image_cache = sim::Bytes::gib(100);  // disk space for image layers
  // Off while it holds no instance or node VM (no idle power then), as host-time billing
  // only counts a host while it holds one; false: always on.
  bool power_off_when_empty = true;
  // Kubernetes taints on this host and on every node VM it carries (a node pool per host).
  std::vector<placement::Taint> taints{};
};

// A link of an explicit topology between two named vertices.
struct TopologyLinkConfig {
  std::string from, to;
  topology::Link link;
};

// The network between the hosts and the registry (models/cluster/network.hpp builds it). Exactly
// one of the two forms:
//  - `generator`: zones x racks x hosts as topology::generate_topology builds them; host i of
//    ClusterConfig::hosts takes the i-th generated host slot (zone-major, then rack, then host),
//    so there must be at least as many slots as hosts; the registry is the generated "registry";
//  - `links`: each host hangs off a rack vertex named by its "rack" label, under a zone vertex
//    named by its "zone" label (both labels required), by a link of its NIC bandwidth and
//    `host_link_latency`; each link joins two named vertices: a zone or rack of those labels, the
//    registry (RegistryConfig::name) or any other name (a switch/core vertex).
// Hosts without a "zone" / "rack" label get the topology's zone and rack names as labels.
struct TopologyConfig {
  std::optional<topology::TopologySpec> generator;
  std::vector<TopologyLinkConfig> links;
  sim::Time host_link_latency;
};

struct ClusterConfig {
  std::vector<HostConfig> hosts;
  RegistryConfig registry;
  // Absent: pulls cross the host's NIC and the registry's egress only, with no path latency.
  std::optional<TopologyConfig> topology;
  std::vector<ServiceConfig> services;
  // [tenants] Namespaces with ResourceQuota and LimitRange: every replica of a service whose
  // tenancy names one is admitted (models/tenancy/admission.hpp) before it is created.
  std::vector<tenancy::Namespace> namespaces;
  VariantConfig variant;
  std::uint64_t seed = 1;
  std::uint64_t replication = 0;
  // [scale] false turns the startup contention model off: phases are fixed delays again (their
  // host CPU and disk work, max_concurrent_starts ignored) and launches pass no control-plane
  // limiter. Not a scenario setting: bench/startup_contention_bench measures its cost.
  bool startup_contention = true;
  sim::Time duration;  // informational: the runner stops the simulation
};

}  // namespace vmcsim::models
