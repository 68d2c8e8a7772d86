#include "models/host.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

namespace vmcsim::models {

namespace {
HostSpec validated(HostSpec spec) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument("host '" + spec.name + "': " + what);
  };
  if (spec.cpu <= sim::Millicores{0}) fail("cpu must be > 0, got " + spec.cpu.to_string());
  if (spec.memory <= sim::Bytes{0}) fail("memory must be > 0, got " + spec.memory.to_string());
  if (spec.disk_bandwidth <= sim::DataRate{})
    fail("disk_bandwidth must be > 0, got " + spec.disk_bandwidth.to_string());
  if (spec.network_bandwidth <= sim::DataRate{})
    fail("network_bandwidth must be > 0, got " + spec.network_bandwidth.to_string());
  if (spec.disk_iops < 0.0) fail("disk_iops must be >= 0");
  if (spec.idle_watts < 0.0 || spec.peak_watts < spec.idle_watts)
    fail("need 0 <= idle_watts <= peak_watts");
  return spec;
}
}  // namespace

Host::Host(HostSpec spec, FlowModel& flows)
    : spec_{validated(std::move(spec))},
      flows_{flows},
      cpu_{flows.add_resource(spec_.name + "/cpu", static_cast<double>(spec_.cpu.value()))},
      disk_{flows.add_resource(spec_.name + "/disk", spec_.disk_bandwidth.bytes_per_second())},
      network_{flows.add_resource(spec_.name + "/net", spec_.network_bandwidth.bytes_per_second())},
      memory_{spec_.memory},
      powered_since_{flows.now()} {}

const std::string& Host::label(const std::string& key) const {
  static const std::string kNone;
  const auto it = spec_.labels.find(key);
  return it == spec_.labels.end() ? kNone : it->second;
}

FlowId Host::run_cpu(sim::Millicores cap, sim::Time cpu_time_at_one_core, sim::Callback done) {
  if (cap <= sim::Millicores{0})
    throw std::invalid_argument("host '" + name() + "': run_cpu cap must be > 0, got " +
                                cap.to_string());
  if (cpu_time_at_one_core < sim::Time::zero())
    throw std::invalid_argument("host '" + name() + "': negative CPU time");
  // One second at one core is 1000 millicore-seconds.
  const double amount = static_cast<double>(cpu_time_at_one_core.ns()) * 1e-6;
  const double rate_cap = cap == kNoCpuLimit ? kUncapped : static_cast<double>(cap.value());
  return flows_.start_flow(std::span{&cpu_, 1}, amount, rate_cap, std::move(done));
}

FlowId Host::read_write_disk(sim::Bytes size, sim::Callback done) {
  return flows_.start_flow(std::span{&disk_, 1}, static_cast<double>(size.count()), kUncapped,
                           std::move(done));
}

FlowId Host::read_write_disk(sim::Bytes size, sim::DataRate cap, sim::Callback done) {
  return flows_.start_flow(std::span{&disk_, 1}, static_cast<double>(size.count()),
                           cap.bytes_per_second(), std::move(done));
}

FlowId Host::transfer(sim::Bytes size, std::span<const ResourceId> extra_path, sim::Callback done) {
  if (extra_path.size() > kMaxExtraPath)
    throw std::invalid_argument("host '" + name() + "': transfer path longer than " +
                                std::to_string(kMaxExtraPath) + " extra resources");
  std::array<ResourceId, kMaxExtraPath + 1> path;
  path[0] = network_;
  std::copy(extra_path.begin(), extra_path.end(), path.begin() + 1);
  return flows_.start_flow(std::span{path.data(), extra_path.size() + 1},
                           static_cast<double>(size.count()), kUncapped, std::move(done));
}

void Host::set_powered(bool on) {
  if (on == powered_) return;
  const sim::Time now = flows_.now();
  if (on) {
    powered_since_ = now;
  } else {
    powered_before_ += now - powered_since_;
  }
  powered_ = on;
}

sim::Time Host::powered_time(sim::Time now) const {
  return powered_before_ + (powered_ ? now - powered_since_ : sim::Time::zero());
}

double Host::power_watts() const {
  if (!powered_) return 0.0;
  return spec_.idle_watts + (spec_.peak_watts - spec_.idle_watts) * cpu_utilization();
}

double Host::energy_joules(sim::Time now) const {
  // CPU is busy only while something runs, so only while powered.
  return spec_.idle_watts * powered_time(now).seconds() +
         (spec_.peak_watts - spec_.idle_watts) * flows_.busy_seconds(cpu_, now);
}

}  // namespace vmcsim::models
