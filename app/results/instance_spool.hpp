#pragma once
// The per-instance records of a run (instances.csv, trace.json) kept on disk, not in memory.
//
// A run of many replications, each of many instances, would otherwise hold every record until
// the end for the two files that list them, so its memory would grow with its length. Instead
// the runner spills each replication's records to a part of its own in a private temporary
// folder, and keeps only the part's row count and phase names. Within a replication too the
// records leave memory as instances end (instance_stream.hpp): a part is a set of gzip chunks
// of at most InstanceStream::kChunkRows records, each sorted by creation order. The writers read
// the parts back in the run's order (variant, replication, creation order; a k-way merge of a
// part's chunks, one record per chunk in memory), so the files are the same bytes whatever
// --jobs or the MPI ranks ran first.
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
  /// One file of records, each with its place in its replication's order, sorted by it.
  struct Chunk {
    std::filesystem::path file;
    std::uint64_t rows = 0;
  };
  /// [fn] The function fields of a record written before they were known (InstanceSink::amend).
  struct Amendment {
    std::uint64_t order = 0;
    std::string function_start;
    bool keep_alive_unload = false;
  };
  /// One replication's records: where they are (one chunk, or several whose orders interleave
  /// when instances ended out of creation order), whose they are, how many, and their phase
  /// names in order of first appearance (instances.csv's columns are their union).
  struct Part {
    std::vector<Chunk> chunks;
    std::string variant;
    int replication = 0;
    std::uint64_t rows = 0;
    std::vector<std::string> phases;
    std::vector<Amendment> amendments;  ///< sorted by order
  };
  /// A record and its place in its replication's order.
  struct Ordered {
    std::uint64_t order = 0;
    models::metrics::InstanceLifecycle record;
  };

  InstanceSpool() = default;
  ~InstanceSpool();
  InstanceSpool(const InstanceSpool&) = delete;
  InstanceSpool& operator=(const InstanceSpool&) = delete;

  /// Writes `records` (in their order) as the one-chunk part named `key` (unique within the
  /// spool). Safe to call from several threads at once with different keys. Throws InputError
  /// naming the file if the temporary folder cannot be made or written.
  Part write(std::size_t key, const std::string& variant, int replication,
             std::span<const models::metrics::InstanceLifecycle> records) const;
  /// Writes chunk `index` of part `key`: `records`, which must be sorted by order. Throws as
  /// write does.
  Chunk write_chunk(std::size_t key, std::size_t index, std::span<const Ordered> records) const;

  /// The file of `chunk` as it is (compressed): what an MPI rank sends rank 0.
  static std::string bytes_of(const Chunk& chunk);
  /// Takes the compressed bytes of a chunk another spool wrote (bytes_of) as chunk `index` of
  /// part `key` of this one. Throws as write does.
  Chunk adopt(std::size_t key, std::size_t index, std::uint64_t rows, std::string_view bytes) const;
  /// Merges `chunks` (of part `key`) into one chunk, `index` of that part, and removes their
  /// files: fewer files for a reader to hold open. Throws as write does.
  Chunk merge(std::size_t key, std::size_t index, std::span<const Chunk> chunks) const;
  /// Removes the files of `part` (records read and no longer wanted).
  static void remove(const Part& part);

  /// Reads `part` back: decodes each record into `into` and calls `each`, in order (a merge
  /// of its chunks), with its amendments applied. Holds one record per chunk.
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
