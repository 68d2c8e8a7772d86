#pragma once
// The runner: a loaded Scenario in, RunResults out.
//
//   const auto s = scenario::load_scenario("scenarios/default.yaml");
//   RunResults r = run_scenario(s, {.jobs = 2});
//   report::write_all(r, "out/default");
//
// One job per (variant, replication) [per sweep point]: each builds its own sim::Simulation, a
// models::Cluster from the scenario (prepare_world, world.hpp), the scenario's workloads
// connected to Cluster::submit, and a MetricsCollector; it runs to the scenario's duration and
// leaves its VariantRunMetrics in a slot preallocated for it. After all jobs, the slots are
// summarised per variant (models/metrics summarize, the result type RunResults wraps), paired
// against the baseline variant, in scenario order. Statistics leave out the scenario's
// warm-up (MetricsCollector's warm-up deletion); the timeseries and instances cover the run.
//
// Invariants:
//  - Common random numbers: replication r of every variant sees the same arrivals and request
//    sizes (streams named "workload/<index>/<service>", never after the variant), and the same
//    seed for everything the Cluster draws.
//  - Determinism: results depend on (scenario, seed, replications) only. Jobs never share mutable
//    state and write only their own slot, so the output is byte-identical whatever `jobs` is
//    (wall_seconds aside).
//  - Errors: bad input found while preparing (an importer, an unknown catalog profile, an
//    override the catalog rejects) is an InputError naming file:line:col; it is thrown before
//    any job runs. An exception inside a job is rethrown after all jobs stopped (the first one in
//    slot order); a model's std::invalid_argument there (the models' way of refusing a
//    configuration: a service the variant's profile cannot run, a task larger than any Fargate
//    size, ...) becomes an InputError at the variant's entry in the scenario.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include "app/results/run_results.hpp"
#include "app/scenario/scenario.hpp"

namespace vmcsim::app::runner {

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides the scenario's seed
  std::optional<int> replications;    // overrides the scenario's replications (>= 1)
  unsigned jobs = 0;                  // worker threads; 0: std::thread::hardware_concurrency()
  // Called after each finished job with (finished, total), from the worker that finished it
  // (calls are serialised). For progress bars; must not throw.
  std::function<void(std::size_t, std::size_t)> progress;
};

// Runs every variant x replication of `scenario` (ignoring its sweep: the scenario as given).
// A pod_trace scenario is a placement benchmark (placement_benchmark.hpp): each variant x
// replication replays the trace (replication r with its own seed for the random policies), and
// the results hold the placement metrics and, as placement_table, the text table of the first
// replication.
RunResults run_scenario(const scenario::Scenario& scenario, const RunOptions& options);

// Runs every point of the scenario's sweep grid (scenario::expand_sweep). The returned results
// hold the first point in full (variants, differences, instances, timeseries) and one
// SweepPoint per point with its key metrics; without a sweep it equals run_scenario with one
// sweep point.
RunResults run_sweep(const scenario::Scenario& scenario, const RunOptions& options);

}  // namespace vmcsim::app::runner
