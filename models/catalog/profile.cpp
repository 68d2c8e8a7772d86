#include "models/catalog/profile.hpp"

#include <algorithm>

namespace vmcsim::models {

sim::Bytes PlatformProfile::hypervisor_overhead(sim::Bytes memory, int vcpus) const {
  return memory * hypervisor_overhead_fraction.value + hypervisor_overhead_fixed.value +
         hypervisor_overhead_per_vcpu.value * vcpus;
}

sim::Bytes PlatformProfile::guest_memory(int max_pods) const {
  return guest_os_memory.value + agent_memory.value + agent_memory_per_pod.value * max_pods +
         system_reserved_memory.value;
}

const PhaseSpec* PlatformProfile::find_boot_phase(const std::string& name) const {
  const auto it = std::find_if(boot_phases.begin(), boot_phases.end(),
                               [&](const PhaseSpec& p) { return p.name == name; });
  return it == boot_phases.end() ? nullptr : &*it;
}

int eni_max_pods(const InstanceType& type, bool prefix_delegation) {
  if (type.enis <= 0 || type.ipv4_per_eni <= 1) return 0;
  const int slots = type.enis * (type.ipv4_per_eni - 1);
  if (!prefix_delegation) return slots + 2;
  constexpr int kAddressesPerPrefix = 16;
  const int cap = type.vcpus < 30 ? 110 : 250;
  return std::min(cap, slots * kAddressesPerPrefix + 2);
}

int PlatformProfile::pods_per_node(const InstanceType& type) const {
  if (max_pods_from_enis.value) {
    const int by_enis = eni_max_pods(type, prefix_delegation.value);
    if (by_enis > 0) return by_enis;
    if (type.max_pods > 0) return type.max_pods;
  }
  return std::max(0, max_pods.value);
}

}  // namespace vmcsim::models
