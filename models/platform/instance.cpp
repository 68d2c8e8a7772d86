#include "models/platform/instance.hpp"

#include <array>

namespace vmcsim::models {

std::string_view to_string(InstanceState state) {
  static constexpr std::array<std::string_view, 6> kNames{"requested", "starting", "running",
                                                          "stopping",  "stopped",  "failed"};
  return kNames.at(static_cast<std::size_t>(state));
}

InstanceMemory& InstanceMemory::operator+=(const InstanceMemory& o) {
  application += o.application;
  guest_os += o.guest_os;
  hypervisor_overhead += o.hypervisor_overhead;
  runtime_overhead += o.runtime_overhead;
  return *this;
}

InstanceMemory& InstanceMemory::operator-=(const InstanceMemory& o) {
  application -= o.application;
  guest_os -= o.guest_os;
  hypervisor_overhead -= o.hypervisor_overhead;
  runtime_overhead -= o.runtime_overhead;
  return *this;
}

InstanceSpec InstanceSpec::sized_like(std::string service, const PlatformProfile& profile,
                                      const InstanceType& type) {
  InstanceSpec s;
  s.service = std::move(service);
  s.profile = &profile;
  s.cpu = sim::Millicores::cores(type.vcpus);
  s.vcpus = type.vcpus;
  s.memory = type.memory;
  s.max_pods = type.max_pods;
  return s;
}

sim::Time Instance::phase_time(std::string_view name) const {
  sim::Time total;
  for (const PhaseSpan& p : phases)
    if (p.name == name) total += p.duration();
  return total;
}

}  // namespace vmcsim::models
