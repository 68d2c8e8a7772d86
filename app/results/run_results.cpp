#include "app/results/run_results.hpp"

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

}  // namespace vmcsim::app
