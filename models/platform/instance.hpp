#pragma once
// Instance: one VM, microVM or container of a service, from request to stop, as recorded.
//
// Invariants (checked by tests, relied on by metrics):
//  - phases are recorded as they end, in order, and are contiguous: the first boot phase
//    starts at requested_at, each next one starts where the previous ended, the last boot
//    phase ends at ready_at; stop phases likewise run from stop_requested_at to stopped_at;
//  - state only moves forward: requested -> starting -> running -> stopping -> stopped, or
//    requested -> failed (it could not be placed: not enough memory on its node), or
//    starting/running/stopping -> stopped at once when PlatformRuntime::kill ends it (its
//    host failed): `lost_in` then holds the state it was lost in and `failure` why;
//  - memory is what the instance holds on its node from request until stopped, by use; it is
//    released exactly at stopped_at (a failed instance never held any).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "models/catalog/profile.hpp"
#include "models/image/image.hpp"
#include "models/platform/platform_kind.hpp"
#include "sim/distributions.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::models {

class Node;
class Registry;

using InstanceId = std::uint32_t;
inline constexpr InstanceId kNoInstance = UINT32_MAX;

enum class InstanceState { requested, starting, running, stopping, stopped, failed };
std::string_view to_string(InstanceState state);

struct PhaseSpan {
  std::string_view name;  // views the profile's phase name: profiles outlive the runtime
  sim::Time start;
  sim::Time end;
  sim::Time duration() const { return end - start; }
};

// Memory an instance holds on its node, by what it is for.
struct InstanceMemory {
  sim::Bytes application;          // what the service's process can use
  sim::Bytes guest_os;             // kernel, init, agents inside a VM (the "waste")
  sim::Bytes hypervisor_overhead;  // VMM/QEMU + page tables per VM, outside the guest
  sim::Bytes runtime_overhead;     // per-container runtime (gVisor sentry, Kata guest + shim)

  sim::Bytes total() const {
    return application + guest_os + hypervisor_overhead + runtime_overhead;
  }
  InstanceMemory& operator+=(const InstanceMemory& o);
  InstanceMemory& operator-=(const InstanceMemory& o);
  friend bool operator==(const InstanceMemory&, const InstanceMemory&) = default;
};

// What to start.
struct InstanceSpec {
  std::string service;
  const PlatformProfile* profile = nullptr;  // must outlive the runtime
  sim::Millicores cpu;                       // CPU request (a VM: its vCPUs x 1000)
  sim::Bytes memory;             // VM/microVM: configured guest memory; container: request
  int vcpus = 0;                 // 0: ceil(cpu in cores), at least 1
  int max_pods = 0;              // a VM node: pods it may hold (per-pod agent memory)
  const Image* image = nullptr;  // containers (and Fargate); must outlive the start
  Registry* registry = nullptr;  // where `image` comes from
  std::optional<sim::Distribution> app_init;  // replaces the profile's app_init phase
  // Waits before the start (e.g. "wait_control_plane"), contiguous and ending now; recorded as
  // the instance's first phases. Names must outlive the runtime (string literals).
  std::vector<PhaseSpan> prior_phases;

  // A VM or VM node sized like an instance type (its vCPUs and memory).
  static InstanceSpec sized_like(std::string service, const PlatformProfile& profile,
                                 const InstanceType& type);
};

struct Instance {
  InstanceId id = kNoInstance;
  std::string service;
  PlatformKind kind = PlatformKind::container;
  const PlatformProfile* profile = nullptr;
  Node* node = nullptr;                    // where it runs (a host, or a VM node)
  Node* host = nullptr;                    // the physical host under it
  InstanceId node_instance = kNoInstance;  // container_in_vm: the VM node's instance
  InstanceState state = InstanceState::requested;
  std::vector<PhaseSpan> phases;  // boot phases, then stop phases
  std::size_t boot_phase_count = 0;
  InstanceMemory memory;
  sim::Millicores cpu;
  int vcpus = 0;
  // What virtualization costs the work inside (both layers for container_in_vm).
  VirtualizationOverhead overhead;
  sim::Time requested_at, ready_at, stop_requested_at, stopped_at;
  std::string failure;  // why, when state == failed or it was killed
  // The state it was in when PlatformRuntime::kill ended it (its host failed); none otherwise.
  std::optional<InstanceState> lost_in;

  bool is_live() const {
    return state == InstanceState::starting || state == InstanceState::running ||
           state == InstanceState::stopping;
  }
  sim::Time startup_time() const { return ready_at - requested_at; }
  sim::Time phase_time(std::string_view name) const;  // sum of phases with that name
};

}  // namespace vmcsim::models
