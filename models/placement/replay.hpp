#pragma once
// PlacementReplay: a discrete-event replay of a pod trace against a fixed set of nodes under
// one placement policy, on sim::Simulation: which policy packs a real workload best, how long
// pods wait for it, and how long it takes to decide.
//
//   std::vector<ReplayPod> pods = ...;    // demand, arrival, optional lifetime
//   ReplayResult r = replay_placement(nodes, pods, *make_policy("k8s:MostAllocated"), {});
//
// Story of one pod: at `arrival` the policy places it; if no node is feasible it waits in a
// PendingQueue (FIFO, with the reason) and is retried whenever a departure frees room. Once
// placed it runs for its `lifetime` and leaves (freeing its node, then the queue is retried);
// a pod without a lifetime stays to the end. A waiting pod gives up when it has waited its
// lifetime (the trace's deletion time: its owner deleted it) or `options.patience`, whichever
// comes first: it is never placed, and the time it waited is kept apart (censored waits), so a
// policy cannot look good by starving pods. Pods arriving at or after `options.end` are outside
// the replay. At equal times departures fire first, then arrivals, then give-ups: a pod leaving
// at t frees its room for one arriving at t, and a pod whose patience ends at t still gets a
// node freed at t.
//
// Pending time = placement time - arrival, over the placed pods (0 for those placed on
// arrival). A retry after a departure from node n only decides for waiting pods that fit n:
// they fitted no node before and n is the only one that gained room, so the others still fit
// nowhere (exact, and it keeps long queues cheap); `never_placed_by` gives the reason of the
// last full decision.
//
// Head-of-line behaviour (options.head_of_line_blocking):
//   false (default, as kube-scheduler): every waiting pod is retried in FIFO order and a later
//         one may pass an earlier one that still does not fit; a new arrival is placed at once
//         if it fits, even while others wait.
//   true  (strict FIFO, as a batch queue): a retry stops at the first pod that still does not
//         fit, and a new arrival joins the back of the queue while anything waits, so one large
//         pod can hold back every pod behind it.
//
// Invariants the result holds: pods_placed + pods_gave_up + pods_still_waiting = pods_total;
// no node is ever allocated more than its allocatable in any dimension, nor a GPU device more
// than 1000 milli (feasible() guarantees it; tests check it through ReplayOptions::observer).
// Every output except `timing` is deterministic: the same inputs give the same bits. `timing`
// is steady_clock wall time and is kept apart so deterministic outputs can be compared byte
// for byte.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/catalog/profile.hpp"
#include "models/placement/metrics.hpp"
#include "models/placement/policy.hpp"
#include "sim/statistics.hpp"
#include "sim/time.hpp"

namespace vmcsim::models::placement {

struct ReplayPod {
  PlacementRequest request;           // demand (and any constraints) of the pod
  sim::Time arrival;                  // creation time
  std::optional<sim::Time> lifetime;  // how long it runs once placed; nullopt: to the end
};

// What a pod asks of a host when it runs in a platform of `profile`, instead of as a plain
// container:
//   vm, microvm  one VM per pod: vCPUs = the pod's CPU rounded up to whole cores (at least 1),
//                memory = pod memory + guest OS (+ agent + system reserved) memory, and the
//                hypervisor overhead of a VM of that memory and vCPUs on top
//                (kvm-ubuntu: 0.002 x memory + 218 MiB + 8 MiB x vCPUs);
//   container    the pod's demand plus the runtime's per-container overhead (0 for runc).
// Other dimensions (GPU, disk, network) are unchanged.
ResourceVector platform_demand(const PlatformProfile& profile, const ResourceVector& pod);

// The same pods arriving `speedup` times as fast: every gap between arrivals divided by
// `speedup` (arrival' = first + (arrival - first) / speedup, rounded to the nanosecond),
// lifetimes kept. Order is kept. Throws std::invalid_argument unless speedup >= 1.
std::vector<ReplayPod> speed_up_arrivals(std::span<const ReplayPod> pods, double speedup);

struct ReplayOptions {
  sim::Time end = sim::Time::max();  // horizon: time-weighted metrics cover [first arrival, end)
  bool head_of_line_blocking = false;
  std::optional<sim::Time> patience;  // a pod waiting this long gives up (besides its lifetime)
  std::uint64_t seed = 1;             // for the random policies (stream "placement/replay")
  // The pod classes GPU fragmentation is measured against; empty: workload_classes() of the
  // pods replayed that ask for GPUs (how many GPUs a GPU pod could not use: counting CPU-only
  // pods, for which every free GPU is a fragment, would add the same floor to every policy).
  std::vector<PodClass> workload;
  // The policy tracks the replay's nodes (PlacementPolicy::track: its index, if it has one).
  // false: every decision scans every node. The choices are the same; only timing differs.
  bool use_index = true;
  // Called after every event with the time and the nodes' state (tests check invariants).
  std::function<void(sim::Time, std::span<const NodeView>)> observer;
};

// Wall-clock cost of the policy's decisions (every choose() call: first attempts and
// retries, successful or not). Not deterministic.
struct DecisionTiming {
  std::uint64_t decisions = 0;
  double mean_us = 0.0;
  double p99_us = 0.0;
};

struct ReplayResult {
  std::string policy;
  std::size_t pods_total = 0;  // pods arriving before end
  std::size_t pods_placed = 0;
  std::size_t pods_gave_up = 0;        // waited their lifetime or patience, never placed
  std::size_t pods_still_waiting = 0;  // waiting at the end
  std::size_t pods_waited = 0;         // placed after waiting (pending > 0)
  std::map<std::string, std::size_t> never_placed_by;  // by Unplaceable::dimension
  // Pending time of placed pods (0 for those placed on arrival), from a QuantileSketch (1%).
  sim::Time pending_p50;
  sim::Time pending_p99;
  sim::Time pending_max;
  // The same pending times in milliseconds, every placed pod: a sketch (1%) and mean/count.
  sim::QuantileSketch pending_ms;
  sim::RunningStats pending_ms_stats;
  // Censored waits: how long pods that were never placed waited (until giving up, or until
  // the end), and p99 of the wait over every pod (placed ones' pending, never placed ones'
  // censored wait): a lower bound, since those would have waited longer still.
  sim::Time never_placed_wait_mean;
  sim::Time wait_all_p99;
  std::size_t peak_nodes_used = 0;  // nodes with at least one pod, at the busiest moment
  double mean_nodes_used = 0.0;     // time-weighted over [first arrival, end)
  // packing_metrics() stranded CPU and memory (free capacity that no pod of the trace can
  // use because another dimension is short on that node): time-weighted mean and peak. The
  // "smallest request" is, per dimension, the 1st percentile of the pods' demands, so that a
  // few odd pods (one asking for no memory) do not make every node look usable.
  ResourceVector stranded_mean;
  ResourceVector stranded_peak;
  // GPU fragmentation (metrics.hpp, FGD's definition) summed over the nodes, in milli-GPUs:
  // time-weighted mean and peak.
  double gpu_fragmentation_mean = 0.0;
  double gpu_fragmentation_peak = 0.0;
  // Pressure: the most that the pods present at once (running or waiting) asked, over the
  // nodes' total allocatable, per dimension (indexed by Dimension); above 1 some must wait.
  std::array<double, kDimensions> peak_demand{};
  sim::Time end;  // where the replay stopped (end, or the last event when end is max)
  DecisionTiming timing;

  std::size_t pods_never_placed() const { return pods_gave_up + pods_still_waiting; }
};

// Replays `pods` on `nodes` (their allocations are the starting state; usually empty) under
// `policy`. Pods must be sorted by arrival (std::invalid_argument otherwise).
ReplayResult replay_placement(std::vector<NodeView> nodes, std::span<const ReplayPod> pods,
                              PlacementPolicy& policy, const ReplayOptions& options = {});

}  // namespace vmcsim::models::placement
