#include "models/failures/recovery.hpp"

#include <algorithm>

namespace vmcsim::models::failures {

RecoveryTimes host_failure_recovery(RecoveryKind kind, const DetectionConfig& d) {
  const sim::Time health_check = d.health_check_interval * d.unhealthy_threshold;
  switch (kind) {
    case RecoveryKind::kubernetes:
      // NotReady after the grace period (pods leave the endpoints), evicted once their
      // not-ready/unreachable toleration runs out; the ReplicaSet then creates replacements.
      return {d.node_monitor_grace_period, d.node_monitor_grace_period + d.not_ready_toleration};
    case RecoveryKind::ecs:
      return {health_check, health_check};
    case RecoveryKind::vm_ha:
      return {health_check, d.ha_detection};
  }
  return {};
}

RecoveryTimes crash_recovery(RecoveryKind kind, const DetectionConfig&, sim::Time backoff) {
  if (kind == RecoveryKind::kubernetes) return {sim::Time::zero(), backoff};
  return {sim::Time::zero(), sim::Time::zero()};
}

sim::Time CrashLoopBackoff::on_crash(sim::Time started, sim::Time at) {
  if (at - started >= kReset) restarts_ = 0;
  sim::Time delay = kInitial;
  for (int i = 0; i < restarts_ && delay < kCap; ++i)
    delay = delay * 2;
  ++restarts_;
  return std::min(delay, kCap);
}

}  // namespace vmcsim::models::failures
