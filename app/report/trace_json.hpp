#pragma once
// trace.json: the instances' timelines in the Chrome trace event format, which Perfetto
// (ui.perfetto.dev) and chrome://tracing open directly.
//
// Layout: one process (track group) per host of each variant and replication, named by
// `process_name` metadata; one thread per instance on that host, named after its service; one
// complete event (ph "X", ts and dur in microseconds) per phase, and a "running" slice from
// ready to stopped when both are known. Instances never placed go to an "(unplaced)" process.
//
// Memory: write_trace_json streams the events one by one from the run's records; a selection
// (TraceOptions' window and host sample) decides per event whether it is written, so a trace
// of a selection holds nothing more than the full one. With a selection, otherData.selection
// says what it kept (window, hosts) and how many instances, slices and failure events it left
// out; without one the trace is as before.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

struct TraceOptions {
  /// Only this replication (a trace of every replication of a big run is very large).
  std::optional<int> replication;
  /// A time window (scenario `output.trace`): a slice or instant event is kept if it overlaps
  /// [from, to] (kept whole, not clipped); an instance none of whose slices is kept is left out.
  std::optional<sim::Time> from{}, to{};
  /// A sample of host_count hosts among those the instances ran on (every host if fewer),
  /// drawn with host_seed; or the hosts named. Instances elsewhere (and never placed ones) and
  /// host failures of other hosts are left out. Process ids and thread numbers stay those of the
  /// whole trace, so a host looks the same in a sampled trace and in the full one.
  std::optional<std::size_t> host_count{};
  std::uint64_t host_seed = 1;
  std::vector<std::string> hosts{};

  bool selects_hosts() const { return host_count.has_value() || !hosts.empty(); }
  bool selects() const { return from || to || selects_hosts(); }
};

/// The name of the trace process holding an instance: "<host> [<variant> r<replication>]".
std::string trace_process_name(const InstanceRecord& instance);

/// Throws std::invalid_argument naming the instance if a phase ends before it starts.
nlohmann::ordered_json trace_to_json(const RunResults& results, const TraceOptions& options = {});

void write_trace_json(const RunResults& results, std::ostream& out,
                      const TraceOptions& options = {});

}  // namespace vmcsim::app::report
