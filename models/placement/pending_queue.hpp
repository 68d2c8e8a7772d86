#pragma once
// PendingQueue: requests that fit no node wait here with their reason and are retried when
// capacity frees (the caller calls retry() after a departure or a node joining).
//
// Order: FIFO by arrival, or by priority (higher first, FIFO among equals). With
// `head_of_line_blocking` a retry stops at the first request that still does not fit (strict
// FIFO, as a batch queue); without it, later requests may pass it (as kube-scheduler retries
// every pending pod). Each placed request reports how long it waited; the queue keeps the
// count and the total and maximum pending time of everything it placed.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "models/placement/policy.hpp"
#include "sim/time.hpp"

namespace vmcsim::models::placement {

class PendingQueue {
 public:
  enum class Order { fifo, priority };
  struct Entry {
    std::uint64_t id;
    PlacementRequest request;
    int priority;
    sim::Time enqueued;
    Unplaceable reason;  // why it did not fit the last time it was tried
  };
  struct Placed {
    std::uint64_t id;
    NodeIndex node;
    sim::Time waited;
    GpuSlots gpus = 0;  // the GPU devices it took (NodeView::add)
  };

  explicit PendingQueue(Order order = Order::fifo, bool head_of_line_blocking = false)
      : order_{order}, blocking_{head_of_line_blocking} {}

  void push(std::uint64_t id, PlacementRequest request, sim::Time now, Unplaceable reason,
            int priority = 0);
  // Tries the waiting requests in queue order; each one placed is added to `nodes` (so the
  // next sees the capacity it took; the policy is told through node_changed) and removed from
  // the queue. `freed`: the caller promises this node is the only one that gained room since
  // every waiting request was last tried (one departure, of an instance without required
  // anti-affinity terms); a request without inter-pod terms that does not fit it then still fits
  // nowhere and is skipped without asking the policy (not with head-of-line blocking, which
  // stops at the first failure anyway and holds requests that were never tried).
  std::vector<Placed> retry(sim::Time now, std::span<NodeView> nodes, PlacementPolicy& policy,
                            sim::RandomStream& stream, std::optional<NodeIndex> freed = {});
  // Drops a request (cancelled); false if it is not waiting.
  bool erase(std::uint64_t id);

  std::span<const Entry> waiting() const { return entries_; }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::uint64_t placed_count() const { return placed_count_; }
  sim::Time total_wait() const { return total_wait_; }
  sim::Time max_wait() const { return max_wait_; }

 private:
  Order order_;
  bool blocking_;
  std::vector<Entry> entries_;  // kept in retry order
  std::uint64_t placed_count_ = 0;
  sim::Time total_wait_{};
  sim::Time max_wait_{};
};

}  // namespace vmcsim::models::placement
