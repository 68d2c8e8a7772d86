#include <catch2/catch.hpp>

#include <vector>

#include "sim/simulation.hpp"

using namespace vmcsim::sim;
using namespace vmcsim::sim::literals;

TEST_CASE("events fire in time order and the clock follows them") {
  Simulation sim;
  std::vector<Time> seen;
  for (const Time t : {30_ms, 10_ms, 20_ms})
    sim.schedule_at(t, [&] { seen.push_back(sim.now()); });
  sim.run();
  CHECK(seen == std::vector<Time>{10_ms, 20_ms, 30_ms});
  CHECK(sim.events_processed() == 3);
  CHECK(sim.now() == 30_ms);
}

TEST_CASE("peak_pending is the most events pending at once, cancelled ones not counted") {
  Simulation sim;
  CHECK(sim.peak_pending() == 0);
  const EventId a = sim.schedule_at(10_ms, [] {});
  sim.schedule_at(20_ms, [] {});
  sim.cancel(a);  // one pending
  sim.schedule_at(30_ms, [&] {
    // The 40 ms event and three more: four pending, a new peak.
    for (const Time d : {1_ms, 2_ms, 3_ms})
      sim.schedule_in(d, [] {});
  });
  sim.schedule_at(40_ms, [] {});
  CHECK(sim.pending() == 3);
  CHECK(sim.peak_pending() == 3);  // the cancelled one is not pending
  sim.run();
  CHECK(sim.pending() == 0);
  CHECK(sim.peak_pending() == 4);
}

TEST_CASE("equal times fire by priority, then in scheduling order") {
  Simulation sim;
  std::vector<char> order;  // not std::string: GCC 12 warns falsely on += of a char
  sim.schedule_at(5_s, [&] { order.push_back('a'); });
  sim.schedule_at(5_s, [&] { order.push_back('b'); });
  sim.schedule_at(
      5_s, [&] { order.push_back('P'); }, -1);  // smaller priority fires first
  sim.schedule_at(5_s, [&] { order.push_back('c'); });
  sim.schedule_at(
      5_s, [&] { order.push_back('z'); }, 7);
  sim.schedule_at(
      1_s, [&] { order.push_back('0'); }, 9);
  sim.run();
  CHECK(order == std::vector<char>{'0', 'P', 'a', 'b', 'c', 'z'});
}

TEST_CASE("an event scheduled for now from a callback runs after those already due now") {
  Simulation sim;
  std::vector<char> order;  // not std::string: GCC 12 warns falsely on += of a char
  sim.schedule_at(1_s, [&] {
    order.push_back('a');
    sim.schedule_in(Time{}, [&] { order.push_back('c'); });
  });
  sim.schedule_at(1_s, [&] { order.push_back('b'); });
  sim.run();
  CHECK(order == std::vector<char>{'a', 'b', 'c'});
}

TEST_CASE("cancelling events among equal times keeps the others in (priority, scheduling) order") {
  Simulation sim;
  std::vector<int> fired;
  std::vector<int> expected;
  // Cancel every third event and schedule more at the same time after each cancellation, so
  // new events are scheduled while cancelled entries are still queued.
  for (int i = 0; i < 300; ++i) {
    const auto priority = static_cast<std::int16_t>(i % 5 == 0 ? -1 : 0);
    const EventId id = sim.schedule_at(
        1_s, [&fired, i] { fired.push_back(i); }, priority);
    if (i % 3 == 0) sim.cancel(id);
  }
  for (int pass : {-1, 0})
    for (int i = 0; i < 300; ++i)
      if (i % 3 != 0 && (i % 5 == 0 ? -1 : 0) == pass) expected.push_back(i);
  sim.run();
  CHECK(fired == expected);
}

TEST_CASE("a cancelled event does not run, and cancelling twice or after firing is a no-op") {
  Simulation sim;
  int fired = 0;
  const EventId a = sim.schedule_in(1_s, [&] { ++fired; });
  const EventId b = sim.schedule_in(2_s, [&] { ++fired; });
  CHECK(sim.pending() == 2);
  CHECK(sim.cancel(a));
  CHECK_FALSE(sim.cancel(a));
  CHECK(sim.pending() == 1);
  sim.run();
  CHECK(fired == 1);
  CHECK_FALSE(sim.cancel(b));
  CHECK(sim.events_processed() == 1);
}

TEST_CASE("a stale id does not cancel the event that reuses its slot") {
  Simulation sim;
  int fired = 0;
  const EventId first = sim.schedule_in(1_s, [&] { ++fired; });
  sim.run();
  sim.schedule_in(1_s, [&] { ++fired; });  // reuses the freed record
  CHECK_FALSE(sim.cancel(first));
  sim.run();
  CHECK(fired == 2);
}

TEST_CASE("run_until stops at the horizon and advances the clock to it") {
  Simulation sim;
  int fired = 0;
  sim.schedule_at(1_s, [&] { ++fired; });
  sim.schedule_at(3_s, [&] { ++fired; });
  sim.run_until(2_s);
  CHECK(fired == 1);
  CHECK(sim.now() == 2_s);
  sim.run_until(3_s);  // an event exactly at the horizon fires
  CHECK(fired == 2);
}

TEST_CASE("stop ends the run after the current event") {
  Simulation sim;
  int fired = 0;
  sim.schedule_at(1_s, [&] {
    ++fired;
    sim.stop();
  });
  sim.schedule_at(2_s, [&] { ++fired; });
  sim.run();
  CHECK(fired == 1);
  CHECK(sim.now() == 1_s);
  sim.run();
  CHECK(fired == 2);
}

TEST_CASE("scheduling in the past is refused") {
  Simulation sim;
  sim.schedule_at(5_s, [] {});
  sim.run();
  CHECK_THROWS_AS(sim.schedule_at(1_s, [] {}), std::invalid_argument);
}

TEST_CASE("callbacks with non-trivial captures are moved and destroyed exactly once") {
  Simulation sim;
  auto counter = std::make_shared<int>(0);
  sim.schedule_in(1_s, [counter] { ++*counter; });
  const EventId cancelled = sim.schedule_in(2_s, [counter] { ++*counter; });
  CHECK(counter.use_count() == 3);
  sim.cancel(cancelled);
  CHECK(counter.use_count() == 2);
  sim.run();
  CHECK(*counter == 1);
  CHECK(counter.use_count() == 1);
}
