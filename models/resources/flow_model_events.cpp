// FlowModel, part four: completion events (the model's one pending event, the flows due at it)
// and the class heap. flow_model.cpp has the classes, the flows and recompute.
#include <algorithm>
#include <utility>

#include "models/resources/flow_model.hpp"
#include "models/resources/indexed_heap.hpp"

namespace vmcsim::models {

void FlowModel::reschedule() {
  const sim::Time target = heap_.empty() ? sim::Time::max() : heap_.front().key;
  if (target == pending_at_ && sim_.is_pending(pending_)) return;
  sim_.cancel(pending_);
  pending_at_ = target;
  if (target == sim::Time::max()) return;
  pending_ = sim_.schedule_at(std::max(target, sim_.now()), [this] { on_completion_event(); });
}

// Takes the flows of class c that are due at `now` out of it (into finished_).
void FlowModel::finished_in(std::uint32_t c, sim::Time now) {
  FlowClass& k = classes_[c];
  settle(k, now);
  for (const PathStep& s : k.path)
    seeds_.push_back(s.resource);
  if (k.large) {
    // The class's finish was its earliest flow's; later ones are due if they finish now too.
    bool first = true;
    while (k.large) {
      const std::uint32_t top = k.members.front();
      if (!first && finish_of(k, std::max(0.0, flows_[top].work - k.served)) > now) return;
      first = false;
      finished_.push_back(top);
      remove_member(top);  // a large class never empties here; it may become small
    }
  }
  const std::size_t from = finished_.size();
  for (std::uint32_t i = 0; i < k.members.size(); ++i)
    if (k.slots[i].end <= now) finished_.push_back(k.members[i]);
  // remove_member may free the class: take the flows out after the walk.
  for (std::size_t i = from; i < finished_.size(); ++i)
    remove_member(finished_[i]);
}

void FlowModel::on_completion_event() {
  pending_at_ = sim::Time::max();
  const sim::Time now = sim_.now();
  seeds_.clear();
  finished_.clear();
  done_.clear();
  std::uint32_t popped = 0;
  std::uint32_t last = kNone;
  while (!heap_.empty() && heap_.front().key <= now) {
    const std::uint32_t c = heap_.front().item;
    class_heap_remove(c);
    if (classes_[c].group != kNone) {  // a resource clock's flows, or a class of its group
      group_completed(c, now);
      continue;
    }
    finished_in(c, now);
    ++popped;
    last = c;
  }
  const std::size_t local_seeds = seeds_.size();
  if (!touched_groups_.empty()) groups_commit(now);
  // One class's flows finished (it is gone if it emptied): a local change.
  const std::uint32_t changed = popped == 1 && !classes_[last].members.empty() ? last : kNone;
  // A group that dissolved added its resource to the seeds: then not a local change.
  const bool local = popped == 1 && seeds_.size() == local_seeds;
  // In flow order, as the oracle pops its flow heap (all of them finish now): callbacks and
  // the reuse of flow slots then follow the same order.
  std::sort(finished_.begin(), finished_.end());
  for (std::uint32_t idx : finished_) {
    done_.push_back(std::move(flows_[idx].on_done));
    flows_[idx].on_done.reset();
    release_flow(idx);
  }
  if (!seeds_.empty()) {
    recompute(seeds_, kNone, local, changed);
  } else {
    reschedule();
  }
  // Callbacks run once the model is consistent; they may start or cancel flows, which never
  // touches done_.
  for (std::size_t i = 0; i < done_.size(); ++i)
    done_[i]();
  done_.clear();
}

void FlowModel::class_heap_update(std::uint32_t c) {
  const sim::Time finish = classes_[c].finish;
  std::uint32_t& pos = heap_pos_[c];
  if (pos == kNone) {
    pos = static_cast<std::uint32_t>(heap_.size());
    heap_.push_back(HeapEntry{finish, c});
  } else {
    heap_[pos].key = finish;
  }
  detail::keyed_sift(heap_, pos, [this](std::uint32_t x, std::uint32_t p) { heap_pos_[x] = p; });
}

void FlowModel::class_heap_remove(std::uint32_t c) {
  const std::uint32_t pos = heap_pos_[c];
  if (pos == kNone) return;
  heap_pos_[c] = kNone;
  detail::keyed_erase(heap_, pos, [this](std::uint32_t x, std::uint32_t p) { heap_pos_[x] = p; });
}

}  // namespace vmcsim::models
