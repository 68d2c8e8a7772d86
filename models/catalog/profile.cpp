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

}  // namespace vmcsim::models
