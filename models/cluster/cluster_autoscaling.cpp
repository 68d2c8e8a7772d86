#include "models/cluster/cluster_state.hpp"

// Autoscaling: the service autoscalers' samples, and node VMs added, launched, stopped and scanned.
namespace vmcsim::models {

using namespace cluster_detail;

// --- autoscaling ---------------------------------------------------------------------------

void Cluster::evaluate_autoscaler(std::size_t service) {
  Service& svc = services_[service];
  const sim::Time period = svc.config->autoscaling.period();
  svc.timer = sim_.schedule_in(period, [this, service] { evaluate_autoscaler(service); });
  const sim::Time now = sim_.now();
  double used_core_seconds = 0.0;
  int running_count = 0;
  for (const std::uint32_t r : svc.live) {
    Replica& rep = replicas_[r];
    if (rep.state != ReplicaState::running) continue;
    const double busy = flows_->busy_seconds(rep.cpu, now);
    used_core_seconds += (busy - rep.busy_mark) * rep.limit.cores_value();
    rep.busy_mark = busy;
    ++running_count;
  }
  if (running_count == 0 || svc.desired == 0) return;
  const sim::Millicores request = svc.config->cpu_request > sim::Millicores{0}
                                      ? svc.config->cpu_request
                                      : svc.config->cpu_limit;
  const double metric =
      100.0 * used_core_seconds / (period.seconds() * request.cores_value() * svc.desired);
  set_desired(service, svc.controller.evaluate(now, svc.desired, metric));
}

void Cluster::add_node_vm() {
  // [cplane] a node VM is launched through RunInstances' bucket first
  const auto n = static_cast<std::uint32_t>(node_vms_.size());
  node_vms_.emplace_back();
  node_vms_[n].requested_at = sim_.now();
  node_launches_->request([this, n] { launch_node_vm(n); });
}

void Cluster::launch_node_vm(std::uint32_t n) {
  const VariantConfig& v = config_.variant;
  InstanceSpec spec = InstanceSpec::sized_like("node", *v.node_profile, v.node_instance_type);
  if (pods_per_node_ > 0) spec.max_pods = pods_per_node_;  // [cplane] kube-reserved per pod
  spec.prior_phases.push_back({"wait_control_plane", node_vms_[n].requested_at, sim_.now()});
  placement::PlacementRequest request;
  request.service = "node";
  request.demand.cpu = spec.cpu;
  request.demand.memory =
      spec.memory + v.node_profile->hypervisor_overhead(spec.memory, spec.vcpus);
  const auto t0 = std::chrono::steady_clock::now();
  const auto out = policy_->place(request, host_views_, placement_stream_);
  PlacementDecision d{PlacementDecision::kNodeVm, "", "", wall_ns_since(t0), {}};
  if (!out.node) {
    node_vms_[n].state = NodeVm::State::failed;
    d.reason = out.reason->message;
    on_placement.emit(d);
    return;
  }
  Node& host = *const_cast<Node*>(host_nodes_[*out.node]);
  d.node = host.name();
  on_placement.emit(d);
  ++tasks_by_node_[&host]["node"];
  refresh_view(host);
  const InstanceId id = runtime_->start(spec, host, [this, n](Instance& i) {
    if (i.state == InstanceState::failed) {
      node_vms_[n].state = NodeVm::State::failed;
      --tasks_by_node_[i.host]["node"];
      refresh_view(*i.host);
      return;
    }
    node_ready(n);
  });
  VMCSIM_ASSERT(host.memory_used() <= host.memory_capacity(), "a host's memory is over-committed");
  VMCSIM_ASSERT(host.cpu_allocated() <= host.cpu_capacity(), "a host's CPU is over-committed");
  if (node_of_instance_.size() <= id) node_of_instance_.resize(id + 1, kNone);
  node_of_instance_[id] = n;
  node_vms_[n].instance = id;
}

void Cluster::node_ready(std::uint32_t n) {
  NodeVm& vm = node_vms_[n];
  vm.state = NodeVm::State::running;
  vm.node = runtime_->node_of(vm.instance);
  retry_pending();
}

void Cluster::maybe_stop_node(std::uint32_t n) {
  NodeVm& vm = node_vms_[n];
  if (vm.state != NodeVm::State::cordoned || vm.node->live_instances() > 0) return;
  vm.state = NodeVm::State::stopping;
  runtime_->stop(vm.instance, [this, n](Instance& i) {
    node_vms_[n].state = NodeVm::State::stopped;
    --tasks_by_node_[i.host]["node"];
    refresh_view(*i.host);
    retry_pending();
  });
}

void Cluster::scan_nodes() {
  const ClusterAutoscalerConfig& cfg = config_.variant.cluster_autoscaler;
  scan_timer_ = sim_.schedule_in(cfg.logic.scan_interval, [this] { scan_nodes(); });
  const sim::Time now = sim_.now();
  int live = 0, starting_nodes = 0;
  for (const NodeVm& vm : node_vms_) {
    if (vm.state == NodeVm::State::starting) ++starting_nodes;
    if (vm.state == NodeVm::State::starting || vm.state == NodeVm::State::running) ++live;
  }
  // Scale up for what waits, counting the nodes already booting as if they were here.
  if (!pending_.empty()) {
    std::vector<placement::PlacementRequest> waiting;
    for (const auto& e : pending_.waiting())
      waiting.push_back(e.request);
    const auto estimate = cluster_autoscaler_->scale_up(now, waiting, node_template_);
    const int add = std::min(estimate.nodes - starting_nodes, cfg.max_nodes - live);
    for (int k = 0; k < add; ++k)
      add_node_vm();
    if (add > 0) return;
  }
  // Scale down: running nodes that stayed under the threshold long enough.
  std::vector<std::uint32_t> index;
  std::vector<placement::NodeView> views;
  std::vector<std::vector<placement::PlacementRequest>> pods;
  for (std::uint32_t n = 0; n < node_vms_.size(); ++n) {
    if (node_vms_[n].state != NodeVm::State::running) continue;
    index.push_back(n);
    views.push_back(view_of(*node_vms_[n].node));
    pods.emplace_back();
  }
  std::vector<std::uint32_t> on_node(replicas_.size(), kNone);
  for (std::uint32_t r = 0; r < replicas_.size(); ++r) {
    const Replica& rep = replicas_[r];
    if (rep.node == nullptr || rep.state == ReplicaState::stopped) continue;
    for (std::size_t k = 0; k < index.size(); ++k)
      if (node_vms_[index[k]].node == rep.node) pods[k].push_back(placement_request(rep));
  }
  const auto remove = cluster_autoscaler_->scale_down(now, views, pods);
  int removable = live - cfg.min_nodes;
  for (const placement::NodeIndex k : remove) {
    if (removable-- <= 0) break;
    const std::uint32_t n = index[k];
    node_vms_[n].state = NodeVm::State::cordoned;
    ++nodes_drained_;
    // Its containers are drained and replaced on the other nodes.
    for (std::uint32_t r = 0; r < replicas_.size(); ++r) {
      Replica& rep = replicas_[r];
      if (rep.node != node_vms_[n].node || rep.state == ReplicaState::stopped ||
          rep.state == ReplicaState::stopping || rep.state == ReplicaState::draining)
        continue;
      const std::size_t service = rep.service;
      auto& live_list = services_[service].live;
      live_list.erase(std::find(live_list.begin(), live_list.end(), r));
      ++evictions_;
      retire(r);
      scale(service);
    }
    maybe_stop_node(n);
  }
}

}  // namespace vmcsim::models
