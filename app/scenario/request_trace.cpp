#include "app/scenario/request_trace.hpp"

#include <charconv>
#include <fstream>

#include <fmt/format.h>

#include "app/importers/azure_functions.hpp"
#include "app/importers/replay_csv.hpp"

namespace vmcsim::app::scenario {

namespace {

// vmcsim's replay CSV (header "timestamp,service,...") rather than bare timestamps.
bool is_replay_csv(const std::string& path) {
  std::ifstream in{path};
  std::string header;
  std::getline(in, header);
  return header.find("timestamp") != std::string::npos &&
         header.find("service") != std::string::npos;
}

std::vector<models::TraceRecord> bare_timestamps(const Workload& w) {
  std::vector<models::TraceRecord> out;
  const auto& t = *w.trace;
  std::ifstream in{t.file};
  if (!in) throw InputError({t.file, 0, 0}, "", "cannot open the trace file");
  std::string line;
  int number = 0;
  sim::Time last;
  while (std::getline(in, line)) {
    ++number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    double seconds = 0;
    const auto last_char = line.find_last_not_of(" \t\r");
    const auto* begin = line.data() + first;
    const auto* end = line.data() + last_char + 1;
    const auto [ptr, ec] = std::from_chars(begin, end, seconds);
    if (ec != std::errc{} || ptr != end || !(seconds >= 0))
      throw InputError({t.file, number, static_cast<int>(first) + 1}, "timestamp",
                       fmt::format("'{}' is not a time in seconds (>= 0)",
                                   line.substr(first, last_char + 1 - first)));
    const sim::Time at = sim::Time::from_seconds(seconds);
    if (at < last)
      throw InputError({t.file, number, static_cast<int>(first) + 1}, "timestamp",
                       "timestamps must not decrease");
    last = at;
    out.push_back({at, w.service, sim::Time{}, sim::Bytes{}});
  }
  return out;
}

std::vector<models::StepRate::Step> azure_steps(const Workload& w) {
  const auto trace = importers::load_azure_functions(w.trace->file, "", "");
  std::vector<double> per_minute;
  for (const auto& f : trace.functions) {
    if (per_minute.size() < f.per_minute.size()) per_minute.resize(f.per_minute.size(), 0.0);
    for (std::size_t m = 0; m < f.per_minute.size(); ++m)
      per_minute[m] += f.per_minute[m];
  }
  std::vector<models::StepRate::Step> steps;
  for (std::size_t m = 0; m < per_minute.size(); ++m)
    steps.push_back(
        {sim::Time::from_s(60) * static_cast<std::int64_t>(m), models::Rate{per_minute[m] / 60.0}});
  return steps;
}

}  // namespace

void read_request_trace(Workload& w) {
  if (w.kind != WorkloadKind::trace) return;
  const auto& t = *w.trace;
  w.trace_records.clear();
  w.trace_rate.clear();
  w.trace_draws_work = false;
  if (t.format == "azure-functions-2019") {
    w.trace_rate = azure_steps(w);
    return;
  }
  if (t.format != "timestamps")
    throw InputError(w.where, "workloads.trace.format",
                     fmt::format("workload of '{}': trace format '{}' describes instances, not "
                                 "requests: 'timestamps' (bare or a vmcsim replay CSV) and "
                                 "'azure-functions-2019' replay as request workloads",
                                 w.service, t.format));
  if (!is_replay_csv(t.file)) {
    w.trace_records = bare_timestamps(w);
    w.trace_draws_work = true;
    return;
  }
  // A replay names its services; a workload replays only the lines of its own service.
  for (const auto& r : importers::load_replay_csv(t.file).requests)
    if (r.service == w.service)
      w.trace_records.push_back({r.timestamp, r.service, r.cpu_time, r.io_bytes});
}

}  // namespace vmcsim::app::scenario
