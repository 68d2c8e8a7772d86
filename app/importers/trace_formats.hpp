#pragma once
// The trace formats vmcsim reads, one table (models/registry/module_group.hpp): each entry's
// name, what it holds, where a scenario may name it (`uses`) and how `vmcsim import trace`
// summarizes it. The loader's format checks (workload traces, pod_trace, hosts from_trace),
// `vmcsim import trace --format`, `vmcsim list trace-formats`, scenarios/schema.json and
// docs/scenario-format.md derive from it (a test keeps the last two in step).
// The older import spellings (alibaba-gpu-2023, alibaba-gpu-2023-nodes, replay-csv) are
// aliases of the scenario's names.
#include <functional>
#include <string>
#include <vector>

#include "app/importers/csv_reader.hpp"
#include "models/registry/module_group.hpp"

namespace vmcsim::app::importers {

// What `vmcsim import trace` reads besides the file (azure-functions-2019's companion files).
struct TraceFiles {
  std::string file;
  std::string durations;
  std::string memory;
};

// Where a scenario may name a format.
enum TraceUse : unsigned {
  kImportOnly = 0,
  kRequestWorkload = 1,  // workloads[].trace (kind: trace): replayed as request arrivals
  kPodTrace = 2,         // workloads[].trace (kind: pod_trace): pods for the placement benchmark
  kHostNodes = 4,        // hosts[].from_trace: the cluster's node list
};

struct TraceFormat {
  unsigned uses = kImportOnly;
  // The summary `vmcsim import trace` prints.
  std::function<std::string(const TraceFiles&, const ImportOptions&)> summarize;
  // How `vmcsim import trace` tells the format without --format: a header row whose first
  // fields are `header`, or (headerless formats) a first record of exactly `fields` fields,
  // when no other format of the table has that count.
  std::vector<std::string> header;
  std::size_t fields = 0;
};

// The format of `path`, from its header or field count (the table's `header` and `fields`).
// Throws InputError naming the file, what its first line holds and the --format values when
// the table cannot tell.
std::string detect_trace_format(const std::string& path);

// The scenario section that replays `file` as format `name` (a workload, a pod_trace workload
// or a host group), or a comment saying the format is summarized only.
std::string trace_fragment(const std::string& name, const std::string& file);

const models::registry::ModuleGroup<TraceFormat>& trace_formats();

// The names usable where `use` applies, in table order.
std::vector<std::string> trace_format_names(TraceUse use);

}  // namespace vmcsim::app::importers
