#pragma once
// Node: a place instances run on: a Host plus the layer cache and image puller of that place.
//
// Either a physical host (PlatformRuntime::add_host wraps a Host the caller owns) or a VM node:
// a VM started from a node profile (ecs-ec2-node, eks-node) is itself a Host that containers
// go on, as SimGrid makes a VM a Host. A VM node's Host has the VM's vCPUs as CPU capacity,
// its memory minus guest OS, agent and system-reserved memory as memory capacity, and a NIC
// of its own whose flows also cross the physical host's NIC (both layers carry the bytes).
// Its CPU and disk are resources of their own (its vCPUs; a disk sized like the host's), and
// work inside it crosses the physical host's too (cpu_path(), disk_path()): a VM node's unpacks
// and requests load the metal and share it with every other tenant of the host.
//
// Invariants: memory is accounted in the Host's MemoryLedger by MemoryUse (never negative,
// never over capacity); memory_used() is the ledger's total (instances placed here that have
// not stopped, plus whatever the owner of a physical host reserved itself). CPU requests are
// summed (cpu_allocated) but not limited: placement decides overcommit. With
// power_off_when_empty, a physical host is powered exactly while live_instances() > 0.
#include <array>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>
#include "models/host.hpp"
#include "models/image/image_puller.hpp"
#include "models/image/layer_cache.hpp"
#include "models/platform/instance.hpp"
#include "sim/units.hpp"

namespace vmcsim::models {

// The FlowModel resources some work on a node crosses, innermost first.
struct NodePath {
  std::array<ResourceId, 2> resources;
  std::size_t size = 0;
  std::span<const ResourceId> span() const { return {resources.data(), size}; }
};

// What the platform layer adds to a physical host.
struct NodeOptions {
  sim::Bytes image_cache = sim::Bytes::gib(100);  // disk space for image layers
  PullPolicy pull_policy;
  // The network between this host's NIC and the registry (topology links, at most
  // Host::kMaxExtraPath - 1) and its one-way latency; empty and zero without a topology.
  std::vector<ResourceId> upstream;
  sim::Time upstream_latency;
  // Physical hosts: switched off (Host::set_powered) while no instance or VM node is live on
  // them, so an unused host draws no power; false: always on (idle power counts all the time).
  bool power_off_when_empty = false;
};

class Node {
 public:
  // A physical host (not owned) or, with `owned`, a VM node's own Host.
  Node(sim::Simulation& sim, Host& host, std::unique_ptr<Host> owned,
       std::vector<ResourceId> upstream, const NodeOptions& options, Node* parent, InstanceId vm);
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  Host& host() { return host_; }
  const Host& host() const { return host_; }
  const std::string& name() const { return host_.name(); }
  sim::Millicores cpu_capacity() const { return host_.spec().cpu; }
  sim::Millicores cpu_allocated() const { return cpu_allocated_; }
  sim::Bytes memory_capacity() const { return host_.memory().capacity(); }
  sim::Bytes memory_used() const { return host_.memory().reserved_total(); }
  sim::Bytes memory_free() const { return host_.memory().free(); }
  std::size_t live_instances() const { return live_; }

  // CPU work here crosses this node's CPU and, on a VM node, the physical host's CPU; disk I/O
  // likewise crosses both disks.
  NodePath cpu_path() const;
  NodePath disk_path() const;

  bool is_vm_node() const { return parent_ != nullptr; }
  Node* parent() const { return parent_; }  // the physical host's node, for a VM node
  InstanceId vm() const { return vm_; }     // the VM instance, for a VM node
  LayerCache& layer_cache() { return cache_; }
  const LayerCache& layer_cache() const { return cache_; }
  ImagePuller& puller() { return puller_; }

 private:
  friend class PlatformRuntime;
  // All of `m` or nothing.
  bool try_reserve(const InstanceMemory& m, sim::Millicores cpu);
  void release(const InstanceMemory& m, sim::Millicores cpu);

  std::unique_ptr<Host> owned_;
  Host& host_;
  sim::Millicores cpu_allocated_;
  std::size_t live_ = 0;
  LayerCache cache_;
  ImagePuller puller_;
  Node* parent_;
  InstanceId vm_;
  bool power_off_when_empty_;
  sim::Time next_creation_slot_;           // microVM creation token bucket (physical hosts)
  int starts_in_progress_ = 0;             // boots holding a max_concurrent_starts slot
  std::deque<InstanceId> waiting_starts_;  // boots waiting for one, FIFO
};

}  // namespace vmcsim::models
