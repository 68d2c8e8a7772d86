#pragma once
// The small plain records that flow out of a Cluster: request outcomes, placement decisions and
// billable lifetimes. Requests themselves are models/workload's Request (arrival, CPU time at
// one core, I/O bytes; its service name is ignored by Cluster::submit, which takes an index).
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/workload/arrivals.hpp"  // Request: what a workload submits
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::models {

// A finished request. Invariant: arrival <= service_start <= done; latency = done - arrival
// (queueing included).
struct RequestOutcome {
  std::size_t service = 0;
  std::uint64_t sequence = 0;  // the k-th request submitted to this service (0-based)
  sim::Time arrival;
  sim::Time service_start;
  sim::Time done;
  sim::Time latency;
  std::uint32_t instance = UINT32_MAX;  // the PlatformRuntime InstanceId that served it
};

// A placement attempt for a service instance (service == kNodeVm for a container_in_vm node VM).
struct PlacementDecision {
  static constexpr std::size_t kNodeVm = SIZE_MAX;
  std::size_t service = 0;
  std::string node;              // where it went, or "" if it is pending
  std::string reason;            // why it is pending ("" when placed)
  std::int64_t decision_ns = 0;  // wall-clock nanoseconds the policy took: for profiling only,
                                 // never part of a deterministic result
};

// One billable lifetime. cost() = duration x (usd_per_hour + vcpus x usd_per_vcpu_hour +
// gb x usd_per_gb_hour), with duration already rounded as the billing model says.
struct BillableUsage {
  std::string what;  // "host:<name>", "instance:<id>", "node:<id>", "fargate:<id>"
  double usd_per_hour = 0.0;
  double usd_per_vcpu_hour = 0.0;
  double usd_per_gb_hour = 0.0;
  sim::Time duration;
  double vcpus = 0.0;
  double gb = 0.0;

  double cost() const {
    return duration.seconds() / 3600.0 *
           (usd_per_hour + vcpus * usd_per_vcpu_hour + gb * usd_per_gb_hour);
  }
};

}  // namespace vmcsim::models
