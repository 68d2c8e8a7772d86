#include "models/placement/pending_queue.hpp"

#include <algorithm>

namespace vmcsim::models::placement {

void PendingQueue::push(std::uint64_t id, PlacementRequest request, sim::Time now,
                        Unplaceable reason, int priority) {
  Entry e{id, std::move(request), priority, now, std::move(reason)};
  // upper_bound keeps FIFO among equal priorities.
  const auto pos = order_ == Order::fifo
                       ? entries_.end()
                       : std::upper_bound(entries_.begin(), entries_.end(), e.priority,
                                          [](int p, const Entry& x) { return p > x.priority; });
  entries_.insert(pos, std::move(e));
}

std::vector<PendingQueue::Placed> PendingQueue::retry(sim::Time now, std::span<NodeView> nodes,
                                                      PlacementPolicy& policy,
                                                      sim::RandomStream& stream,
                                                      std::optional<NodeIndex> freed) {
  std::vector<Placed> placed;
  std::vector<Entry> still;
  std::size_t i = 0;
  for (; i < entries_.size(); ++i) {
    Entry& e = entries_[i];
    if (freed && !blocking_ && !DomainCounts::has_terms(e.request) &&
        !feasible(e.request, nodes[*freed])) {
      still.push_back(std::move(e));
      continue;
    }
    const PlacementOutcome out = policy.place(e.request, nodes, stream);
    if (!out.node) {
      e.reason = *out.reason;
      still.push_back(std::move(e));
      if (blocking_) {
        ++i;
        break;
      }
      continue;
    }
    const GpuSlots gpus = nodes[*out.node].add(e.request);
    policy.node_changed(nodes, *out.node);
    const sim::Time waited = now - e.enqueued;
    placed.push_back({e.id, *out.node, waited, gpus});
    ++placed_count_;
    total_wait_ += waited;
    max_wait_ = std::max(max_wait_, waited);
  }
  for (; i < entries_.size(); ++i)
    still.push_back(std::move(entries_[i]));
  entries_ = std::move(still);
  return placed;
}

bool PendingQueue::erase(std::uint64_t id) {
  const auto it =
      std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == id; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

}  // namespace vmcsim::models::placement
