#pragma once
// Platform profiles and instance types: the calibrated data every platform model runs from.
//
// A PlatformProfile describes one way of running an instance (kvm-ubuntu, firecracker, runc,
// eks-node, ...): its boot and stop pipelines as named phases with duration distributions,
// its memory overheads, its virtualization overhead factors and its image-pull policy. Every
// value carries the source it came from (a paper, a doc, or "vmcsim assumption: why").
//
// Phases are sampled from their distribution, except two whose time the simulation computes:
//   image_pull  the layers not cached on the node, through the registry and the network;
//   unpack      the bytes this start downloaded divided by unpack_throughput.
// A profile with `creation_rate_per_core` > 0 gates its first phase by a per-host token bucket
// (Firecracker: 5 microVMs per core per second).
#include <map>
#include <optional>
#include <string>
#include <vector>
#include "models/image/image_puller.hpp"
#include "models/platform/platform_kind.hpp"
#include "sim/distributions.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::models {

// One number and where it came from.
template <class T>
struct Sourced {
  T value{};
  std::string source;
};

struct PhaseSpec {
  std::string name;
  sim::Distribution duration;  // in seconds
  std::string text;            // as written, e.g. "{dist: lognormal, median: 1.2s, p95: 2s}"
  std::string source;
  // What the phase consumes on the host while it lasts (0: nothing): CPU time at up to one
  // core and disk bytes, through the host's fluid shares. The phase ends when its sampled
  // duration has passed and its work is done, so concurrent starts on one host slow each other.
  sim::Time cpu;
  sim::Bytes io;
  bool uses_host() const { return cpu > sim::Time::zero() || io > sim::Bytes{}; }
};

// What virtualization costs the work inside an instance; request processing applies these.
// Layers compose: a container in a VM pays the VM's and the container runtime's factors.
struct VirtualizationOverhead {
  double cpu_time_factor = 1.0;     // CPU time multiplier (1.02 = 2% slower)
  double random_iops_factor = 1.0;  // share of native random IOPS available (0.5 = half)
  sim::Time network_rtt_added;      // added to every network round trip

  VirtualizationOverhead then(const VirtualizationOverhead& inner) const {
    return {cpu_time_factor * inner.cpu_time_factor, random_iops_factor * inner.random_iops_factor,
            network_rtt_added + inner.network_rtt_added};
  }
};

struct InstanceType;

struct PlatformProfile {
  std::string name;
  PlatformKind kind = PlatformKind::container;
  std::string description;

  std::vector<PhaseSpec> boot_phases;  // requested -> ready, in order
  std::vector<PhaseSpec> stop_phases;  // stop requested -> stopped, in order

  // Memory inside a VM/microVM taken by the guest OS (kernel, init, agents): the application
  // gets the configured memory minus this.
  Sourced<sim::Bytes> guest_os_memory;
  // Hypervisor/VMM memory per VM on the host: fraction x memory + fixed + per_vcpu x vCPUs.
  Sourced<double> hypervisor_overhead_fraction;
  Sourced<sim::Bytes> hypervisor_overhead_fixed;
  Sourced<sim::Bytes> hypervisor_overhead_per_vcpu;
  // Per-container runtime memory (gVisor sentry, Kata guest + shim); 0 for runc.
  Sourced<sim::Bytes> runtime_overhead;
  // Node profiles: the container agent (ECS agent, kubelet + containerd) and the memory kept
  // back for the system; a node offers memory - guest_os - agent - system_reserved.
  Sourced<sim::Bytes> agent_memory;
  Sourced<sim::Bytes> system_reserved_memory;
  // Node profiles: agent memory reserved per pod the node may hold (the EKS AMI's kube-reserved
  // is 255 MiB + 11 MiB x max pods of the instance type).
  Sourced<sim::Bytes> agent_memory_per_pod;
  // Node profiles: disk space for image layers on the node.
  Sourced<sim::Bytes> image_cache_capacity;
  // Node profiles: the container runtime profile the node's containers use.
  Sourced<std::string> container_runtime;

  Sourced<double> cpu_time_factor{1.0, ""};
  Sourced<double> random_iops_factor{1.0, ""};
  Sourced<sim::Time> network_rtt_added;

  Sourced<double> creation_rate_per_core;  // instances per host core per second; 0 = unlimited
  Sourced<sim::DataRate> unpack_throughput;
  Sourced<bool> serialize_image_pulls{true, ""};
  Sourced<int> max_parallel_layers{3, ""};
  // kubelet's maxParallelImagePulls: images pulled at once on a node without serialization
  // (0: no limit, the kubelet default).
  Sourced<int> max_parallel_image_pulls;
  // Node profiles: peer-to-peer image distribution among the variant's nodes (Dragonfly,
  // Kraken; models/image/peer_directory.hpp), each node serving at most peer_upload_slots
  // layers to others at once.
  Sourced<bool> peer_to_peer_images{false, ""};
  Sourced<int> peer_upload_slots{4, ""};
  // false: every instance starts with an empty layer cache of its own (a Fargate task's fresh
  // microVM), so every start pulls its whole image.
  Sourced<bool> cache_images_on_node{true, ""};
  // true: an instance runs at the smallest Fargate task size covering its CPU and memory, and
  // that size's CPU is a hard limit on its work (not the microVM's whole vCPUs).
  Sourced<bool> fargate_task_sizes{false, ""};

  // --- control planes (models/control_plane): token buckets on the launch path; rate 0 = none.
  // The platform's own launch bucket (Fargate: per account and Region).
  Sourced<double> platform_launch_burst;
  Sourced<double> platform_launch_rate;
  // The API launches are asked through (ECS RunTask; kube-controller-manager creating pods),
  // with how many launches one call carries.
  Sourced<double> api_launch_burst;
  Sourced<double> api_launch_rate;
  Sourced<double> api_launches_per_call{1.0, ""};
  // The scheduler binding instances to nodes (kube-scheduler's API client).
  Sourced<double> scheduler_burst;
  Sourced<double> scheduler_rate;
  // Node profiles: the EC2 RunInstances resource bucket node VMs are launched through, and how
  // often the node autoscaler looks (cluster autoscaler scan; ECS managed scaling's metric
  // period); 0 s keeps the scenario's cluster_autoscaler.scan_interval.
  Sourced<double> node_launch_burst;
  Sourced<double> node_launch_rate;
  Sourced<sim::Time> node_scale_interval;
  // --- startup under contention (models/platform/runtime.hpp).
  // Starts on one node whose host-side phases may run at once (0 = no limit).
  Sourced<int> max_concurrent_starts;
  // --- density.
  // Node profiles: pods a node takes (kubelet maxPods; 0 = no pod limit, e.g. ECS); with
  // max_pods_from_enis the instance type's ENI formula replaces it (EKS, VPC CNI), and
  // prefix_delegation its /28 prefixes.
  Sourced<int> max_pods;
  Sourced<bool> max_pods_from_enis{false, ""};
  Sourced<bool> prefix_delegation{false, ""};
  // VMs and microVMs: vCPUs per physical core a host accepts when placing them (1 = none).
  Sourced<double> vcpu_overcommit{1.0, ""};
  // --- image delivery.
  // Share of an image's bytes fetched before the container starts (lazy loading: the part read
  // at startup; 1 = the whole image, layer by layer); the rest is fetched after it is ready.
  Sourced<double> image_fetch_fraction{1.0, ""};
  // Node profiles: the service images are baked into the node image (no pull on the node).
  Sourced<bool> images_precached{false, ""};

  VirtualizationOverhead overhead() const {
    return {cpu_time_factor.value, random_iops_factor.value, network_rtt_added.value};
  }
  PullPolicy pull_policy() const {
    return {serialize_image_pulls.value, max_parallel_layers.value, max_parallel_image_pulls.value,
            peer_upload_slots.value};
  }
  bool is_node() const { return !container_runtime.value.empty(); }
  // Memory inside a VM its application cannot use: guest OS, agent (plus agent_memory_per_pod x
  // `max_pods` for a node of an instance type holding that many pods) and system reserved.
  sim::Bytes guest_memory(int max_pods = 0) const;
  // Hypervisor memory for a VM of this profile with `memory` and `vcpus`.
  sim::Bytes hypervisor_overhead(sim::Bytes memory, int vcpus) const;
  const PhaseSpec* find_boot_phase(const std::string& name) const;
  // Pods a node of this (node) profile and instance type takes; 0 = no pod limit.
  int pods_per_node(const InstanceType& type) const;
};

struct InstanceType {
  std::string name;
  int vcpus = 0;
  sim::Bytes memory;
  int max_pods = 0;      // pods a Kubernetes node of this type holds (EKS: by its ENIs and IPs)
  int enis = 0;          // network interfaces it may attach (0: not given)
  int ipv4_per_eni = 0;  // IPv4 addresses per interface
  double usd_per_hour = 0.0;
  std::string source;
};

// EKS's VPC CNI limit: ENIs x (IPv4 per ENI - 1) + 2 (amazon-eks-ami eni-max-pods.txt); with
// prefix delegation each secondary address slot is a /28 (16 addresses), capped at 110 pods for
// instance types under 30 vCPUs and 250 otherwise (EKS user guide, prefix delegation). 0 when
// the type gives no ENI figures.
int eni_max_pods(const InstanceType& type, bool prefix_delegation);

// Fargate bills per vCPU-hour and per GB-hour of the task size (us-east-1, Linux/x86).
struct FargatePricing {
  double usd_per_vcpu_hour = 0.0;
  double usd_per_gb_hour = 0.0;
  std::string source;
};

// The power a host draws when its scenario gives none, from its vCPUs and memory (a linear
// model between idle and peak, as the scenario's `power`): idle = vcpus x idle_watts_per_vcpu +
// memory GB x watts_per_gb, peak the same with peak_watts_per_vcpu.
struct HostPowerDefaults {
  double idle_watts_per_vcpu = 0.0;
  double peak_watts_per_vcpu = 0.0;
  double watts_per_gb = 0.0;
  std::string source;
};

}  // namespace vmcsim::models
