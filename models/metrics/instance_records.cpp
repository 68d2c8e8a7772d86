#include "models/metrics/instance_records.hpp"

#include <fmt/format.h>

#include <map>

#include "sim/assert.hpp"

namespace vmcsim::models::metrics {

namespace {

// A replica with no instance as an InstanceLifecycle: never placed, or scaled in first.
// `like`: a launched instance of each service, for the kind and profile it would have had.
InstanceLifecycle unlaunched(const ReplicaStatus& r, const UnlaunchedDefaults& defaults,
                             const std::map<std::string, InstanceLifecycle>& like) {
  InstanceLifecycle l;
  const std::vector<ServiceMetricsConfig>& services = *defaults.services;
  l.service = r.service < services.size() ? services[r.service].name : "";
  l.kind = defaults.kind;
  l.profile = defaults.profile;
  if (const auto it = like.find(l.service); it != like.end()) {
    l.kind = it->second.kind;
    l.profile = it->second.profile;
  }
  for (const WaitSpan& w : r.waits)
    l.phases.push_back({std::string(w.name), w.start, w.end});
  l.requested = r.requested;
  if (r.state == ReplicaState::stopped) {
    l.state = InstanceState::stopped;
    l.reason = r.reason;
  } else {
    l.state = InstanceState::requested;
    l.reason = r.reason.empty() ? std::string{"never placed"} : r.reason;
  }
  return l;
}

}  // namespace

std::string still_starting_reason(const Instance& i) {
  if (i.profile != nullptr && i.phases.size() < i.profile->boot_phases.size())
    return fmt::format("{} never finished", i.profile->boot_phases[i.phases.size()].name);
  return "never became ready";
}

InstanceLifecycle lifecycle(const Instance& i, const Launch* launch) {
  InstanceLifecycle l;
  l.service = i.service;
  l.kind = i.kind;
  l.profile = i.profile != nullptr ? i.profile->name : "";
  l.node_vm = is_node_vm(i);
  if (i.host != nullptr) l.host = i.host->name();
  if (i.node != nullptr && i.node->is_vm_node()) l.node = i.node->name();
  l.phases.reserve(i.phases.size() + (launch ? launch->waits.size() : 0));
  if (launch != nullptr)
    for (const WaitSpan& w : launch->waits)
      l.phases.push_back({std::string(w.name), w.start, w.end});
  for (const PhaseSpan& p : i.phases)
    l.phases.push_back({std::string(p.name), p.start, p.end});
  l.state = i.state;
  l.requested = launch != nullptr ? launch->requested : i.requested_at;
  if (i.state == InstanceState::starting) l.reason = still_starting_reason(i);
  if (i.state == InstanceState::failed || i.lost_in) l.reason = i.failure;
  const bool was_ready = i.state == InstanceState::running || i.state == InstanceState::stopping ||
                         i.state == InstanceState::stopped;
  if (was_ready) l.ready = i.ready_at;
  if (i.state == InstanceState::stopped || i.state == InstanceState::failed)
    l.stopped = i.stopped_at;
  return l;
}

void InstanceList::take(std::uint64_t order, InstanceLifecycle&& record) {
  if (records_.size() <= order) {
    records_.resize(order + 1);
    taken_.resize(order + 1, 0);
  }
  VMCSIM_ASSERT(taken_[order] == 0, "an instance record is handed once");
  taken_[order] = 1;
  ++count_;
  records_[order] = std::move(record);
}

void InstanceList::amend(std::uint64_t order, const std::string& function_start,
                         bool keep_alive_unload) {
  VMCSIM_ASSERT(order < taken_.size() && taken_[order] != 0, "an amended record was handed");
  records_[order].function_start = function_start;
  records_[order].keep_alive_unload = keep_alive_unload;
}

std::vector<InstanceLifecycle> InstanceList::release() {
  VMCSIM_ASSERT(count_ == records_.size(), "every place of the instance listing is filled");
  taken_.clear();
  count_ = 0;
  return std::move(records_);
}

void InstanceRecords::ended(const Instance& i, const Launch* launch) {
  if (handed_.size() <= i.id) handed_.resize(i.id + 1, 0);
  handed_[i.id] = 1;
  sink_->take(i.id, lifecycle(i, launch));
}

void InstanceRecords::finish(const PlatformRuntime& runtime, const Launches& launches,
                             const std::vector<ReplicaStatus>& replicas,
                             const UnlaunchedDefaults& defaults) {
  const InstanceId count = runtime.instance_count();
  std::vector<const ReplicaStatus*> replica_of(count, nullptr);  // the last replica naming it
  for (const ReplicaStatus& r : replicas)
    if (r.instance != kNoInstance && r.instance < count) replica_of[r.instance] = &r;
  std::map<std::string, InstanceLifecycle> like;  // the first launched instance per service
  for (InstanceId id = 0; id < count; ++id) {
    const Instance& i = runtime.instance(id);
    if (!is_node_vm(i) && !like.contains(i.service)) {
      InstanceLifecycle& l = like[i.service];
      l.kind = i.kind;
      l.profile = i.profile != nullptr ? i.profile->name : "";
    }
    if (was_handed(id)) continue;
    InstanceLifecycle l = lifecycle(i, launches.of(i));
    if (const ReplicaStatus* r = replica_of[id]) {
      l.function_start = r->function_start;
      l.keep_alive_unload = r->keep_alive_unload;
    }
    sink_->take(id, std::move(l));
  }
  std::uint64_t order = count;
  for (const ReplicaStatus& r : replicas)
    if (r.instance == kNoInstance) sink_->take(order++, unlaunched(r, defaults, like));
  for (InstanceId id = 0; id < count; ++id) {
    const ReplicaStatus* r = replica_of[id];
    if (was_handed(id) && r != nullptr && (!r->function_start.empty() || r->keep_alive_unload))
      sink_->amend(id, r->function_start, r->keep_alive_unload);
  }
}

}  // namespace vmcsim::models::metrics
