#pragma once
// LayerCache: the layers one host (or VM node) holds on disk, with a capacity and LRU eviction.
//
// Invariants: used() is the sum of the sizes of the layers held; a pinned layer (one that a
// running instance's image uses) is never evicted; eviction removes least recently used
// unpinned layers first. If everything left is pinned the cache may exceed its capacity
// (kubelet's image GC never deletes images in use either); over_capacity() says so.
#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <vector>
#include "models/image/image.hpp"
#include "sim/units.hpp"

namespace vmcsim::models {

class LayerCache {
 public:
  explicit LayerCache(sim::Bytes capacity) : capacity_(capacity) {}

  bool contains(const std::string& digest) const { return entries_.contains(digest); }
  // Marks the layer most recently used. Returns false if it is not held.
  bool touch(const std::string& digest);
  // Adds a layer (most recently used) and evicts LRU unpinned layers until it fits. Returns
  // the digests evicted. Adding a layer already held only touches it.
  std::vector<std::string> insert(const Layer& layer);
  void pin(const std::string& digest);
  void unpin(const std::string& digest);

  sim::Bytes used() const { return used_; }
  sim::Bytes capacity() const { return capacity_; }
  bool over_capacity() const { return used_ > capacity_; }
  std::size_t layer_count() const { return entries_.size(); }
  std::uint64_t evictions() const { return evictions_; }

 private:
  struct Entry {
    sim::Bytes size;
    int pins = 0;
    std::list<std::string>::iterator lru_position;
  };
  sim::Bytes capacity_;
  sim::Bytes used_;
  std::list<std::string> lru_;  // front = least recently used
  std::map<std::string, Entry> entries_;
  std::uint64_t evictions_ = 0;
};

}  // namespace vmcsim::models
