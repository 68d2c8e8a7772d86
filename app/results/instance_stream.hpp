#pragma once
// InstanceStream: one replication's instance records leave memory as its instances end.
//
// The collector hands each record to the stream as its instance stops or fails, and the rest
// when the run finishes (models/metrics/run_metrics.hpp, InstanceSink). The stream holds at
// most `chunk_rows` of them: when that many are held it sorts them by creation order and writes
// them as one chunk of its part in the spool (instance_spool.hpp). close() writes the rest and
// returns the part, which the writers read back in creation order by a merge of its chunks.
// So a replication of a million instances holds 4,096 records, not a million, and its output is
// the same bytes as when the records were kept (a single chunk when they fit in one). A part of
// more than kMergeWays chunks (a million records) is merged down to that many at close(), so
// that reading it holds as many files open at most.
//
// The phase names of the part are in the order they first appear in creation order: for each
// name, the first record (by order) naming it and its place there, which needs no read-back.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "app/results/instance_spool.hpp"
#include "models/metrics/run_metrics.hpp"

namespace vmcsim::app {

class InstanceStream final : public models::metrics::InstanceSink {
 public:
  static constexpr std::size_t kChunkRows = 4096;
  /// A part keeps at most this many chunks: close() merges the surplus (a reader holds one file
  /// open per chunk).
  static constexpr std::size_t kMergeWays = 256;

  /// Writes into part `key` of `spool` (which must outlive the stream).
  explicit InstanceStream(const InstanceSpool& spool, std::size_t key,
                          std::size_t chunk_rows = kChunkRows, std::size_t merge_ways = kMergeWays);

  /// A node VM's service is listed as "node" (instances.csv, trace.json).
  void take(std::uint64_t order, models::metrics::InstanceLifecycle&& record) override;
  void amend(std::uint64_t order, const std::string& function_start,
             bool keep_alive_unload) override;

  /// Writes what is held and returns the part, as `variant`'s `replication`. Call once.
  InstanceSpool::Part close(std::string variant, int replication);

  /// The most records held at once so far (never above chunk_rows).
  std::size_t held_peak() const { return held_peak_; }

 private:
  void flush();

  const InstanceSpool& spool_;
  std::size_t key_;
  std::size_t chunk_rows_;
  std::size_t merge_ways_;
  std::size_t chunks_written_ = 0;  // file names are chunk indices, merged ones included
  std::vector<InstanceSpool::Ordered> held_;
  std::size_t held_peak_ = 0;
  InstanceSpool::Part part_;
  // Phase name -> (order of the first record naming it, its place in that record's phases).
  std::map<std::string, std::pair<std::uint64_t, std::size_t>, std::less<>> first_seen_;
};

}  // namespace vmcsim::app
