#include "models/failures/recovery.hpp"

#include <algorithm>

#include "sim/assert.hpp"

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

RecoveryTimes crash_recovery(RecoveryKind kind, const DetectionConfig& d, sim::Time backoff) {
  switch (kind) {
    case RecoveryKind::kubernetes:
      return {sim::Time::zero(), backoff};
    case RecoveryKind::ecs:
      return {sim::Time::zero(), sim::Time::zero()};
    case RecoveryKind::vm_ha:  // in place, by the guest's supervisor
      return {sim::Time::zero(), d.supervisor_restart};
  }
  return {};
}

RecoveryTimes hang_recovery(RecoveryKind kind, const DetectionConfig& d, const ServiceHealth& h,
                            sim::Time backoff) {
  const sim::Time never = sim::Time::max();
  const sim::Time health_check = d.health_check_interval * d.unhealthy_threshold;
  switch (kind) {
    case RecoveryKind::kubernetes: {
      // The liveness probe kills the container, which takes it out of the endpoints too.
      const sim::Time restart = h.liveness ? kubelet_probe_detection(*h.liveness) : never;
      const sim::Time unready = h.readiness ? kubelet_probe_detection(*h.readiness) : never;
      return {std::min(restart, unready),
              restart == never ? never : sim::Time::saturating_add(restart, backoff)};
    }
    case RecoveryKind::ecs: {
      // The service scheduler replaces a task its container health check or its target group
      // marks unhealthy, whichever comes first.
      const sim::Time container = h.health_check ? docker_check_detection(*h.health_check) : never;
      return {health_check, std::min(health_check, container)};
    }
    case RecoveryKind::vm_ha:
      return {health_check, never};
  }
  return {};
}

sim::Time kubelet_probe_detection(const Probe& p) {
  VMCSIM_ASSERT(p.failure_threshold >= 1, "a probe fails after one check at least");
  const sim::Time step = std::max(p.period, p.timeout);
  return p.period + step * static_cast<std::int64_t>(p.failure_threshold - 1) + p.timeout;
}

sim::Time docker_check_detection(const Probe& p) {
  return (p.period + p.timeout) * static_cast<std::int64_t>(p.failure_threshold);
}

namespace {
// The first check at or after `t` of checks every `period` from 0 that skip those before
// `delay`.
sim::Time first_check_at_or_after(sim::Time t, sim::Time delay, sim::Time period) {
  VMCSIM_ASSERT(period > sim::Time::zero(), "a probe needs a period");
  const sim::Time from = std::max(t, delay);
  return period * ((from.ns() + period.ns() - 1) / period.ns());
}
}  // namespace

sim::Time readiness_delay(const Probe& p) {
  return first_check_at_or_after(sim::Time::zero(), p.initial_delay, p.period) +
         p.period * static_cast<std::int64_t>(p.success_threshold - 1);
}

sim::Time startup_deadline(const Probe& s) {
  return first_check_at_or_after(sim::Time::zero(), s.initial_delay, s.period) +
         s.period * static_cast<std::int64_t>(s.failure_threshold - 1);
}

sim::Time startup_ready_delay(const Probe& s, const std::optional<Probe>& readiness,
                              sim::Time app_up) {
  const sim::Time started = first_check_at_or_after(app_up, s.initial_delay, s.period);
  sim::Time ready = started;
  if (readiness) {
    const Probe& r = *readiness;
    const sim::Time first = started >= r.initial_delay
                                ? started
                                : first_check_at_or_after(started, r.initial_delay, r.period);
    ready = first + r.period * static_cast<std::int64_t>(r.success_threshold - 1);
  }
  return ready - app_up;
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
