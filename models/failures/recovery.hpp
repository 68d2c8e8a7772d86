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
//   vm_ha       the guest's supervisor restarts the process in place after RestartSec (100 ms):
//               no new VM, no boot (Cluster::restart_in_place, DetectionConfig::supervisor_restart)
//
//   process hang (alive, answers nothing)
//   kubernetes  readiness probe: period x failureThreshold; liveness probe: period x
//               failureThreshold, then the CrashLoopBackOff delay; no probe: never
//   ecs         LB health check (60 s)      min(LB, container health check interval x retries)
//   vm_ha       LB health check (60 s)      never (neither HA nor systemd sees a hang)
//
// "Never" is sim::Time::max(): the instance stays lost (and counted unrecovered).
#include "models/failures/failures.hpp"

namespace vmcsim::models::failures {

struct RecoveryTimes {
  sim::Time unhealthy_after;  // failure -> the load balancer stops sending to it
  sim::Time replace_after;    // failure -> the platform requests a replacement
};

RecoveryTimes host_failure_recovery(RecoveryKind kind, const DetectionConfig& d);
RecoveryTimes crash_recovery(RecoveryKind kind, const DetectionConfig& d, sim::Time backoff);
RecoveryTimes hang_recovery(RecoveryKind kind, const DetectionConfig& d, const ServiceHealth& h,
                            sim::Time backoff);

// How long a probe takes to declare a failure that starts just before a check: period x
// failureThreshold consecutive failed checks.
sim::Time probe_detection(const Probe& p);

// How long a started container waits before its readiness probe passes and it takes requests.
// The kubelet probes at once and then every period, skipping the checks that come before
// initialDelaySeconds (pkg/kubelet/prober/worker.go); the container is ready after
// successThreshold passing checks: the first check at or after the initial delay on the
// period grid, then successThreshold - 1 more periods.
sim::Time readiness_delay(const Probe& p);

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
