#pragma once
// The small plain records that flow out of a Cluster: request outcomes, placement decisions and
// billable lifetimes. Requests themselves are models/workload's Request (arrival, CPU time at
// one core, I/O bytes; its service name is ignored by Cluster::submit, which takes an index).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
  // [fn] A function's request that found no warm instance and waited for one to start.
  bool cold_start = false;
};

// A placement attempt for a service instance (service == kNodeVm for a container_in_vm node VM).
struct PlacementDecision {
  static constexpr std::size_t kNodeVm = SIZE_MAX;
  std::size_t service = 0;
  std::string node;              // where it went, or "" if it is pending
  std::string reason;            // why it is pending ("" when placed)
  std::int64_t decision_ns = 0;  // wall-clock nanoseconds the policy took: for profiling only,
                                 // never part of a deterministic result (a pending-queue retry
                                 // pass reports its time split evenly over what it placed)
  // Simulated time from the instance's request to this decision: zero when it fits at once,
  // its time in the pending queue when a retry places it (and zero for node VMs).
  sim::Time waited;
};

// The steps a replica waits through between its request and the runtime starting its instance,
// named like the runtime's boot phases so that a startup breakdown lists them first and startup
// counts from the request, not from finding a node:
//   wait_node       no running node fitted it; it went to a node that joined after it was
//                   requested (the cluster autoscaler's scan and the node's boot);
//   wait_placement  no node fitted it and it waited for room on the nodes there were (or it was
//                   placed at once: a zero-length span, so every instance has the phase).
// A control plane in front of the runtime adds its own (e.g. "wait_control_plane") the same
// way: Cluster::record_wait before the launch.
inline constexpr std::string_view kWaitControlPlane = "wait_control_plane";
inline constexpr std::string_view kWaitNode = "wait_node";
inline constexpr std::string_view kWaitPlacement = "wait_placement";
// [tenants] rejected by quota admission until a pod of its namespace terminated.
inline constexpr std::string_view kWaitAdmission = "wait_admission";

struct WaitSpan {
  std::string_view name;  // a literal or a kWait* constant: outlives the cluster
  sim::Time start;
  sim::Time end;
};

// What a replica (one wanted instance of a service) is doing. Moves forward only: pending ->
// starting -> running -> draining -> stopping -> stopped; starting may go back to pending (its
// node refused it) and pending or starting may go straight to stopped (scaled in first).
// [tenants] rejected: its namespace's quota admission refused the pod, so it was never created
// (reason: the API server's message); it goes to pending when a retry admits it (the ReplicaSet
// controller re-creating it after a pod of the namespace terminated) or to stopped (scaled in).
enum class ReplicaState : std::uint8_t {
  pending,
  starting,
  running,
  draining,
  stopping,
  stopped,
  rejected
};

// A replica handed to the runtime: its instance, when the replica was requested and what it
// waited for before (contiguous spans from `requested` to the launch).
struct ReplicaLaunch {
  std::size_t service = 0;
  std::uint32_t replica = 0;
  std::uint32_t instance = UINT32_MAX;
  sim::Time requested;
  std::vector<WaitSpan> waits;
};

// Where one replica the cluster was asked for stands now.
struct ReplicaStatus {
  std::size_t service = 0;
  ReplicaState state = ReplicaState::pending;
  sim::Time requested;
  bool became_ready = false;            // it ran (it may have stopped since)
  std::uint32_t instance = UINT32_MAX;  // its current (or last) runtime instance, if any
  // pending: why no node fits (the placement's last message); stopped before it was ready: why.
  std::string reason;
  std::string reason_dimension;  // pending: the dimension that did not fit ("memory", ...)
  std::vector<WaitSpan> waits;
  // [fn] function services: why it was started ("cold start", "pre-warm", or "" when
  // neither) and whether the keep-alive policy stopped it (for the trace)
  std::string function_start;
  bool keep_alive_unload = false;
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
