#include "models/cluster/cluster_state.hpp"

#include <utility>

// Failures: hosts failing, recovering and draining, crashes, lost replicas and their replacement.
namespace vmcsim::models {

using namespace cluster_detail;

// --- failures -------------------------------------------------------------------------------

const Node* Cluster::physical_of(const Node& node) const {
  return node.is_vm_node() && node.parent() != nullptr ? node.parent() : &node;
}

void Cluster::fail_request(std::size_t service, std::uint64_t sequence, const Request& request) {
  Service& svc = services_[service];
  ++svc.failed;
  const sim::Time now = sim_.now();
  on_request_failed.emit(
      RequestOutcome{service, sequence, request.arrival, now, now, now - request.arrival});
  check_requests(svc);
}

// Kills the replica's instance: its requests in service fail, and, if it still counts toward
// its service (not being scaled in), it stays counted as lost until replace_lost().
void Cluster::lose(std::uint32_t r, std::string_view cause) {
  Replica& rep = replicas_[r];
  Service& svc = services_[rep.service];
  fail_in_service(r);
  const bool counted = std::find(svc.live.begin(), svc.live.end(), r) != svc.live.end();
  const bool was_running = rep.state == ReplicaState::running;
  runtime_->kill(rep.instance, cause);
  free_cpu_resources_.push_back(rep.cpu);
  --tasks_by_node_[rep.node][svc.config->name];
  refresh_view(*rep.node);
  rep.state = ReplicaState::stopped;
  refresh_route(r);
  rep.reason = fmt::format("lost: {}", cause);
  check_requests(svc);
  if (!counted) return;
  rep.lost = true;
  ++svc.lost;
  if (was_running) {
    rep.routable = true;
    ++svc.lost_routable;
  }
  on_replica_lost.emit(rep.service, r);
}

// The replica's requests in service fail (its instance died or its process restarts).
void Cluster::fail_in_service(std::uint32_t r) {
  Replica& rep = replicas_[r];
  Service& svc = services_[rep.service];
  const sim::Time now = sim_.now();
  for (std::uint32_t f = 0; f < flights_.size(); ++f) {
    InFlight& fl = flights_[f];
    if (!fl.active || fl.replica != r) continue;
    flows_->cancel_flow(fl.flow);
    fl.active = false;
    fl.next_free = free_flight_;
    free_flight_ = f;
    --rep.in_service;
    --svc.in_service;
    ++svc.failed;
    refresh_route(r);  // before the signal: a listener may submit again
    on_request_failed.emit(RequestOutcome{rep.service, fl.sequence, fl.arrival, fl.start, now,
                                          now - fl.arrival, rep.instance});
  }
}

void Cluster::become_running_after(std::uint32_t r, sim::Time delay) {
  replicas_[r].state = ReplicaState::starting;
  refresh_route(r);
  sim_.schedule_in(delay, [this, r] {
    Replica& rep = replicas_[r];
    // Lost, or retired before it was ready (retire() marks a starting replica).
    if (rep.state != ReplicaState::starting || !runtime_->instance(rep.instance).is_live()) return;
    if (rep.stop_when_ready) {
      rep.state = ReplicaState::stopping;
      runtime_->stop(rep.instance, [this, r](Instance&) { replica_stopped(r); });
      return;
    }
    become_running(r);
  });
}

void Cluster::fail_host(std::size_t h, std::string_view cause) {
  VMCSIM_ASSERT(h < hosts_.size(), "fail_host: no such host");
  if (host_down_[h]) return;
  host_down_[h] = 1;
  end_drain_on_failure(h);
  const Node* host = host_nodes_[h];
  // The containers in its node VMs and the instances on it first, then the node VMs.
  for (std::uint32_t r = 0; r < replicas_.size(); ++r) {
    const Replica& rep = replicas_[r];
    if (rep.node == nullptr || rep.instance == kNoInstance) continue;
    if (!runtime_->instance(rep.instance).is_live() || physical_of(*rep.node) != host) continue;
    lose(r, cause);
  }
  int nodes_lost = 0;
  for (NodeVm& vm : node_vms_) {
    if (vm.instance == kNoInstance) continue;
    const Instance& i = runtime_->instance(vm.instance);
    if (!i.is_live() || i.host != host) continue;
    runtime_->kill(vm.instance, cause);
    vm.state = NodeVm::State::failed;
    --tasks_by_node_[i.host]["node"];
    ++nodes_lost;
  }
  refresh_view(*host);
  VMCSIM_ASSERT(host->live_instances() == 0, "an instance outlived its failed host");
  if (!cluster_autoscaler_)
    for (int k = 0; k < nodes_lost; ++k)
      add_node_vm();
  end_drain_if_empty(h);
}

void Cluster::recover_host(std::size_t h) {
  VMCSIM_ASSERT(h < hosts_.size(), "recover_host: no such host");
  if (!host_down_[h]) return;
  host_down_[h] = 0;
  refresh_view(*host_nodes_[h]);
  retry_pending();
}

void Cluster::drain_host(std::size_t h) {
  VMCSIM_ASSERT(h < hosts_.size(), "drain_host: no such host");
  host_cordoned_[h] = 1;
  const Node* host = host_nodes_[h];
  refresh_view(*host);
  for (NodeVm& vm : node_vms_)
    if (vm.state == NodeVm::State::running && vm.node->parent() == host)
      vm.state = NodeVm::State::cordoned;
  drains_.resize(hosts_.size());
  Drain& d = drains_[h];
  if (!d.active) {  // a second drain of a host still draining joins the first
    d = Drain{};
    d.active = true;
    ++active_drains_;
    d.result.host = h;
    d.result.started = sim_.now();
  }
  for (std::uint32_t r = 0; r < replicas_.size(); ++r) {
    const Replica& rep = replicas_[r];
    if (rep.node == nullptr || physical_of(*rep.node) != host) continue;
    if (rep.state != ReplicaState::starting && rep.state != ReplicaState::running) continue;
    const auto& live = services_[rep.service].live;
    if (std::find(live.begin(), live.end(), r) == live.end()) continue;  // being scaled in
    if (std::find(d.waiting.begin(), d.waiting.end(), r) == d.waiting.end()) d.waiting.push_back(r);
  }
  switch (drain_policy_.kind) {
    case DrainPolicy::Kind::at_once: {
      const std::vector<std::uint32_t> all = std::exchange(d.waiting, {});
      for (const std::uint32_t r : all)
        evict(h, r);
      break;
    }
    case DrainPolicy::Kind::disruption_budget:
      if (!d.retry_armed) try_evictions(h);
      break;
    case DrainPolicy::Kind::ecs_deployment:
      ecs_drain_step(h);
      break;
  }
  for (std::uint32_t n = 0; n < node_vms_.size(); ++n)
    if (node_vms_[n].state == NodeVm::State::cordoned && node_vms_[n].node->parent() == host)
      maybe_stop_node(n);
  end_drain_if_empty(h);
}

void Cluster::set_drain_policy(DrainPolicy policy) {
  drain_policy_ = std::move(policy);
}

// The eviction went through (or needed none): the replica leaves its service's count, stops
// gracefully, and the ReplicaSet / service scheduler requests its replacement.
void Cluster::evict(std::size_t h, std::uint32_t r) {
  const std::size_t service = replicas_[r].service;
  auto& live = services_[service].live;
  const auto it = std::find(live.begin(), live.end(), r);
  VMCSIM_ASSERT(it != live.end(), "evict: the replica is not counted in its service");
  live.erase(it);
  retire(r);
  drains_[h].evicted.push_back(r);
  scale(service);
}

namespace {
// Still to move: starting or running and still counted in its service (a scale-in or a failure
// may have taken it meanwhile).
template <class Replicas, class Live>
bool still_there(const Replicas& rep, const Live& live, std::uint32_t r) {
  return (rep.state == ReplicaState::starting || rep.state == ReplicaState::running) &&
         std::find(live.begin(), live.end(), r) != live.end();
}
}  // namespace

// kubectl drain: every pod's eviction is tried at once; the API server refuses one that would
// take its service below its budget's Ready count (k8s.io/kubernetes pkg/registry/core/pod/
// storage/eviction.go: disruptionsAllowed = currentHealthy - desiredHealthy), and kubectl
// tries the refused ones again after drain_retry.
void Cluster::try_evictions(std::size_t h) {
  Drain& d = drains_[h];
  d.retry_armed = false;
  if (!d.active) return;
  std::vector<std::uint32_t> refused;
  for (const std::uint32_t r : std::exchange(d.waiting, {})) {
    const Replica& rep = replicas_[r];
    Service& svc = services_[rep.service];
    if (!still_there(rep, svc.live, r)) continue;
    if (rep.state == ReplicaState::running) {
      const auto& budgets = drain_policy_.budgets;
      const int need =
          rep.service < budgets.size() ? budgets[rep.service].min_ready(svc.desired) : 0;
      if (running(rep.service) - 1 < need) {
        ++d.result.refused;
        refused.push_back(r);
        continue;
      }
    }
    evict(h, r);
  }
  d.waiting = std::move(refused);
  if (!d.waiting.empty()) {
    // The loader refuses a drain_retry that is not positive (it would retry at the same instant
    // forever).
    VMCSIM_ASSERT(drain_policy_.retry > sim::Time::zero(), "drain_retry must be positive");
    d.retry_armed = true;
    d.retry = sim_.schedule_in(drain_policy_.retry, [this, h] { try_evictions(h); });
  }
}

// ECS on a DRAINING container instance ("Draining Amazon ECS container instances"): start
// replacements while the service stays within maximumPercent of its desired count, stop
// DRAINING tasks while its running tasks stay at or above minimumHealthyPercent. Runs again
// whenever a replica becomes running or stops.
void Cluster::ecs_drain_step(std::size_t h) {
  Drain& d = drains_[h];
  if (!d.active) return;
  std::erase_if(d.waiting, [&](std::uint32_t r) {
    return !still_there(replicas_[r], services_[replicas_[r].service].live, r);
  });
  std::erase_if(d.replaced,
                [&](std::uint32_t r) { return replicas_[r].state != ReplicaState::running; });
  // A task not running yet holds no health: it stops at once.
  for (const std::uint32_t r : std::vector<std::uint32_t>(d.waiting))
    if (replicas_[r].state == ReplicaState::starting) {
      std::erase(d.waiting, r);
      evict(h, r);
    }
  std::vector<std::size_t> services;
  for (const auto* list : {&d.waiting, &d.replaced})
    for (const std::uint32_t r : *list)
      if (std::find(services.begin(), services.end(), replicas_[r].service) == services.end())
        services.push_back(replicas_[r].service);
  for (const std::size_t s : services) {
    Service& svc = services_[s];
    const auto& dep = drain_policy_.deployment;
    const auto [min_pct, max_pct] = s < dep.size() ? dep[s] : std::pair{100.0, 200.0};
    const int max_tasks = static_cast<int>(std::floor(max_pct / 100.0 * svc.desired + 1e-9));
    const int min_healthy = static_cast<int>(std::ceil(min_pct / 100.0 * svc.desired - 1e-9));
    const auto of_s = [&](const std::vector<std::uint32_t>& list) {
      const auto it = std::find_if(list.begin(), list.end(),
                                   [&](std::uint32_t r) { return replicas_[r].service == s; });
      return it == list.end() ? kNone : *it;
    };
    // Replacements first, up to maximumPercent (the DRAINING task keeps running meanwhile).
    for (std::uint32_t r = of_s(d.waiting);
         r != kNone && static_cast<int>(svc.live.size() + svc.drained.size()) < max_tasks;
         r = of_s(d.waiting)) {
      std::erase(d.waiting, r);
      svc.live.erase(std::remove(svc.live.begin(), svc.live.end(), r), svc.live.end());
      svc.drained.push_back(r);
      d.replaced.push_back(r);
      scale(s);
    }
    // Then stop DRAINING tasks while the running count stays at or above minimumHealthyPercent.
    while (running(s) - 1 >= min_healthy) {
      if (const std::uint32_t r = of_s(d.replaced); r != kNone) {
        std::erase(d.replaced, r);
        std::erase(svc.drained, r);
        retire(r);
        d.evicted.push_back(r);
      } else if (const std::uint32_t w = of_s(d.waiting); w != kNone) {
        std::erase(d.waiting, w);
        evict(h, w);
      } else {
        break;
      }
    }
  }
}

void Cluster::end_drain_if_empty(std::size_t h) {
  if (h >= drains_.size()) return;
  Drain& d = drains_[h];
  if (!d.active || !d.waiting.empty() || !d.replaced.empty()) return;
  for (const std::uint32_t r : d.evicted)
    if (replicas_[r].state != ReplicaState::stopped) return;
  d.active = false;
  --active_drains_;
  d.result.emptied = sim_.now();
  on_drain_done.emit(d.result);
}

// The host fails while draining (a Spot interruption's deadline): what it still holds dies with
// it, whatever the budget or the deployment settings.
void Cluster::end_drain_on_failure(std::size_t h) {
  if (h >= drains_.size() || !drains_[h].active) return;
  Drain& d = drains_[h];
  if (d.retry_armed) sim_.cancel(d.retry);
  d.retry_armed = false;
  for (const std::uint32_t r : d.waiting)
    d.result.bypassed += still_there(replicas_[r], services_[replicas_[r].service].live, r);
  for (const std::uint32_t r : d.replaced) {
    d.result.bypassed += replicas_[r].state == ReplicaState::running;
    std::erase(services_[replicas_[r].service].drained, r);
  }
  d.waiting.clear();
  d.replaced.clear();
  d.evicted.clear();  // killed with the host below, or already stopped
}

void Cluster::drains_progress() {
  if (active_drains_ == 0) return;
  for (std::size_t h = 0; h < drains_.size(); ++h) {
    if (!drains_[h].active) continue;
    if (drain_policy_.kind == DrainPolicy::Kind::ecs_deployment) ecs_drain_step(h);
    end_drain_if_empty(h);
  }
}

void Cluster::uncordon_host(std::size_t h) {
  VMCSIM_ASSERT(h < hosts_.size(), "uncordon_host: no such host");
  host_cordoned_[h] = 0;
  refresh_view(*host_nodes_[h]);
  retry_pending();
}

std::optional<std::uint32_t> Cluster::running_replica(std::size_t service, double pick) const {
  std::vector<std::uint32_t> running_now;
  for (const std::uint32_t r : services_.at(service).live)
    if (replicas_[r].state == ReplicaState::running) running_now.push_back(r);
  if (running_now.empty()) return std::nullopt;
  const auto k = std::min(running_now.size() - 1,
                          static_cast<std::size_t>(std::clamp(pick, 0.0, 1.0) *
                                                   static_cast<double>(running_now.size())));
  return running_now[k];
}

std::optional<std::uint32_t> Cluster::crash(std::size_t service, double pick,
                                            std::string_view cause) {
  const auto r = running_replica(service, pick);
  if (r) lose(*r, cause);
  return r;
}

std::optional<std::uint32_t> Cluster::restart_in_place(std::size_t service, double pick,
                                                       sim::Time downtime,
                                                       std::string_view /*cause*/) {
  const auto picked = running_replica(service, pick);
  if (!picked) return std::nullopt;
  const std::uint32_t r = *picked;
  end_idle(r);  // [fn]
  fail_in_service(r);
  check_requests(services_[service]);
  become_running_after(r, downtime);
  return r;
}

bool Cluster::fail_start(std::uint32_t r, std::string_view cause) {
  const Replica& rep = replicas_.at(r);
  if (rep.state != ReplicaState::starting || rep.instance == kNoInstance) return false;
  if (runtime_->instance(rep.instance).state != InstanceState::starting) return false;
  if (rep.stop_when_ready) return false;  // scaled in: it stops once up, nothing to replace
  lose(r, cause);
  return true;
}

void Cluster::mark_unhealthy(std::uint32_t r) {
  Replica& rep = replicas_.at(r);
  if (!rep.routable) return;
  rep.routable = false;
  --services_[rep.service].lost_routable;
}

void Cluster::replace_lost(std::uint32_t r) {
  Replica& rep = replicas_.at(r);
  if (!rep.lost) return;
  // The load balancer may still send it requests (mark_unhealthy ends that): its replacement
  // is another target.
  rep.lost = false;
  Service& svc = services_[rep.service];
  --svc.lost;
  const auto it = std::find(svc.live.begin(), svc.live.end(), r);
  VMCSIM_ASSERT(it != svc.live.end(), "a lost replica left its service's count unreplaced");
  svc.live.erase(it);
  scale(rep.service);
}

std::uint64_t Cluster::failed(std::size_t service) const {
  return services_.at(service).failed;
}

int Cluster::lost(std::size_t service) const {
  return services_.at(service).lost;
}

std::size_t Cluster::instances_on_failed_hosts() const {
  std::size_t n = 0;
  for (InstanceId id = 0; id < runtime_->instance_count(); ++id) {
    const Instance& i = runtime_->instance(id);
    if (!i.is_live() || i.host == nullptr) continue;
    const auto h = host_index_.find(i.host);
    n += h != host_index_.end() && host_down_[h->second];
  }
  return n;
}

}  // namespace vmcsim::models
