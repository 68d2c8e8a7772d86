#include "models/cluster/cluster_state.hpp"

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
    on_request_failed.emit(RequestOutcome{rep.service, fl.sequence, fl.arrival, fl.start, now,
                                          now - fl.arrival, rep.instance});
  }
}

void Cluster::become_running_after(std::uint32_t r, sim::Time delay) {
  replicas_[r].state = ReplicaState::starting;
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
  for (std::uint32_t r = 0; r < replicas_.size(); ++r) {
    const Replica& rep = replicas_[r];
    if (rep.node == nullptr || physical_of(*rep.node) != host) continue;
    if (rep.state != ReplicaState::starting && rep.state != ReplicaState::running) continue;
    auto& live = services_[rep.service].live;
    const auto it = std::find(live.begin(), live.end(), r);
    if (it == live.end()) continue;  // already being scaled in
    const std::size_t service = rep.service;
    live.erase(it);
    retire(r);
    scale(service);
  }
  for (std::uint32_t n = 0; n < node_vms_.size(); ++n)
    if (node_vms_[n].state == NodeVm::State::cordoned && node_vms_[n].node->parent() == host)
      maybe_stop_node(n);
}

void Cluster::uncordon_host(std::size_t h) {
  VMCSIM_ASSERT(h < hosts_.size(), "uncordon_host: no such host");
  host_cordoned_[h] = 0;
  refresh_view(*host_nodes_[h]);
  retry_pending();
}

std::optional<std::uint32_t> Cluster::crash(std::size_t service, double pick,
                                            std::string_view cause) {
  std::vector<std::uint32_t> running_now;
  for (const std::uint32_t r : services_.at(service).live)
    if (replicas_[r].state == ReplicaState::running) running_now.push_back(r);
  if (running_now.empty()) return std::nullopt;
  const auto k = std::min(running_now.size() - 1,
                          static_cast<std::size_t>(std::clamp(pick, 0.0, 1.0) *
                                                   static_cast<double>(running_now.size())));
  lose(running_now[k], cause);
  return running_now[k];
}

std::optional<std::uint32_t> Cluster::restart_in_place(std::size_t service, double pick,
                                                       sim::Time downtime,
                                                       std::string_view /*cause*/) {
  std::vector<std::uint32_t> running_now;
  for (const std::uint32_t r : services_.at(service).live)
    if (replicas_[r].state == ReplicaState::running) running_now.push_back(r);
  if (running_now.empty()) return std::nullopt;
  const auto k = std::min(running_now.size() - 1,
                          static_cast<std::size_t>(std::clamp(pick, 0.0, 1.0) *
                                                   static_cast<double>(running_now.size())));
  const std::uint32_t r = running_now[k];
  end_idle(r);  // [fn]
  fail_in_service(r);
  check_requests(services_[service]);
  become_running_after(r, downtime);
  return r;
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
