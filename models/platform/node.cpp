#include "models/platform/node.hpp"

#include <array>

namespace vmcsim::models {

namespace {
std::array<std::pair<MemoryUse, sim::Bytes>, 4> parts(const InstanceMemory& m) {
  return {{{MemoryUse::application, m.application},
           {MemoryUse::guest_os, m.guest_os},
           {MemoryUse::hypervisor_overhead, m.hypervisor_overhead},
           {MemoryUse::runtime_overhead, m.runtime_overhead}}};
}
}  // namespace

Node::Node(sim::Simulation& sim, Host& host, std::unique_ptr<Host> owned,
           std::vector<ResourceId> upstream, const NodeOptions& options, Node* parent,
           InstanceId vm)
    : owned_(std::move(owned)),
      host_(host),
      cache_(options.image_cache),
      puller_(sim, host_, std::move(upstream), cache_, options.pull_policy,
              options.upstream_latency),
      parent_(parent),
      vm_(vm),
      power_off_when_empty_(parent == nullptr && options.power_off_when_empty) {
  if (power_off_when_empty_) host_.set_powered(false);
}

NodePath Node::cpu_path() const {
  NodePath p{{host_.cpu()}, 1};
  if (parent_ != nullptr) p.resources[p.size++] = parent_->host().cpu();
  return p;
}

NodePath Node::disk_path() const {
  NodePath p{{host_.disk()}, 1};
  if (parent_ != nullptr) p.resources[p.size++] = parent_->host().disk();
  return p;
}

bool Node::try_reserve(const InstanceMemory& m, sim::Millicores cpu) {
  if (!host_.memory().fits(m.total())) return false;
  for (const auto& [use, size] : parts(m))
    host_.memory().try_reserve(size, use);
  cpu_allocated_ += cpu;
  if (live_++ == 0 && power_off_when_empty_) host_.set_powered(true);
  return true;
}

void Node::release(const InstanceMemory& m, sim::Millicores cpu) {
  for (const auto& [use, size] : parts(m))
    host_.memory().release(size, use);
  cpu_allocated_ -= cpu;
  if (--live_ == 0 && power_off_when_empty_) host_.set_powered(false);
}

}  // namespace vmcsim::models
