#pragma once
// Importer for vmcsim's own workload replay CSV: one request per line.
//
//   timestamp,service,cpu_time,io_bytes        <- header row, required, these names
//   0,web,12ms,64KiB
//   0.25,web,0.004,65536
//   1.5s,api,20ms,1MiB
//
//   timestamp  arrival time since the start of the replay: a duration with a unit ("1.5s",
//              "250ms", "2m") or a plain number of seconds ("1.5"); read exactly (no floating
//              point). Timestamps must not decrease: a replay is in time order.
//   service    name of the service the request goes to; not empty.
//   cpu_time   CPU work of the request, same spelling as timestamp (plain number = seconds).
//   io_bytes   bytes read/written: with a unit ("64KiB", "1MB") or a plain number of bytes.
// Columns are found by name; extra columns are allowed and ignored.
#include <string>
#include <vector>

#include "app/importers/csv_reader.hpp"

namespace vmcsim::app::importers {

struct ReplayRequest {
  sim::Time timestamp;
  std::string service;
  sim::Time cpu_time;
  sim::Bytes io_bytes;
};

struct ReplayTrace {
  std::vector<ReplayRequest> requests;
  ImportReport report;
};

ImportReport read_replay_csv(const std::string& path, const ImportOptions& options,
                             const std::function<void(const ReplayRequest&)>& request);
ReplayTrace load_replay_csv(const std::string& path, const ImportOptions& options = {});

std::string summarize(const ReplayTrace& trace);

}  // namespace vmcsim::app::importers
