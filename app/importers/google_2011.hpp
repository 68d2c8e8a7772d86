#pragma once
// Importer for Google's 2011 cluster trace (clusterdata-2011-2): task_events and machine_events.
//
// No header row in the real trace; a first line starting with '#' (as in vmcsim's fixture
// sample) is taken as a header and skipped, so both spellings import.
//   task_events:    time(us), missing info, job id, task index, machine id, event type,
//                   user, scheduling class, priority, cpu request, memory request,
//                   disk request, different-machine constraint        (13 fields)
//   machine_events: time(us), machine id, event type, platform id, cpu, memory  (6 fields)
//   task_usage:     start and end of the measurement period (us), job id, task index, machine
//                   id, mean CPU usage rate, canonical memory usage, assigned memory usage,
//                   unmapped page cache, total page cache, maximum memory usage, mean disk I/O
//                   time, mean local disk space used, maximum CPU usage, maximum disk I/O time,
//                   cycles per instruction, memory accesses per instruction, sample portion,
//                   aggregation type, sampled CPU usage                          (20 fields)
//   Field meanings: Reiss, Wilkes and Hellerstein, "Google cluster-usage traces: format +
//   schema" (version 2.1 of the trace-data document, the task_usage table); the 20th field,
//   a random 1 s sample of CPU usage within the period, is what clusterdata-2011-2 added to
//   clusterdata-2011-1 (google/cluster-data, ClusterData2011_2.md). CPU rates are in
//   normalised cores per second and memory in normalised bytes (1.0 = the largest machine).
// Times are microseconds since the trace start. The trace uses 0 for "before the trace" and
// 2^63-1 for "after the end"; the latter (anything beyond Time's range) becomes Time::max().
// Capacities and requests are normalised to the largest machine (0..1), so they stay plain
// fractions here, not Millicores or Bytes. Empty optional fields in the real trace: machine id
// (not placed yet), the three requests, platform id and machine capacities -> std::nullopt
// (or empty string); an empty different-machine constraint means false.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/importers/csv_reader.hpp"

namespace vmcsim::app::importers {

enum class GoogleTaskEventType : std::uint8_t {
  submit = 0,
  schedule = 1,
  evict = 2,
  fail = 3,
  finish = 4,
  kill = 5,
  lost = 6,
  update_pending = 7,
  update_running = 8,
};
enum class GoogleMachineEventType : std::uint8_t { add = 0, remove = 1, update = 2 };

struct GoogleTaskEvent {
  sim::Time time;
  std::int64_t job_id = 0;
  std::int64_t task_index = 0;
  std::optional<std::int64_t> machine_id;
  GoogleTaskEventType type = GoogleTaskEventType::submit;
  std::string user;
  int scheduling_class = 0;              // 0..3, latency sensitivity
  int priority = 0;                      // 0..11
  std::optional<double> cpu_request;     // normalised cores
  std::optional<double> memory_request;  // normalised memory
  std::optional<double> disk_request;    // normalised local disk
  bool different_machine = false;
};

struct GoogleMachineEvent {
  sim::Time time;
  std::int64_t machine_id = 0;
  GoogleMachineEventType type = GoogleMachineEventType::add;
  std::string platform_id;
  std::optional<double> cpu;     // normalised capacity
  std::optional<double> memory;  // normalised capacity
};

struct GoogleTaskEvents {
  std::vector<GoogleTaskEvent> events;
  ImportReport report;
};
struct GoogleMachineEvents {
  std::vector<GoogleMachineEvent> events;
  ImportReport report;
};

ImportReport read_google_task_events(const std::string& path, const ImportOptions& options,
                                     const std::function<void(const GoogleTaskEvent&)>& event);
ImportReport read_google_machine_events(
    const std::string& path, const ImportOptions& options,
    const std::function<void(const GoogleMachineEvent&)>& event);
GoogleTaskEvents load_google_task_events(const std::string& path,
                                         const ImportOptions& options = {});
GoogleMachineEvents load_google_machine_events(const std::string& path,
                                               const ImportOptions& options = {});

// One row of task_usage: a task's usage over one measurement period (usually 5 minutes).
struct GoogleTaskUsage {
  sim::Time start;
  sim::Time end;
  std::int64_t job_id = 0;
  std::int64_t task_index = 0;
  std::optional<std::int64_t> machine_id;
  std::optional<double> cpu_rate;          // mean CPU usage rate (normalised cores)
  std::optional<double> canonical_memory;  // mean canonical memory usage (normalised)
  std::optional<double> max_memory;        // maximum memory usage (normalised)
  std::optional<double> max_cpu_rate;      // maximum CPU usage rate (normalised cores)
  std::optional<double> sampled_cpu_rate;  // CPU usage in a random 1 s of the period
};
struct GoogleTaskUsageTable {
  std::vector<GoogleTaskUsage> rows;
  ImportReport report;
};
GoogleTaskUsageTable load_google_task_usage(const std::string& path,
                                            const ImportOptions& options = {});
std::string summarize(const GoogleTaskUsageTable& usage);

std::string summarize(const GoogleTaskEvents& events);
std::string summarize(const GoogleMachineEvents& events);

}  // namespace vmcsim::app::importers
