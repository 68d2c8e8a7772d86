#pragma once
// Binary min-heaps of uint32 items (in any vector-like container) that know their own
// position (an item's position is stored by the caller through set_pos), so an item whose key
// changed can be moved, or removed, in O(log n). Used by FlowModel for a large class's flows
// by finish tag.
#include <cstdint>
#include <vector>

namespace vmcsim::models::detail {

// Restores the heap order around heap[pos] after its key changed or it was appended.
template <class Heap, class Less, class SetPos>
void heap_sift(Heap& heap, std::uint32_t pos, Less less, SetPos set_pos) {
  const std::uint32_t item = heap[pos];
  const std::uint32_t start = pos;
  while (pos > 0) {
    const std::uint32_t parent = (pos - 1) / 2;
    if (!less(item, heap[parent])) break;
    heap[pos] = heap[parent];
    set_pos(heap[pos], pos);
    pos = parent;
  }
  if (pos == start) {
    const auto n = static_cast<std::uint32_t>(heap.size());
    while (true) {
      std::uint32_t child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && less(heap[child + 1], heap[child])) ++child;
      if (!less(heap[child], item)) break;
      heap[pos] = heap[child];
      set_pos(heap[pos], pos);
      pos = child;
    }
  }
  heap[pos] = item;
  set_pos(item, pos);
}

// Removes heap[pos]; the caller clears the removed item's own position.
template <class Heap, class Less, class SetPos>
void heap_erase(Heap& heap, std::uint32_t pos, Less less, SetPos set_pos) {
  const std::uint32_t last = heap.back();
  heap.pop_back();
  if (pos == heap.size()) return;
  heap[pos] = last;
  set_pos(last, pos);
  heap_sift(heap, pos, less, set_pos);
}

}  // namespace vmcsim::models::detail

namespace vmcsim::models::detail {

// A 4-ary min-heap of (key, item) pairs that keeps each item's position through set_pos. The
// keys sit in the heap's own array, so a sift compares neighbouring entries instead of loading
// each item's record (FlowModel's class heap: a sift no longer chases scattered classes), and a
// 4-ary tree is half as deep as a binary one. Ties between keys go to the smaller item, so the
// order of the minimum is the same as a binary heap's on (key, item).
template <class Key>
struct KeyedEntry {
  Key key;
  std::uint32_t item;
  friend bool operator<(const KeyedEntry& a, const KeyedEntry& b) {
    return a.key != b.key ? a.key < b.key : a.item < b.item;
  }
};

template <class Key, class SetPos>
void keyed_sift(std::vector<KeyedEntry<Key>>& heap, std::uint32_t pos, SetPos set_pos) {
  const KeyedEntry<Key> entry = heap[pos];
  const std::uint32_t start = pos;
  while (pos > 0) {
    const std::uint32_t parent = (pos - 1) / 4;
    if (!(entry < heap[parent])) break;
    heap[pos] = heap[parent];
    set_pos(heap[pos].item, pos);
    pos = parent;
  }
  if (pos == start) {
    const auto n = static_cast<std::uint32_t>(heap.size());
    while (true) {
      const std::uint32_t first = 4 * pos + 1;
      if (first >= n) break;
      std::uint32_t best = first;
      const std::uint32_t end = first + 4 < n ? first + 4 : n;
      for (std::uint32_t c = first + 1; c < end; ++c)
        if (heap[c] < heap[best]) best = c;
      if (!(heap[best] < entry)) break;
      heap[pos] = heap[best];
      set_pos(heap[pos].item, pos);
      pos = best;
    }
  }
  heap[pos] = entry;
  set_pos(entry.item, pos);
}

// Removes heap[pos]; the caller clears the removed item's own position.
template <class Key, class SetPos>
void keyed_erase(std::vector<KeyedEntry<Key>>& heap, std::uint32_t pos, SetPos set_pos) {
  const KeyedEntry<Key> last = heap.back();
  heap.pop_back();
  if (pos == heap.size()) return;
  heap[pos] = last;
  set_pos(last.item, pos);
  keyed_sift(heap, pos, set_pos);
}

}  // namespace vmcsim::models::detail
