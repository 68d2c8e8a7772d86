// Coroutine processes (sim/process.hpp) against the callback engine, in one binary.
//
//   HoldCallback    the hold model as in event_queue_bench: every event schedules its successor
//                   after an exponential increment (mean 1 ms) through a callback;
//   HoldProcess     the same model as N processes, each `co_await timeout(increment)` forever
//                   (SimPy's formulation, bench/peers/simpy_hold.py);
//   Start/Pooled    start, run and free short processes (one timeout each), frames from a warm
//                   ProcessPool;
//   Start/Heap      the same with frames from the heap (a Simulation& argument, no pool).
// N = 1e2, 1e3, 1e4: 1e3 frames fit the L2 cache, 1e4 do not (bench/README.md).
// Reported as events/s (hold) or process starts/s, rates over CPU time.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/distributions.hpp"
#include "sim/process.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

namespace {

using namespace vmcsim::sim;

// Truncated to whole ns, as in event_queue_bench, so both contenders draw identical times.
Time to_time(double ms) {
  return Time::from_ns(static_cast<std::int64_t>(ms * 1e6));
}

constexpr std::int64_t kBatch = 10'000;

void report(benchmark::State& state, const char* what) {
  state.counters[what] = benchmark::Counter(static_cast<double>(state.iterations() * kBatch),
                                            benchmark::Counter::kIsRate);
}

struct Hold {
  Simulation sim;
  RandomStream rng{1, 0, "bench/hold"};
  Exponential increment{1.0};
  std::int64_t fired = 0;
  std::int64_t stop_at = 0;

  Time next() { return to_time(increment.sample(rng)); }
  void count() {
    if (++fired == stop_at) sim.stop();
  }
  void run_steps(std::int64_t steps) {
    stop_at = fired + steps;
    sim.run();
  }
  void fire() {
    count();
    sim.schedule_in(next(), [this] { fire(); });
  }
};

Process holder(ProcessPool&, Hold& hold) {
  for (;;) {
    co_await timeout(hold.next());
    hold.count();
  }
}

void BM_HoldCallback(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto hold = std::make_unique<Hold>();
  hold->sim.reserve(n + 1);
  for (std::size_t i = 0; i < n; ++i)
    hold->sim.schedule_in(hold->next(), [h = hold.get()] { h->fire(); });
  hold->run_steps(static_cast<std::int64_t>(n));  // warm-up: every initial event replaced once
  for (auto _ : state)
    hold->run_steps(kBatch);
  report(state, "events/s");
}

void BM_HoldProcess(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto hold = std::make_unique<Hold>();
  hold->sim.reserve(n + 1);
  ProcessPool pool{hold->sim};
  std::vector<Process> processes;
  processes.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    processes.push_back(holder(pool, *hold));
  hold->run_steps(static_cast<std::int64_t>(2 * n));  // starts, then every first timeout
  for (auto _ : state)
    hold->run_steps(kBatch);
  report(state, "events/s");
  processes.clear();  // before the pool and the simulation
}

Process one_step(ProcessPool&, std::int64_t& done) {
  co_await timeout(Time::from_us(1));
  ++done;
}
Process one_step_on_heap(Simulation&, std::int64_t& done) {
  co_await timeout(Time::from_us(1));
  ++done;
}

template <bool kPooled>
void BM_Start(benchmark::State& state) {
  Simulation sim;
  sim.reserve(kBatch + 1);
  ProcessPool pool{sim};
  std::vector<Process> processes(kBatch);
  std::int64_t done = 0;
  for (auto _ : state) {
    for (auto& p : processes) {
      if constexpr (kPooled)
        p = one_step(pool, done);
      else
        p = one_step_on_heap(sim, done);
    }
    sim.run();
    for (auto& p : processes)
      p.reset();
  }
  benchmark::DoNotOptimize(done);
  report(state, "starts/s");
}

void hold_sizes(benchmark::internal::Benchmark* b) {
  b->Arg(100)->Arg(1000)->Arg(10'000)->MinTime(0.3)->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_HoldCallback)->Apply(hold_sizes);
BENCHMARK(BM_HoldProcess)->Apply(hold_sizes);
BENCHMARK_TEMPLATE(BM_Start, true)->Name("BM_Start/Pooled")->MinTime(0.3);
BENCHMARK_TEMPLATE(BM_Start, false)->Name("BM_Start/Heap")->MinTime(0.3);

}  // namespace

BENCHMARK_MAIN();
