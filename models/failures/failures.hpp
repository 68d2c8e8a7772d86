#pragma once
// Failures: what breaks, when, and how long each platform takes to notice and to replace what
// was lost. Pure data and pure functions: the plan of failure events of one run is computed up
// front from the spec, the hosts and the seed; app/runner/failures.* plays it against a Cluster.
//
//   FailureSpec spec;
//   spec.zone_outages.push_back({"zone-0", 10_min, 20_min});
//   auto events = plan_failures(spec, hosts, 1_h, seed, replication);  // sorted by time
//
// Random streams: each failure process draws from a stream of its own, named by what it
// breaks ("failures/host/<host>", "failures/crash/<service>"), so adding a process, a host or a
// service never changes the draws of the others (design/style.md: streams named by entity).
//
// Hierarchy: a failed host takes down everything on it (its VMs, node VMs, the containers in
// those and the microVMs), which is the Cluster's job (Cluster::fail_host); this header only
// says which hosts fail and when.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/distributions.hpp"
#include "sim/time.hpp"

namespace vmcsim::models::failures {

// How a platform detects a lost instance and replaces it (recovery.hpp gives the delays).
enum class RecoveryKind {
  kubernetes,  // node lifecycle controller + taint-based eviction; kubelet restarts crashes
  ecs,         // ECS service scheduler, targets behind a load balancer's health check
  vm_ha,       // hypervisor HA restarts the VMs of a failed host on another host
};
std::string_view to_string(RecoveryKind k);

// A periodic health check, as Kubernetes probes and ECS container health checks run it: the
// first check `initial_delay` after the container starts, then one every `period`; the check
// fails `failure_threshold` times in a row before the container counts as failed, and succeeds
// `success_threshold` times before it counts as passing. A check that gets no answer within
// `timeout` fails then (Kubernetes timeoutSeconds, ECS/Docker timeout): a hung process is
// noticed only that late on each check, and how the next check is scheduled after a slow one
// differs by platform (recovery.hpp, kubelet_probe_detection and docker_check_detection).
// Zero: the check fails at once (what tests of the bare period x threshold use).
struct Probe {
  sim::Time initial_delay;
  sim::Time period;
  int failure_threshold = 1;
  int success_threshold = 1;
  sim::Time timeout;  // last, so the {delay, period, failures, successes} spelling still holds
};

// Detection settings, grouped by who applies them. Their defaults live in the catalog
// (models/catalog/detection.yaml, each with its source; Catalog::detection()), never here: a
// DetectionConfig{} is all zeros. A scenario's `failures: {detection: ...}` overrides them.
struct DetectionConfig {
  // Kubernetes. kube-controller-manager --node-monitor-grace-period: a node silent this long
  // is NotReady and its pods leave the endpoints; the pods are evicted once the NoExecute
  // toleration the DefaultTolerationSeconds admission plugin adds (`not_ready_toleration`)
  // runs out. `probe`: a probe's field defaults (periodSeconds, failureThreshold, ...).
  // `drain_retry`: how long kubectl drain waits after an eviction the API refused (HTTP 429).
  sim::Time node_monitor_grace_period;
  sim::Time not_ready_toleration;
  Probe probe;
  sim::Time drain_retry;
  // A load balancer's target health check (in front of ECS tasks and of VMs): a target is
  // unhealthy after `unhealthy_threshold` failed checks `health_check_interval` apart.
  sim::Time health_check_interval;
  int unhealthy_threshold = 0;
  // ECS: a container health check's defaults (interval = period, retries = failure_threshold,
  // startPeriod = initial_delay, timeout), and a service's deployment configuration defaults.
  Probe container_health_check;
  double minimum_healthy_percent = 0.0;
  double maximum_percent = 0.0;
  // VMs: HA declares a host dead and restarts its VMs elsewhere after `ha_detection`; a guest's
  // supervisor (systemd Restart=on-failure) restarts a crashed process after
  // `supervisor_restart` (RestartSec).
  sim::Time ha_detection;
  sim::Time supervisor_restart;
};

// A PodDisruptionBudget: at most one of the two is set; a percent is of the desired count
// (minAvailable rounds up, maxUnavailable rounds up too, as the disruption controller does).
struct DisruptionBudget {
  enum class Kind { none, min_available, max_unavailable };
  Kind kind = Kind::none;
  double value = 0.0;
  bool percent = false;
  // How many ready replicas an eviction must leave, of `desired`.
  int min_ready(int desired) const;
};

// A service's own health settings (`services[].probes`, `health_check`, `disruption_budget`,
// `deployment`), fields it leaves out taken from the catalog's DetectionConfig.
struct ServiceHealth {
  std::string service;
  std::optional<Probe> readiness;  // Kubernetes readinessProbe: gates traffic
  std::optional<Probe> liveness;   // Kubernetes livenessProbe: restarts a hung container
  // Kubernetes startupProbe: holds readiness and liveness back until it passes, and restarts
  // a container whose application is not up within its checks (recovery.hpp, startup_*).
  std::optional<Probe> startup;
  std::optional<Probe> health_check;  // ECS container healthCheck
  DisruptionBudget budget;            // Kubernetes PodDisruptionBudget, honoured by drains
  // ECS deployment configuration, honoured when its container instance drains.
  double minimum_healthy_percent = 100.0;
  double maximum_percent = 200.0;
};

// A host that fails at random: up for time_between, down for repair, again and again
// (MTBF/MTTR as distributions in seconds). Empty hosts: every host.
struct RandomHostFailures {
  sim::Distribution time_between;  // seconds up between failures (mean = MTBF)
  sim::Distribution repair;        // seconds down (mean = MTTR)
  std::vector<std::string> hosts;
};

// A service's process crashes at random: the gaps between crashes of its instances (seconds).
// `hang`: the process stops answering but does not exit, so only a liveness probe or a health
// check notices it (Kubernetes: livenessProbe; ECS: the container health check or the load
// balancer; a VM: nothing restarts it, the load balancer only stops sending to it).
struct RandomCrashes {
  std::string service;
  sim::Distribution time_between;
  bool hang = false;
};

struct ZoneOutage {
  std::string zone;
  sim::Time at;
  sim::Time duration;
};

// Planned maintenance: the host is cordoned and its instances drained (replacements start at
// once) at `at`; it takes work again after `duration`.
struct HostDrain {
  std::string host;
  sim::Time at;
  sim::Time duration;
};

// EC2 Spot / Fargate Spot: the notice comes `notice` before the host is reclaimed; the
// instances on it are drained from the notice, and what is still there at the end is lost. The
// host does not come back. "A Spot Instance interruption notice is a warning that is issued
// two minutes before Amazon EC2 stops or terminates your Spot Instance" (EC2 User Guide, Spot
// Instance interruption notices).
struct SpotInterruption {
  std::string host;
  sim::Time at;  // when the notice arrives
  sim::Time notice = sim::Time::from_s(120);
};

struct FailureSpec {
  std::vector<RandomHostFailures> host_failures;
  std::vector<RandomCrashes> crashes;
  std::vector<ZoneOutage> zone_outages;
  std::vector<HostDrain> drains;
  std::vector<SpotInterruption> spot;
  DetectionConfig detection;
  // Per service, in the scenario's order (filled by the runner from the services).
  std::vector<ServiceHealth> health;
  // Some service has a startup probe: its give-ups restart containers, which the failure driver
  // plays even when nothing else fails (app/runner/failures.hpp).
  bool has_startup_probes() const {
    return std::any_of(health.begin(), health.end(),
                       [](const ServiceHealth& h) { return h.startup.has_value(); });
  }
  // A service is available while it has at least ceil(this x desired / 100) running replicas
  // (ECS's minimumHealthyPercent; its default is 100).
  double min_healthy_percent = 100.0;

  bool empty() const {
    return host_failures.empty() && crashes.empty() && zone_outages.empty() && drains.empty() &&
           spot.empty();
  }
};

// A host as the plan sees it.
struct HostInfo {
  std::string name;
  std::string zone;
};

enum class EventKind {
  host_down,    // the host fails: everything on it is lost
  host_up,      // repaired (empty)
  drain_start,  // cordon and drain
  drain_end,    // uncordon
  crash,        // one running instance of `service` crashes
  hang,         // one running instance of `service` hangs (alive, but answers nothing)
};
std::string_view to_string(EventKind k);

struct FailureEvent {
  sim::Time at;
  EventKind kind = EventKind::host_down;
  std::size_t host = 0;     // host_* and drain_*: index into the hosts given to plan_failures
  std::size_t service = 0;  // crash: index into the service names given
  double pick = 0.0;        // crash: which running instance, as a fraction in [0, 1)
  std::string cause;        // "random host failure", "zone outage zone-0", "spot interruption"
};

// Every failure event in [0, end), sorted by time (ties: in the order the spec lists them,
// host_up before host_down of the same host so a repaired host can fail again at once).
// Service names index RandomCrashes::service (every one of them must be listed: the loader
// checked names). Host and zone names were checked by the loader too; an unknown one here is a
// broken contract (VMCSIM_ASSERT).
std::vector<FailureEvent> plan_failures(const FailureSpec& spec, std::span<const HostInfo> hosts,
                                        std::span<const std::string> services, sim::Time end,
                                        std::uint64_t seed, std::uint64_t replication);

}  // namespace vmcsim::models::failures
