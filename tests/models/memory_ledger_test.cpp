#include <catch2/catch.hpp>

#include <array>

#include "models/memory_ledger.hpp"
#include "sim/random.hpp"

using namespace vmcsim;
using models::MemoryLedger;
using models::MemoryUse;

TEST_CASE("the memory ledger never exceeds capacity and never goes negative") {
  MemoryLedger ledger{sim::Bytes::gib(4)};
  CHECK(ledger.try_reserve(sim::Bytes::gib(3), MemoryUse::application));
  CHECK(ledger.try_reserve(sim::Bytes::mib(512), MemoryUse::guest_os));
  CHECK_FALSE(ledger.try_reserve(sim::Bytes::mib(513), MemoryUse::image_cache));
  CHECK(ledger.used(MemoryUse::image_cache) == sim::Bytes{0});
  CHECK(ledger.try_reserve(sim::Bytes::mib(512), MemoryUse::image_cache));
  CHECK(ledger.free() == sim::Bytes{0});
  CHECK_THROWS_AS(ledger.release(sim::Bytes::gib(1), MemoryUse::guest_os), std::logic_error);
  CHECK_THROWS_AS(ledger.release(sim::Bytes{1}, MemoryUse::runtime_overhead), std::logic_error);
  CHECK_THROWS_AS(ledger.try_reserve(sim::Bytes{-1}, MemoryUse::application),
                  std::invalid_argument);
  ledger.release(sim::Bytes::mib(512), MemoryUse::guest_os);
  CHECK(ledger.used(MemoryUse::guest_os) == sim::Bytes{0});
  CHECK(ledger.reserved_total() == sim::Bytes::gib(3) + sim::Bytes::mib(512));
}

TEST_CASE("random reservations and releases keep the ledger's parts summing to the whole") {
  sim::RandomStream rng{7, 0, "tests/memory_ledger/property"};
  const auto capacity = sim::Bytes::gib(8);
  MemoryLedger ledger{capacity};
  std::array<sim::Bytes, models::kMemoryUseCount> mine{};
  int refused = 0;
  for (int i = 0; i < 5000; ++i) {
    const auto k = rng.below(models::kMemoryUseCount);
    const auto kind = static_cast<MemoryUse>(k);
    const sim::Bytes size{static_cast<std::int64_t>(rng.below(std::uint64_t{1} << 31))};
    if (rng.uniform01() < 0.55) {
      const bool fits = ledger.reserved_total() + size <= capacity;
      CHECK(ledger.try_reserve(size, kind) == fits);
      if (fits)
        mine[k] += size;
      else
        ++refused;
    } else if (size <= mine[k]) {
      ledger.release(size, kind);
      mine[k] -= size;
    } else {
      CHECK_THROWS_AS(ledger.release(size, kind), std::logic_error);
    }
    sim::Bytes sum{0};
    for (std::size_t j = 0; j < models::kMemoryUseCount; ++j) {
      CHECK(ledger.used(static_cast<MemoryUse>(j)) == mine[j]);
      CHECK(mine[j] >= sim::Bytes{0});
      sum += ledger.used(static_cast<MemoryUse>(j));
    }
    CHECK(sum == ledger.reserved_total());
    CHECK(ledger.reserved_total() <= capacity);
    CHECK(ledger.free() == capacity - sum);
  }
  CHECK(refused > 0);
}
