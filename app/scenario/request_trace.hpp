#pragma once
// Reading a `kind: trace` workload's file into the workload, once, at load (check_world), so the
// runner replays what the loader read and never reads input itself.
//   timestamps, bare (one arrival time in seconds per line, '#' comments): records without
//     work; trace_draws_work is set (each job draws cpu_time and io_bytes from the service);
//   timestamps, a vmcsim replay CSV (header with "timestamp" and "service"): the lines of the
//     workload's own service, with their work;
//   azure-functions-2019: the per-minute invocation counts summed over functions, as rate steps.
// Other formats describe instances or pods, not requests: an InputError at the workload.
#include "app/scenario/scenario.hpp"

namespace vmcsim::app::scenario {

void read_request_trace(Workload& workload);

}  // namespace vmcsim::app::scenario
