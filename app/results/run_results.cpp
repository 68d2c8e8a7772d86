#include "app/results/run_results.hpp"

#include <set>

#include "models/metrics/descriptors.hpp"

namespace vmcsim::app {

EndState end_state(models::InstanceState state) {
  switch (state) {
    case models::InstanceState::requested:
    case models::InstanceState::starting:
      return EndState::pending;
    case models::InstanceState::running:
    case models::InstanceState::stopping:
      return EndState::running;
    case models::InstanceState::stopped:
      return EndState::stopped;
    case models::InstanceState::failed:
      return EndState::failed;
  }
  return EndState::pending;
}

std::string_view to_string(EndState state) {
  switch (state) {
    case EndState::running:
      return "running";
    case EndState::stopped:
      return "stopped";
    case EndState::failed:
      return "failed";
    case EndState::pending:
      return "pending";
  }
  return "unknown";
}

std::vector<ReplicationValues> replication_values(
    std::span<const models::metrics::VariantRunMetrics> runs,
    const std::function<std::uint64_t(std::uint64_t)>& seed_of) {
  const auto descriptors = models::metrics::metric_descriptors();
  std::vector<ReplicationValues> out;
  out.reserve(runs.size());
  for (const auto& run : runs) {
    ReplicationValues r{run.replication, seed_of(run.replication), {}};
    r.values.reserve(descriptors.size());
    for (const auto& d : descriptors)
      r.values.push_back(d.per_run(run));
    out.push_back(std::move(r));
  }
  return out;
}

void for_each_instance(const RunResults& results,
                       const std::function<void(const InstanceRecord&)>& fn) {
  for (const auto& i : results.instances)
    fn(i);
  InstanceRecord record;  // reused: a spilled record is decoded into it, one at a time
  for (const auto& part : results.spilled_instances.parts) {
    record.variant = part.variant;
    record.replication = part.replication;
    InstanceSpool::read(part, record, [&] { fn(record); });
  }
}

std::uint64_t instance_count(const RunResults& results) {
  std::uint64_t n = results.instances.size();
  for (const auto& part : results.spilled_instances.parts)
    n += part.rows;
  return n;
}

std::vector<std::string> instance_phase_names(const RunResults& results) {
  std::vector<std::string> names;
  // A sorted index beside the ordered list keeps this O(n log k) for a million instances.
  std::set<std::string, std::less<>> seen;
  const auto add = [&](const std::string& name) {
    if (seen.insert(name).second) names.push_back(name);
  };
  for (const auto& instance : results.instances)
    for (const auto& phase : instance.phases)
      add(phase.name);
  // A part lists its phase names in order of first appearance, so the union in part order is
  // the order in which the records, read one by one, would name them.
  for (const auto& part : results.spilled_instances.parts)
    for (const auto& name : part.phases)
      add(name);
  return names;
}

}  // namespace vmcsim::app
