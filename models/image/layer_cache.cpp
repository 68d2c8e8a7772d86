#include "models/image/layer_cache.hpp"

#include <stdexcept>

namespace vmcsim::models {

bool LayerCache::touch(const std::string& digest) {
  const auto it = entries_.find(digest);
  if (it == entries_.end()) return false;
  lru_.splice(lru_.end(), lru_, it->second.lru_position);
  return true;
}

std::vector<std::string> LayerCache::insert(const Layer& layer) {
  std::vector<std::string> evicted;
  if (touch(layer.digest)) return evicted;
  for (auto it = lru_.begin(); used_ + layer.size > capacity_ && it != lru_.end();) {
    const auto entry = entries_.find(*it);
    if (entry->second.pins > 0) {
      ++it;
      continue;
    }
    used_ -= entry->second.size;
    evicted.push_back(*it);
    entries_.erase(entry);
    it = lru_.erase(it);
    ++evictions_;
  }
  lru_.push_back(layer.digest);
  entries_.emplace(layer.digest, Entry{layer.size, 0, std::prev(lru_.end())});
  used_ += layer.size;
  return evicted;
}

void LayerCache::pin(const std::string& digest) {
  const auto it = entries_.find(digest);
  if (it == entries_.end()) throw std::logic_error("pin: layer " + digest + " is not cached");
  ++it->second.pins;
}

void LayerCache::unpin(const std::string& digest) {
  const auto it = entries_.find(digest);
  if (it == entries_.end() || it->second.pins == 0)
    throw std::logic_error("unpin: layer " + digest + " is not pinned");
  --it->second.pins;
}

}  // namespace vmcsim::models
