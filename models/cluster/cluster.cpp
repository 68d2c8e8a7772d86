#include "models/cluster/cluster.hpp"
#include "models/cluster/cluster_state.hpp"
#include "models/failures/recovery.hpp"

namespace vmcsim::models {

using namespace cluster_detail;


int ServiceConfig::effective_concurrency() const {
  return concurrency > 0 ? concurrency : vcpus_for(cpu_size());
}

Cluster::Cluster(sim::Simulation& sim, const ClusterConfig& config)
    : sim_(sim),
      config_(config),
      flows_(std::make_unique<FlowModel>(sim)),
      placement_stream_(config.seed, config.replication, "placement") {
  const VariantConfig& v = config_.variant;
  if (config_.hosts.empty()) throw ConfigurationRefused("cluster: no hosts");
  if (v.profile == nullptr)
    throw std::invalid_argument("cluster: variant '" + v.name + "' has no instance profile");
  if (v.platform == PlatformKind::container_in_vm &&
      (v.node_profile == nullptr || v.node_instance_type.vcpus <= 0))
    throw std::invalid_argument("cluster: container_in_vm variant '" + v.name +
                                "' needs a node profile and a node instance type");
  policy_ = placement::make_policy(v.placement);
  // --- tenancy hook: views carry taints and tenants only when some host or service has them.
  for (const HostConfig& h : config_.hosts)
    tenancy_ = tenancy_ || !h.taints.empty();
  for (const ServiceConfig& sc : config_.services)
    tenancy_ = tenancy_ || !sc.tenancy.tenant.empty();
  // [tenants] quota admission, when the variant's pods are created in namespaces
  if (!config_.namespaces.empty())
    admission_ = std::make_unique<tenancy::Admission>(config_.namespaces);
  registry_ = std::make_unique<Registry>(*flows_, config_.registry);
  runtime_ = std::make_unique<PlatformRuntime>(sim, *flows_, config.seed, config.replication);
  runtime_->set_startup_contention(config.startup_contention);  // [scale]
  {  // [cplane] launch paths from the variant's (node) profile
    const PlatformProfile& cp =
        v.platform == PlatformKind::container_in_vm ? *v.node_profile : *v.profile;
    const double per_call = std::max(1.0, cp.api_launches_per_call.value);
    std::vector<control_plane::LimiterSpec> limits{
        {"launch API", cp.api_launch_burst.value, cp.api_launch_rate.value, 1.0 / per_call},
        {"platform launch bucket", cp.platform_launch_burst.value, cp.platform_launch_rate.value,
         1.0},
        {"scheduler", cp.scheduler_burst.value, cp.scheduler_rate.value, 1.0}};
    if (!config.startup_contention) limits.clear();  // [scale]
    launches_ = std::make_unique<control_plane::LaunchServer>(sim, cp.name, std::move(limits));
    std::vector<control_plane::LimiterSpec> node_limits;
    if (v.platform == PlatformKind::container_in_vm) {
      if (config.startup_contention)  // [scale]
        node_limits.push_back(
            {"RunInstances", cp.node_launch_burst.value, cp.node_launch_rate.value, 1.0});
      pods_per_node_ = cp.pods_per_node(v.node_instance_type);
      if (cp.node_scale_interval.value > sim::Time::zero())
        config_.variant.cluster_autoscaler.logic.scan_interval = cp.node_scale_interval.value;
    }
    node_launches_ =
        std::make_unique<control_plane::LaunchServer>(sim, "nodes", std::move(node_limits));
  }
  if (config_.topology)
    network_ = std::make_unique<ClusterNetwork>(*config_.topology, config_.hosts,
                                                config_.registry.name, *flows_);
  for (std::size_t h = 0; h < config_.hosts.size(); ++h) {
    const HostConfig& hc = config_.hosts[h];
    NodeOptions options{hc.image_cache, {}, {}, {}, hc.power_off_when_empty};
    if (network_) {
      hosts_.push_back(std::make_unique<Host>(network_->labelled(h, hc.spec), *flows_));
      options.upstream = network_->host_path(h);
      options.upstream_latency = network_->host_latency(h);
    } else {
      hosts_.push_back(std::make_unique<Host>(hc.spec, *flows_));
    }
    host_nodes_.push_back(&runtime_->add_host(*hosts_.back(), options));
  }
  host_use_.resize(hosts_.size());
  host_down_.assign(hosts_.size(), 0);
  host_cordoned_.assign(hosts_.size(), 0);
  for (std::size_t h = 0; h < host_nodes_.size(); ++h) {
    host_index_.emplace(host_nodes_[h], h);
    host_views_.push_back(view_of(*host_nodes_[h]));
  }
  policy_->track(host_views_);
  runtime_->on_state_change.connect([this](const Instance& i) {
    track_host(i);
    if (i.host != nullptr) refresh_view(*i.host);
  });

  services_.resize(config_.services.size());
  for (std::size_t s = 0; s < services_.size(); ++s) {
    const ServiceConfig& sc = config_.services[s];
    Service& svc = services_[s];
    svc.config = &sc;
    svc.function = sc.function.enabled;
    svc.stream = sim::RandomStream(config.seed, config.replication,
                                   fmt::format("service/{}/requests", sc.name));
    if (sc.image == nullptr && v.profile->find_boot_phase("image_pull") != nullptr)
      throw ConfigurationRefused("cluster: service '" + sc.name + "' runs on " + v.profile->name +
                                 ", which pulls an image: give the service an image");
    if (sc.cpu_time.mean() < 0.0 || sc.io_bytes.mean() < 0.0)
      throw ConfigurationRefused("cluster: service '" + sc.name +
                                 "' has a negative mean CPU time or I/O size");
    svc.spec.service = sc.name;
    svc.spec.profile = v.profile;
    // --- tenancy hook: a RuntimeClass picks the container runtime (gVisor, Kata) per service.
    if (sc.tenancy.runtime_profile != nullptr && !is_vm_kind(v.platform))
      svc.spec.profile = sc.tenancy.runtime_profile;
    svc.spec.image = sc.image;
    svc.spec.registry = sc.image != nullptr ? registry_.get() : nullptr;
    svc.spec.app_init = sc.app_init;
    if (is_vm_kind(v.platform)) {
      // The app gets what it asked for: the guest OS comes on top. A VM's work uses its vCPUs;
      // a Fargate task runs at the smallest valid size covering it, and that size's CPU is a hard
      // limit inside its microVM (task-level cpu is a CFS quota on ECS, Fargate included).
      sim::Millicores cpu = sc.cpu_size();
      sim::Bytes memory = sc.memory_limit;
      if (v.profile->fargate_task_sizes.value) {
        const auto fit = placement::fargate_round_up(cpu, memory);
        if (!fit)
          throw ConfigurationRefused("cluster: service '" + sc.name +
                                     "' is larger than any Fargate task size");
        cpu = fit->size.cpu;
        memory = fit->size.memory;
      }
      svc.spec.vcpus = vcpus_for(cpu);
      svc.vm_cpu_cap =
          v.profile->fargate_task_sizes.value ? cpu : sim::Millicores::cores(svc.spec.vcpus);
      svc.spec.cpu = svc.vm_cpu_cap;
      svc.spec.memory = memory + v.profile->guest_memory();
    } else {
      // A container reserves its memory request on its node (Kubernetes requests.memory, ECS
      // memoryReservation, else memory); the limit caps its use and does not take node memory.
      svc.spec.cpu = sc.cpu_request;
      svc.spec.memory = sc.memory_request;
    }
    svc.request.service = sc.name;
    svc.request.labels = sc.labels;
    svc.request.affinity = sc.affinity;
    svc.request.anti_affinity = sc.anti_affinity;
    svc.request.topology_spread = sc.topology_spread;
    // --- tenancy hook: tenant, sandbox, isolation policy, tolerations, node affinity.
    tenancy::apply(sc.tenancy, is_vm_kind(v.platform), svc.request);
    service_index_.emplace(sc.name, s);
    svc.request.demand.cpu = svc.spec.cpu;
    svc.request.demand.memory = reserved_memory(s);
    for (const std::string& c : sc.placement_constraints) {
      if (c == "distinctInstance") {
        svc.request.distinct_instance = true;
      } else {
        constexpr std::string_view kPrefix = "memberOf:";
        const std::string_view text =
            c.starts_with(kPrefix) ? std::string_view(c).substr(kPrefix.size()) : c;
        svc.request.member_of.push_back(placement::ClusterQuery::parse(text));
      }
    }
    switch (sc.autoscaling.kind) {
      case AutoscalerConfig::Kind::none:
        break;
      case AutoscalerConfig::Kind::hpa:
        svc.controller.impl.emplace<autoscaling::HpaController>(sc.autoscaling.hpa);
        break;
      case AutoscalerConfig::Kind::target_tracking:
        svc.controller.impl.emplace<autoscaling::TargetTrackingController>(
            sc.autoscaling.target_tracking);
        break;
      case AutoscalerConfig::Kind::step:
        svc.controller.impl.emplace<autoscaling::StepScalingController>(sc.autoscaling.step);
        break;
    }
    if (sc.autoscaling.kind != AutoscalerConfig::Kind::none)
      svc.timer = sim_.schedule_in(sc.autoscaling.period(), [this, s] { evaluate_autoscaler(s); });
    if (sc.function.enabled) {  // [fn]
      svc.keep_alive = serverless::make_keep_alive(sc.function.keep_alive);
      const auto& lim = sc.function.scaling_limit;
      if (lim.rate > 0.0) svc.scale_limit.emplace(lim.burst, lim.rate, sim_.now());
    }
  }

  if (v.platform == PlatformKind::container_in_vm) {
    const PlatformProfile& np = *v.node_profile;
    node_template_.id = node_template_.name = "template";
    node_template_.capacity.cpu = sim::Millicores::cores(v.node_instance_type.vcpus);
    node_template_.capacity.memory =
        v.node_instance_type.memory - np.guest_memory(v.node_instance_type.max_pods);
    node_template_.max_tasks = pods_per_node_ > 0 ? pods_per_node_ : INT_MAX;  // [cplane]
    if (v.cluster_autoscaler.enabled) {
      cluster_autoscaler_ =
          std::make_unique<autoscaling::ClusterAutoscaler>(v.cluster_autoscaler.logic);
      scan_timer_ =
          sim_.schedule_in(v.cluster_autoscaler.logic.scan_interval, [this] { scan_nodes(); });
    }
  }
  // The initial node VMs and replicas are requested from an event at now, so that observers
  // connected right after construction see every placement and state change.
  for (std::size_t s = 0; s < services_.size(); ++s)
    services_[s].desired = std::max(0, config_.services[s].replicas);
  start_event_ = sim_.schedule_in(sim::Time::zero(), [this] {
    if (config_.variant.platform == PlatformKind::container_in_vm)
      for (int n = 0; n < config_.variant.initial_nodes; ++n)
        add_node_vm();
    for (std::size_t s = 0; s < services_.size(); ++s)
      scale(s);
  });
}

Cluster::~Cluster() {
  for (const Drain& d : drains_)
    if (d.retry_armed) sim_.cancel(d.retry);
  for (const Service& s : services_) {
    sim_.cancel(s.timer);
    sim_.cancel(s.scale_retry);
    sim_.cancel(s.prewarm_timer);
  }
  for (const Replica& r : replicas_)
    sim_.cancel(r.expiry);
  sim_.cancel(scan_timer_);
  sim_.cancel(start_event_);
}

// --- instances -----------------------------------------------------------------------------

sim::Bytes Cluster::reserved_memory(std::size_t service) const {
  const Service& svc = services_[service];
  const PlatformProfile& p = *config_.variant.profile;
  if (is_vm_kind(config_.variant.platform))
    return svc.spec.memory + p.hypervisor_overhead(svc.spec.memory, svc.spec.vcpus);
  return svc.spec.memory + p.runtime_overhead.value;
}

void Cluster::set_desired(std::size_t service, int desired) {
  Service& svc = services_.at(service);
  desired = std::max(0, desired);
  const int old = svc.desired;
  svc.desired = desired;
  if (old != desired) on_desired_change.emit(service, old, desired);
  scale(service);
}

void Cluster::scale(std::size_t service) {
  Service& svc = services_[service];
  while (static_cast<int>(svc.live.size()) < svc.desired)
    start_replica(service);
  while (static_cast<int>(svc.live.size()) > svc.desired) {
    const std::uint32_t newest = svc.live.back();
    svc.live.pop_back();
    retire(newest);
  }
}

void Cluster::start_replica(std::size_t service) {
  const auto r = static_cast<std::uint32_t>(replicas_.size());
  Replica& rep = replicas_.emplace_back();
  route_load_.push_back(kNotRoutable);
  rep.service = service;
  rep.requested = sim_.now();
  rep.concurrency = services_[service].config->effective_concurrency();
  services_[service].live.push_back(r);
  if (!admit(r)) return;  // [tenants] rejected by quota admission: never created
  request_launch(r);
}

void Cluster::request_launch(std::uint32_t r) {
  Replica& rep = replicas_[r];
  // [cplane] through the control plane first; a replica retired meanwhile is dropped at grant
  rep.awaiting_control_plane = true;
  launches_->request([this, r] {
    Replica& granted = replicas_[r];
    granted.awaiting_control_plane = false;
    if (granted.state != ReplicaState::pending) return;
    // Only a path with a limiter is a control plane worth a phase (bare metal has none).
    if (launches_->limited()) record_wait(r, kWaitControlPlane);
    place(r);
  });
}

void Cluster::refresh_view(const Node& node) {
  const auto it = host_index_.find(&node);
  if (it == host_index_.end()) return;
  host_views_[it->second] = view_of(node);
  policy_->node_changed(host_views_, it->second);
}

std::vector<Node*> Cluster::candidate_nodes() const {
  std::vector<Node*> nodes;
  if (config_.variant.platform == PlatformKind::container_in_vm) {
    for (const NodeVm& n : node_vms_)
      if (n.state == NodeVm::State::running) nodes.push_back(n.node);
  } else {
    for (const Node* h : host_nodes_)
      nodes.push_back(const_cast<Node*>(h));
  }
  return nodes;
}

// [cplane] VMs and microVMs may overcommit a hypervisor host's cores by the profile's
// vCPU:pCPU ratio; everything else schedules at most the node's capacity.
sim::Millicores Cluster::schedulable_cpu(const Node& node) const {
  if (node.is_vm_node() || !is_vm_kind(config_.variant.platform)) return node.cpu_capacity();
  return sim::Millicores{static_cast<std::int64_t>(
      std::llround(static_cast<double>(node.cpu_capacity().value()) *
                   std::max(1.0, config_.variant.profile->vcpu_overcommit.value)))};
}

placement::NodeView Cluster::view_of(const Node& node) const {
  placement::NodeView v;
  v.id = v.name = node.name();
  v.capacity.cpu = node.cpu_capacity();
  v.capacity.memory = node.memory_capacity();
  v.allocated.cpu = node.cpu_allocated();
  v.allocated.memory = node.memory_used();
  if (node.is_vm_node()) {
    // A node VM sits in its physical host's zone and rack but is of the node instance type.
    auto labels = node.host().spec().labels;
    labels["instance_type"] = config_.variant.node_instance_type.name;
    v.attributes = placement::node_attributes(node.name(), labels);
  } else {
    v.attributes = placement::node_attributes(node.name(), node.host().spec().labels);
  }
  v.tasks = static_cast<int>(node.live_instances());
  // [cplane] pods per node only on Kubernetes-style node VMs, never on hypervisor hosts; VMs
  // and microVMs may overcommit a host's cores by the profile's vCPU:pCPU ratio
  v.max_tasks = node.is_vm_node() && pods_per_node_ > 0 ? pods_per_node_ : INT_MAX;
  v.capacity.cpu = schedulable_cpu(node);
  const auto it = tasks_by_node_.find(&node);
  if (it != tasks_by_node_.end())
    for (const auto& [service, count] : it->second) {
      if (count <= 0) continue;
      v.tasks_by_service.emplace(service, count);
      // Service instances (not node VMs) with their labels and terms, for inter-pod constraints.
      const auto s = service_index_.find(service);
      if (s != service_index_.end()) v.record_running(services_[s->second].request, count);
    }
  fill_tenancy(v, node);  // tenancy hook
  // [failures] a failed or cordoned host takes nothing new, as Kubernetes taints such nodes.
  if (const auto h = host_index_.find(&node); h != host_index_.end()) {
    if (host_down_[h->second])
      v.taints.push_back(
          {"node.kubernetes.io/unreachable", "", placement::Taint::Effect::no_schedule});
    if (host_cordoned_[h->second])
      v.taints.push_back(
          {"node.kubernetes.io/unschedulable", "", placement::Taint::Effect::no_schedule});
  }
  return v;
}

// --- tenancy hook (models/tenancy, models/placement/isolation.hpp) ---
// Cost when active: O(hosts + node VMs on the host x services) per view.
void Cluster::fill_tenancy(placement::NodeView& v, const Node& node) const {
  if (!tenancy_) return;
  // A VM node's host() is its own VM; parent() is the physical host's node.
  const Node& physical = node.is_vm_node() && node.parent() != nullptr ? *node.parent() : node;
  for (std::size_t h = 0; h < hosts_.size(); ++h)
    if (hosts_[h].get() == &physical.host()) v.taints = config_.hosts[h].taints;
  v.tenancy.vm_node = node.is_vm_node();
  if (node.is_vm_node()) v.tenancy.host = physical.name();
  const auto tenants_on = [&](const Node& n, auto&& each) {
    const auto it = tasks_by_node_.find(&n);
    if (it == tasks_by_node_.end()) return;
    for (const auto& [service, count] : it->second) {
      const auto s = service_index_.find(service);
      if (count > 0 && s != service_index_.end()) each(services_[s->second].request, count);
    }
  };
  tenants_on(node, [&](const placement::PlacementRequest& r, int count) {
    placement::record_tenant(v.tenancy, r, count);
  });
  if (!node.is_vm_node()) return;
  auto& elsewhere = v.tenancy.elsewhere_on_host;
  for (const NodeVm& other : node_vms_) {
    if (other.node == nullptr || other.node == &node || other.node->parent() != &physical) continue;
    tenants_on(*other.node, [&](const placement::PlacementRequest& r, int) {
      if (r.tenant.empty()) return;
      const auto at = std::lower_bound(elsewhere.begin(), elsewhere.end(), r.tenant);
      if (at == elsewhere.end() || *at != r.tenant) elsewhere.insert(at, r.tenant);
    });
  }
}

placement::PlacementRequest Cluster::placement_request(const Replica& r) const {
  return services_[r.service].request;
}

void Cluster::place(std::uint32_t r) {
  const bool on_hosts = config_.variant.platform != PlatformKind::container_in_vm;
  const std::vector<Node*> nodes = on_hosts ? std::vector<Node*>{} : candidate_nodes();
  std::vector<placement::NodeView> views;
  if (!on_hosts) {
    views.reserve(nodes.size());
    for (const Node* n : nodes)
      views.push_back(view_of(*n));
  }
  const auto node_at = [&](placement::NodeIndex i) -> Node& {
    return on_hosts ? *const_cast<Node*>(host_nodes_[i]) : *nodes[i];
  };
  const placement::PlacementRequest& request = services_[replicas_[r].service].request;
  const auto t0 = std::chrono::steady_clock::now();
  placement::PlacementOutcome out =
      policy_->place(request, on_hosts ? std::span<const placement::NodeView>{host_views_} : views,
                     placement_stream_);
  PlacementDecision d{replicas_[r].service, "", "", wall_ns_since(t0), {}};
  if (out.node) {
    Node& node = node_at(*out.node);
    d.node = node.name();
    on_placement.emit(d);
    launch(r, node);
    return;
  }
  d.reason = out.reason->message;
  on_placement.emit(d);
  replicas_[r].reason = out.reason->message;
  replicas_[r].reason_dimension = out.reason->dimension;
  pending_.push(r, request, sim_.now(), std::move(*out.reason));
}

ResourceId Cluster::instance_cpu(sim::Millicores limit) {
  ResourceId id;
  if (free_cpu_resources_.empty()) {
    id = flows_->add_resource(fmt::format("instance-cpu/{}", flows_->resource_count()),
                              static_cast<double>(limit.value()));
  } else {
    id = free_cpu_resources_.back();
    free_cpu_resources_.pop_back();
    flows_->set_capacity(id, static_cast<double>(limit.value()));
  }
  return id;
}

void Cluster::record_wait(std::uint32_t r, std::string_view name) {
  Replica& rep = replicas_.at(r);
  const sim::Time now = sim_.now();
  const sim::Time from = rep.waits.empty() ? rep.requested : rep.waits.back().end;
  VMCSIM_ASSERT(now >= from, "a replica's wait ends before it starts");
  // A relaunch after the node refused it continues the same wait.
  if (!rep.waits.empty() && rep.waits.back().name == name) {
    rep.waits.back().end = now;
    return;
  }
  rep.waits.push_back(WaitSpan{name, from, now});
}

// The wait before a launch on `node`: for a node VM that joined after the replica was requested,
// waiting for a node; otherwise waiting for room (zero when it fitted at once).
std::string_view Cluster::placement_wait(const Replica& rep, const Node& node) const {
  if (!node.is_vm_node()) return kWaitPlacement;
  const std::uint32_t n = node_of_instance_.at(node.vm());
  const Instance& vm = runtime_->instance(node_vms_.at(n).instance);
  return vm.requested_at > rep.requested ? kWaitNode : kWaitPlacement;
}

void Cluster::launch(std::uint32_t r, Node& node) {
  Service& svc = services_[replicas_[r].service];
  const ServiceConfig& sc = *svc.config;
  VMCSIM_ASSERT(replicas_[r].state == ReplicaState::pending, "only a pending replica is launched");
  VMCSIM_ASSERT(!host_down(host_index_.at(physical_of(node))),
                "an instance is launched on a failed host");
  record_wait(r, placement_wait(replicas_[r], node));
  replicas_[r].reason.clear();
  replicas_[r].reason_dimension.clear();
  {
    Replica& rep = replicas_[r];
    rep.state = ReplicaState::starting;
    rep.node = &node;
    if (is_vm_kind(config_.variant.platform)) {
      rep.limit = svc.vm_cpu_cap;
    } else {
      rep.limit = sc.cpu_limit > sim::Millicores{0} ? sc.cpu_limit : node.cpu_capacity();
    }
    rep.cpu = instance_cpu(rep.limit);
    ++tasks_by_node_[&node][sc.name];
    refresh_view(node);
  }
  const InstanceId id =
      runtime_->start(svc.spec, node, [this, r](Instance& i) { replica_ready(r, i); });
  if (by_instance_.size() <= id) by_instance_.resize(id + 1, kNone);
  by_instance_[id] = r;
  replicas_[r].instance = id;
  // Placement only offered nodes with room: no node holds more than it has.
  VMCSIM_ASSERT(node.memory_used() <= node.memory_capacity(), "a node's memory is over-committed");
  VMCSIM_ASSERT(node.cpu_allocated() <= schedulable_cpu(node),
                "a node's CPU is committed beyond its capacity times the vCPU overcommit");
  const Replica& rep = replicas_[r];
  on_replica_launch.emit(ReplicaLaunch{rep.service, r, id, rep.requested, rep.waits});
}

void Cluster::replica_ready(std::uint32_t r, Instance& instance) {
  Replica& rep = replicas_[r];
  if (instance.state == InstanceState::failed) {
    // The view said it fits but the node refused (e.g. memory taken meanwhile): wait again.
    --tasks_by_node_[rep.node][services_[rep.service].config->name];
    refresh_view(*rep.node);
    free_cpu_resources_.push_back(rep.cpu);
    const Node* node = rep.node;
    rep.node = nullptr;
    rep.instance = kNoInstance;
    if (node->is_vm_node()) maybe_stop_node(node_of_instance_.at(node->vm()));
    if (rep.stop_when_ready) {
      rep.state = ReplicaState::stopped;
      rep.reason = "scaled in before it started";
      release_admission(r);
      return;
    }
    rep.state = ReplicaState::pending;
    rep.reason = instance.failure;
    rep.reason_dimension = "memory";
    pending_.push(r, placement_request(rep), sim_.now(), {"memory", instance.failure});
    return;
  }
  VMCSIM_ASSERT(rep.state == ReplicaState::starting, "only a starting replica becomes ready");
  VMCSIM_ASSERT(!host_down(host_index_.at(physical_of(*rep.node))),
                "an instance becomes ready on a failed host");
  rep.became_ready = true;
  if (rep.stop_when_ready) {
    rep.state = ReplicaState::stopping;
    runtime_->stop(rep.instance, [this, r](Instance&) { replica_stopped(r); });
    return;
  }
  const ServiceConfig& cfg = *services_[rep.service].config;  // [failures]
  const sim::Time readiness =
      cfg.startup_probe ? failures::startup_ready_delay(*cfg.startup_probe, cfg.readiness_probe,
                                                        instance.phase_time("app_init"))
                        : cfg.readiness_delay;
  if (readiness > sim::Time::zero()) {
    become_running_after(r, readiness);
    return;
  }
  become_running(r);
}

void Cluster::become_running(std::uint32_t r) {
  Replica& rep = replicas_[r];
  rep.state = ReplicaState::running;
  refresh_route(r);
  // What its requests need, copied into its hot line (Replica): the instance's overhead, the
  // CPU path (its own limit, the node's CPU and, in a VM node, the physical CPU) and the disk.
  const VirtualizationOverhead& o = runtime_->instance(rep.instance).overhead;
  rep.cpu_time_factor = o.cpu_time_factor;
  rep.io_scale = 1.0 / o.random_iops_factor;
  const NodePath node_cpu = rep.node->cpu_path();
  rep.cpu_path[0] = rep.cpu;
  std::copy(node_cpu.span().begin(), node_cpu.span().end(), rep.cpu_path.begin() + 1);
  rep.cpu_path_size = static_cast<std::uint8_t>(1 + node_cpu.size);
  const NodePath disk = rep.node->disk_path();
  std::copy(disk.span().begin(), disk.span().end(), rep.disk_path.begin());
  rep.disk_path_size = static_cast<std::uint8_t>(disk.size);
  rep.busy_mark = flows_->busy_seconds(rep.cpu, sim_.now());
  dispatch(r);
  went_idle(r);  // [fn]
  drains_progress();  // [failures]
}

void Cluster::retire(std::uint32_t r) {
  Replica& rep = replicas_[r];
  switch (rep.state) {
    case ReplicaState::pending:
      pending_.erase(r);  // absent while awaiting the control plane: its grant is ignored
      rep.state = ReplicaState::stopped;
      rep.reason = "scaled in before it was placed";
      release_admission(r);
      break;
    case ReplicaState::rejected:  // [tenants] never created: nothing to delete
      std::erase(rejected_, r);
      rep.state = ReplicaState::stopped;
      rep.reason = "scaled in before it was admitted";
      break;
    case ReplicaState::starting:
      rep.stop_when_ready = true;
      break;
    case ReplicaState::running:
      end_idle(r);  // [fn]
      rep.state = ReplicaState::draining;
      refresh_route(r);
      if (rep.in_service == 0) {
        rep.state = ReplicaState::stopping;
        runtime_->stop(rep.instance, [this, r](Instance&) { replica_stopped(r); });
      }
      break;
    default:
      if (rep.lost) {  // [failures] a lost replica scaled in before the platform replaced it
        mark_unhealthy(r);
        rep.lost = false;
        --services_[rep.service].lost;
      }
      break;
  }
}

void Cluster::replica_stopped(std::uint32_t r) {
  Replica& rep = replicas_[r];
  VMCSIM_ASSERT(rep.state == ReplicaState::stopping, "only a stopping replica stops");
  rep.state = ReplicaState::stopped;
  free_cpu_resources_.push_back(rep.cpu);
  --tasks_by_node_[rep.node][services_[rep.service].config->name];
  refresh_view(*rep.node);
  const Node* node = rep.node;
  if (node->is_vm_node()) {
    const std::uint32_t n = node_of_instance_.at(node->vm());
    if (node_vms_[n].state == NodeVm::State::cordoned) maybe_stop_node(n);
  }
  release_admission(r);
  retry_pending();
  drains_progress();  // [failures]
}

bool Cluster::admit(std::uint32_t r) {
  Replica& rep = replicas_[r];
  const ServiceConfig& sc = *services_[rep.service].config;
  if (admission_ == nullptr || sc.tenancy.ns.empty()) return true;
  // Pods are named as a ReplicaSet's would be, one name per replica.
  const tenancy::Admission::Result result = admission_->admit(
      sc.tenancy.ns, fmt::format("{}-{}", sc.name, r),
      tenancy::pod_resources(sc.cpu_request, sc.cpu_limit, sc.memory_request, sc.memory_limit));
  if (!result.admitted) {
    if (rep.state != ReplicaState::rejected) rejected_.push_back(r);
    rep.state = ReplicaState::rejected;
    rep.reason = result.reason;
    rep.reason_dimension = "admission";
    return false;
  }
  rep.admitted = result.pod;
  return true;
}

void Cluster::release_admission(std::uint32_t r) {
  Replica& rep = replicas_[r];
  if (!rep.admitted) return;
  const std::string& ns = services_[rep.service].config->tenancy.ns;
  admission_->release(ns, *rep.admitted);
  rep.admitted.reset();
  // The ReplicaSet controller re-creates the pods its namespace refused, oldest first.
  for (std::size_t i = 0; i < rejected_.size();) {
    const std::uint32_t q = rejected_[i];
    if (services_[replicas_[q].service].config->tenancy.ns != ns || !admit(q)) {
      ++i;
      continue;
    }
    rejected_.erase(rejected_.begin() + static_cast<std::ptrdiff_t>(i));
    Replica& again = replicas_[q];
    again.state = ReplicaState::pending;
    again.reason.clear();
    again.reason_dimension.clear();
    record_wait(q, kWaitAdmission);
    request_launch(q);
  }
}

void Cluster::retry_pending() {
  if (pending_.empty()) return;
  const bool on_hosts = config_.variant.platform != PlatformKind::container_in_vm;
  const std::vector<Node*> nodes = on_hosts ? std::vector<Node*>{} : candidate_nodes();
  if (!on_hosts && nodes.empty()) return;
  std::vector<placement::NodeView> views;
  if (!on_hosts) {
    views.reserve(nodes.size());
    for (const Node* n : nodes)
      views.push_back(view_of(*n));
  }
  const auto t0 = std::chrono::steady_clock::now();
  // On the hosts the retry adds what it places to the kept views (the policy is told); the
  // launches below then refresh them from the nodes themselves.
  const auto placed =
      pending_.retry(sim_.now(), on_hosts ? std::span<placement::NodeView>{host_views_} : views,
                     *policy_, placement_stream_);
  const std::int64_t ns = placed.empty() ? 0 : wall_ns_since(t0) / std::ssize(placed);
  for (const auto& p : placed) {
    const auto r = static_cast<std::uint32_t>(p.id);
    Node& node = on_hosts ? *const_cast<Node*>(host_nodes_[p.node]) : *nodes[p.node];
    on_placement.emit(PlacementDecision{replicas_[r].service, node.name(), "", ns, p.waited});
    launch(r, node);
  }
}

}  // namespace vmcsim::models
