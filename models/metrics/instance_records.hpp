#pragma once
// The collector's instance records (collector.hpp, CollectorConfig::record_instances), one
// listing for both places they go: an InstanceSink the caller gives (the runner's stream), or
// an InstanceList the collector keeps and moves into VariantRunMetrics::instances at finish.
//
// The listing (run_metrics.hpp, InstanceSink): the runtime's instances in creation order, then
// one record per replica that never got an instance, in request order. An instance's record is
// handed as it stops or fails (final states: the runtime has set its phases, failure and stop
// time before the change), the live ones' and the never-launched replicas' at finish, and then
// the function fields ([fn], known only at the end) of the records handed before, as amendments.
//
// Internal to the collector (collector.cpp): not a public concept of its own.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/cluster/request.hpp"
#include "models/metrics/collector.hpp"
#include "models/metrics/run_metrics.hpp"
#include "models/platform/runtime.hpp"

namespace vmcsim::models::metrics {

inline bool is_node_vm(const Instance& i) {
  return i.profile != nullptr && i.profile->is_node();
}

// A replica's request and waits before the runtime started its instance.
struct Launch {
  sim::Time requested;
  std::vector<WaitSpan> waits;
};

// The launches of a Cluster's service instances, by InstanceId (a bare runtime has none).
class Launches {
 public:
  void record(InstanceId id, Launch launch) {
    if (by_id_.size() <= id) by_id_.resize(id + 1);
    by_id_[id] = std::move(launch);
  }
  const Launch* of(const Instance& i) const {
    return i.id < by_id_.size() && by_id_[i.id] ? &*by_id_[i.id] : nullptr;
  }
  // When `i` was wanted: its replica's request, or its own for a bare runtime.
  sim::Time requested(const Instance& i) const {
    const Launch* l = of(i);
    return l != nullptr ? l->requested : i.requested_at;
  }

 private:
  std::vector<std::optional<Launch>> by_id_;
};

// Why a starting instance is not ready: the boot phase it is in.
std::string still_starting_reason(const Instance& i);

// The record of the runtime's instance `i` as it stands now; `launch` may be null.
InstanceLifecycle lifecycle(const Instance& i, const Launch* launch);

// An InstanceSink that keeps the records in memory, each at its place in the listing, with the
// amendments applied: take() them in any order, release() gives the listing.
class InstanceList final : public InstanceSink {
 public:
  void take(std::uint64_t order, InstanceLifecycle&& record) override;
  void amend(std::uint64_t order, const std::string& function_start,
             bool keep_alive_unload) override;
  // The records in order. Every place up to the last one taken must have been taken once.
  std::vector<InstanceLifecycle> release();

 private:
  std::vector<InstanceLifecycle> records_;
  std::vector<char> taken_;  // by order
  std::uint64_t count_ = 0;
};

// What the listing needs of the collector for the replicas that never got an instance: the
// service names (by the world's service index) and the kind and profile of the variant's service
// instances, used when no instance of the service was launched to copy them from.
struct UnlaunchedDefaults {
  const std::vector<ServiceMetricsConfig>* services = nullptr;
  PlatformKind kind = PlatformKind::container;
  std::string profile;
};

// The listing (see above), into `sink` or, with none, into its own InstanceList.
class InstanceRecords {
 public:
  explicit InstanceRecords(InstanceSink* sink) : sink_(sink != nullptr ? sink : &list_) {}
  InstanceRecords(const InstanceRecords&) = delete;
  InstanceRecords& operator=(const InstanceRecords&) = delete;

  // `i` stopped or failed: its record leaves now.
  void ended(const Instance& i, const Launch* launch);
  // At the end: the records not handed yet (live instances, then the replicas that never got one),
  // then the function fields of those handed before. Call once.
  void finish(const PlatformRuntime& runtime, const Launches& launches,
              const std::vector<ReplicaStatus>& replicas, const UnlaunchedDefaults& defaults);
  // The listing when the records were kept (no sink given); empty otherwise.
  std::vector<InstanceLifecycle> kept() { return list_.release(); }

 private:
  bool was_handed(InstanceId id) const { return id < handed_.size() && handed_[id] != 0; }

  InstanceList list_;
  InstanceSink* sink_;
  std::vector<char> handed_;  // by InstanceId: its record left before finish
};

}  // namespace vmcsim::models::metrics
