#include "models/cluster/cluster_state.hpp"

// Function services: scale to zero, cold starts, keep-alive and pre-warming (models/serverless).
namespace vmcsim::models {

using namespace cluster_detail;

// --- [fn] functions: scale to zero, cold starts, keep-alive (models/serverless) ------------

// Starts enough instances for what waits beyond the concurrency of those already starting,
// within max_instances and the scaling limit (a short bucket retries when it has a token).
void Cluster::cold_start(std::size_t service) {
  Service& svc = services_[service];
  const serverless::FunctionConfig& fc = svc.config->function;
  const int concurrency = std::max(1, svc.config->effective_concurrency());
  std::int64_t coming = 0;
  for (const std::uint32_t r : svc.live) {
    const Replica& rep = replicas_[r];
    if ((rep.state == ReplicaState::pending || rep.state == ReplicaState::starting) &&
        !rep.stop_when_ready)
      coming += rep.concurrency;
  }
  const std::int64_t short_by = static_cast<std::int64_t>(svc.queued) - coming;
  if (short_by <= 0) return;
  std::int64_t add = (short_by + concurrency - 1) / concurrency;
  if (fc.max_instances > 0)
    add = std::min<std::int64_t>(add, fc.max_instances - std::ssize(svc.live));
  if (add <= 0) return;
  const sim::Time now = sim_.now();
  if (svc.scale_limit) {
    const auto tokens = static_cast<std::int64_t>(std::floor(svc.scale_limit->tokens(now)));
    if (tokens < add) {
      ++svc.stats.scaling_limited;
      if (!svc.scale_retry_armed) {
        svc.scale_retry_armed = true;
        svc.scale_retry = sim_.schedule_at(svc.scale_limit->available_at(now, 1.0), [this, service] {
          services_[service].scale_retry_armed = false;
          cold_start(service);
        });
      }
    }
    add = std::min(add, tokens);
    if (add <= 0) return;
    svc.scale_limit->take(now, static_cast<double>(add));
  }
  svc.stats.instances_started += static_cast<std::uint64_t>(add);
  const std::size_t before = svc.live.size();
  set_desired(service, svc.desired + static_cast<int>(add));
  for (std::size_t k = before; k < svc.live.size(); ++k)
    replicas_[svc.live[k]].fn_start = 1;  // for the trace
}

// A running instance with nothing in service and nothing queued: warm and idle from now, kept
// as the service's keep-alive policy says.
void Cluster::went_idle(std::uint32_t r) {
  Replica& rep = replicas_[r];
  Service& svc = services_[rep.service];
  if (!svc.function || rep.state != ReplicaState::running ||
      rep.in_service > 0 || rep.idle)
    return;
  const sim::Time now = sim_.now();
  rep.idle = true;
  rep.idle_since = now;
  const bool function_idle = svc.in_service == 0 && svc.queued == 0;
  if (rep.prewarmed) {  // a pre-warmed instance waits until its window ends
    if (rep.expires_at <= now) stop_idle(r);
    else rep.expiry = sim_.schedule_at(rep.expires_at, [this, r] { expire(r); });
    return;
  }
  if (svc.keep_alive->per_function()) {
    function_went_idle(r, function_idle);
    return;
  }
  if (function_idle && !svc.idle) {
    svc.idle = true;
    svc.idle_since = now;
    svc.executed = true;
  }
  // Per instance (fixed, none): kept from its own idle start.
  rep.expires_at = sim::Time::saturating_add(now, svc.keep_alive->windows().keep_alive);
  if (rep.expires_at <= now) {
    stop_idle(r);
    return;
  }
  rep.expiry = sim_.schedule_at(rep.expires_at, [this, r] { expire(r); });
}

// A per-function policy (hybrid): the windows count from the end of the function's last
// execution and govern all its instances. An instance idle while others still execute stays
// loaded; when the function goes idle, its windows are drawn once for the idle period: with a
// pre-warm window every idle instance is unloaded and one is loaded when the window ends,
// otherwise every idle instance is kept until the keep-alive window ends. An instance that
// becomes ready later in the same idle period joins the period's decision.
void Cluster::function_went_idle(std::uint32_t r, bool function_idle) {
  Replica& rep = replicas_[r];
  const std::size_t s = rep.service;
  Service& svc = services_[s];
  const sim::Time now = sim_.now();
  if (!function_idle) {
    rep.expires_at = sim::Time::max();
    return;
  }
  std::vector<std::uint32_t> governed{r};
  if (!svc.idle) {  // the function's last execution ended now: a new idle period
    svc.idle = true;
    svc.idle_since = now;
    svc.executed = true;
    const serverless::Windows w = svc.keep_alive->windows();
    sim_.cancel(svc.prewarm_timer);
    if (w.prewarm > sim::Time::zero()) {
      const sim::Time until = sim::Time::saturating_add(now + w.prewarm, w.keep_alive);
      svc.prewarm_timer =
          sim_.schedule_at(now + w.prewarm, [this, s, until] { prewarm(s, until); });
      svc.idle_keep_until = now;  // unloaded for the pre-warm window
    } else {
      svc.idle_keep_until = sim::Time::saturating_add(now, w.keep_alive);
    }
    governed.clear();
    for (const std::uint32_t other : svc.live)
      if (replicas_[other].idle && !replicas_[other].prewarmed) governed.push_back(other);
  }
  for (const std::uint32_t g : governed) {
    Replica& gr = replicas_[g];
    sim_.cancel(gr.expiry);
    gr.expires_at = svc.idle_keep_until;
    if (gr.expires_at <= now) stop_idle(g);
    else gr.expiry = sim_.schedule_at(gr.expires_at, [this, g] { expire(g); });
  }
}

// An arrival: instances due at this instant are gone first (a request exactly at the expiry is
// cold, whichever event of the instant runs first); then one idle-time sample for the policy:
// the time since the function's last execution ended, 0 when one is still in service or
// queued (the paper's idle time, clamped at 0 for overlapping invocations).
void Cluster::function_arrival(std::size_t service) {
  expire_due(service);
  Service& svc = services_[service];
  if (svc.idle) {
    svc.keep_alive->observe_idle(sim_.now() - svc.idle_since);
    svc.idle = false;
    if (svc.keep_alive->per_function()) {
      // Busy again: the function's idle instances stay loaded while it executes.
      for (const std::uint32_t r : svc.live) {
        Replica& rep = replicas_[r];
        if (!rep.idle || rep.prewarmed) continue;
        sim_.cancel(rep.expiry);
        rep.expires_at = sim::Time::max();
      }
    }
  } else if (svc.executed) {
    svc.keep_alive->observe_idle(sim::Time::zero());
  }
}

// Ends an idle interval (a request starts, or the instance stops): its memory-time is wasted.
void Cluster::end_idle(std::uint32_t r) {
  Replica& rep = replicas_[r];
  if (!rep.idle) return;
  Service& svc = services_[rep.service];
  rep.idle = false;
  sim_.cancel(rep.expiry);
  svc.stats.idle_gib_seconds +=
      (sim_.now() - rep.idle_since).seconds() * reserved_memory(rep.service).gib_value();
}

bool Cluster::expiry_due(std::uint32_t r) const {
  const Replica& rep = replicas_[r];
  return rep.idle && rep.state == ReplicaState::running && rep.expires_at <= sim_.now();
}

void Cluster::expire(std::uint32_t r) {
  if (expiry_due(r)) stop_idle(r);
}

void Cluster::expire_due(std::size_t service) {
  // Called on every arrival: look first, and copy `live` (stop_idle changes it) only when some
  // instance is actually due, so the common arrival allocates nothing.
  const auto& live = services_[service].live;
  if (std::none_of(live.begin(), live.end(), [this](std::uint32_t r) { return expiry_due(r); }))
    return;
  for (const std::uint32_t r : std::vector<std::uint32_t>(live.begin(), live.end()))
    expire(r);
}

// Stops one idle instance unless the provisioned instances would fall short (those stay warm).
void Cluster::stop_idle(std::uint32_t r) {
  Replica& rep = replicas_[r];
  Service& svc = services_[rep.service];
  if (std::ssize(svc.live) <= svc.config->function.provisioned) {
    rep.expires_at = sim::Time::max();
    sim_.cancel(rep.expiry);
    return;
  }
  end_idle(r);
  ++svc.stats.expiries;
  rep.unloaded = true;
  svc.live.erase(std::find(svc.live.begin(), svc.live.end(), r));
  const int old = svc.desired;
  svc.desired = std::max(0, svc.desired - 1);
  on_desired_change.emit(rep.service, old, svc.desired);
  retire(r);
}

// The pre-warm window ended with the function still idle and nothing live: load one instance,
// kept warm until `until` unless a request takes it first.
void Cluster::prewarm(std::size_t service, sim::Time until) {
  Service& svc = services_[service];
  if (!svc.idle || !svc.live.empty()) return;
  ++svc.stats.prewarms;
  ++svc.stats.instances_started;
  set_desired(service, svc.desired + 1);
  Replica& rep = replicas_[svc.live.back()];
  rep.prewarmed = true;
  rep.fn_start = 2;
  rep.expires_at = until;
}

serverless::FunctionStats Cluster::function_stats(std::size_t service, sim::Time now) const {
  const Service& svc = services_.at(service);
  serverless::FunctionStats st = svc.stats;
  if (svc.keep_alive) st.keep_alive = svc.keep_alive->decisions();
  for (const std::uint32_t r : svc.live) {
    const Replica& rep = replicas_[r];
    if (rep.idle)
      st.idle_gib_seconds +=
          (now - rep.idle_since).seconds() * reserved_memory(service).gib_value();
  }
  return st;
}

}  // namespace vmcsim::models
