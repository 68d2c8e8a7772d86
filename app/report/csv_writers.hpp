#pragma once
// instances.csv and timeseries.csv: one row per instance, one row per timeseries sample.
//
// instances.csv columns: variant, replication, service, platform, profile, host, node,
// requested_s, ready_s, stopped_s, then `<phase>_start_s,<phase>_end_s` for every phase name
// that any instance has (in order of first appearance), then end_state. Times are seconds from
// the start of the replication with nine decimals (exact nanoseconds); a phase or time an
// instance never reached is an empty field. If an instance ran a phase twice (a restart), the
// columns hold its first run.
//
// The rows are read one at a time from the run's records (for_each_instance: the runner spills
// them to disk as replications end, app/results/instance_spool.hpp), so writing holds one.

#include <iosfwd>
#include <string>
#include <vector>

#include "app/results/run_results.hpp"

namespace vmcsim::app::report {

/// Union of the phase names of all instances, in order of first appearance (of a run's
/// records, spilled or not: instance_phase_names in run_results.hpp).
std::vector<std::string> phase_columns(const std::vector<InstanceRecord>& instances);

void write_instances_csv(const RunResults& results, std::ostream& out);

/// Columns: variant, replication, t_s, demand_rps, capacity_rps, cpu_utilization,
/// memory_utilization, pending_instances, running_instances, hosts_used, queued_requests.
void write_timeseries_csv(const RunResults& results, std::ostream& out);

/// sweep.csv: one row per sweep point and variant. Columns: the swept parameters (by path, the
/// value as written), `variant`, then for every metric descriptor (models/metrics/descriptors.hpp,
/// in its order) `<key>`, `<key>_half_width`, `<key>_n`: the mean over replications in the key's
/// unit (a pooled metric: the mean of the per-replication means), the 95% CI half-width and the
/// replications it rests on. A metric that does not apply at that point (nothing measured, or a
/// placement metric of a run without placement) is three empty fields, never 0. A sweep with a
/// tenant's bursts then has, for each bursting tenant, victim tenant and interference metric
/// (models/tenancy/interference.hpp), `interference:<bursting>:<victim>:<metric>` with its
/// `_half_width` and `_n`: the point's own paired difference (with the bursts - without), empty
/// where the point has none. Nothing is written for a run without a sweep.
void write_sweep_csv(const RunResults& results, std::ostream& out);

}  // namespace vmcsim::app::report
