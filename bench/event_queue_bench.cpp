// The hold model (Jones 1986; ns-3 bench-scheduler): N events pending; each step removes the
// earliest and inserts one at its time plus a random increment, so N stays constant. Measured
// for N = 1e2, 1e4, 1e6 and three increment laws, reported as events/s:
//   Simulation/*        the default engine (RadixHeapQueue), dispatching a real callback per event
//   BasicSimulation<Q>  the same engine on DaryHeapQueue<4> or CalendarQueue
//   Bare*               the queues alone (push/pop of EventEntry, no records or callbacks)
//   PriorityQueue       baseline: std::priority_queue<std::pair<double, uint64_t>>
// Increments have mean 1 ms; all randomness is vmcsim's RandomStream and distributions.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "sim/calendar_queue.hpp"
#include "sim/distributions.hpp"
#include "sim/event_queue.hpp"
#include "sim/radix_heap_queue.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

namespace {

using namespace vmcsim::sim;

// Increment laws, in milliseconds, each with mean 1.
struct ExponentialIncrement {
  Exponential law{1.0};
  double sample(RandomStream& s) const { return law.sample(s); }
};
// A mixture of short and long gaps: 90 % uniform on [0, 0.2), 10 % uniform on [0, 18.2).
struct BimodalIncrement {
  Uniform shorter{0.0, 0.2};
  Uniform longer{0.0, 18.2};
  double sample(RandomStream& s) const {
    return s.uniform01() < 0.9 ? shorter.sample(s) : longer.sample(s);
  }
};
// Heavy tail: Pareto with shape 1.5 (infinite variance), scale 1/3.
struct ParetoIncrement {
  Pareto law{1.0 / 3.0, 1.5};
  double sample(RandomStream& s) const { return law.sample(s); }
};

// Truncates to whole nanoseconds: one instruction, where Time::from_seconds rounds through a
// libm call that the double-keyed std::priority_queue baseline does not pay.
Time to_time(double ms) {
  return Time::from_ns(static_cast<std::int64_t>(ms * 1e6));
}

// Hold steps per benchmark iteration.
constexpr std::int64_t kBatch = 10'000;

void report(benchmark::State& state) {
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations() * kBatch),
                                                  benchmark::Counter::kIsRate);
}

// Warms a bare hold loop up (every initial entry replaced once), then times batches of steps.
template <class Step, class Top>
void measure_steps(benchmark::State& state, std::size_t n, Step& step, Top top) {
  for (std::size_t i = 0; i < n; ++i)
    step();
  for (auto _ : state) {
    for (std::int64_t i = 0; i < kBatch; ++i)
      step();
    benchmark::DoNotOptimize(top());
  }
  report(state);
}

template <class Sim, class Increment>
struct HoldModel {
  Sim sim;
  RandomStream rng{1, 0, "bench/hold"};
  Increment increment;
  std::int64_t fired = 0;
  std::int64_t stop_at = 0;

  void fire() {
    if (++fired == stop_at) sim.stop();
    sim.schedule_in(to_time(increment.sample(rng)), [this] { fire(); });
  }
  void run_steps(std::int64_t steps) {
    stop_at = fired + steps;
    sim.run();
  }
};

template <class Sim, class Increment>
void BM_Simulation(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto model = std::make_unique<HoldModel<Sim, Increment>>();
  model->sim.reserve(n + 1);
  for (std::size_t i = 0; i < n; ++i)
    model->sim.schedule_in(to_time(model->increment.sample(model->rng)),
                           [m = model.get()] { m->fire(); });
  model->run_steps(static_cast<std::int64_t>(n));  // warm-up: every initial event replaced once
  for (auto _ : state)
    model->run_steps(kBatch);
  report(state);
}

template <class Queue, class Increment>
void BM_Bare(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Queue q;
  if constexpr (requires { q.reserve(n); }) q.reserve(n + 1);
  RandomStream rng{1, 0, "bench/hold"};
  Increment increment;
  std::uint64_t sequence = 0;
  for (std::size_t i = 0; i < n; ++i)
    q.push(EventEntry{to_time(increment.sample(rng)), EventEntry::make_order(0, sequence++),
                      static_cast<std::uint32_t>(i)});
  auto step = [&] {
    const EventEntry e = q.pop();
    q.push(EventEntry{e.time + to_time(increment.sample(rng)),
                      EventEntry::make_order(0, sequence++), e.slot});
  };
  measure_steps(state, n, step, [&] { return q.top(); });
}

template <class Increment>
void BM_PriorityQueue(benchmark::State& state) {
  using Entry = std::pair<double, std::uint64_t>;
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<Entry> storage;
  storage.reserve(n + 1);
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> q{std::greater<>{},
                                                                   std::move(storage)};
  RandomStream rng{1, 0, "bench/hold"};
  Increment increment;
  std::uint64_t sequence = 0;
  for (std::size_t i = 0; i < n; ++i)
    q.emplace(increment.sample(rng), sequence++);
  auto step = [&] {
    const double t = q.top().first;
    q.pop();
    q.emplace(t + increment.sample(rng), sequence++);
  };
  measure_steps(state, n, step, [&] { return q.top(); });
}

void sizes(benchmark::internal::Benchmark* b) {
  b->Arg(100)->Arg(10'000)->Arg(1'000'000)->MinTime(0.3)->Unit(benchmark::kMillisecond);
}

#define VMCSIM_HOLD_BENCHMARKS(Increment)                                                        \
  BENCHMARK_TEMPLATE(BM_Simulation, Simulation, Increment)->Apply(sizes);                        \
  BENCHMARK_TEMPLATE(BM_Simulation, BasicSimulation<DaryHeapQueue<4>>, Increment)->Apply(sizes); \
  BENCHMARK_TEMPLATE(BM_Simulation, BasicSimulation<CalendarQueue>, Increment)->Apply(sizes);    \
  BENCHMARK_TEMPLATE(BM_Bare, RadixHeapQueue<>, Increment)->Apply(sizes);                        \
  BENCHMARK_TEMPLATE(BM_Bare, DaryHeapQueue<4>, Increment)->Apply(sizes);                        \
  BENCHMARK_TEMPLATE(BM_Bare, CalendarQueue, Increment)->Apply(sizes);                           \
  BENCHMARK_TEMPLATE(BM_PriorityQueue, Increment)->Apply(sizes);

VMCSIM_HOLD_BENCHMARKS(ExponentialIncrement)
VMCSIM_HOLD_BENCHMARKS(BimodalIncrement)
VMCSIM_HOLD_BENCHMARKS(ParetoIncrement)

}  // namespace

BENCHMARK_MAIN();
