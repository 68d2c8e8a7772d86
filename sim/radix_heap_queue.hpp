#pragma once
// RadixHeapQueue: the default future event list. A radix heap (Ahuja, Mehlhorn, Orlin, Tarjan,
// "Faster algorithms for the shortest path problem", JACM 37(2), 1990) whose lowest buckets are
// replaced by a small DaryHeapQueue, the "front".
//
// Keys are times, compared as unsigned integers relative to a base: an entry whose time differs
// from the base first at bit j - 1 lives in bucket j (1..64), an unsorted list; entries that
// share all bits from `shift` up with the base live in the front, an exact (time, priority,
// sequence) heap. Every bucket entry is larger than every front entry, and bucket j's entries
// are smaller than bucket j + 1's, so the smallest entry is the front's top, or, when the front
// is empty, the tracked minimum of the lowest non-empty bucket. When the front runs empty, that
// bucket is emptied: its minimum becomes the base and its entries move to lower buckets or into
// the front. Each entry moves down a few buckets in its lifetime, always by sequential scans,
// so a million pending events cost a few streaming passes instead of a chain of cache misses
// per pop; the front keeps small queues (everything fits in it) as fast as the plain heap.
//
// Front size: a bucket is split, when it is emptied, so that about FrontCapacity entries go to
// the front (assuming they spread evenly over the bucket's range); if pushes grow the front to
// twice that, it spills its latest entries back to buckets. Equal times never split, so a
// burst of simultaneous events simply makes the front larger.
//
// Invariants:
//   - pops follow the total order (time, order) exactly, like every FutureEventList;
//   - every entry is >= base_, which is <= the last popped time. A push earlier than the base
//     (possible only if it precedes an earlier pop: BasicSimulation never does this, since it
//     schedules at or after now) is still correct but costs O(size): the queue rebuilds itself
//     with base 0.
//
// Cost: O(1) amortized push, O(log FrontCapacity) plus the amortized moves per pop; no
// allocation once the bucket pool and the front have grown to the peak size (reserve(n) does
// that ahead; only a front swollen by more simultaneous events than it has held before
// allocates). Measurements: bench/README.md.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/event_queue.hpp"

namespace vmcsim::sim {

template <std::size_t FrontCapacity = 128, std::size_t WholeCapacity = 16384>
class RadixHeapQueue {
  static_assert(FrontCapacity >= 1 && WholeCapacity >= 2 * FrontCapacity);

 public:
  void push(const EventEntry& e) {
    const std::uint64_t k = key(e.time);
    if (size_ == 0) reset_base(last_popped_);
    if (__builtin_expect(k < base_, 0)) rebase();
    ++size_;
    if ((k ^ base_) <= window_) {
      front_.push(e);
      if (front_.size() > spill_at_) spill();
    } else {
      append(e, k);
    }
  }
  EventEntry pop() {
    return take([this] { return front_.pop(); });
  }
  EventEntry top() const { return front_.empty() ? buckets_[lowest()].min : front_.top(); }
  // Fast paths for BasicSimulation, as DaryHeapQueue's: they skip reading the order.
  Time top_time() const { return front_.empty() ? buckets_[lowest()].min.time : front_.top_time(); }
  std::uint32_t top_slot() const {
    return front_.empty() ? buckets_[lowest()].min.slot : front_.top_slot();
  }
  std::uint32_t next_slot_hint() const {
    return front_.empty() ? top_slot() : front_.next_slot_hint();
  }
  EventEntry pop_unordered() {
    return take([this] { return front_.pop_unordered(); });
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void clear() {
    front_.clear();
    for (std::uint64_t m = occupied_; m != 0; m &= m - 1)
      release_bucket(buckets_[std::countr_zero(m) + 1]);
    occupied_ = 0;
    size_ = 0;
    last_popped_ = 0;
  }
  // Makes room for n entries, so that a queue that never holds more does not allocate.
  void reserve(std::size_t n) {
    const std::size_t front = std::min(n, WholeCapacity) + 1;
    front_.reserve(front);
    scratch_.reserve(front);
    const std::size_t blocks = n / kBlock + buckets_.size() + 1;
    blocks_.reserve(blocks);
    next_block_.reserve(blocks);
    free_blocks_.reserve(blocks);
  }

  // Introspection for tests: how many entries sit in the front heap.
  std::size_t front_size() const { return front_.size(); }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // Entries per block of a bucket's chain: long enough to stream, short enough that a sparse
  // bucket (small queues) does not spread over many cache lines.
  static constexpr std::uint32_t kBlock = 32;
  struct Block {
    EventEntry entries[kBlock];
  };
  // An unsorted chain of blocks, all full but the last, and its smallest entry.
  struct Bucket {
    std::uint32_t head = kNone;
    std::uint32_t tail = kNone;
    std::uint32_t count = 0;
    EventEntry min;
    std::uint64_t max_key = 0;
  };

  // Times as unsigned keys with the same order (negative times first).
  static std::uint64_t key(Time t) {
    return static_cast<std::uint64_t>(t.ns()) ^ (std::uint64_t{1} << 63);
  }
  unsigned bucket_of(std::uint64_t k) const {
    return static_cast<unsigned>(64 - std::countl_zero(k ^ base_));
  }
  unsigned lowest() const { return static_cast<unsigned>(std::countr_zero(occupied_)) + 1; }

  // Removes the smallest entry through pop_front, one of the front's two pops.
  template <class PopFront>
  EventEntry take(PopFront pop_front) {
    if (front_.empty()) refill();
    --size_;
    const EventEntry e = pop_front();
    last_popped_ = key(e.time);
    return e;
  }
  void set_shift(unsigned shift) {
    window_ = shift >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << shift) - 1;
  }
  // Called with every bucket empty and the front empty (or about to be refilled whole).
  void reset_base(std::uint64_t base) {
    base_ = base;
    set_shift(64);
    spill_at_ = WholeCapacity;
  }

  void append(const EventEntry& e, std::uint64_t k) {
    const unsigned j = bucket_of(k);
    Bucket& b = buckets_[j];
    const std::uint32_t used = b.count % kBlock;
    if (used == 0) {
      const std::uint32_t block = new_block();
      if (b.count == 0) {
        b.head = block;
        b.min = e;
        b.max_key = k;
        occupied_ |= std::uint64_t{1} << (j - 1);
      } else {
        next_block_[b.tail] = block;
      }
      b.tail = block;
    }
    if (e < b.min) b.min = e;
    b.max_key = std::max(b.max_key, k);
    blocks_[b.tail].entries[used] = e;
    ++b.count;
  }
  std::uint32_t new_block() {
    if (!free_blocks_.empty()) {
      const std::uint32_t block = free_blocks_.back();
      free_blocks_.pop_back();
      next_block_[block] = kNone;
      return block;
    }
    blocks_.emplace_back();
    next_block_.push_back(kNone);
    return static_cast<std::uint32_t>(blocks_.size() - 1);
  }
  // Calls f on every entry of b, returns its blocks to the pool and empties it. Each block is
  // freed once read, so f may append to other buckets without growing the pool.
  template <class F>
  void consume(Bucket& b, F f) {
    std::uint32_t block = b.head;
    std::uint32_t left = b.count;
    b = Bucket{};
    while (left > 0) {
      const std::uint32_t n = std::min(left, kBlock);
      const std::uint32_t next = next_block_[block];
      // Blocks come from a LIFO pool, so the next one is anywhere: fetch its start while this
      // one is read (the hardware prefetcher follows only the sequential part).
      if (next != kNone) {
        const char* p = reinterpret_cast<const char*>(&blocks_[next]);
        for (std::size_t b = 0; b < 256; b += 64)
          __builtin_prefetch(p + b);
      }
      for (std::uint32_t i = 0; i < n; ++i) {
        const EventEntry e = blocks_[block].entries[i];  // f may grow (move) the pool
        f(e);
      }
      free_blocks_.push_back(block);
      left -= n;
      block = next;
    }
  }
  void release_bucket(Bucket& b) {
    consume(b, [](const EventEntry&) {});
  }
  // Puts an entry where it belongs under the current base and window.
  void place(const EventEntry& e) {
    const std::uint64_t k = key(e.time);
    if ((k ^ base_) <= window_)
      front_.push(e);
    else
      append(e, k);
  }

  // The front is empty: the lowest bucket's minimum becomes the base, and its entries go to the
  // front (about FrontCapacity of them, the earliest) and to lower buckets.
  void refill() {
    const unsigned j = lowest();
    Bucket& b = buckets_[j];
    base_ = key(b.min.time);
    if (size_ <= WholeCapacity / 2) {  // small again: everything back into the front
      set_shift(64);
      spill_at_ = WholeCapacity;
      for (std::uint64_t m = occupied_; m != 0; m &= m - 1)
        consume(buckets_[std::countr_zero(m) + 1], [this](const EventEntry& e) { front_.push(e); });
      occupied_ = 0;
      return;
    }
    occupied_ &= occupied_ - 1;
    // Every entry of bucket j now differs from the base below bit j - 1. A window of 2^shift
    // holds about FrontCapacity of them if they spread evenly between the bucket's extremes.
    unsigned shift = j - 1;
    if (b.count > FrontCapacity) {
      const std::uint64_t gap = (b.max_key - base_) / b.count + 1;
      if (gap <= UINT64_MAX / FrontCapacity)
        shift = std::min<unsigned>(shift, std::bit_width(gap * FrontCapacity) - 1);
    }
    set_shift(shift);
    consume(b, [this](const EventEntry& e) { place(e); });
    spill_at_ = 2 * FrontCapacity;
    if (front_.size() > spill_at_) spill();  // they did not spread evenly
  }

  // The front has grown past spill_at_: keep its earliest ~FrontCapacity entries (by the
  // highest bit in which they differ from the base) and move the rest to buckets.
  void spill() {
    scratch_.clear();
    front_.drain(scratch_);
    std::array<std::size_t, 65> count{};
    unsigned shift = 0;
    for (const EventEntry& e : scratch_) {
      const std::uint64_t k = key(e.time);
      const unsigned j = k == base_ ? 0 : bucket_of(k);
      ++count[j];
      shift = std::max(shift, j);
    }
    std::size_t kept = scratch_.size();
    while (shift > 0 && kept > FrontCapacity)
      kept -= count[shift--];
    set_shift(shift);
    for (const EventEntry& e : scratch_)
      place(e);
    // Entries that cannot be spilled (equal times) must not make every push spill again.
    spill_at_ = std::max(2 * FrontCapacity, 2 * front_.size());
  }

  // A push earlier than the base: rebuild around base 0, which nothing can precede. O(size).
  void rebase() {
    scratch_.clear();
    front_.drain(scratch_);
    for (std::uint64_t m = occupied_; m != 0; m &= m - 1)
      consume(buckets_[std::countr_zero(m) + 1],
              [this](const EventEntry& e) { scratch_.push_back(e); });
    occupied_ = 0;
    reset_base(0);
    last_popped_ = 0;
    for (const EventEntry& e : scratch_)
      front_.push(e);
    if (front_.size() > spill_at_) spill();
  }

  DaryHeapQueue<4> front_;
  std::array<Bucket, 65> buckets_{};  // index 0 unused: bucket j holds entries at bit j - 1
  std::uint64_t occupied_ = 0;        // bit j - 1 set when bucket j is not empty
  std::uint64_t base_ = 0;
  std::uint64_t window_ = ~std::uint64_t{0};  // the front holds keys k with (k ^ base_) <= it
  std::uint64_t last_popped_ = 0;
  std::size_t spill_at_ = WholeCapacity;
  std::size_t size_ = 0;
  std::vector<Block> blocks_;
  std::vector<std::uint32_t> next_block_;  // chain link of each block
  std::vector<std::uint32_t> free_blocks_;
  std::vector<EventEntry> scratch_;  // reused by spill and rebase
};

static_assert(FutureEventList<RadixHeapQueue<>>);

}  // namespace vmcsim::sim
