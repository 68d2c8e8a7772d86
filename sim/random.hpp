#pragma once
// Random streams: reproducible, independent sequences named by what uses them.
//
// A stream is derived from (master seed, replication index, stable entity name), never from
// the order in which streams happen to be created. So adding a host to a scenario does not
// change the random numbers of the hosts that were already there, and variants compared under
// common random numbers draw the same arrivals from the same-named streams.
//
//   RandomStream arrivals{seed, replication, "workload/web/arrivals"};
//   double u = arrivals.uniform01();
//
// The generator is xoshiro256** (Blackman and Vigna), seeded through SplitMix64 from a
// 64-bit FNV-1a hash of the name, all vmcsim's own code: the same numbers on every platform and
// standard library. Distributions are in sim/distributions.hpp.
#include <bit>
#include <cstdint>
#include <string_view>

namespace vmcsim::sim {

// FNV-1a, 64 bit: a stable hash of a name (stable across runs, builds and platforms).
constexpr std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

class RandomStream {
 public:
  using result_type = std::uint64_t;

  RandomStream(std::uint64_t master_seed, std::uint64_t replication, std::string_view entity);
  // A stream seeded from one 64-bit value (tests, peers).
  explicit RandomStream(std::uint64_t seed);

  // A child stream named relative to this one's identity ("host/3" -> "host/3/disk").
  RandomStream derive(std::string_view child) const;

  // xoshiro256**; inline because every draw of every model goes through it.
  std::uint64_t next_u64() {
    const std::uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }
  // Uniform on [0, 1), 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1]: safe to take the logarithm of.
  double uniform01_open_left() { return 1.0 - uniform01(); }
  // Uniform integer on [0, n) without modulo bias (Lemire's method). n > 0.
  std::uint64_t below(std::uint64_t n);

  // UniformRandomBitGenerator interface, for std::shuffle and the like.
  static constexpr std::uint64_t min() { return 0; }
  static constexpr std::uint64_t max() { return UINT64_MAX; }
  std::uint64_t operator()() { return next_u64(); }

  std::uint64_t identity() const { return identity_; }

 private:
  void seed_from(std::uint64_t seed);
  std::uint64_t s_[4]{};
  std::uint64_t identity_ = 0;  // hash of (seed, replication, name): what children derive from
};

}  // namespace vmcsim::sim
