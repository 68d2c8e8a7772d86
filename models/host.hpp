#pragma once
// Host: one physical (or, for nested placement, virtual) machine: its capacities, labels,
// shared CPU/disk/network resources, memory ledger and power model.
//
// A Host is an identity object (non-copyable, non-movable): instances and metrics refer to it.
// Its CPU, disk and NIC are resources of a FlowModel shared by every host of the simulation, so
// a network path can cross another host's NIC, a zone link and the registry's egress.
//  - CPU is processor sharing: capacity = spec.cpu millicores; a job's work is CPU time at one
//    core (1 s at one core = 1000 millicore-seconds); its cap is the VM's vCPUs or the
//    container's CPU limit, so a 500m-limited job runs at most at half a core.
//  - Disk and network are fluid flows sharing bandwidth max-min fairly (noisy neighbours).
//    disk_iops is kept in the spec for platform models (e.g. to derive an effective
//    bandwidth for small random I/O); the disk resource itself is bandwidth only.
//  - Power: a powered host draws idle + (peak - idle) x CPU utilization, a powered-off one
//    nothing; energy_joules(now) is the exact integral since the host was built (utilization and
//    power state are piecewise constant). A host is powered from construction until
//    set_powered(false); CPU work on a powered-off host is the caller's error (not checked).
#include <map>
#include <span>
#include <string>

#include "models/memory_ledger.hpp"
#include "models/resources/flow_model.hpp"
#include "sim/simulation.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::models {

struct HostSpec {
  std::string name;
  sim::Millicores cpu;
  sim::Bytes memory;
  sim::DataRate disk_bandwidth;
  double disk_iops = 0.0;
  sim::DataRate network_bandwidth;
  std::map<std::string, std::string> labels;  // zone, rack, instance_type, ...
  double idle_watts = 0.0;
  double peak_watts = 0.0;
};

class Host {
 public:
  // No CPU limit for run_cpu: the job may use the whole host.
  static constexpr sim::Millicores kNoCpuLimit{INT64_MAX};
  // The longest extra path transfer() accepts.
  static constexpr std::size_t kMaxExtraPath = 7;

  // Adds the host's resources "<name>/cpu", "<name>/disk", "<name>/net" to `flows`. Throws
  // std::invalid_argument for a spec with non-positive cpu/memory/bandwidths or
  // peak_watts < idle_watts.
  Host(HostSpec spec, FlowModel& flows);
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  const HostSpec& spec() const { return spec_; }
  const std::string& name() const { return spec_.name; }
  // The label's value, or "" if the host has none.
  const std::string& label(const std::string& key) const;

  ResourceId cpu() const { return cpu_; }
  ResourceId disk() const { return disk_; }
  ResourceId network() const { return network_; }
  FlowModel& flows() const { return flows_; }

  // Runs `cpu_time_at_one_core` of CPU work at a rate of at most `cap` (> 0, or kNoCpuLimit).
  FlowId run_cpu(sim::Millicores cap, sim::Time cpu_time_at_one_core, sim::Callback done);
  // Reads or writes `size` on the local disk, sharing its bandwidth with every other tenant.
  FlowId read_write_disk(sim::Bytes size, sim::Callback done);
  FlowId read_write_disk(sim::Bytes size, sim::DataRate cap, sim::Callback done);
  // Moves `size` through this host's NIC and then `extra_path` (other links, a registry's
  // egress, another host's NIC; distinct resources, at most kMaxExtraPath).
  FlowId transfer(sim::Bytes size, std::span<const ResourceId> extra_path, sim::Callback done);

  MemoryLedger& memory() { return memory_; }
  const MemoryLedger& memory() const { return memory_; }

  double cpu_utilization() const { return flows_.utilization(cpu_); }
  // Switches the host on or off from now (idempotent).
  void set_powered(bool on);
  bool powered() const { return powered_; }
  // Time powered from construction to `now` (now >= the last set_powered call).
  sim::Time powered_time(sim::Time now) const;
  double power_watts() const;
  // Joules consumed from construction to `now` (now >= the last CPU allocation change).
  double energy_joules(sim::Time now) const;

 private:
  HostSpec spec_;
  FlowModel& flows_;
  ResourceId cpu_;
  ResourceId disk_;
  ResourceId network_;
  MemoryLedger memory_;
  bool powered_ = true;
  sim::Time powered_since_;   // when it was last switched on (valid while powered_)
  sim::Time powered_before_;  // powered time up to powered_since_ (or the last switch off)
};

}  // namespace vmcsim::models
