#pragma once
// Cluster's private state (its replicas, services, node VMs and requests in flight), shared by the
// files that implement Cluster by concern: cluster.cpp (construction, instances, placement),
// cluster_autoscaling.cpp, cluster_requests.cpp, cluster_functions.cpp, cluster_observation.cpp and
// cluster_failures.cpp. Not a public header: only models/cluster/*.cpp include it.
#include "models/cluster/cluster.hpp"

#include <fmt/format.h>

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <cmath>
#include <map>
#include <stdexcept>

#include "models/refusal.hpp"
#include "models/serverless/keep_alive.hpp"
#include "sim/assert.hpp"

namespace vmcsim::models {

namespace cluster_detail {
inline constexpr std::uint32_t kNone = UINT32_MAX;
// Cluster::route_load_ of a replica that cannot take a request now.
inline constexpr std::int32_t kNotRoutable = INT32_MAX;

// Wall-clock nanoseconds since `t0`: for PlacementDecision::decision_ns only.
inline std::int64_t wall_ns_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
      .count();
}
inline constexpr double kMillicoresPerCore = 1000.0;

inline bool is_vm_kind(PlatformKind k) {
  return k == PlatformKind::vm || k == PlatformKind::microvm;
}

inline int vcpus_for(sim::Millicores limit) {
  return std::max(1, static_cast<int>(std::ceil(limit.cores_value() - 1e-9)));
}
}  // namespace cluster_detail

// Hot and cold: what every request reads or writes (dispatch, begin_request, io_done,
// refresh_route) fills the first 64 bytes, and the struct is cache-line aligned, so a request
// touches one line of its replica. That line carries copies, made when the replica starts running,
// of what a request would otherwise read from the instance (its overhead factors) and from the
// node and its host (the CPU and disk paths): three to four lines fewer per request. Launch
// history, reasons and keep-alive state follow.
struct alignas(64) Cluster::Replica {
  ReplicaState state = ReplicaState::pending;
  std::uint8_t cpu_path_size = 0;   // of cpu_path: 1 + the node's CPU path
  std::uint8_t disk_path_size = 0;  // of disk_path
  int in_service = 0;
  int concurrency = 1;
  InstanceId instance = kNoInstance;
  std::size_t service = 0;
  // Set by become_running, for requests (the instance's overhead never changes once started).
  double cpu_time_factor = 1.0;         // inst.overhead.cpu_time_factor
  double io_scale = 1.0;                // 1.0 / inst.overhead.random_iops_factor
  std::array<ResourceId, 3> cpu_path;   // cpu, then node->cpu_path()
  std::array<ResourceId, 2> disk_path;  // node->disk_path()
  // --- cold: read on state changes, samples and reports only
  bool stop_when_ready = false;
  Node* node = nullptr;
  ResourceId cpu;                       // the instance's own CPU resource (capacity = its limit)
  sim::Millicores limit;                // the capacity of cpu
  double busy_mark = 0.0;               // flows_->busy_seconds(cpu) at the last autoscaler sample
  bool awaiting_control_plane = false;  // [cplane] its launch waits in the control plane
  bool became_ready = false;
  sim::Time requested;
  std::vector<WaitSpan> waits;  // contiguous from `requested`
  std::string reason;           // why pending, or why stopped before ready
  std::string reason_dimension;
  bool lost = false;      // [failures] killed, still counted until replace_lost()
  bool routable = false;  // [failures] lost, and the load balancer still sends it requests
  // [fn] idle and warm since idle_since (function services only); kept until expires_at
  bool idle = false;
  bool prewarmed = false;  // started by the pre-warm window; kept until expires_at
  sim::Time idle_since;
  sim::Time expires_at = sim::Time::max();
  sim::EventId expiry;
  std::uint8_t fn_start = 0;  // [fn] started for: 1 a cold start, 2 a pre-warm window
  bool unloaded = false;      // [fn] stopped by the keep-alive policy
  std::optional<tenancy::PodResources> admitted;  // [tenants] what its namespace's quota charged

  // What Cluster::route_load_ holds for it: its requests in service while it is running with
  // room for one more, else kNotRoutable.
  std::int32_t route_load() const {
    return state == ReplicaState::running && in_service < concurrency
               ? in_service
               : cluster_detail::kNotRoutable;
  }
};

struct Cluster::Controller {
  std::variant<std::monostate, autoscaling::HpaController, autoscaling::TargetTrackingController,
               autoscaling::StepScalingController>
      impl;
  int evaluate(sim::Time now, int current, double metric) {
    return std::visit(
        [&](auto& c) -> int {
          if constexpr (std::is_same_v<std::decay_t<decltype(c)>, std::monostate>) {
            return current;
          } else {
            return c.evaluate(now, current, metric);
          }
        },
        impl);
  }
};

// Hot and cold, as Replica. A request that finds an idle replica reads or writes two lines of
// its service: the first (counters, including `queued`, so dispatch need not look into the
// deque) and the second (the replicas to route among, and the stream its work is drawn from).
// The deque and the draining tasks follow, read only when requests queue or an ECS instance
// drains; placement and autoscaling state after.
struct alignas(64) Cluster::Service {
  const ServiceConfig* config = nullptr;
  bool function = false;  // config->function.enabled, kept here to spare a line of the config
  std::uint32_t queued = 0;  // queue.size(), kept by enqueue and dequeue
  // [failures] lost replicas not replaced; of those, still sent requests
  int lost = 0;
  int lost_routable = 0;
  std::uint64_t submitted = 0;
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;  // [failures] requests failed
  std::size_t in_service = 0;
  // [failures] the round-robin position that shares arrivals between the lost routable replicas
  // and the running ones
  std::uint64_t route_counter = 0;
  // --- second line: the live list with up to ten replicas inline, so that routing a request
  // (submit's scan) reads this line, which loads beside the first, and not a heap block that
  // only a load of this line can find: one dependent cache miss fewer per request at 10,000
  // hosts (bench/README.md, seventh round).
  // pending, starting and running replicas, oldest first
  boost::container::small_vector<std::uint32_t, 10> live;
  sim::RandomStream stream{0};
  // --- requests waiting for a replica, and [failures] ECS: tasks of a draining container
  // instance already replaced (out of `live`) and still running until the scheduler stops
  // them; they count as running.
  std::vector<std::uint32_t> drained;
  struct Queued {
    std::uint64_t sequence;
    Request request;
  };
  std::deque<Queued> queue;
  // --- cold: placement, autoscaling
  placement::PlacementRequest request;  // the demand of one instance, with its constraints
  InstanceSpec spec;                    // what to start (node filled at launch)
  sim::Millicores vm_cpu_cap;           // vm / microvm: what one instance's work may use
  int desired = 0;
  Controller controller;
  sim::EventId timer;
  // [fn] function services (models/serverless)
  std::unique_ptr<serverless::KeepAlivePolicy> keep_alive;
  std::optional<control_plane::TokenBucket> scale_limit;
  sim::EventId scale_retry;  // a cold start waiting for the scaling limit's tokens
  bool scale_retry_armed = false;
  sim::EventId prewarm_timer;
  bool idle = false;  // nothing in service or queued since idle_since (for idle-time samples)
  sim::Time idle_since;
  bool executed = false;  // some execution has ended (idle times are measured from one)
  sim::Time idle_keep_until;  // per-function policy: this idle period keeps instances until
  serverless::FunctionStats stats;
};

// [failures] A drain in progress on one host: the replicas still to move, those an ECS
// scheduler replaced but has not stopped yet, and those evicted (done once all have stopped).
struct Cluster::Drain {
  bool active = false;
  DrainResult result;
  std::vector<std::uint32_t> waiting;
  std::vector<std::uint32_t> replaced;
  std::vector<std::uint32_t> evicted;
  sim::EventId retry;
  bool retry_armed = false;
};

struct Cluster::NodeVm {
  enum class State : std::uint8_t { starting, running, cordoned, stopping, stopped, failed };
  State state = State::starting;
  InstanceId instance = kNoInstance;
  Node* node = nullptr;
  sim::Time requested_at;  // [cplane] before RunInstances let it through
};

// One line each (alignas(64)). On the request path begin_request fills it, cpu_done writes only
// its flow id, and io_done reads it; the rest of what the CPU and I/O steps need travels in their
// flows' callbacks (Cluster::IoStep), so cpu_done reads no flight and io_done loads the flight,
// the replica and the service side by side rather than one after the other.
struct alignas(64) Cluster::InFlight {
  std::uint32_t replica = cluster_detail::kNone;
  std::uint32_t next_free = cluster_detail::kNone;
  std::uint64_t sequence = 0;
  sim::Time arrival;
  sim::Time start;
  FlowId flow;  // [failures] its current flow, cancelled if its instance is lost
  bool active = false;  // in service (not on the free list)
  bool cold = false;    // [fn]
};

// Why the request path hands its state along in callbacks: at 10,000 hosts about 2,500 other
// events run between a request's start and its end, which evicts the flight's line from a
// 1 MiB L2, and each of the misses that a chain of loads (flight -> replica -> service) meets
// costs a full memory round trip (bench/README.md, seventh round). A callback's captures sit in
// the flow record that the flow model has just read to run it.
struct Cluster::IoStep {
  std::uint32_t flight = cluster_detail::kNone;
  std::uint32_t replica = cluster_detail::kNone;
  std::uint32_t service = cluster_detail::kNone;
  std::uint8_t disk_path_size = 0;
  std::array<ResourceId, 2> disk_path;  // the replica's
  sim::Bytes io;                        // scaled by the replica's random-IOPS factor
};

}  // namespace vmcsim::models
