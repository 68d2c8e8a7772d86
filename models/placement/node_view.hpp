#pragma once
// NodeView and PlacementRequest: the plain state that placement decisions read.
//
// A NodeView is a snapshot of one host, VM node or ECS container instance, as the simulation
// maps it: the policies never see Host or Instance objects, so they are pure and testable.
// Invariants: allocatable() = capacity - system_reserved; free() = allocatable() - allocated;
// `tasks` counts every running task or pod (for max_tasks, the Kubernetes default 110 pods per
// node); `tasks_by_service` counts them per service (ECS spread and distinctInstance);
// `running` groups the running instances by labels and required anti-affinity terms, with a
// count each (inter-pod affinity, anti-affinity and topology spread; see domains.hpp): the sum of
// the counts is at most `tasks`, and no group has a count below 1.
//
// GPUs: a node either pools them (`gpu_free` empty: capacity.gpu_milli is one pool any GPU
// demand draws from) or holds them as devices (`gpu_free[i]`: free milli-GPUs of GPU i, 1000 =
// idle; then sum(gpu_free) = free().gpu_milli). A request that names `gpus` devices needs that
// many GPUs each with demand.gpu_milli / gpus free (a 0.46 GPU share fits one GPU with 460 free,
// not two with 230 each), as GPU sharing works in the Alibaba trace (Weng et al., ATC 2023).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/placement/affinity.hpp"
#include "models/placement/node_affinity.hpp"
#include "models/placement/query.hpp"
#include "models/placement/resources.hpp"
#include "models/tenancy/isolation.hpp"

namespace vmcsim::models::placement {

using NodeIndex = std::size_t;
struct PlacementRequest;
// The GPU devices a placed request holds on its node (bit i = device i); 0 on a pooled node.
using GpuSlots = std::uint32_t;
inline constexpr std::size_t kMaxGpuDevices = 32;

// Running instances that share labels and required anti-affinity terms (those of one service).
struct RunningPods {
  Labels labels;
  std::vector<PodAffinityTerm> anti_affinity;  // required terms only: they act on newcomers
  int count = 0;
};

// Instances of one tenant on a node, split by whether they run their own kernel.
struct TenantInstances {
  std::string tenant;
  bool own_kernel = false;  // a VM, microVM or sandboxed container (gVisor, Kata)
  int count = 0;
};

// Who is on a node, for the isolation filter (models/placement/isolation.hpp). `here` is kept
// by add() / remove() (requests with a tenant only); the caller fills the rest.
struct NodeTenancy {
  std::string host;      // the physical host the node is on; empty: the node is a host itself
  bool vm_node = false;  // tenants together on it share a VM node
  std::vector<TenantInstances> here;
  // Tenants with instances on the node's physical host outside this node (other VM nodes, VMs,
  // tenant-owned node VMs themselves), sorted, unique.
  std::vector<std::string> elsewhere_on_host;
};

struct NodeView {
  std::string id;    // instance id / hostname: what `instanceId` and `host` refer to
  std::string name;  // for messages; may equal id
  ResourceVector capacity;
  ResourceVector system_reserved;
  ResourceVector allocated;
  Labels attributes;  // zone, rack, instance type, ...: "ecs.availability-zone" -> "us-east-1a"
  int tasks = 0;
  int max_tasks = 110;
  std::map<std::string, int, std::less<>> tasks_by_service;
  std::vector<RunningPods> running;
  std::vector<std::int32_t> gpu_free;  // per GPU device (at most kMaxGpuDevices); empty: pooled
  // What kube-scheduler's non-zero defaults add to `allocated` for the running instances that
  // request no CPU or no memory (sum of nonzero_requests(demand) - demand; its NonZeroRequested
  // minus Requested). Kept by record_running; read only by the k8s scoring plugins.
  ResourceVector scoring_defaults;
  std::vector<Taint> taints;  // Kubernetes taints (node_affinity.hpp)
  NodeTenancy tenancy;

  ResourceVector allocatable() const { return capacity - system_reserved; }
  ResourceVector free() const { return allocatable() - allocated; }
  int tasks_of(std::string_view service) const;
  // `instanceId`, `ec2InstanceId` and `host` name the node id; anything else an attribute
  // (with or without the "attribute:" prefix).
  std::optional<std::string_view> attribute(std::string_view key) const;
  // Records a placed request in this view (allocated, tasks, service count, labels) and, on a
  // node with GPU devices, takes the request's GPUs: for each, the device with the least free
  // that still holds the share (best fit; ties to the lowest index). Returns the devices taken.
  GpuSlots add(const PlacementRequest& request);
  // Removes a request added before; `gpus` is what add() returned for it.
  void remove(const PlacementRequest& request, GpuSlots gpus = 0);
  // Records `count` more (or, negative, fewer) running instances of `request` in `running` only
  // (for views built from a count of instances per service).
  void record_running(const PlacementRequest& request, int count);
  // Running instances whose labels `selector` matches.
  int matching_pods(const LabelSelector& selector) const;
};

struct PlacementRequest {
  ResourceVector demand;
  std::string service;
  Labels labels;
  bool distinct_instance = false;       // ECS distinctInstance: one task of the service per node
  std::vector<ClusterQuery> member_of;  // ECS memberOf: every expression must hold
  // Kubernetes inter-pod terms and spread constraints against running instances (domains.hpp).
  std::vector<PodAffinityTerm> anti_affinity;
  std::vector<PodAffinityTerm> affinity;
  std::vector<TopologySpreadConstraint> topology_spread;
  // GPU devices the GPU demand spans, demand.gpu_milli / gpus on each (a multiple of gpus).
  // 0: on a node with devices, all of it on one device (more than 1000 never fits there).
  int gpus = 0;
  // Kubernetes tolerations and node affinity (node_affinity.hpp).
  std::vector<Toleration> tolerations;
  NodeAffinity node_affinity;
  // Tenancy (models/tenancy/isolation.hpp): the owner, whether the instance runs its own kernel
  // (a VM, microVM, node VM or sandboxed runtime), and the policy that says whom it may meet.
  // An empty tenant or no policy: never refused for isolation.
  std::string tenant;
  bool own_kernel = false;
  std::shared_ptr<const tenancy::IsolationPolicy> isolation;
};

// True when the request's GPU demand fits the node's GPU devices (always true on a pooled node,
// where the ResourceVector comparison decides).
bool gpus_fit(const PlacementRequest& request, const NodeView& node);

}  // namespace vmcsim::models::placement
