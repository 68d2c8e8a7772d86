// The cost of one auto_arima (sim/arima.hpp): what the hybrid keep-alive policy pays per new
// idle time of a function in its ARIMA case. Series of n = 25, 50, 100 (the policy's bound)
// and 400 values, three shapes:
//   Noise    independent idle times around 6 h (the periodic functions the case is for)
//   Ar1      an AR(1) around 6 h (phi 0.6)
//   Walk     a random walk (KPSS differences it once)
// All randomness is vmcsim's RandomStream; the series is built once, outside the timing.
#include <benchmark/benchmark.h>

#include <vector>

#include "sim/arima.hpp"
#include "sim/distributions.hpp"
#include "sim/random.hpp"

namespace {

using namespace vmcsim::sim;

enum class Shape { noise, ar1, walk };

std::vector<double> arima_bench_series(Shape shape, std::size_t n) {
  RandomStream rng{77};
  const Normal e{0.0, 600.0};
  std::vector<double> y;
  double level = 0.0;
  for (std::size_t t = 0; t < n; ++t) {
    switch (shape) {
      case Shape::noise:
        level = e.sample(rng);
        break;
      case Shape::ar1:
        level = 0.6 * level + e.sample(rng);
        break;
      case Shape::walk:
        level += e.sample(rng);
        break;
    }
    y.push_back(6 * 3600.0 + level);
  }
  return y;
}

template <Shape S>
void BM_AutoArima(benchmark::State& state) {
  const auto y = arima_bench_series(S, static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    const ArimaForecast f = auto_arima(y);
    benchmark::DoNotOptimize(f.value);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_TEMPLATE(BM_AutoArima, Shape::noise)->Arg(25)->Arg(50)->Arg(100)->Arg(400);
BENCHMARK_TEMPLATE(BM_AutoArima, Shape::ar1)->Arg(25)->Arg(50)->Arg(100)->Arg(400);
BENCHMARK_TEMPLATE(BM_AutoArima, Shape::walk)->Arg(25)->Arg(50)->Arg(100)->Arg(400);

}  // namespace

BENCHMARK_MAIN();
