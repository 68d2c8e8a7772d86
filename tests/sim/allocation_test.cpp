// Counts heap allocations by replacing the global operator new/delete for this test binary.
// The counter only counts between start_counting() and stop_counting(), so the rest of the
// binary (Catch2, other tests) is unaffected apart from one branch per allocation.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <new>

#include "sim/distributions.hpp"
#include "sim/radix_heap_queue.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

namespace {
// Test-only process state: a replaced operator new has nowhere else to keep it.
bool counting = false;
std::uint64_t allocations = 0;

void* counted_alloc(std::size_t size, std::size_t alignment) {
  if (counting) ++allocations;
  if (size == 0) size = 1;
  void* p = alignment > alignof(std::max_align_t)
                ? std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment)
                : std::malloc(size);
  if (p == nullptr) throw std::bad_alloc{};
  return p;
}
}  // namespace

void* operator new(std::size_t size) {
  return counted_alloc(size, alignof(std::max_align_t));
}
void* operator new[](std::size_t size) {
  return counted_alloc(size, alignof(std::max_align_t));
}
void* operator new(std::size_t size, std::align_val_t a) {
  return counted_alloc(size, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t size, std::align_val_t a) {
  return counted_alloc(size, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}

using namespace vmcsim::sim;

namespace {

// The hold model: every event schedules its successor after an exponential increment, so the
// number of pending events stays constant.
template <class Sim>
struct Hold {
  Sim& sim;
  RandomStream rng{7, 0, "hold"};
  Exponential increment{1e-3};  // seconds
  std::uint64_t fired = 0;
  std::uint64_t stop_at = 0;

  void fire() {
    if (++fired == stop_at) sim.stop();
    sim.schedule_in(Time::from_seconds(increment.sample(rng)), [this] { fire(); });
  }
};

}  // namespace

TEST_CASE("the counting operator new sees allocations inside the measured region", "[allocation]") {
  allocations = 0;
  counting = true;
  auto* p = new std::uint64_t{1};
  counting = false;
  delete p;
  CHECK(allocations == 1);
}

TEMPLATE_TEST_CASE("a million events of a hold model run without a heap allocation after warm-up",
                   "[allocation]", Simulation, BasicSimulation<DaryHeapQueue<4>>,
                   (BasicSimulation<RadixHeapQueue<16, 64>>)) {
  // The default queue holds 1000 events in its front heap; RadixHeapQueue<16, 64> keeps most of
  // them in its buckets, so spills, refills and the block pool all run in the measured region.
  constexpr std::size_t kPending = 1000;
  TestType sim;
  sim.reserve(kPending + 1);
  Hold<TestType> hold{sim};
  for (std::size_t i = 0; i < kPending; ++i)
    sim.schedule_in(Time{}, [&hold] { hold.fire(); });
  hold.stop_at = 10'000;  // warm-up
  sim.run();

  hold.stop_at = hold.fired + 1'000'000;
  allocations = 0;
  counting = true;
  sim.run();
  counting = false;

  CHECK(hold.fired == hold.stop_at);
  CHECK(sim.pending() == kPending);
  CHECK(allocations == 0);
}
