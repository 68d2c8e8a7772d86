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
  const std::int64_t short_by = static_cast<std::int64_t>(svc.queue.size()) - coming;
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
  set_desired(service, svc.desired + static_cast<int>(add));
}

// A running instance with nothing in service and nothing queued: warm and idle from now, kept
// as the service's keep-alive policy says.
void Cluster::went_idle(std::uint32_t r) {
  Replica& rep = replicas_[r];
  Service& svc = services_[rep.service];
  if (!svc.config->function.enabled || rep.state != ReplicaState::running ||
      rep.in_service > 0 || rep.idle)
    return;
  const sim::Time now = sim_.now();
  rep.idle = true;
  rep.idle_since = now;
  const bool function_idle = svc.in_service == 0 && svc.queue.empty();
  if (rep.prewarmed) {  // a pre-warmed instance waits until its window ends
    if (rep.expires_at <= now) stop_idle(r);
    else rep.expiry = sim_.schedule_at(rep.expires_at, [this, r] { expire(r); });
    return;
  }
  const serverless::Windows w = svc.keep_alive->windows();
  if (function_idle && !svc.idle) {
    svc.idle = true;
    svc.idle_since = now;
  }
  if (function_idle && w.prewarm > sim::Time::zero()) {
    // Unload now and load again at the pre-warm window (paper: pre-warm, then keep alive).
    for (const std::uint32_t other : std::vector<std::uint32_t>(svc.live))
      if (replicas_[other].idle) stop_idle(other);
    sim_.cancel(svc.prewarm_timer);
    const std::size_t s = rep.service;
    const sim::Time until = now + w.prewarm + w.keep_alive;
    svc.prewarm_timer = sim_.schedule_at(now + w.prewarm, [this, s, until] { prewarm(s, until); });
    return;
  }
  rep.expires_at = sim::Time::saturating_add(now, w.prewarm + w.keep_alive);
  if (rep.expires_at <= now) {
    stop_idle(r);
    return;
  }
  rep.expiry = sim_.schedule_at(rep.expires_at, [this, r] { expire(r); });
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
  const std::vector<std::uint32_t>& live = services_[service].live;
  if (std::none_of(live.begin(), live.end(), [this](std::uint32_t r) { return expiry_due(r); }))
    return;
  for (const std::uint32_t r : std::vector<std::uint32_t>(live))
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
  rep.expires_at = until;
}

serverless::FunctionStats Cluster::function_stats(std::size_t service, sim::Time now) const {
  const Service& svc = services_.at(service);
  serverless::FunctionStats st = svc.stats;
  for (const std::uint32_t r : svc.live) {
    const Replica& rep = replicas_[r];
    if (rep.idle)
      st.idle_gib_seconds +=
          (now - rep.idle_since).seconds() * reserved_memory(service).gib_value();
  }
  return st;
}

}  // namespace vmcsim::models
