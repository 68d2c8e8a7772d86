#pragma once
// Node: a place instances run on, with its memory ledger, its layer cache and its image puller.
//
// Either a physical host (added with PlatformRuntime::add_host) or a VM node: a VM started from
// a node profile (ecs-ec2-node, eks-node) is itself a place containers go, as SimGrid makes a
// VM a Host. A VM node's capacity is its vCPUs and its memory minus guest OS, agent and
// system-reserved memory; its network path is its physical host's NIC.
//
// Invariants: 0 <= memory_used() <= memory_capacity(); memory_used() is the sum of the
// memory of the instances placed here that have not stopped; used_by() splits it by use.
// CPU requests are summed (cpu_allocated) but not limited: placement decides overcommit.
#include <memory>
#include <string>
#include "models/image/image_puller.hpp"
#include "models/image/layer_cache.hpp"
#include "models/image/transfer_network.hpp"
#include "models/platform/instance.hpp"
#include "sim/units.hpp"

namespace vmcsim::models {

// A physical host as the platform models see it (until models-host's Host is wired in).
struct NodeSpec {
  std::string name;
  sim::Millicores cpu = sim::Millicores::cores(16);
  sim::Bytes memory = sim::Bytes::gib(64);
  sim::DataRate network = sim::DataRate::gbps(10);
  sim::Bytes image_cache = sim::Bytes::gib(100);
  PullPolicy pull_policy;
};

class Node {
 public:
  Node(sim::Simulation& sim, std::string name, sim::Millicores cpu, sim::Bytes memory,
       TransferNetwork& network, TransferNetwork::LinkId nic, sim::Bytes image_cache,
       PullPolicy policy, Node* parent, InstanceId vm);
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const std::string& name() const { return name_; }
  sim::Millicores cpu_capacity() const { return cpu_; }
  sim::Millicores cpu_allocated() const { return cpu_allocated_; }
  sim::Bytes memory_capacity() const { return memory_; }
  sim::Bytes memory_used() const { return used_.total(); }
  sim::Bytes memory_free() const { return memory_ - used_.total(); }
  const InstanceMemory& used_by() const { return used_; }
  std::size_t live_instances() const { return live_; }

  bool is_vm_node() const { return parent_ != nullptr; }
  Node* parent() const { return parent_; }  // the physical host of a VM node
  InstanceId vm() const { return vm_; }     // the VM instance of a VM node
  TransferNetwork::LinkId nic() const { return nic_; }
  LayerCache& layer_cache() { return cache_; }
  const LayerCache& layer_cache() const { return cache_; }
  ImagePuller& puller() { return puller_; }

 private:
  friend class PlatformRuntime;
  bool try_reserve(const InstanceMemory& m, sim::Millicores cpu);
  void release(const InstanceMemory& m, sim::Millicores cpu);

  std::string name_;
  sim::Millicores cpu_, cpu_allocated_;
  sim::Bytes memory_;
  InstanceMemory used_;
  std::size_t live_ = 0;
  TransferNetwork::LinkId nic_;
  LayerCache cache_;
  ImagePuller puller_;
  Node* parent_;
  InstanceId vm_;
  sim::Time next_creation_slot_;  // microVM creation token bucket (physical hosts)
};

}  // namespace vmcsim::models
