#include "models/cluster/cluster.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <cmath>
#include <map>
#include <stdexcept>

#include "models/refusal.hpp"
#include "models/serverless/keep_alive.hpp"
#include "sim/assert.hpp"

namespace vmcsim::models {

namespace {
constexpr std::uint32_t kNone = UINT32_MAX;

// Wall-clock nanoseconds since `t0`: for PlacementDecision::decision_ns only.
std::int64_t wall_ns_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
      .count();
}
constexpr double kMillicoresPerCore = 1000.0;

bool is_vm_kind(PlatformKind k) {
  return k == PlatformKind::vm || k == PlatformKind::microvm;
}

int vcpus_for(sim::Millicores limit) {
  return std::max(1, static_cast<int>(std::ceil(limit.cores_value() - 1e-9)));
}
}  // namespace

int ServiceConfig::effective_concurrency() const {
  return concurrency > 0 ? concurrency : vcpus_for(cpu_size());
}

struct Cluster::Replica {
  std::size_t service = 0;
  ReplicaState state = ReplicaState::pending;
  bool stop_when_ready = false;
  InstanceId instance = kNoInstance;
  Node* node = nullptr;
  ResourceId cpu;          // the instance's own CPU resource (capacity = its limit)
  sim::Millicores limit;   // that capacity
  double busy_mark = 0.0;  // flows_->busy_seconds(cpu) at the last autoscaler sample
  int in_service = 0;
  int concurrency = 1;
  bool awaiting_control_plane = false;  // [cplane] its launch waits in the control plane
  bool became_ready = false;
  sim::Time requested;
  std::vector<WaitSpan> waits;  // contiguous from `requested`
  std::string reason;           // why pending, or why stopped before ready
  std::string reason_dimension;
  bool lost = false;      // [failures] killed, still counted until replace_lost()
  bool routable = false;  // [failures] lost, and the load balancer still sends it requests
  // [fn] idle and warm since idle_since (function services); kept until expires_at
  bool idle = false;
  bool prewarmed = false;  // started by the pre-warm window; kept until expires_at
  sim::Time idle_since;
  sim::Time expires_at = sim::Time::max();
  sim::EventId expiry;
  std::optional<tenancy::PodResources> admitted;  // [tenants] what its namespace's quota charged
};

struct Cluster::Controller {
  std::variant<std::monostate, autoscaling::HpaController, autoscaling::TargetTrackingController,
               autoscaling::StepScalingController>
      impl;
  int evaluate(sim::Time now, int current, double metric) {
    return std::visit(
        [&](auto& c) -> int {
          if constexpr (std::is_same_v<std::decay_t<decltype(c)>, std::monostate>) {
            return current;
          } else {
            return c.evaluate(now, current, metric);
          }
        },
        impl);
  }
};

struct Cluster::Service {
  const ServiceConfig* config = nullptr;
  placement::PlacementRequest request;  // the demand of one instance, with its constraints
  InstanceSpec spec;                    // what to start (node filled at launch)
  sim::Millicores vm_cpu_cap;           // vm / microvm: what one instance's work may use
  int desired = 0;
  std::vector<std::uint32_t> live;  // pending, starting and running replicas, oldest first
  struct Queued {
    std::uint64_t sequence;
    Request request;
  };
  std::deque<Queued> queue;
  std::uint64_t submitted = 0;
  std::uint64_t completed = 0;
  std::size_t in_service = 0;
  sim::RandomStream stream{0};
  Controller controller;
  sim::EventId timer;
  // [failures] requests failed; lost replicas not replaced; of those, still sent requests; the
  // round-robin position that shares arrivals between them and the running replicas
  std::uint64_t failed = 0;
  int lost = 0;
  int lost_routable = 0;
  std::uint64_t route_counter = 0;
  // [fn] function services (models/serverless)
  std::unique_ptr<serverless::KeepAlivePolicy> keep_alive;
  std::optional<control_plane::TokenBucket> scale_limit;
  sim::EventId scale_retry;  // a cold start waiting for the scaling limit's tokens
  bool scale_retry_armed = false;
  sim::EventId prewarm_timer;
  bool idle = false;  // nothing in service or queued since idle_since (for idle-time samples)
  sim::Time idle_since;
  serverless::FunctionStats stats;
};

struct Cluster::NodeVm {
  enum class State : std::uint8_t { starting, running, cordoned, stopping, stopped, failed };
  State state = State::starting;
  InstanceId instance = kNoInstance;
  Node* node = nullptr;
  sim::Time requested_at;  // [cplane] before RunInstances let it through
};

struct Cluster::InFlight {
  std::uint32_t replica = kNone;
  std::uint64_t sequence = 0;
  sim::Time arrival;
  sim::Time start;
  sim::Bytes io;
  std::uint32_t next_free = kNone;
  FlowId flow;          // [failures] its current flow, cancelled if its instance is lost
  bool active = false;  // in service (not on the free list)
  bool cold = false;  // [fn]
};

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
  rep.state = ReplicaState::running;
  rep.busy_mark = flows_->busy_seconds(rep.cpu, sim_.now());
  dispatch(r);
  went_idle(r);  // [fn]
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

// --- requests ------------------------------------------------------------------------------

void Cluster::submit(std::size_t service) {
  Service& svc = services_.at(service);
  const ServiceConfig& sc = *svc.config;
  const double cpu = std::max(0.0, sc.cpu_time.sample(svc.stream));
  const double io = std::max(0.0, sc.io_bytes.sample(svc.stream));
  submit(service, Request{sc.name, sim_.now(), sim::Time::from_seconds(cpu),
                          sim::Bytes{static_cast<std::int64_t>(std::llround(io))}});
}

void Cluster::submit(std::size_t service, const Request& request) {
  Service& svc = services_.at(service);
  const std::uint64_t sequence = svc.submitted++;
  // [failures] lost replicas the load balancer has not marked unhealthy still get their share.
  if (svc.lost_routable > 0) {
    const auto total = static_cast<std::uint64_t>(running(service) + svc.lost_routable);
    if (svc.route_counter++ % total < static_cast<std::uint64_t>(svc.lost_routable)) {
      fail_request(service, sequence, request);
      return;
    }
  }
  const bool function = svc.config->function.enabled;
  if (function) {  // [fn] an arrival at an instance's expiry finds it gone
    expire_due(service);
    if (svc.idle) svc.keep_alive->observe_idle(sim_.now() - svc.idle_since);
    svc.idle = false;
  }
  // Least outstanding requests among the running instances, oldest first on ties.
  std::uint32_t best = kNone;
  for (const std::uint32_t r : svc.live) {
    const Replica& rep = replicas_[r];
    if (rep.state != ReplicaState::running || rep.in_service >= rep.concurrency) continue;
    if (best == kNone || rep.in_service < replicas_[best].in_service) best = r;
    if (rep.in_service == 0) break;  // nothing beats an idle instance; it is the oldest idle one
  }
  if (best == kNone) {
    svc.queue.push_back({sequence, request});
    if (function) {
      cold_start(service);
    } else if (svc.live.empty()) {
      // [fn] Scaled to zero (replicas or min_replicas 0): activate one instance, as Knative's
      // activator and KEDA's activation do; the service's autoscaler takes it from there.
      set_desired(service, 1);
    }
  } else {
    begin_request(best, sequence, request);
  }
  check_requests(svc);
}

void Cluster::check_requests(const Service& svc) const {
  // Conservation: every request submitted is completed, in service or queued.
  VMCSIM_ASSERT(svc.submitted == svc.completed + svc.failed + svc.in_service + svc.queue.size(),
                "a request was lost or counted twice");
  static_cast<void>(svc);
}

void Cluster::dispatch(std::uint32_t r) {
  Replica& rep = replicas_[r];
  Service& svc = services_[rep.service];
  while (rep.state == ReplicaState::running && rep.in_service < rep.concurrency &&
         !svc.queue.empty()) {
    const Service::Queued q = svc.queue.front();
    svc.queue.pop_front();
    begin_request(r, q.sequence, q.request, svc.config->function.enabled);
  }
}

void Cluster::begin_request(std::uint32_t r, std::uint64_t sequence, const Request& request,
                            bool cold) {
  end_idle(r);  // [fn]
  Replica& rep = replicas_[r];
  rep.prewarmed = false;
  rep.expires_at = sim::Time::max();
  Service& svc = services_[rep.service];
  ++rep.in_service;
  ++svc.in_service;
  std::uint32_t f = free_flight_;
  if (f == kNone) {
    f = static_cast<std::uint32_t>(flights_.size());
    flights_.emplace_back();
  } else {
    free_flight_ = flights_[f].next_free;
  }
  const Instance& inst = runtime_->instance(rep.instance);
  const VirtualizationOverhead& o = inst.overhead;
  flights_[f] = InFlight{r,
                         sequence,
                         request.arrival,
                         sim_.now(),
                         request.io_bytes * (1.0 / o.random_iops_factor),
                         kNone,
                         {},
                         true,
                         cold};
  // One request is one thread: at most one core, through the instance's limit, the node's CPU
  // and, for a container in a VM, the physical CPU under it.
  const NodePath node_cpu = rep.node->cpu_path();
  std::array<ResourceId, 3> path{rep.cpu};
  std::copy(node_cpu.span().begin(), node_cpu.span().end(), path.begin() + 1);
  const std::size_t len = 1 + node_cpu.size;
  const double work = request.cpu_time.seconds() * o.cpu_time_factor * kMillicoresPerCore;
  flights_[f].flow = flows_->start_flow(std::span{path.data(), len}, work, kMillicoresPerCore,
                                        [this, f] { cpu_done(f); });
}

void Cluster::cpu_done(std::uint32_t f) {
  const InFlight& fl = flights_[f];
  if (fl.io <= sim::Bytes{}) {
    io_done(f);
    return;
  }
  flights_[f].flow =
      flows_->start_flow(replicas_[fl.replica].node->disk_path().span(),
                         static_cast<double>(fl.io.count()), kUncapped, [this, f] { io_done(f); });
}

void Cluster::io_done(std::uint32_t f) {
  const InFlight fl = flights_[f];
  flights_[f].active = false;
  flights_[f].next_free = free_flight_;
  free_flight_ = f;
  Replica& rep = replicas_[fl.replica];
  Service& svc = services_[rep.service];
  --rep.in_service;
  --svc.in_service;
  ++svc.completed;
  const sim::Time now = sim_.now();
  check_requests(svc);
  if (svc.config->function.enabled) {  // [fn] Lambda bills configured memory x duration, 1 ms up
    auto& st = svc.stats;
    ++st.requests;
    st.cold_starts += fl.cold;
    if (fl.cold) st.cold_wait += fl.start - fl.arrival;
    const double ms = std::ceil((now - fl.start).milliseconds() - 1e-9);
    st.billed_gb_seconds += ms / 1000.0 * svc.config->memory_limit.gib_value();
  }
  on_request_done.emit(RequestOutcome{rep.service, fl.sequence, fl.arrival, fl.start, now,
                                      now - fl.arrival, rep.instance, fl.cold});
  if (rep.state == ReplicaState::draining && rep.in_service == 0) {
    rep.state = ReplicaState::stopping;
    const std::uint32_t r = fl.replica;
    runtime_->stop(rep.instance, [this, r](Instance&) { replica_stopped(r); });
    return;
  }
  dispatch(fl.replica);
  went_idle(fl.replica);  // [fn]
}

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

void Cluster::expire(std::uint32_t r) {
  const Replica& rep = replicas_[r];
  if (rep.idle && rep.state == ReplicaState::running && rep.expires_at <= sim_.now()) stop_idle(r);
}

void Cluster::expire_due(std::size_t service) {
  for (const std::uint32_t r : std::vector<std::uint32_t>(services_[service].live))
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

// --- observation ---------------------------------------------------------------------------

std::size_t Cluster::replica_count() const {
  return replicas_.size();
}

ReplicaStatus Cluster::replica_status(std::size_t r) const {
  const Replica& rep = replicas_.at(r);
  return ReplicaStatus{rep.service,  rep.state,  rep.requested,        rep.became_ready,
                       rep.instance, rep.reason, rep.reason_dimension, rep.waits};
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
  return services_.at(service).queue.size();
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
