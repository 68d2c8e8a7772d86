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

TEST_CASE("a simulation on any queue produces the same event trace as the default",
          "[event_queue]") {
  TraceModel<Simulation> default_model;
  const auto expected = default_model.run();
  REQUIRE(expected.size() > 10'000);
  CHECK(default_model.sim.events_processed() < default_model.next_label);  // some were cancelled
  CHECK(TraceModel<BasicSimulation<CalendarQueue>>{}.run() == expected);
  CHECK(TraceModel<BasicSimulation<DaryHeapQueue<4>>>{}.run() == expected);
  // A tiny front and whole capacity: the radix buckets, spills and refills all take part.
  CHECK(TraceModel<BasicSimulation<RadixHeapQueue<4, 16>>>{}.run() == expected);
}

namespace {

EventEntry entry_at(std::int64_t ns, std::uint64_t sequence, std::int16_t priority = 0) {
  return EventEntry{Time::from_ns(ns), EventEntry::make_order(priority, sequence),
                    static_cast<std::uint32_t>(sequence)};
}

}  // namespace

TEST_CASE(
    "the radix heap queue spills to buckets past its whole capacity and merges back below half",
    "[event_queue]") {
  RadixHeapQueue<4, 64> q;
  for (std::uint64_t i = 0; i < 200; ++i)
    q.push(entry_at(static_cast<std::int64_t>((i * 7919) % 1000 * 1000), i));
  CHECK(q.front_size() <= 8);  // spilled: about FrontCapacity entries stay in the front
  std::int64_t last = -1;
  while (q.size() > 20) {
    const EventEntry e = q.pop();
    REQUIRE(e.time.ns() > last);
    last = e.time.ns();
    if (q.size() > 40) REQUIRE(q.front_size() < q.size());
  }
  CHECK(q.front_size() == q.size());  // small again: one heap holds everything
}

TEST_CASE("the radix heap queue keeps a burst of equal times in (priority, sequence) order",
          "[event_queue]") {
  RadixHeapQueue<4, 16> q;
  std::multiset<EventEntry> reference;
  RandomStream rng{11};
  std::uint64_t sequence = 0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 500; ++i) {
      const auto priority = static_cast<std::int16_t>(static_cast<int>(rng.below(3)) - 1);
      // Half of them at one time, the rest spread: the burst cannot be split by time.
      const std::int64_t t = 1'000'000 * (round + 1) + (i % 2 == 0 ? 0 : 1 + rng.below(100'000));
      const EventEntry e = entry_at(t, sequence++, priority);
      q.push(e);
      reference.insert(e);
    }
    for (int i = 0; i < 400; ++i) {
      REQUIRE(q.pop().slot == reference.begin()->slot);
      reference.erase(reference.begin());
    }
  }
  while (!reference.empty()) {
    REQUIRE(q.pop().slot == reference.begin()->slot);
    reference.erase(reference.begin());
  }
  CHECK(q.empty());
}

TEST_CASE("the radix heap queue orders a push earlier than its last pop", "[event_queue]") {
  // Not what a simulation does (it never schedules in the past), but the queue stays exact.
  RadixHeapQueue<4, 16> q;
  for (std::uint64_t i = 0; i < 100; ++i)
    q.push(entry_at(1000 + static_cast<std::int64_t>(i) * 10, i));
  for (int i = 0; i < 50; ++i)
    q.pop();
  q.push(entry_at(5, 100));
  CHECK(q.top().slot == 100);
  CHECK(q.pop().time.ns() == 5);
  CHECK(q.pop().slot == 50);
  CHECK(q.size() == 49);
}

TEST_CASE("the heap's prefetch hint names the entry that pops second", "[event_queue]") {
  DaryHeapQueue<4> q;
  q.push(entry_at(50, 0));
  q.push(entry_at(10, 1));
  q.push(entry_at(30, 2));
  q.push(entry_at(20, 3));
  CHECK(q.top_slot() == 1);
  CHECK(q.next_slot_hint() == 3);
  q.pop();
  CHECK(q.top_slot() == 3);
}
