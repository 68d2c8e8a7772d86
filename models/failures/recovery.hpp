#pragma once
// How long each platform takes between a failure and (a) traffic no longer going to the lost
// instance, (b) its replacement being requested. The replacement then pays the whole start of
// the platform (placement, pull, boot) as any new replica does.
//
//   host / node failure                     unhealthy_after          replace_after
//   kubernetes  node-monitor grace (40 s)   grace                    grace + tolerationSeconds
//                                                                    (40 + 300 = 340 s)
//   ecs         target health check         interval x threshold     the same (60 s): the
//                                           (30 s x 2 = 60 s)        scheduler replaces tasks
//                                                                    the ELB marks unhealthy
//   vm_ha       LB health check, HA         interval x threshold     HA detection (15 s)
//
//   process crash
//   kubernetes  the kubelet sees the exit   0                        CrashLoopBackOff delay
//   ecs         the agent sees the exit     0                        0 (a new task at once)
//   vm_ha       the guest's supervisor      0                        0 (modelled as a new VM:
//                                                                    an over-estimate, see
//                                                                    docs/availability.md)
#include "models/failures/failures.hpp"

namespace vmcsim::models::failures {

struct RecoveryTimes {
  sim::Time unhealthy_after;  // failure -> the load balancer stops sending to it
  sim::Time replace_after;    // failure -> the platform requests a replacement
};

RecoveryTimes host_failure_recovery(RecoveryKind kind, const DetectionConfig& d);
RecoveryTimes crash_recovery(RecoveryKind kind, const DetectionConfig& d, sim::Time backoff);

// CrashLoopBackOff as the kubelet applies it to one container: "After containers in a Pod exit,
// the kubelet restarts them with an exponential back-off delay (10s, 20s, 40s, ...), that is
// capped at 300 seconds (5 minutes). Once a container has executed for 10 minutes without any
// problems, the kubelet resets the restart backoff timer for that container." (Kubernetes docs,
// Pod Lifecycle, Container restart policy.)
class CrashLoopBackoff {
 public:
  static constexpr sim::Time kInitial = sim::Time::from_s(10);
  static constexpr sim::Time kCap = sim::Time::from_s(300);
  static constexpr sim::Time kReset = sim::Time::from_s(600);

  // The delay before the restart that follows a crash at `at`. The container last (re)started
  // at `started`; if it ran for kReset or longer, the back-off starts over.
  sim::Time on_crash(sim::Time started, sim::Time at);
  int restarts() const { return restarts_; }

 private:
  int restarts_ = 0;  // restarts since the last reset
};

}  // namespace vmcsim::models::failures
