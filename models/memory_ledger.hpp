#pragma once
// MemoryLedger: exact accounting of a host's memory by use.
//
// Invariants: used(kind) >= 0 for every kind; the parts sum to reserved_total(); and
// reserved_total() <= capacity() always: try_reserve refuses (returns false, changes nothing)
// a reservation that would not fit, and releasing more than a kind holds throws
// std::logic_error (a bookkeeping bug, never a modelling outcome). Sizes are integer Bytes, so
// the sums are exact.
#include <array>
#include <cstddef>
#include <string_view>

#include "sim/units.hpp"

namespace vmcsim::models {

enum class MemoryUse {
  application,          // what the workload itself uses
  guest_os,             // a guest kernel + userland inside a VM: the "waste" VMs pay
  hypervisor_overhead,  // per-VM VMM/QEMU/Firecracker overhead on the host
  runtime_overhead,     // container runtime, shim, sandbox (gVisor, Kata) overhead
  system_reserved,      // host OS, kubelet, agents
  image_cache,          // container image layers kept on the host
};
inline constexpr std::size_t kMemoryUseCount = 6;
std::string_view to_string(MemoryUse kind);

class MemoryLedger {
 public:
  explicit MemoryLedger(sim::Bytes capacity);

  // Reserves `size` (>= 0, else std::invalid_argument) for `kind` if it fits; false if not.
  bool try_reserve(sim::Bytes size, MemoryUse kind);
  // Gives back `size` of `kind`; throws std::logic_error if `kind` holds less than that.
  void release(sim::Bytes size, MemoryUse kind);

  sim::Bytes used(MemoryUse kind) const { return used_[static_cast<std::size_t>(kind)]; }
  sim::Bytes reserved_total() const { return total_; }
  sim::Bytes free() const { return capacity_ - total_; }
  sim::Bytes capacity() const { return capacity_; }
  bool fits(sim::Bytes size) const { return size <= free(); }

 private:
  sim::Bytes capacity_;
  sim::Bytes total_;
  std::array<sim::Bytes, kMemoryUseCount> used_{};
};

}  // namespace vmcsim::models
