// What the startup contention model costs (issue 11): the default scenario
// (scenarios/default.yaml, one replication, one job) run with the model (phases using host CPU
// and disk through the fluid shares, per-host start limits, control-plane token buckets) and
// without it (RunOptions::startup_contention = false: phases are fixed delays, launches pass no
// limiter), in the same process. The goal: with / without <= 1.5.
//
//   startup_contention_bench [--benchmark_repetitions=5 --benchmark_enable_random_interleaving=true]
//
// Both benchmarks run the whole scenario path (load, prepare, run every variant); the ratio of
// their CPU times (median over repetitions when repetitions are asked for) is printed at the end.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"

#ifndef VMCSIM_SOURCE_DIR
#define VMCSIM_SOURCE_DIR "."
#endif

using namespace vmcsim;

namespace {

const app::scenario::Scenario& default_scenario() {
  static const app::scenario::Scenario s = app::scenario::load_scenario(
      std::filesystem::path{VMCSIM_SOURCE_DIR} / "scenarios/default.yaml");
  return s;
}

void BM_default_scenario(benchmark::State& state) {
  const auto& s = default_scenario();
  app::runner::RunOptions options;
  options.replications = 1;
  options.jobs = 1;
  options.startup_contention = state.range(0) != 0;
  for (auto _ : state) {
    auto results = app::runner::run_scenario(s, options);
    benchmark::DoNotOptimize(results);
  }
}
BENCHMARK(BM_default_scenario)->Arg(1)->Arg(0)->ArgName("contention")->Unit(benchmark::kMillisecond);

// Collects each run's CPU time per benchmark name, then prints them as the console does.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs)
      if (r.run_type == Run::RT_Iteration)
        cpu_[r.benchmark_name()].push_back(r.GetAdjustedCPUTime());
    ConsoleReporter::ReportRuns(runs);
  }
  double median(const std::string& name) const {
    std::vector<double> v = cpu_.at(name);
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  }
  bool has(const std::string& name) const { return cpu_.contains(name); }

 private:
  std::map<std::string, std::vector<double>> cpu_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const std::string with = "BM_default_scenario/contention:1";
  const std::string without = "BM_default_scenario/contention:0";
  if (reporter.has(with) && reporter.has(without))
    std::printf("contention model: %.3f x the run time without it (CPU time, median; goal <= 1.5)\n",
                reporter.median(with) / reporter.median(without));
  benchmark::Shutdown();
  return 0;
}
