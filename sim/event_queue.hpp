#pragma once
// The future event list: what Simulation keeps its pending events in.
//
// Every implementation takes and returns small plain EventEntry values, and pops them in the
// total order
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

#include <boost/align/aligned_allocator.hpp>

#include "sim/time.hpp"

namespace vmcsim::sim {

struct EventEntry {
  Time time;
  // (priority + 2^15) << 48 | sequence: one integer compares priority, then sequence.
  std::uint64_t order = 0;
  std::uint32_t slot = 0;  // index of the event's record in the simulation's pool

  static constexpr std::uint64_t make_order(std::int16_t priority, std::uint64_t sequence) {
    return (static_cast<std::uint64_t>(static_cast<std::int32_t>(priority) + 32768) << 48) |
           (sequence & ((std::uint64_t{1} << 48) - 1));
  }
  friend constexpr bool operator<(const EventEntry& a, const EventEntry& b) {
    // One branch-free 128-bit comparison of (time, order): queues compare random keys, where a
    // mispredicted branch per comparison would dominate.
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

// A d-ary min-heap of 16-byte nodes (time, slot, order index). Pops use Floyd's bottom-up
// sift and prefetch the grandchildren of the path, so the cache misses of a large heap overlap.
//
// Layout (see bench/README.md): the root sits at index Arity - 1 of a 64-byte-aligned array,
// so every family of Arity siblings starts at a multiple of Arity; with Arity = 4 a family is
// exactly one cache line and each level of a sift costs one line. The (priority, sequence)
// order is not in the node: it lives in a side array, at an index the heap hands out and takes
// back (a LIFO free list, so the side array is as large as the heap's peak size and the index
// a push takes is the one the last pop freed, still in cache), and is read only when two times
// are equal. Nodes stay 16 bytes without changing the total order. Memory grows with the
// largest size reached.
template <unsigned Arity = 4>
class DaryHeapQueue {
  static_assert(Arity >= 2);
  static constexpr std::size_t kRoot = Arity - 1;

 public:
  void push(const EventEntry& e) {
    std::uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
      order_[index] = e.order;
    } else {
      index = static_cast<std::uint32_t>(order_.size());
      order_.push_back(e.order);
    }
    if (heap_.empty()) heap_.resize(kRoot);  // the padding before the root
    heap_.push_back(Node{e.time.ns(), e.slot, index});
    sift_up(heap_.size() - 1);
  }
  EventEntry pop() {
    const EventEntry top = entry(heap_[kRoot]);
    remove_top();
    return top;
  }
  EventEntry top() const { return entry(heap_[kRoot]); }

  // Fast paths for an engine that dispatches by slot (BasicSimulation uses them when a queue
  // has them): the smallest entry without reading its order, which lives elsewhere in memory.
  Time top_time() const { return Time::from_ns(heap_[kRoot].time); }
  std::uint32_t top_slot() const { return heap_[kRoot].slot; }
  // The slot most likely to be popped after the top: the root's earliest child (ties aside), or
  // the top itself. A prefetching hint only; requires !empty().
  std::uint32_t next_slot_hint() const {
    const std::size_t first = first_child(kRoot);
    const std::size_t end = std::min(first + Arity, heap_.size());
    std::size_t best = first < end ? first : kRoot;
    for (std::size_t c = first + 1; c < end; ++c)
      best = heap_[c].time < heap_[best].time ? c : best;
    return heap_[best].slot;
  }
  // Removes the smallest entry and returns it with order = 0.
  EventEntry pop_unordered() {
    const Node& n = heap_[kRoot];
    const EventEntry top{Time::from_ns(n.time), 0, n.slot};
    remove_top();
    return top;
  }
  bool empty() const { return heap_.size() <= kRoot; }
  std::size_t size() const { return heap_.size() <= kRoot ? 0 : heap_.size() - kRoot; }
  void clear() {
    heap_.clear();
    order_.clear();
    free_.clear();
  }
  void reserve(std::size_t n) {
    heap_.reserve(n + kRoot);
    order_.reserve(n);
    free_.reserve(n);
  }
  // Appends every entry to out, in no particular order, and empties the queue.
  void drain(std::vector<EventEntry>& out) {
    for (std::size_t i = kRoot; i < heap_.size(); ++i)
      out.push_back(entry(heap_[i]));
    clear();
  }

 private:
  struct Node {
    std::int64_t time;
    std::uint32_t slot;
    std::uint32_t order_index;  // where this entry's (priority, sequence) is in order_
  };
  static_assert(sizeof(Node) == 16);

  void remove_top() {
    free_.push_back(heap_[kRoot].order_index);
    const Node last = heap_.back();
    heap_.pop_back();
    if (heap_.size() > kRoot) sift_down(last);
  }
  EventEntry entry(const Node& n) const {
    return EventEntry{Time::from_ns(n.time), order_[n.order_index], n.slot};
  }
  bool less(const Node& a, const Node& b) const {
    // Distinct times decide alone (and in a hold model almost all are distinct, so this branch
    // predicts well); only equal times look up the order.
    if (__builtin_expect(a.time == b.time, 0)) return order_[a.order_index] < order_[b.order_index];
    return a.time < b.time;
  }
  static std::size_t first_child(std::size_t i) { return Arity * (i - kRoot + 1); }
  static std::size_t parent(std::size_t i) { return i / Arity + Arity - 2; }

  void sift_up(std::size_t i) {
    const Node e = heap_[i];
    while (i > kRoot) {
      const std::size_t p = parent(i);
      if (!less(e, heap_[p])) break;
      heap_[i] = heap_[p];
      i = p;
    }
    heap_[i] = e;
  }
  // Places e, which replaces the root. Floyd's bottom-up variant: the hole first follows the
  // smaller children to a leaf (one comparison fewer per level, no test against e), then e
  // rises from there; e is usually a recent tail element, so it rises only a level or two.
  void sift_down(const Node& e) {
    const std::size_t n = heap_.size();
    std::size_t i = kRoot;
    for (;;) {
      const std::size_t first = first_child(i);
      if (first >= n) break;
      // Fetch all grandchildren while the children are compared: the path down a large heap
      // is a chain of cache misses, and overlapping them beats fetching one level at a time.
      const std::size_t grandchildren = first_child(first);
      if (grandchildren < n) {
        const char* from = reinterpret_cast<const char*>(&heap_[grandchildren]);
        const std::size_t bytes =
            std::min<std::size_t>(Arity * Arity, n - grandchildren) * sizeof(Node);
        for (std::size_t b = 0; b < bytes; b += 64)
          __builtin_prefetch(from + b);
      }
      std::size_t best = first;
      if (first + Arity <= n) {
        // A full family: a fixed trip count the compiler unrolls into conditional moves.
        std::int64_t best_time = heap_[first].time;
        for (std::size_t c = first + 1; c < first + Arity; ++c) {
          const std::int64_t t = heap_[c].time;
          if (__builtin_expect(t == best_time, 0)) {
            if (order_[heap_[c].order_index] < order_[heap_[best].order_index]) best = c;
          } else {
            const bool smaller = t < best_time;
            best = smaller ? c : best;
            best_time = smaller ? t : best_time;
          }
        }
      } else {
        for (std::size_t c = first + 1; c < n; ++c)
          best = less(heap_[c], heap_[best]) ? c : best;
      }
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
    sift_up(i);
  }

  std::vector<Node, boost::alignment::aligned_allocator<Node, 64>> heap_;
  std::vector<std::uint64_t> order_;  // (priority, sequence) by order index
  std::vector<std::uint32_t> free_;   // order indices not in use
};

static_assert(FutureEventList<DaryHeapQueue<4>>);

}  // namespace vmcsim::sim
