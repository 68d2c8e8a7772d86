#pragma once
// Simulation: the discrete-event engine, a plain value object.
//
// There are no globals: every test, replication and thread builds its own Simulation, and two
// of them never share state. Model code holds a reference to the one it lives in.
//
//   Simulation sim;
//   sim.schedule_in(250_ms, [&] { boot_done(); });
//   auto id = sim.schedule_at(10_s, [&] { timeout(); });
//   sim.cancel(id);          // no-op if it already fired or was cancelled
//   sim.run_until(1_h);      // or run() until no event is left, or stop() from a callback
//
// Ordering invariant: events fire in increasing (time, priority, sequence), where a smaller
// priority fires first at equal times and the sequence counts schedule calls, so equal
// (time, priority) events fire in the order they were scheduled. The clock never goes back:
// scheduling in the past throws std::invalid_argument.
//
// Cost: no heap allocation per event once the pools have grown to the peak number of queued
// events (pending, plus cancelled ones whose time has not come yet). Callbacks are InplaceFunction
// (at most 48 bytes of captures); cancelled events stay in the queue and are skipped when popped
// (lazy cancellation: cancel empties the record's callback and bumps its generation, which stale
// EventIds then fail to match); a cancelled event's record is reused only once its entry has been
// popped, so a queued record with an empty callback is exactly a cancelled event. Each pending
// event's record is one 64-byte cache line (callback, ops pointer, generation, free-list link),
// read once when the event fires: the next event's record, and the one after it when the queue
// can tell, are prefetched while the current callback runs. Captures must be at most
// pointer-aligned. The queue is RadixHeapQueue (sim/radix_heap_queue.hpp); any FutureEventList
// gives the same run. Throughput: bench/README.md.
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "sim/event_queue.hpp"
#include "sim/inplace_function.hpp"
#include "sim/radix_heap_queue.hpp"
#include "sim/time.hpp"
#include "sim/timeout.hpp"

namespace vmcsim::sim {

using Callback = InplaceFunction<void(), 48>;

// Names one scheduled event, to cancel it. Cheap to copy; stays safe after the event fired.
struct EventId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

template <FutureEventList Queue>
class BasicSimulation {
 public:
  static constexpr std::int16_t kDefaultPriority = 0;

  BasicSimulation() = default;
  // A simulation is an identity: model objects hold references into it.
  BasicSimulation(const BasicSimulation&) = delete;
  BasicSimulation& operator=(const BasicSimulation&) = delete;

  Time now() const { return now_; }
  // What a coroutine process awaits to let time pass (sim/process.hpp):
  // `co_await sim.timeout(250_ms)`, the same value as the free sim::timeout().
  Timeout timeout(Time delay) const { return sim::timeout(delay); }
  // Events that have fired so far (cancelled ones are not counted).
  std::uint64_t events_processed() const { return processed_; }
  // Events scheduled and neither fired nor cancelled.
  std::size_t pending() const { return live_; }
  // The most events pending at once so far (what a model keeps scheduled ahead, to compare with
  // the hold model's fixed count in bench/full_model_bench).
  std::size_t peak_pending() const { return peak_live_; }

  EventId schedule_at(Time when, Callback fn, std::int16_t priority = kDefaultPriority) {
    if (when < now_)
      throw std::invalid_argument("schedule_at: time " + when.to_string() + " is before now " +
                                  now_.to_string());
    if (!fn) throw std::invalid_argument("schedule_at: empty callback");
    std::uint32_t slot;
    if (free_head_ != kNone) {
      slot = free_head_;
      free_head_ = records_[slot].next_free;
    } else {
      slot = static_cast<std::uint32_t>(records_.size());
      records_.emplace_back();
    }
    Record& r = records_[slot];
    r.fn = std::move(fn);
    r.next_free = kNone;
    queue_.push(EventEntry{when, EventEntry::make_order(priority, sequence_++), slot});
    if (++live_ > peak_live_) peak_live_ = live_;
    return EventId{slot, r.generation};
  }

  EventId schedule_in(Time delay, Callback fn, std::int16_t priority = kDefaultPriority) {
    return schedule_at(now_ + delay, std::move(fn), priority);
  }

  // Cancels a pending event. Returns false (and does nothing) if it fired or was cancelled.
  bool cancel(EventId id) {
    if (!id.valid() || id.slot >= records_.size()) return false;
    Record& r = records_[id.slot];
    if (r.generation != id.generation || !r.fn) return false;
    // The slot stays taken until its entry is popped: queues may key data by slot (see
    // DaryHeapQueue), so a slot is never in the queue twice.
    r.fn.reset();
    ++r.generation;
    --live_;
    return true;
  }

  bool is_pending(EventId id) const {
    return id.valid() && id.slot < records_.size() &&
           records_[id.slot].generation == id.generation && static_cast<bool>(records_[id.slot].fn);
  }

  // Runs until no event is left or stop() is called.
  void run() { run_until(Time::max()); }

  // Runs every event with time <= end, then advances the clock to end (unless stopped earlier
  // or end is Time::max()).
  void run_until(Time end) {
    stopped_ = false;
    while (!stopped_ && !queue_.empty()) {
      if (end < top_time()) break;
      const EventEntry e = pop();
      if (!queue_.empty()) {
        // The next record, and, if the queue can tell, the one after it: the callback about to
        // run takes less time than a miss, so one event ahead hides only part of it.
        __builtin_prefetch(&records_[top_slot()]);
        if constexpr (requires { queue_.next_slot_hint(); })
          __builtin_prefetch(&records_[queue_.next_slot_hint()]);
      }
      Record& r = records_[e.slot];
      if (!r.fn) {  // cancelled: its entry is out, so the slot is free
        push_free(e.slot);
        continue;
      }
      now_ = e.time;
      // Move the callback out and free its record before calling it: the callback may
      // schedule (growing the pool) or try to cancel itself (a no-op).
      Callback fn = std::move(r.fn);
      release(e.slot);
      --live_;
      ++processed_;
      fn();
    }
    if (!stopped_ && end != Time::max() && now_ < end) now_ = end;
  }

  // Makes run() or run_until() return after the event that is firing now.
  void stop() { stopped_ = true; }

  // Reserves room for n pending events, so that even the first events do not allocate.
  void reserve(std::size_t n) {
    records_.reserve(n);
    if constexpr (requires(Queue q) { q.reserve(n); }) queue_.reserve(n);
  }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // One cache line per record (48 bytes of captures, the ops pointer, two counters): firing an
  // event touches exactly one line of the pool.
  struct alignas(64) Record {
    Callback fn;
    std::uint32_t generation = 0;
    std::uint32_t next_free = kNone;
  };

  static_assert(sizeof(Record) == 64);

  void release(std::uint32_t slot) {
    Record& r = records_[slot];
    r.fn.reset();
    ++r.generation;
    push_free(slot);
  }
  void push_free(std::uint32_t slot) {
    records_[slot].next_free = free_head_;
    free_head_ = slot;
  }
  // Through the queue's fast paths if it has them: DaryHeapQueue's top() and pop() also read
  // the order, which the loop does not need.
  Time top_time() const {
    if constexpr (requires { queue_.top_time(); })
      return queue_.top_time();
    else
      return queue_.top().time;
  }
  std::uint32_t top_slot() const {
    if constexpr (requires { queue_.top_slot(); })
      return queue_.top_slot();
    else
      return queue_.top().slot;
  }
  EventEntry pop() {
    if constexpr (requires { queue_.pop_unordered(); })
      return queue_.pop_unordered();
    else
      return queue_.pop();
  }

  Queue queue_;
  std::vector<Record> records_;
  std::uint32_t free_head_ = kNone;
  Time now_;
  std::uint64_t sequence_ = 0;
  std::uint64_t processed_ = 0;
  std::size_t live_ = 0;
  std::size_t peak_live_ = 0;
  bool stopped_ = false;
};

// The default engine; bench/README.md records why this queue is the default.
using Simulation = BasicSimulation<RadixHeapQueue<>>;
extern template class BasicSimulation<RadixHeapQueue<>>;

}  // namespace vmcsim::sim
