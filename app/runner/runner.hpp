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
//    slot order); a model's ConfigurationRefused there (models/refusal.hpp, the models' way of
//    refusing a configuration: a service the variant's profile cannot run, a task larger than
//    any Fargate size, ...) becomes an InputError at the variant's entry in the scenario. Any
//    other exception, a plain std::invalid_argument included, is a broken contract: it is
//    rethrown as it is and the CLI reports an internal error.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "app/results/run_results.hpp"
#include "app/scenario/scenario.hpp"

namespace vmcsim::app::runner {

// Where one job (a variant x replication of a sweep point) has got to, for progress lines and
// bars. Reported about a hundred times per job (after each hundredth of its simulated duration)
// and once when it ends.
struct JobProgress {
  std::size_t point = 0;  // sweep point (0 without a sweep)
  std::size_t points = 1;
  std::size_t variant = 0;  // index into the scenario's variants
  std::uint64_t replication = 0;
  std::size_t jobs = 0;           // all jobs of the run
  std::size_t finished_jobs = 0;  // jobs ended so far, this one included once it has ended
  sim::Time now;                  // simulated time reached
  sim::Time end;                  // the scenario's duration
  std::uint64_t events = 0;       // events processed so far
  bool finished = false;          // this job has just ended
  // [tenants] Set for an interference baseline run (app/runner/interference.hpp): the tenant
  // whose bursts it runs without; `point` is then the point it is the baseline of. Empty for
  // the scenario's own runs.
  std::string interference_baseline;
  std::size_t peak_pending = 0;   // the engine's most events pending at once so far
};

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides the scenario's seed
  std::optional<int> replications;    // overrides the scenario's replications (>= 1)
  unsigned jobs = 0;                  // worker threads; 0: std::thread::hardware_concurrency()
  // Called from the worker running a job (calls are serialised); must be cheap. It does not
  // change the simulation: a job runs the same events whether it is reported on or not.
  std::function<void(const JobProgress&)> progress;
  // When it becomes true (a SIGINT handler sets it), no job starts and running jobs stop at
  // their next hundredth. Jobs run replication by replication (every variant and point of
  // replication 0, then of 1, ...), so what has finished is whole replications: the results
  // hold the first R' of them, with `partial` set, or Interrupted is thrown when R' is 0.
  const std::atomic<bool>* stop = nullptr;
  // false: startup without the contention model (ClusterConfig::startup_contention), for
  // bench/startup_contention_bench, which compares the run time of both ways.
  bool startup_contention = true;
  // How many instance records a job holds before it writes them out as a chunk of its spool
  // part (app/results/instance_stream.hpp, InstanceStream::kChunkRows); 0: the job keeps every
  // record until it ends and spills them then, as runs did before records streamed. Both take
  // their records from the collector's one hand-over (models/metrics/instance_records.hpp), so
  // comparing them checks the stream, the spool and the writers; the hand-over itself is checked
  // against the world in tests/models/metrics_instance_sink_test.cpp. The results are the same
  // bytes either way.
  std::size_t instance_chunk_rows = 4096;
};

// Thrown when `stop` ended a run before one whole replication of every variant had finished.
class Interrupted : public std::runtime_error {
 public:
  Interrupted(std::size_t planned)
      : std::runtime_error("interrupted before any whole replication"), planned_(planned) {}
  std::size_t planned() const { return planned_; }  // runs the whole run would have had

 private:
  std::size_t planned_;
};

// Under mpirun/srun (an MPI build, mpi_session.hpp) each rank runs every K-th job of the
// replication-major order, and rank 0 gathers them: run_scenario and run_sweep return on rank 0
// the RunResults a single process returns, byte for byte in results.json; on every other rank
// an empty RunResults (nothing to write). A pod_trace scenario is not sharded: every rank
// replays it whole, and only rank 0's results are written.
//
// Runs every variant x replication of `scenario` (ignoring its sweep: the scenario as given).
// A pod_trace scenario is a placement benchmark (placement_benchmark.hpp): each variant x
// replication replays the trace (replication r with its own seed for the random policies), and
// the results hold the placement metrics and, as placement_table, the text table of the first
// replication.
RunResults run_scenario(const scenario::Scenario& scenario, const RunOptions& options);

// Runs every point of the scenario's sweep grid (scenario::expand_sweep). The returned results
// hold the first point in full (variants, differences, interference, instances, timeseries) and
// one SweepPoint per point with its key metrics and its own interference (interference.hpp);
// without a sweep it equals run_scenario with one sweep point.
RunResults run_sweep(const scenario::Scenario& scenario, const RunOptions& options);

}  // namespace vmcsim::app::runner
