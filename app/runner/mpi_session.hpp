#pragma once
// Runs beyond one machine: `mpirun -n K vmcsim run|sweep SCENARIO` (or `srun`) shards the jobs
// (variant x replication x sweep point) over K ranks, and rank 0 gathers them, summarises and
// writes the results. docs/mpi.md says how to build and run it.
//
// This is the one translation unit that speaks MPI (mpi_session.cpp, compiled with MPI only
// when CMake's VMCSIM_WITH_MPI is ON; every other file is the same in both builds). MPI is
// initialised only when an MPI launcher started the process (OMPI_COMM_WORLD_SIZE or PMI_SIZE
// in the environment), on the first call to ranks(), and finalised at exit: a plain `vmcsim`
// run, or a build without MPI, is one rank of one.
//
// Determinism: rank 0 puts every job's VariantRunMetrics (mpi_codec.hpp) into the slot a
// single process would have filled, then runs the same summary, so results.json is byte-
// identical to `vmcsim run` with the same seed, whatever K and --jobs are.
#include <cstddef>
#include <exception>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/metrics/run_metrics.hpp"

namespace vmcsim::app::runner {

struct Ranks {
  int rank = 0;
  int size = 1;
  bool root() const { return rank == 0; }
};

// This process's rank and the number of ranks ({0, 1} unless launched by an MPI launcher in an
// MPI build). The first call initialises MPI; call it from the main thread.
Ranks ranks();

// Whether this build can run under MPI (VMCSIM_WITH_MPI).
bool built_with_mpi();

// The job slots of one run, which every rank holds in the same layout.
struct JobSlots {
  std::vector<models::metrics::VariantRunMetrics>& metrics;
  std::vector<double>& wall_seconds;
  std::vector<char>& done;
  // Optional bytes per job beside its metrics, gathered the same way (a pod-trace replay's
  // table row, placement_benchmark.hpp). Every rank passes it or none does.
  std::vector<std::string>* extra = nullptr;
};

// Collective: every rank calls it once its share `mine` (slot indices) has run, with the
// exception its jobs ended with, if any. Rank 0 receives every rank's slots into `slots` and
// returns true; if a rank failed, rank 0 rethrows (its own error first, else the lowest failing
// rank's, as an InputError when it was one, else as an internal error). Other ranks return
// false: they have nothing to write. With one rank it only rethrows `error`.
bool gather_jobs(const Ranks& ranks, std::span<const std::size_t> mine, JobSlots slots,
                 std::exception_ptr error);

// Collective, after gather_jobs (on rank 0 too when it threw): each rank but 0 sends rank 0 the
// pieces `next` gives it (false: no more), one message each, then an end mark; rank 0 receives
// rank 1's, then rank 2's, ..., and hands each to `take` (sending rank, bytes) as it arrives.
// So each side holds one piece at a time, not everything a rank sends. With one rank: nothing.
void send_pieces(const Ranks& ranks, const std::function<bool(std::string&)>& next,
                 const std::function<void(int, std::string_view)>& take);

}  // namespace vmcsim::app::runner
