#pragma once
// CalendarQueue: Brown's calendar queue (R. Brown, "Calendar queues: a fast O(1) priority queue
// implementation for the simulation event set problem", CACM 31(10), 1988), with resizing.
//
// Time is cut into "days" of width_ nanoseconds; day d lives in bucket d mod nbuckets, so one
// pass over the buckets (a "year") visits nbuckets consecutive days. Each bucket is a small
// vector kept sorted in decreasing EventEntry order, so its smallest entry is at back() and
// popping it is O(1). Dequeue scans forward from the current day for a bucket whose smallest
// entry falls on that day; after a whole empty year it falls back to a direct search.
//
// Invariants:
//   - pops follow the total order of EventEntry (time, then order), exactly as DaryHeapQueue,
//     so BasicSimulation<CalendarQueue> produces the same run as Simulation;
//   - every stored entry lies on a day >= cur_day_ (a push earlier than that moves cur_day_
//     back, so the queue is a general priority queue, not only a monotone one);
//   - nbuckets is a power of two; the calendar doubles when size > 2 * nbuckets and halves when
//     size < nbuckets / 2, re-estimating the day width from the spacing of the earliest entries
//     (Brown's rule: three times their average separation, ignoring outliers).
//
// Cost: O(1) expected per operation when the width fits the increment distribution; each resize
// is O(n) and amortized. Buckets keep their capacity across pops, so a steady state does not
// allocate, but a bucket that grows beyond its largest size so far does.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/event_queue.hpp"

namespace vmcsim::sim {

class CalendarQueue {
 public:
  CalendarQueue();

  void push(const EventEntry& e);
  EventEntry pop();
  // The smallest entry; the queue must not be empty. Advances the scan position (mutable state)
  // but never changes the contents.
  const EventEntry& top() const { return buckets_[locate()].back(); }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void clear();
  // Sizes the calendar for about n pending entries so that growing to n does not resize.
  void reserve(std::size_t n);

  std::size_t bucket_count() const { return buckets_.size(); }
  std::int64_t day_width_ns() const { return width_; }

 private:
  using Bucket = std::vector<EventEntry>;  // sorted decreasing: the smallest entry is back()

  std::int64_t day_of(Time t) const;
  std::size_t bucket_of(std::int64_t day) const { return static_cast<std::size_t>(day) & mask_; }
  void insert(const EventEntry& e);
  // Index of the bucket holding the smallest entry (cached until the next pop or resize).
  std::size_t locate() const;
  void resize(std::size_t nbuckets);

  std::vector<Bucket> buckets_;
  std::size_t mask_ = 0;
  std::int64_t width_ = 1;
  std::size_t size_ = 0;
  mutable std::int64_t cur_day_ = 0;
  mutable std::size_t top_bucket_ = 0;
  mutable bool top_valid_ = false;
  std::vector<EventEntry> scratch_;  // reused by resize
};

static_assert(FutureEventList<CalendarQueue>);

}  // namespace vmcsim::sim
