#include "sim/random.hpp"

namespace vmcsim::sim {
namespace {

__extension__ using Uint128 = unsigned __int128;

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t x = a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  return splitmix64(x);
}

}  // namespace

RandomStream::RandomStream(std::uint64_t master_seed, std::uint64_t replication,
                           std::string_view entity) {
  seed_from(mix(mix(master_seed, replication), stable_hash(entity)));
}

RandomStream::RandomStream(std::uint64_t seed) {
  seed_from(seed);
}

RandomStream RandomStream::derive(std::string_view child) const {
  return RandomStream{mix(identity_, stable_hash(child))};
}

void RandomStream::seed_from(std::uint64_t seed) {
  identity_ = seed;
  std::uint64_t x = seed;
  for (auto& word : s_)
    word = splitmix64(x);
}

std::uint64_t RandomStream::below(std::uint64_t n) {
  Uint128 m = static_cast<Uint128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<Uint128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

}  // namespace vmcsim::sim
