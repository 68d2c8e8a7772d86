#pragma once
// The per-instance records of a run (instances.csv, trace.json) kept on disk, not in memory.
//
// A run of many replications, each of many instances, would otherwise hold every record until
// the end for the two files that list them, so its memory would grow with its length. Instead
// the runner spills each replication's records to a part of its own (one gzip file in a private
// temporary folder) as soon as the replication ends and its summaries have read them, and keeps
// only the part's row count and phase names. The writers read the parts back one record at a
// time in the run's order (variant, replication, creation order), so the files are the same
// bytes whatever --jobs or the MPI ranks ran first.
//
// A record is encoded with the MPI codec's field list (app/runner/mpi_codec.hpp), so a field
// added to InstanceLifecycle reaches the spool where it reaches the ranks. The folder (under
// TMPDIR, else /tmp) is made on the first part and removed with the last owner of the spool.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/metrics/run_metrics.hpp"

namespace vmcsim::app {

class InstanceSpool {
 public:
  /// One replication's records: where they are, whose they are, how many, and their phase
  /// names in order of first appearance (instances.csv's columns are their union).
  struct Part {
    std::filesystem::path file;
    std::string variant;
    int replication = 0;
    std::uint64_t rows = 0;
    std::vector<std::string> phases;
  };

  InstanceSpool() = default;
  ~InstanceSpool();
  InstanceSpool(const InstanceSpool&) = delete;
  InstanceSpool& operator=(const InstanceSpool&) = delete;

  /// Writes `records` as the part named `key` (unique within the spool). Safe to call from
  /// several threads at once with different keys. Throws InputError naming the file if the
  /// temporary folder cannot be made or written.
  Part write(std::size_t key, const std::string& variant, int replication,
             std::span<const models::metrics::InstanceLifecycle> records) const;

  /// The file of `part` as it is (compressed): what an MPI rank sends rank 0.
  static std::string bytes_of(const Part& part);
  /// Takes the compressed bytes of a part another spool wrote (bytes_of) as part `key` of this
  /// one; `part` says what they hold (its file is ignored). Throws as write does.
  Part adopt(std::size_t key, Part part, std::string_view bytes) const;

  /// Reads `part` back: decodes each record into `into` and calls `each`, in the order
  /// written. Holds one record at a time.
  static void read(const Part& part, models::metrics::InstanceLifecycle& into,
                   const std::function<void()>& each);

 private:
  const std::filesystem::path& folder() const;

  mutable std::once_flag made_;
  mutable std::filesystem::path folder_;
};

/// The spilled records of a run: the parts in output order and the spool holding their files
/// (shared, so a copy of the results reads the same files and the last one removes them).
struct SpilledInstances {
  std::shared_ptr<const InstanceSpool> spool;
  std::vector<InstanceSpool::Part> parts;
};

}  // namespace vmcsim::app
