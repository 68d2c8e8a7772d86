#include "models/platform/node.hpp"

namespace vmcsim::models {

Node::Node(sim::Simulation& sim, std::string name, sim::Millicores cpu, sim::Bytes memory,
           TransferNetwork& network, TransferNetwork::LinkId nic, sim::Bytes image_cache,
           PullPolicy policy, Node* parent, InstanceId vm)
    : name_(std::move(name)),
      cpu_(cpu),
      memory_(memory),
      nic_(nic),
      cache_(image_cache),
      puller_(sim, network, nic, cache_, policy),
      parent_(parent),
      vm_(vm) {}

bool Node::try_reserve(const InstanceMemory& m, sim::Millicores cpu) {
  if (m.total() > memory_free()) return false;
  used_ += m;
  cpu_allocated_ += cpu;
  ++live_;
  return true;
}

void Node::release(const InstanceMemory& m, sim::Millicores cpu) {
  used_ -= m;
  cpu_allocated_ -= cpu;
  --live_;
}

}  // namespace vmcsim::models
