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
//   process hang (alive, answers nothing; each check of it runs into its timeout)
//   kubernetes  readiness probe:            liveness probe: kubelet_probe_detection
//               kubelet_probe_detection     (31 s with the defaults), then the
//               (no probe: never)           CrashLoopBackOff delay; no probe: never
//   ecs         LB health check (60 s)      min(LB, container health check
//                                           docker_check_detection (105 s by default))
//   vm_ha       LB health check (60 s)      never (neither HA nor systemd sees a hang)
//
//   Kubernetes startupProbe: the application not up by startup_deadline after its container
//   started: the kubelet kills the container (a restart, with the CrashLoopBackOff delay)
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

// How long a Kubernetes probe takes to declare a hang that begins just after a check passed
// (the latest point: the next check is a whole period away). The kubelet's prober worker
// (pkg/kubelet/prober/worker.go, run) calls doProbe, which waits for the probe's answer or its
// timeoutSeconds, and then waits for the next tick of a time.Ticker of periodSeconds; a Go
// ticker "adjusts the time interval or drop[s] ticks to make up for slow receivers" (its channel
// holds one tick). So checks start on the period grid while they finish within it, and back to
// back once the timeout is the longer (the API accepts timeoutSeconds > periodSeconds: it checks
// each field alone, ValidateNonnegativeField). Check k (1-based) of a hang fails at
//   period + (k - 1) x max(period, timeout) + timeout,
// and the failureThreshold-th declares it: 10 + 2 x 10 + 1 = 31 s with the API's defaults.
sim::Time kubelet_probe_detection(const Probe& p);

// The same for a Docker HEALTHCHECK, which the ECS agent runs a container health check as:
// "The health check will first run interval seconds after the container is started, and then
// again interval seconds after each previous check completes. If a single run of the check
// takes longer than timeout seconds then the check is considered to have failed" (Dockerfile
// reference, HEALTHCHECK; moby daemon/health.go, monitor: the interval timer is reset after the
// probe's result, and a probe past its timeout gets exit code -1). Each failed check of a hang
// takes interval + timeout: retries x (interval + timeout), 3 x (30 + 5) = 105 s by default.
sim::Time docker_check_detection(const Probe& p);

// How long a started container waits before its readiness probe passes and it takes requests.
// The kubelet probes at once and then every period, skipping the checks that come before
// initialDelaySeconds (pkg/kubelet/prober/worker.go); the container is ready after
// successThreshold passing checks: the first check at or after the initial delay on the
// period grid, then successThreshold - 1 more periods. (Counted from when the application is
// up; with a startup probe, startup_ready_delay.)
sim::Time readiness_delay(const Probe& p);

// Kubernetes startupProbe. "If such a probe is configured, it disables liveness and readiness
// checks until it succeeds" (Kubernetes docs, Liveness, Readiness, and Startup Probes); the
// prober worker skips the other probes until the container counts as started, and kills the
// container once the startup probe fails failureThreshold times in a row (worker.go, doProbe:
// "The container fails a liveness/startup check, it will need to be restarted").
// Times are counted from the container's start, the application being up `app_up` later
// (its app_init phase). The startup probe checks on its period grid from its initial delay; a
// check before the application is up fails at once (nothing listens yet, so no timeout runs).
//
// startup_deadline: when the failureThreshold-th check runs, ceil(initialDelay / period) +
// failureThreshold - 1 periods in: an application not up by then is killed then.
sim::Time startup_deadline(const Probe& startup);
// The delay from the application being up (app_up <= startup_deadline) until the container is
// Ready: the startup probe passes at its first check at or after app_up; that status change
// makes the kubelet run the readiness probe at once (prober_manager.go, UpdatePodStatus:
// "Trigger an immediate run of the readinessProbe") unless the readiness probe's initial delay
// has not passed, in which case its first check on its own grid after the delay counts; then
// successThreshold - 1 more readiness periods. No readiness probe: Ready once started.
sim::Time startup_ready_delay(const Probe& startup, const std::optional<Probe>& readiness,
                              sim::Time app_up);

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
