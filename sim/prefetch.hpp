#pragma once
// Software prefetch of the cache lines an object spans, for the engine's prefetch hint
// (InplaceFunction::prefetch, called on the next event's callback while the current one runs).
// At datacenter scale most of an event's cost is misses on state last touched thousands of
// events ago (bench/README.md, full_model_bench); a hint lets those loads overlap the current
// event instead of following it.
#include <cstddef>

namespace vmcsim::sim {

inline constexpr std::size_t kCacheLine = 64;

// Prefetches every line of [p, p + bytes) for reading. A hint: it never faults, even for
// addresses that are not mapped, and changes no result.
inline void prefetch_bytes(const void* p, std::size_t bytes) noexcept {
  const auto* c = static_cast<const char*>(p);
  for (std::size_t off = 0; off < bytes; off += kCacheLine)
    __builtin_prefetch(c + off);
}

template <class T>
inline void prefetch_object(const T& object) noexcept {
  prefetch_bytes(&object, sizeof(T));
}

}  // namespace vmcsim::sim
