#include "models/metrics/instance_accounting.hpp"

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "sim/assert.hpp"

namespace vmcsim::models::metrics {

namespace {

// The key a never placed replica is counted under: the dimension that did not fit, so that
// messages naming different nodes and amounts add up.
std::string never_placed_reason(const ReplicaStatus& r) {
  if (!r.reason_dimension.empty()) return fmt::format("no node fits: {}", r.reason_dimension);
  return r.reason.empty() ? std::string{"never placed"} : r.reason;
}

// [tenants] The key a replica rejected by quota admission is counted under: the API server's
// reason without the pod's name (`pods "web-3" is forbidden: ` -> `forbidden: `), so that the
// rejections of one service for one cause add up; instances.csv keeps the whole message.
std::string rejected_reason(const ReplicaStatus& r) {
  constexpr std::string_view kPods = "pods \"";
  constexpr std::string_view kForbidden = "\" is forbidden: ";
  const std::string& m = r.reason;
  const auto end = m.find(kForbidden);
  if (!m.starts_with(kPods) || end == std::string::npos) return "rejected by admission: " + m;
  return "rejected by admission: " + m.substr(end + kForbidden.size());
}

}  // namespace

void account_replicas(InstanceAccounting& a, const std::vector<ReplicaStatus>& replicas,
                      const PlatformRuntime* runtime, sim::Time warmup) {
  for (const ReplicaStatus& r : replicas) {
    if (r.requested < warmup) continue;
    ++a.requested;
    if (r.became_ready) {
      ++a.ready;
    } else if (r.state == ReplicaState::pending) {
      ++a.never_placed;
      ++a.reasons[never_placed_reason(r)];
    } else if (r.state == ReplicaState::rejected) {  // [tenants] quota admission refused it
      ++a.rejected;
      ++a.reasons[rejected_reason(r)];
    } else if (r.state == ReplicaState::starting) {
      ++a.never_started;
      ++a.reasons[runtime != nullptr && r.instance < runtime->instance_count()
                      ? still_starting_reason(runtime->instance(r.instance))
                      : std::string{"never became ready"}];
    } else {
      VMCSIM_ASSERT(r.state == ReplicaState::stopped,
                    "a replica that never became ready is pending, starting or stopped");
      ++a.cancelled;
    }
  }
  VMCSIM_ASSERT(
      a.requested == a.ready + a.never_placed + a.never_started + a.cancelled + a.rejected,
      "every requested replica is accounted for");
}

void account_instances(InstanceAccounting& a, const PlatformRuntime& runtime,
                       const Launches& launches, sim::Time warmup) {
  for (InstanceId id = 0; id < runtime.instance_count(); ++id) {
    const Instance& i = runtime.instance(id);
    if (is_node_vm(i) || launches.requested(i) < warmup) continue;
    ++a.requested;
    switch (i.state) {
      case InstanceState::requested:
      case InstanceState::failed:
        ++a.never_placed;
        ++a.reasons[i.failure.empty() ? std::string{"never placed"} : i.failure];
        break;
      case InstanceState::starting:
        ++a.never_started;
        ++a.reasons[still_starting_reason(i)];
        break;
      default:
        ++a.ready;
    }
  }
}

}  // namespace vmcsim::models::metrics
