#include "models/cluster/cluster_state.hpp"

// What the metrics and the runner read of the cluster's state.
namespace vmcsim::models {

using namespace cluster_detail;

// --- observation ---------------------------------------------------------------------------

std::size_t Cluster::replica_count() const {
  return replicas_.size();
}

ReplicaStatus Cluster::replica_status(std::size_t r) const {
  const Replica& rep = replicas_.at(r);
  ReplicaStatus status{rep.service,  rep.state,  rep.requested,        rep.became_ready,
                       rep.instance, rep.reason, rep.reason_dimension, rep.waits,
                       rep.fn_start == 1   ? "cold start"
                       : rep.fn_start == 2 ? "pre-warm"
                                           : "",
                       rep.unloaded};  // [fn]
  return status;
}

void Cluster::track_host(const Instance& instance) {
  if (instance.host == nullptr) return;
  const auto it = host_index_.find(instance.host);
  if (it == host_index_.end()) return;
  HostUse& use = host_use_[it->second];
  const bool busy = instance.host->live_instances() > 0;
  if (busy == use.busy) return;
  const sim::Time now = sim_.now();
  if (busy) {
    use.since = now;
  } else {
    use.total += now - use.since;
  }
  use.busy = busy;
}

const ServiceConfig& Cluster::service_config(std::size_t service) const {
  return *services_.at(service).config;
}

std::size_t Cluster::service_count() const {
  return services_.size();
}

int Cluster::desired(std::size_t service) const {
  return services_.at(service).desired;
}

int Cluster::running(std::size_t service) const {
  int n = 0;
  for (const std::uint32_t r : services_.at(service).live)
    n += replicas_[r].state == ReplicaState::running;
  for (const std::uint32_t r : services_.at(service).drained)  // [failures] ECS draining tasks
    n += replicas_[r].state == ReplicaState::running;
  return n;
}

int Cluster::starting(std::size_t service) const {
  int n = 0;
  for (const std::uint32_t r : services_.at(service).live)
    n += replicas_[r].state == ReplicaState::starting;
  return n;
}

std::size_t Cluster::pending(std::size_t service) const {
  std::size_t n = 0;
  for (const std::uint32_t r : services_.at(service).live)
    n += replicas_[r].state == ReplicaState::pending;
  return n;
}

std::size_t Cluster::queued_requests(std::size_t service) const {
  return services_.at(service).queued;
}
std::size_t Cluster::in_service(std::size_t service) const {
  return services_.at(service).in_service;
}
std::uint64_t Cluster::submitted(std::size_t service) const {
  return services_.at(service).submitted;
}
std::uint64_t Cluster::completed(std::size_t service) const {
  return services_.at(service).completed;
}
std::size_t Cluster::pending_instances() const {
  return pending_.size();
}

double Cluster::capacity_rps(std::size_t service) const {
  const Service& svc = services_.at(service);
  const ServiceConfig& sc = *svc.config;
  double rps = 0.0;
  for (const std::uint32_t r : svc.live) {
    const Replica& rep = replicas_[r];
    if (rep.state != ReplicaState::running) continue;
    const VirtualizationOverhead& o = runtime_->instance(rep.instance).overhead;
    const double per_request_cores =
        std::min(1.0, rep.limit.cores_value() / static_cast<double>(rep.concurrency));
    const double cpu_s = sc.cpu_time.mean() * o.cpu_time_factor / per_request_cores;
    const double io_s = sc.io_bytes.mean() / o.random_iops_factor /
                        rep.node->host().spec().disk_bandwidth.bytes_per_second();
    if (cpu_s + io_s > 0.0) rps += rep.concurrency / (cpu_s + io_s);
  }
  return rps;
}

std::size_t Cluster::hosts_used() const {
  return static_cast<std::size_t>(
      std::count_if(host_nodes_.begin(), host_nodes_.end(),
                    [](const Node* n) { return n->live_instances() > 0; }));
}

std::size_t Cluster::nodes() const {
  return static_cast<std::size_t>(
      std::count_if(node_vms_.begin(), node_vms_.end(), [](const NodeVm& n) {
        return n.state != NodeVm::State::stopped && n.state != NodeVm::State::failed;
      }));
}

std::size_t Cluster::running_nodes() const {
  return static_cast<std::size_t>(
      std::count_if(node_vms_.begin(), node_vms_.end(),
                    [](const NodeVm& n) { return n.state == NodeVm::State::running; }));
}

double Cluster::cpu_utilization() const {
  double used = 0.0, capacity = 0.0;
  for (const auto& h : hosts_) {
    used += flows_->allocated(h->cpu());
    capacity += flows_->capacity(h->cpu());
  }
  return capacity > 0.0 ? used / capacity : 0.0;
}

double Cluster::memory_utilization() const {
  double used = 0.0, capacity = 0.0;
  for (const auto& h : hosts_) {
    used += static_cast<double>(h->memory().reserved_total().count());
    capacity += static_cast<double>(h->memory().capacity().count());
  }
  return capacity > 0.0 ? used / capacity : 0.0;
}

std::vector<BillableUsage> Cluster::billable_usage(sim::Time now) const {
  std::vector<BillableUsage> out;
  const Pricing& pricing = config_.variant.pricing;
  const auto lifetime = [&](const Instance& i) {
    if (i.state == InstanceState::failed) return sim::Time::zero();
    const sim::Time end = i.state == InstanceState::stopped ? i.stopped_at : now;
    return end - i.requested_at;
  };
  switch (pricing.basis) {
    case Pricing::Basis::host_time:
      for (std::size_t h = 0; h < hosts_.size(); ++h) {
        const HostUse& use = host_use_[h];
        const sim::Time t = use.total + (use.busy ? now - use.since : sim::Time::zero());
        if (t > sim::Time::zero())
          out.push_back(
              {"host:" + hosts_[h]->name(), config_.hosts[h].price_per_hour, 0, 0, t, 0, 0});
      }
      break;
    case Pricing::Basis::instance_time:
    case Pricing::Basis::fargate:
      for (const Replica& rep : replicas_) {
        if (rep.instance == kNoInstance) continue;
        const Instance& i = runtime_->instance(rep.instance);
        const sim::Time t = lifetime(i);
        if (t <= sim::Time::zero()) continue;
        if (pricing.basis == Pricing::Basis::instance_time) {
          out.push_back(
              {fmt::format("instance:{}", i.id), pricing.usd_per_instance_hour, 0, 0, t, 0, 0});
          continue;
        }
        const ServiceConfig& sc = *services_[rep.service].config;
        const auto fit =
            placement::fargate_round_up(sc.cpu_size(), sc.memory_limit, pricing.fargate);
        if (!fit)
          throw ConfigurationRefused("service '" + sc.name +
                                     "' is larger than any Fargate task size");
        out.push_back({fmt::format("fargate:{}", i.id), 0, pricing.fargate.usd_per_vcpu_hour,
                       pricing.fargate.usd_per_gb_hour, placement::fargate_billed_time(t),
                       fit->size.cpu.cores_value(), fit->size.memory.gib_value()});
      }
      break;
    case Pricing::Basis::node_time:
      for (const NodeVm& vm : node_vms_) {
        if (vm.instance == kNoInstance) continue;
        const sim::Time t = lifetime(runtime_->instance(vm.instance));
        if (t > sim::Time::zero())
          out.push_back({fmt::format("node:{}", vm.instance),
                         config_.variant.node_instance_type.usd_per_hour, 0, 0, t, 0, 0});
      }
      break;
  }
  return out;
}

}  // namespace vmcsim::models
