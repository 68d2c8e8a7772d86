#pragma once
// The future event list: what Simulation keeps its pending events in.
//
// Every implementation holds small plain EventEntry values and pops them in the total order
//     (time, priority, sequence)
// where a smaller priority fires first among equal times and the sequence number, unique and
// increasing with every schedule call, breaks the remaining ties in scheduling order (FIFO).
// This order is the determinism invariant of vmcsim: it depends only on what was scheduled,
// never on addresses, hashing or the queue implementation, so every queue yields the same run.
//
// Implementations satisfy the FutureEventList concept and are interchangeable template
// arguments of BasicSimulation; bench/event_queue_bench.cpp measures them against each other.
#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/time.hpp"

namespace vmcsim::sim {

struct EventEntry {
  Time time;
  // (priority + 2^15) << 48 | sequence: one integer compares priority, then sequence.
  std::uint64_t order = 0;
  std::uint32_t slot = 0;        // index of the event's record in the simulation's pool
  std::uint32_t generation = 0;  // the record's generation when scheduled (lazy cancellation)

  static constexpr std::uint64_t make_order(std::int16_t priority, std::uint64_t sequence) {
    return (static_cast<std::uint64_t>(static_cast<std::int32_t>(priority) + 32768) << 48) |
           (sequence & ((std::uint64_t{1} << 48) - 1));
  }
  friend constexpr bool operator<(const EventEntry& a, const EventEntry& b) {
    // One branch-free 128-bit comparison of (time, order): the heap's sift loops compare
    // random keys, where a mispredicted branch per comparison would dominate.
    __extension__ using Key = unsigned __int128;
    const auto key = [](const EventEntry& e) {
      return (Key{static_cast<std::uint64_t>(e.time.ns()) ^ (std::uint64_t{1} << 63)} << 64) |
             e.order;
    };
    return key(a) < key(b);
  }
};

template <class Q>
concept FutureEventList = requires(Q q, const Q cq, EventEntry e) {
  {q.push(e)};
  { q.pop() } -> std::same_as<EventEntry>;  // removes and returns the smallest entry
  { cq.top() } -> std::convertible_to<const EventEntry&>;
  { cq.empty() } -> std::convertible_to<bool>;
  { cq.size() } -> std::convertible_to<std::size_t>;
  {q.clear()};
};

// A d-ary min-heap in one contiguous vector. Arity 4 keeps a node's children in one or two
// cache lines and halves the depth of a binary heap, which pays off once the heap outgrows
// the cache. Pops use Floyd's bottom-up sift and prefetch the grandchildren of the path, so
// the cache misses of a large heap overlap (see bench/README.md).
template <unsigned Arity = 4>
class DaryHeapQueue {
  static_assert(Arity >= 2);

 public:
  void push(const EventEntry& e) {
    heap_.push_back(e);
    sift_up(heap_.size() - 1);
  }
  EventEntry pop() {
    EventEntry top = heap_.front();
    const EventEntry last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(last);
    return top;
  }
  const EventEntry& top() const { return heap_.front(); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  void clear() { heap_.clear(); }
  void reserve(std::size_t n) { heap_.reserve(n); }

 private:
  void sift_up(std::size_t i) {
    const EventEntry e = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / Arity;
      if (!(e < heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }
  // Places e, which replaces the root. Floyd's bottom-up variant: the hole first follows the
  // smaller children to a leaf (one comparison fewer per level, no test against e), then e
  // rises from there; e is usually a recent tail element, so it rises only a level or two.
  void sift_down(const EventEntry& e) {
    const std::size_t n = heap_.size();
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = i * Arity + 1;
      if (first >= n) break;
      // Fetch all grandchildren while the children are compared: the path down a large heap
      // is a chain of cache misses, and overlapping them beats fetching one level at a time.
      const std::size_t grandchildren = first * Arity + 1;
      if (grandchildren < n) {
        const char* from = reinterpret_cast<const char*>(&heap_[grandchildren]);
        const std::size_t bytes =
            std::min<std::size_t>(Arity * Arity, n - grandchildren) * sizeof(EventEntry);
        for (std::size_t b = 0; b < bytes; b += 64)
          __builtin_prefetch(from + b);
      }
      std::size_t best = first;
      if (first + Arity <= n) {
        // A full family: a fixed trip count the compiler unrolls into conditional moves.
        for (std::size_t c = first + 1; c < first + Arity; ++c)
          best = heap_[c] < heap_[best] ? c : best;
      } else {
        for (std::size_t c = first + 1; c < n; ++c)
          best = heap_[c] < heap_[best] ? c : best;
      }
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
    sift_up(i);
  }

  std::vector<EventEntry> heap_;
};

static_assert(FutureEventList<DaryHeapQueue<4>>);

}  // namespace vmcsim::sim
