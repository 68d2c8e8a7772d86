#include "app/runner/failures.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "sim/assert.hpp"

namespace vmcsim::app::runner {

namespace mf = models::failures;
namespace mm = models::metrics;
using sim::Time;

mf::RecoveryKind recovery_kind(const models::VariantConfig& v) {
  using models::PlatformKind;
  switch (v.platform) {
    case PlatformKind::vm:
    case PlatformKind::microvm:
      return v.profile != nullptr && v.profile->fargate_task_sizes.value ? mf::RecoveryKind::ecs
                                                                         : mf::RecoveryKind::vm_ha;
    case PlatformKind::container_in_vm: {
      const std::string name = v.node_profile != nullptr ? v.node_profile->name : "";
      const bool k8s =
          name.find("eks") != std::string::npos || name.find("k8s") != std::string::npos;
      return k8s ? mf::RecoveryKind::kubernetes : mf::RecoveryKind::ecs;
    }
    case PlatformKind::container:
      return mf::RecoveryKind::kubernetes;
  }
  return mf::RecoveryKind::kubernetes;
}

void apply_health(models::ClusterConfig& config,
                  std::span<const models::failures::ServiceHealth> health) {
  if (recovery_kind(config.variant) != mf::RecoveryKind::kubernetes) return;
  for (std::size_t i = 0; i < health.size() && i < config.services.size(); ++i) {
    if (health[i].readiness)
      config.services[i].readiness_delay = mf::readiness_delay(*health[i].readiness);
    config.services[i].startup_probe = health[i].startup;
    config.services[i].readiness_probe = health[i].readiness;
  }
}

namespace {
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

// Kubernetes drains honour PodDisruptionBudgets, ECS drains the deployment configuration; a VM
// platform's drain moves everything at once (what it always did).
models::Cluster::DrainPolicy drain_policy(mf::RecoveryKind kind, const mf::FailureSpec& spec) {
  using Kind = models::Cluster::DrainPolicy::Kind;
  models::Cluster::DrainPolicy p;
  p.retry = spec.detection.drain_retry;
  p.kind = kind == mf::RecoveryKind::kubernetes ? Kind::disruption_budget
           : kind == mf::RecoveryKind::ecs      ? Kind::ecs_deployment
                                                : Kind::at_once;
  for (const mf::ServiceHealth& h : spec.health) {
    p.budgets.push_back(h.budget);
    p.deployment.emplace_back(h.minimum_healthy_percent, h.maximum_percent);
  }
  return p;
}
}  // namespace

struct FailureDriver::Impl {
  // What one failure of the log hit: per service, the running replicas it must get back to.
  struct Hit {
    std::map<std::size_t, int> targets;  // service -> running count before the failure
  };
  struct Lineage {  // a Kubernetes container's restarts (CrashLoopBackOff)
    mf::CrashLoopBackoff backoff;
    Time started;
  };
  struct ServiceUp {
    bool healthy = false;
    Time since;
    Time total;  // healthy time within [warmup, end]
  };

  sim::Simulation& sim;
  models::Cluster& cluster;
  mf::FailureSpec spec;
  mf::RecoveryKind kind;
  Window window;
  std::vector<mf::FailureEvent> plan;
  std::vector<std::string> host_names;
  std::vector<int> down_count;  // per host: failures holding it down
  std::vector<sim::EventId> events;
  std::vector<mm::FailureRecord> log;
  std::vector<Hit> hits;
  std::size_t current = kNone;                   // the failure being applied
  std::map<std::uint32_t, std::size_t> lost_by;  // lost replica -> its failure
  std::map<std::uint32_t, Lineage> lineages;
  std::vector<ServiceUp> up;
  std::uint64_t replaced = 0;
  // The runtime tells a state change before the Cluster has updated its replica: observe once
  // more at the same instant, after the handlers that follow.
  sim::EventId observe_event;
  bool observe_queued = false;

  void observe_soon() {
    if (observe_queued) return;
    observe_queued = true;
    observe_event = sim.schedule_in(Time::zero(), [this] {
      observe_queued = false;
      observe();
    });
  }

  Impl(sim::Simulation& s, models::Cluster& c, mf::FailureSpec sp, mf::RecoveryKind k, Window w)
      : sim(s), cluster(c), spec(std::move(sp)), kind(k), window(w) {}

  // The clipped length of [from, to) inside [warmup, end].
  Time inside(Time from, Time to) const {
    const Time a = std::max(from, window.warmup), b = std::min(to, window.end);
    return b > a ? b - a : Time::zero();
  }

  int min_healthy(std::size_t s) const {
    return static_cast<int>(
        std::ceil(spec.min_healthy_percent / 100.0 * cluster.desired(s) - 1e-9));
  }

  // Availability and recovery after any change.
  void observe() {
    const Time now = sim.now();
    for (std::size_t s = 0; s < up.size(); ++s) {
      const bool healthy = cluster.running(static_cast<std::size_t>(s)) >= min_healthy(s);
      if (healthy == up[s].healthy) continue;
      if (up[s].healthy) up[s].total += inside(up[s].since, now);
      up[s].healthy = healthy;
      up[s].since = now;
    }
    for (std::size_t f = 0; f < log.size(); ++f) {
      if (f == current || log[f].recovered || hits[f].targets.empty()) continue;
      const bool back =
          std::all_of(hits[f].targets.begin(), hits[f].targets.end(), [&](const auto& t) {
            const int want = std::min(t.second, cluster.desired(t.first));
            return cluster.running(t.first) >= want;
          });
      if (back) log[f].recovered = now;
    }
  }

  void apply(std::size_t i) {
    const mf::FailureEvent& e = plan[i];
    const bool on_host = e.kind != mf::EventKind::crash && e.kind != mf::EventKind::hang;
    const std::string target =
        on_host ? host_names[e.host] : cluster.service_config(e.service).name;
    log.push_back({e.at, std::string(mf::to_string(e.kind)), target, e.cause, 0, {}, {}, 0, 0, {}});
    hits.emplace_back();
    current = log.size() - 1;
    for (std::size_t s = 0; s < cluster.service_count(); ++s)
      hits[current].targets.emplace(s, cluster.running(s));
    switch (e.kind) {
      case mf::EventKind::host_down:
        if (down_count[e.host]++ == 0) cluster.fail_host(e.host, e.cause);
        break;
      case mf::EventKind::host_up:
        VMCSIM_ASSERT(down_count[e.host] > 0, "a host comes back that was not down");
        if (--down_count[e.host] == 0) cluster.recover_host(e.host);
        break;
      case mf::EventKind::drain_start:
        open_drains[e.host] = current;
        cluster.drain_host(e.host);
        break;
      case mf::EventKind::drain_end:
        cluster.uncordon_host(e.host);
        break;
      case mf::EventKind::crash:
        if (kind == mf::RecoveryKind::vm_ha) {
          restart_in_place(e);
        } else {
          cluster.crash(e.service, e.pick, e.cause);
        }
        break;
      case mf::EventKind::hang:
        cluster.crash(e.service, e.pick, e.cause);
        break;
    }
    // Only the services that lost replicas (or restarted one in place) must recover.
    std::erase_if(hits[current].targets, [&](const auto& t) {
      return lost_in(current, t.first) == 0 && !(restarted_in_place && t.first == e.service);
    });
    restarted_in_place = false;
    current = kNone;
    VMCSIM_ASSERT(cluster.instances_on_failed_hosts() == 0, "an instance runs on a failed host");
    observe();
  }

  // A VM's supervisor restarts the crashed process: no replica is lost, the service runs one
  // fewer for RestartSec (models/failures/recovery.hpp crash_recovery).
  bool restarted_in_place = false;
  void restart_in_place(const mf::FailureEvent& e) {
    const Time downtime = mf::crash_recovery(kind, spec.detection, Time::zero()).replace_after;
    if (!cluster.restart_in_place(e.service, e.pick, downtime, e.cause)) return;
    restarted_in_place = true;
    ++log[current].replicas_lost;
    log[current].detected = sim.now();
    // After the cluster's own event at the same instant: it is running again.
    events.push_back(sim.schedule_in(downtime, [this] { observe_soon(); }));
  }

  int lost_in(std::size_t failure, std::size_t service) const {
    int n = 0;
    for (const auto& [r, f] : lost_by)
      n += f == failure && cluster.replica_status(r).service == service;
    return n;
  }

  void on_lost(std::size_t /*service*/, std::uint32_t r) {
    VMCSIM_ASSERT(current != kNone, "a replica was lost outside a failure");
    const std::size_t f = current;
    lost_by.emplace(r, f);
    ++log[f].replicas_lost;
    const Time now = sim.now();
    mf::RecoveryTimes t;
    if (const mf::EventKind k = plan_kind(f);
        k == mf::EventKind::crash || k == mf::EventKind::hang) {
      Lineage lineage;
      if (const auto it = lineages.find(r); it != lineages.end()) {
        lineage = it->second;
        lineages.erase(it);
      } else {
        lineage.started = cluster.replica_status(r).requested;
      }
      const Time backoff = lineage.backoff.on_crash(lineage.started, now);
      const std::size_t service = cluster.replica_status(r).service;
      t = k == mf::EventKind::hang
              ? mf::hang_recovery(kind, spec.detection, health(service), backoff)
              : mf::crash_recovery(kind, spec.detection, backoff);
      pending_lineage.emplace(r, lineage);
    } else {
      t = mf::host_failure_recovery(kind, spec.detection);
    }
    // Time::max(): the platform never notices (a hang without a probe to see it).
    if (t.unhealthy_after != Time::max())
      events.push_back(
          sim.schedule_in(t.unhealthy_after, [this, r] { cluster.mark_unhealthy(r); }));
    if (t.replace_after != Time::max())
      events.push_back(sim.schedule_in(t.replace_after, [this, r, f] { replace(r, f); }));
  }

  mf::EventKind plan_kind(std::size_t failure) const {
    const std::string& k = log[failure].kind;
    // A startup probe's give-up restarts the container as a crash does (CrashLoopBackOff).
    if (k == "crash" || k == kStartupRestart) return mf::EventKind::crash;
    if (k == "hang") return mf::EventKind::hang;
    return mf::EventKind::host_down;
  }

  const mf::ServiceHealth& health(std::size_t service) const {
    static const mf::ServiceHealth none;
    return service < spec.health.size() ? spec.health[service] : none;
  }

  std::map<std::uint32_t, Lineage> pending_lineage;  // crashed, replacement not requested yet

  // --- Kubernetes startup probes (recovery.hpp, startup_deadline) ---
  // Booting instances of services with a startup probe -> their replica. The container starts
  // when the phase before app_init ends; the probe gives up startup_deadline after that if the
  // application is still not up, and the kubelet kills the container: a failure of its own in
  // the log ("startup_restart"), replaced after the CrashLoopBackOff delay as a crash is.
  static constexpr const char* kStartupRestart = "startup_restart";
  std::map<models::InstanceId, std::uint32_t> booting;

  const std::optional<mf::Probe>& startup_probe(std::size_t service) const {
    return cluster.service_config(service).startup_probe;
  }

  // The boot phase whose end is the container's start: the one before app_init. Empty: the
  // container starts with the instance (app_init first), or has no application start at all
  // (no app_init: nothing for a startup probe to wait for).
  static std::string_view container_start_phase(const models::PlatformProfile& p) {
    for (std::size_t j = 1; j < p.boot_phases.size(); ++j)
      if (p.boot_phases[j].name == "app_init") return p.boot_phases[j - 1].name;
    return {};
  }

  void launched(const models::ReplicaLaunch& l) {
    const auto& probe = startup_probe(l.service);
    if (!probe || kind != mf::RecoveryKind::kubernetes) return;
    booting[l.instance] = l.replica;
    const models::Instance& i = cluster.runtime().instance(l.instance);
    const auto& phases = i.profile->boot_phases;
    if (!phases.empty() && phases.front().name == "app_init")
      arm_startup_check(l.replica, l.instance, *probe);
  }

  void phase_ended(const models::Instance& i, const models::PhaseSpan& span) {
    const auto it = booting.find(i.id);
    if (it == booting.end() || span.name != container_start_phase(*i.profile)) return;
    const std::size_t service = cluster.replica_status(it->second).service;
    arm_startup_check(it->second, i.id, *startup_probe(service));
  }

  void arm_startup_check(std::uint32_t r, models::InstanceId id, const mf::Probe& probe) {
    events.push_back(sim.schedule_in(mf::startup_deadline(probe), [this, r, id] {
      booting.erase(id);
      const models::ReplicaStatus st = cluster.replica_status(r);
      if (st.instance != id || st.state != models::ReplicaState::starting ||
          cluster.runtime().instance(id).state != models::InstanceState::starting)
        return;  // up in time, or gone meanwhile
      startup_gave_up(r, st.service);
    }));
  }

  void startup_gave_up(std::uint32_t r, std::size_t service) {
    const std::string name = cluster.service_config(service).name;
    log.push_back({sim.now(),
                   kStartupRestart,
                   name,
                   "startup probe failed: the application was not up within initial_delay + "
                   "failure_threshold x period",
                   0,
                   {},
                   {},
                   0,
                   0,
                   {}});
    hits.emplace_back();
    current = log.size() - 1;
    // The service is back once it runs one more replica than now: the one that did not start.
    hits[current].targets.emplace(service,
                                  std::min(cluster.running(service) + 1, cluster.desired(service)));
    const bool lost = cluster.fail_start(r, kStartupRestart);
    current = kNone;
    if (!lost) {  // being scaled in: it stops anyway, nothing to restart or count
      log.pop_back();
      hits.pop_back();
      return;
    }
    observe();
  }

  // When an instance of a startup-probe service is up, its Ready time depends on how long its
  // application took: look again then (as the readiness delays above).
  void instance_up(const models::Instance& i) {
    const auto it = booting.find(i.id);
    if (it == booting.end()) return;
    const auto& cfg = cluster.service_config(cluster.replica_status(it->second).service);
    booting.erase(it);
    const Time delay =
        mf::startup_ready_delay(*cfg.startup_probe, cfg.readiness_probe, i.phase_time("app_init"));
    events.push_back(sim.schedule_in(delay, [this] { observe_soon(); }));
  }

  // A drain's outcome goes to the log line of the drain_start that began it (a drain joined by
  // a second drain_start of the same host reports on the latest).
  std::map<std::size_t, std::size_t> open_drains;  // host -> its drain_start's log line
  void drained(const models::Cluster::DrainResult& r) {
    const auto it = open_drains.find(r.host);
    if (it == open_drains.end()) return;
    mm::FailureRecord& rec = log[it->second];
    rec.evictions_refused = r.refused;
    rec.evictions_bypassed = r.bypassed;
    rec.drained = r.emptied;
    open_drains.erase(it);
  }

  void replace(std::uint32_t r, std::size_t f) {
    const int before_lost = cluster.lost(cluster.replica_status(r).service);
    const std::size_t before = cluster.replica_count();
    cluster.replace_lost(r);
    const bool counted = log[f].at >= window.warmup;
    if (cluster.lost(cluster.replica_status(r).service) < before_lost && counted) ++replaced;
    if (!log[f].detected) log[f].detected = sim.now();
    if (const auto it = pending_lineage.find(r); it != pending_lineage.end()) {
      // The replacement carries on the crashed container's back-off.
      if (cluster.replica_count() > before)
        lineages.emplace(static_cast<std::uint32_t>(before),
                         Lineage{it->second.backoff, sim.now()});
      pending_lineage.erase(it);
    }
    observe();
  }
};

FailureDriver::FailureDriver(sim::Simulation& sim, models::Cluster& cluster,
                             const mf::FailureSpec& spec, mf::RecoveryKind kind, Window window,
                             std::uint64_t seed, std::uint64_t replication)
    : impl_(std::make_unique<Impl>(sim, cluster, spec, kind, window)) {
  Impl& d = *impl_;
  std::vector<mf::HostInfo> hosts;
  for (const auto& h : cluster.hosts()) {
    const auto& labels = h->spec().labels;
    const auto zone = labels.find("zone");
    hosts.push_back({h->name(), zone == labels.end() ? std::string{} : zone->second});
    d.host_names.push_back(h->name());
  }
  std::vector<std::string> services;
  for (std::size_t s = 0; s < cluster.service_count(); ++s)
    services.push_back(cluster.service_config(s).name);
  d.plan = mf::plan_failures(spec, hosts, services, window.end, seed, replication);
  d.down_count.assign(hosts.size(), 0);
  d.up.resize(cluster.service_count());
  for (auto& u : d.up)
    u.healthy = false;  // nothing runs before t = 0's start event
  for (std::size_t i = 0; i < d.plan.size(); ++i)
    d.events.push_back(sim.schedule_at(d.plan[i].at, [&d, i] { d.apply(i); }));
  cluster.on_replica_lost.connect(
      [&d](std::size_t service, std::uint32_t r) { d.on_lost(service, r); });
  // A readiness probe holds a running instance out of service for its service's delay: look
  // again once it has passed (observe_soon lands after the Cluster's own event at that instant).
  std::vector<Time> readiness;
  for (std::size_t s = 0; s < cluster.service_count(); ++s)
    if (const Time t = cluster.service_config(s).readiness_delay;
        t > Time::zero() && std::find(readiness.begin(), readiness.end(), t) == readiness.end())
      readiness.push_back(t);
  cluster.runtime().on_state_change.connect([&d, &sim, readiness](const models::Instance& i) {
    d.observe_soon();
    if (i.state != models::InstanceState::running) return;
    for (const Time t : readiness)
      d.events.push_back(sim.schedule_in(t, [&d] { d.observe_soon(); }));
    d.instance_up(i);
  });
  if (d.spec.has_startup_probes() && d.kind == mf::RecoveryKind::kubernetes) {
    cluster.on_replica_launch.connect([&d](const models::ReplicaLaunch& l) { d.launched(l); });
    cluster.runtime().on_phase_end.connect(
        [&d](const models::Instance& i, const models::PhaseSpan& p) { d.phase_ended(i, p); });
  }
  cluster.on_desired_change.connect([&d](std::size_t, int, int) { d.observe(); });
  cluster.set_drain_policy(drain_policy(d.kind, d.spec));
  cluster.on_drain_done.connect([&d](const models::Cluster::DrainResult& r) { d.drained(r); });
}

FailureDriver::~FailureDriver() {
  for (const sim::EventId id : impl_->events)
    impl_->sim.cancel(id);
  impl_->sim.cancel(impl_->observe_event);
}

void FailureDriver::finish(Time now, mm::VariantRunMetrics& m) {
  Impl& d = *impl_;
  d.observe();
  double sum = 0.0;
  const Time window = d.inside(Time::zero(), std::max(now, d.window.end));
  for (auto& u : d.up) {
    if (u.healthy) u.total += d.inside(u.since, now);
    sum += window > Time::zero() ? u.total / window : 1.0;
  }
  m.failures_modelled = true;
  m.availability = d.up.empty() ? 1.0 : sum / static_cast<double>(d.up.size());
  for (const auto& [r, f] : d.lost_by)
    if (d.log[f].at >= d.window.warmup) ++m.replicas_lost;
  m.replicas_replaced = d.replaced;
  for (const auto& f : d.log)
    if (f.replicas_lost > 0 && !f.recovered && f.at >= d.window.warmup) ++m.failures_unrecovered;
  m.failure_log = d.log;
}

}  // namespace vmcsim::app::runner
