#include "app/report/csv_writers.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <ostream>
#include <set>

#include "app/report/text_format.hpp"
#include "models/metrics/descriptors.hpp"

namespace vmcsim::app::report {
namespace {

std::string optional_seconds(const std::optional<sim::Time>& t) {
  return t ? exact_seconds(*t) : std::string{};
}

// [tenants] One interference column group of sweep.csv: a bursting tenant's effect on a victim
// tenant, in one metric.
struct InterferenceColumn {
  std::string bursting, victim, metric;
  std::string name() const { return "interference:" + bursting + ":" + victim + ":" + metric; }
  bool operator==(const InterferenceColumn&) const = default;
};

// Every (bursting, victim, metric) of any point, in order of first appearance.
std::vector<InterferenceColumn> interference_columns(const std::vector<SweepPoint>& points) {
  std::vector<InterferenceColumn> columns;
  for (const auto& point : points)
    for (const auto& i : point.interference)
      for (const auto& d : i.differences) {
        InterferenceColumn c{i.bursting_tenant, i.victim_tenant, d.metric};
        if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
      }
  return columns;
}

// The point's difference for `variant` in column c, or none where it has no such row.
const models::metrics::PairedDifference* interference_of(const SweepPoint& point,
                                                         const std::string& variant,
                                                         const InterferenceColumn& c) {
  for (const auto& i : point.interference) {
    if (i.variant != variant || i.bursting_tenant != c.bursting || i.victim_tenant != c.victim)
      continue;
    for (const auto& d : i.differences)
      if (d.metric == c.metric) return &d;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> phase_columns(const std::vector<InstanceRecord>& instances) {
  std::vector<std::string> names;
  // A sorted index beside the ordered list keeps this O(n log k) for a million instances.
  std::set<std::string, std::less<>> seen;
  for (const auto& instance : instances) {
    for (const auto& phase : instance.phases) {
      if (seen.insert(phase.name).second) names.push_back(phase.name);
    }
  }
  return names;
}

void write_instances_csv(const RunResults& results, std::ostream& out) {
  const auto phases = instance_phase_names(results);
  out << "variant,replication,service,platform,profile,host,node,requested_s,ready_s,stopped_s";
  for (const auto& p : phases)
    out << ',' << csv_field(p + "_start_s") << ',' << csv_field(p + "_end_s");
  out << ",end_state,reason\n";
  // One record at a time, read back from the run's spool (instance_spool.hpp).
  for_each_instance(results, [&](const InstanceRecord& i) {
    out << csv_field(i.variant) << ',' << i.replication << ',' << csv_field(i.service) << ','
        << to_string(i.kind) << ',' << csv_field(i.profile) << ',' << csv_field(i.host) << ','
        << csv_field(i.node) << ',' << exact_seconds(i.requested) << ','
        << optional_seconds(i.ready) << ',' << optional_seconds(i.stopped);
    for (const auto& name : phases) {
      const auto it = std::find_if(i.phases.begin(), i.phases.end(),
                                   [&](const PhaseRecord& p) { return p.name == name; });
      if (it == i.phases.end()) {
        out << ",,";
      } else {
        out << ',' << exact_seconds(it->start) << ',' << exact_seconds(it->end);
      }
    }
    out << ',' << to_string(end_state(i.state)) << ',' << csv_field(i.reason) << '\n';
  });
}

void write_timeseries_csv(const RunResults& results, std::ostream& out) {
  out << "variant,replication,t_s,demand_rps,capacity_rps,cpu_utilization,memory_utilization,"
         "pending_instances,running_instances,hosts_used,queued_requests,nodes_used\n";
  for (const auto& s : results.timeseries) {
    out << csv_field(s.variant) << ',' << s.replication << ',' << exact_seconds(s.t) << ','
        << shortest(s.demand_rps) << ',' << shortest(s.capacity_rps) << ','
        << shortest(s.cpu_utilization) << ',' << shortest(s.memory_utilization) << ','
        << s.pending_instances << ',' << s.running_instances << ',' << s.hosts_used << ','
        << s.queued_requests << ',' << s.nodes_used << '\n';
  }
}

void write_sweep_csv(const RunResults& results, std::ostream& out) {
  namespace mm = models::metrics;
  if (results.sweep_points.empty()) return;
  for (const auto& p : results.sweep_points.front().parameters)
    out << csv_field(p.name) << ',';
  out << "variant";
  for (const mm::MetricDescriptor& d : mm::metric_descriptors()) {
    const std::string key{d.key};
    out << ',' << csv_field(key) << ',' << csv_field(key + "_half_width") << ','
        << csv_field(key + "_n");
  }
  const auto interference = interference_columns(results.sweep_points);
  for (const auto& c : interference)
    out << ',' << csv_field(c.name()) << ',' << csv_field(c.name() + "_half_width") << ','
        << csv_field(c.name() + "_n");
  out << '\n';
  for (const auto& point : results.sweep_points) {
    std::string prefix;
    for (const auto& p : point.parameters)
      prefix += csv_field(p.value) + ",";
    for (const auto& v : point.variants) {
      out << prefix << csv_field(v.name);
      for (const mm::MetricDescriptor& d : mm::metric_descriptors()) {
        const Estimate e = d.value(v);
        const bool applies =
            v.measures(d) && e.n > 0 && std::isfinite(e.mean);
        if (!applies) {
          out << ",,,";
          continue;
        }
        out << ',' << shortest(e.mean) << ','
            << (std::isfinite(e.half_width) ? shortest(e.half_width) : std::string{}) << ','
            << e.n;
      }
      for (const auto& c : interference) {
        const auto* d = interference_of(point, v.name, c);
        if (d == nullptr || d->n == 0 || !std::isfinite(d->mean)) {
          out << ",,,";
          continue;
        }
        out << ',' << shortest(d->mean) << ','
            << (std::isfinite(d->half_width) ? shortest(d->half_width) : std::string{}) << ','
            << d->n;
      }
      out << '\n';
    }
  }
}

}  // namespace vmcsim::app::report
