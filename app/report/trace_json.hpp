#pragma once
// trace.json: the instances' timelines in the Chrome trace event format, which Perfetto
// (ui.perfetto.dev) and chrome://tracing open directly.
//
// Layout: one process (track group) per host of each variant and replication, named by
// `process_name` metadata; one thread per instance on that host, named after its service; one
// complete event (ph "X", ts and dur in microseconds) per phase, and a "running" slice from
// ready to stopped when both are known. Instances never placed go to an "(unplaced)" process.

#include <iosfwd>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

struct TraceOptions {
  /// Only this replication (a trace of every replication of a big run is very large).
  std::optional<int> replication;
};

/// The name of the trace process holding an instance: "<host> [<variant> r<replication>]".
std::string trace_process_name(const InstanceRecord& instance);

/// Throws std::invalid_argument naming the instance if a phase ends before it starts.
nlohmann::ordered_json trace_to_json(const RunResults& results, const TraceOptions& options = {});

void write_trace_json(const RunResults& results, std::ostream& out,
                      const TraceOptions& options = {});

}  // namespace vmcsim::app::report
