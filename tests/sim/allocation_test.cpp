// Counts heap allocations by replacing the global operator new/delete for this test binary.
// The counter only counts between start_counting() and stop_counting(), so the rest of the
// binary (Catch2, other tests) is unaffected apart from one branch per allocation.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include "sim/distributions.hpp"
#include "sim/process.hpp"
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
// The nothrow forms too (Catch2 uses them): AddressSanitizer replaces them itself, and its
// allocation freed by the delete below is an alloc-dealloc mismatch.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return std::malloc(size == 0 ? 1 : size);
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

// Runs 10,000 events of warm-up, then a million while counting heap allocations.
template <class Sim>
std::uint64_t allocations_in_a_million_events(Sim& sim, Hold<Sim>& hold) {
  hold.stop_at = 10'000;
  sim.run();
  hold.stop_at = hold.fired + 1'000'000;
  allocations = 0;
  counting = true;
  sim.run();
  counting = false;
  return allocations;
}

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
  CHECK(allocations_in_a_million_events(sim, hold) == 0);
  CHECK(hold.fired == hold.stop_at);
  CHECK(sim.pending() == kPending);
}

// The same hold model written as processes (sim/process.hpp): each of the kPending processes
// awaits an exponential timeout forever. Frames come from a ProcessPool.
namespace {

Process holder(ProcessPool& pool, Hold<Simulation>& hold) {
  for (;;) {
    co_await timeout(Time::from_seconds(hold.increment.sample(hold.rng)));
    if (++hold.fired == hold.stop_at) pool.simulation().stop();
  }
}

Process short_story(ProcessPool&, Event<int>& go, std::uint64_t& sum) {
  sum += static_cast<std::uint64_t>(co_await go);
  co_await timeout(Time::from_ms(1));
}

}  // namespace

TEST_CASE("a million timeouts of a hold model written as processes run without a heap allocation",
          "[allocation][process]") {
  constexpr std::size_t kPending = 1000;
  Simulation sim;
  sim.reserve(kPending + 1);
  ProcessPool pool{sim};
  Hold<Simulation> hold{sim};
  std::vector<Process> processes;
  processes.reserve(kPending);
  for (std::size_t i = 0; i < kPending; ++i)
    processes.push_back(holder(pool, hold));
  CHECK(allocations_in_a_million_events(sim, hold) == 0);
  CHECK(hold.fired == hold.stop_at);
  CHECK(sim.pending() == kPending);
}

TEST_CASE("a warm process pool starts, runs and frees processes without a heap allocation",
          "[allocation][process]") {
  constexpr std::size_t kProcesses = 1000;
  Simulation sim;
  sim.reserve(2 * kProcesses + 1);
  ProcessPool pool{sim};
  std::vector<Process> processes(kProcesses);
  std::uint64_t sum = 0;
  auto round = [&] {
    Event<int> go;
    for (auto& p : processes)
      p = short_story(pool, go, sum);
    sim.schedule_in(Time{}, [&go] { go.succeed(2); });
    sim.run();
    for (auto& p : processes)
      p.reset();
  };
  round();  // warm-up: the pool and the event records grow to their peak

  allocations = 0;
  counting = true;
  for (int i = 0; i < 10; ++i)
    round();
  counting = false;

  CHECK(sum == 2 * 11 * kProcesses);
  CHECK(pool.frames_in_use() == 0);
  CHECK(allocations == 0);
}
