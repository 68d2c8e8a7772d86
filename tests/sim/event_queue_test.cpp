#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "sim/calendar_queue.hpp"
#include "sim/event_queue.hpp"
#include "sim/radix_heap_queue.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim::sim;
using namespace vmcsim::sim::literals;

namespace {

// Times drawn from a few coarse values (many exact ties), a fine spread, and rare far jumps
// (which make the calendar queue fall back to its direct search).
Time random_time(RandomStream& rng, Time base) {
  const std::uint64_t kind = rng.below(10);
  if (kind < 5) return base + Time::from_ms(static_cast<std::int64_t>(rng.below(4)));
  if (kind < 9) return base + Time::from_ns(static_cast<std::int64_t>(rng.below(50'000'000)));
  return base + Time::from_s(static_cast<std::int64_t>(1 + rng.below(3600)));
}

// Pushes and pops a random workload, checking every pop against a std::multiset reference.
// With monotone = true pushes never precede the last popped time, as in a simulation.
template <class Queue>
void check_against_reference(std::uint64_t seed, bool monotone, std::size_t operations) {
  Queue q;
  std::multiset<EventEntry> reference;
  RandomStream rng{seed};
  std::uint64_t sequence = 0;
  Time now;
  std::size_t popped = 0;
  for (std::size_t i = 0; i < operations; ++i) {
    // Phases of growth and shrinkage, so the calendar resizes both ways.
    const bool growing = (i / 5000) % 2 == 0;
    const bool push = reference.empty() || rng.below(100) < (growing ? 70u : 30u);
    if (push) {
      const auto priority = static_cast<std::int16_t>(static_cast<int>(rng.below(7)) - 3);
      const Time base =
          monotone ? now : now - Time::from_ms(static_cast<std::int64_t>(rng.below(20)));
      const EventEntry e{random_time(rng, base), EventEntry::make_order(priority, sequence++),
                         static_cast<std::uint32_t>(i)};
      q.push(e);
      reference.insert(e);
    } else {
      REQUIRE(q.size() == reference.size());
      const EventEntry expected = *reference.begin();
      reference.erase(reference.begin());
      REQUIRE(q.top().slot == expected.slot);
      const EventEntry got = q.pop();
      REQUIRE(got.time == expected.time);
      REQUIRE(got.order == expected.order);
      REQUIRE(got.slot == expected.slot);
      now = got.time;
      ++popped;
    }
  }
  while (!reference.empty()) {
    REQUIRE(q.pop().slot == reference.begin()->slot);
    reference.erase(reference.begin());
  }
  CHECK(q.empty());
  CHECK(popped > operations / 4);
}

}  // namespace

TEMPLATE_TEST_CASE(
    "a future event list pops a random workload in the reference (time, order) order",
    "[event_queue]", DaryHeapQueue<4>, DaryHeapQueue<2>, CalendarQueue, RadixHeapQueue<>,
    (RadixHeapQueue<4, 16>)) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    check_against_reference<TestType>(seed, /*monotone=*/true, 40'000);
    check_against_reference<TestType>(seed + 100, /*monotone=*/false, 20'000);
  }
}

TEST_CASE("the calendar queue grows and shrinks its calendar with the number of entries",
          "[event_queue]") {
  CalendarQueue q;
  for (std::uint32_t i = 0; i < 10'000; ++i)
    q.push(EventEntry{Time::from_us(i * 7 % 10'000), EventEntry::make_order(0, i), i});
  const std::size_t grown = q.bucket_count();
  CHECK(grown >= 10'000 / 2);
  CHECK(q.day_width_ns() > 0);
  Time last;
  while (q.size() > 10) {
    const EventEntry e = q.pop();
    REQUIRE(last <= e.time);
    last = e.time;
  }
  CHECK(q.bucket_count() < grown / 100);
}

namespace {

// A model that exercises every ordering rule: callbacks schedule at now (FIFO ties), with
// mixed priorities, in the future, and cancel other pending events. It records (label, now).
template <class Sim>
struct TraceModel {
  Sim sim;
  RandomStream rng{42, 0, "trace-model"};
  std::vector<EventId> ids;
  std::vector<std::pair<std::uint32_t, std::int64_t>> trace;
  std::uint32_t next_label = 0;

  void schedule_one() {
    const std::uint32_t label = next_label++;
    const std::uint64_t kind = rng.below(4);
    const Time delay =
        kind == 0 ? Time{}
                  : Time::from_us(static_cast<std::int64_t>(rng.below(kind == 1 ? 3 : 5000)));
    const auto priority = static_cast<std::int16_t>(static_cast<int>(rng.below(3)) - 1);
    ids.push_back(sim.schedule_in(
        delay, [this, label] { fire(label); }, priority));
  }
  void fire(std::uint32_t label) {
    trace.emplace_back(label, sim.now().ns());
    if (next_label < 50'000) {
      const std::uint64_t children = rng.below(3);  // 0, 1 or 2: the population drifts
      for (std::uint64_t c = 0; c < children + (sim.pending() < 50 ? 1 : 0); ++c)
        schedule_one();
    }
    if (rng.below(5) == 0 && !ids.empty()) sim.cancel(ids[rng.below(ids.size())]);
  }
  std::vector<std::pair<std::uint32_t, std::int64_t>> run() {
    for (int i = 0; i < 200; ++i)
      schedule_one();
    sim.run();
    return trace;
  }
};

}  // namespace

TEST_CASE("a simulation on the calendar queue produces the same event trace as the default",
          "[event_queue]") {
  TraceModel<Simulation> heap_model;
  TraceModel<BasicSimulation<CalendarQueue>> calendar_model;
  const auto heap_trace = heap_model.run();
  const auto calendar_trace = calendar_model.run();
  REQUIRE(heap_trace.size() > 10'000);
  CHECK(heap_model.sim.events_processed() < heap_model.next_label);  // some were cancelled
  CHECK(heap_trace == calendar_trace);
}
