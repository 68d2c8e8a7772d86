#pragma once
// Cluster: one variant's world in one replication. It owns the model objects of the run
// (FlowModel, hosts, registry, PlatformRuntime, placement policy, autoscalers) and drives them:
// services keep a desired count of instances, requests queue and are served, autoscalers change
// desired counts, the cluster autoscaler adds and removes node VMs. It knows nothing of metrics
// or reports: everything observable is a signal or a const accessor.
//
//   sim::Simulation sim;
//   Cluster cluster{sim, config};   // initial replicas (and node VMs) requested at t = 0
//   cluster.on_request_done.connect([&](const RequestOutcome& o) { ... });
//   sim.schedule_at(1_s, [&] { cluster.submit(0); });  // sizes drawn from the service config
//   sim.run_until(config.duration);
//
// Variants (config.variant.platform):
//   vm               a replica is a VM of the profile with memory = memory_limit + the guest OS
//                    footprint (the app gets what it asked for) and ceil(max(request, limit))
//                    vCPUs, placed on physical hosts; its work may use all its vCPUs;
//   microvm          likewise with a microVM profile (Firecracker); a profile with
//                    fargate_task_sizes (Fargate) rounds the task up to a Fargate size, takes that
//                    size's memory, and caps its work at the size's CPU (task-level cpu is a hard
//                    limit), not at its microVM's vCPUs;
//   container        a replica is a container on a physical host; it reserves its memory
//                    request there; its work is capped at
//                    cpu_limit, or with no limit (CPU shares only) at its node's CPU;
//   container_in_vm  `initial_nodes` node VMs start at t = 0 on physical hosts; containers go on
//                    running node VMs (same policy, second level); a container that fits no node
//                    is pending, and the cluster autoscaler adds node VMs (paying their boot)
//                    and removes nodes unneeded for `unneeded_time` (their containers are
//                    drained and replaced elsewhere first).
// Topology (config.topology): every link is a FlowModel resource; a host's image pulls cross its
// NIC, the links of its path to the registry and the registry's egress, and each layer request
// pays the registry's latency plus the path's latency; hosts get "zone" / "rack" labels from the
// topology unless their config has them. Placement sees each node's attributes as
// placement::node_attributes() makes them of its host's labels (zone, rack, instance type under
// their ECS and Kubernetes names, and the hostname); a node VM has its physical host's zone and
// rack and the variant's node instance type. Services' labels, pod (anti-)affinity terms and
// topology spread constraints act per topology domain (models/placement/domains.hpp).
// Power: a physical host is powered only while it holds a live instance or node VM (unless its
// HostConfig says power_off_when_empty = false), so energy counts the hosts a variant uses.
// Both levels of placement use the policy named by variant.placement over NodeViews of the
// candidate nodes (CPU request and the exact memory the runtime will reserve); what fits nowhere
// waits in a PendingQueue retried whenever an instance stops or a node joins.
//
// Requests: each service keeps one FIFO queue. An arriving request goes to the running instance
// with the fewest requests in service (ties: the oldest instance) if it has fewer than
// `concurrency`, else it waits. A request runs its CPU work (cpu_time x the instance's
// cpu_time_factor) as a flow at most one core fast through the instance's own CPU resource
// (capacity = its CPU limit; vCPUs for VMs), the CPU of the node it is on and, for a container in
// a VM, the physical host's CPU; then its disk I/O (io_bytes / random_iops_factor: request I/O
// counts as random I/O) through the node's disk (and the physical disk under a VM node). So an
// isolated request takes cpu_time x factor / min(1 core, limit) + io / factor / disk bandwidth.
// latency = done - arrival. An instance being scaled in stops taking requests, finishes those in
// service (drain), then stops; the newest instances go first.
//
// Autoscaling: every service with an autoscaler is evaluated every AutoscalerConfig::period()
// with metric = 100 x (CPU core-seconds its running instances used during the period) /
// (period x request cores x desired): the average utilization of the running instances counted
// as if the instances still booting were idle (Kubernetes' treatment of missing pods on scale-up).
// With no running instance there is no metric and the evaluation is skipped.
//
// Determinism: request sizes come from the per-service stream "service/<name>/requests" in
// submission order (itself fixed by the event order), placement ties from "placement", phase
// times from the runtime's per-instance streams; nothing iterates an unordered container.
// Periodic controllers keep events pending forever: drive a Cluster with run_until(), not run().
// The Simulation must outlive the Cluster; the Cluster cancels its own timers when destroyed.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "models/autoscaling/cluster_autoscaler.hpp"
#include "models/autoscaling/ecs_scaling.hpp"
#include "models/autoscaling/hpa.hpp"
#include "models/cluster/cluster_config.hpp"
#include "models/cluster/network.hpp"
#include "models/cluster/request.hpp"
#include "models/control_plane/launch_server.hpp"
#include "models/failures/failures.hpp"
#include "models/host.hpp"
#include "models/image/registry.hpp"
#include "models/placement/pending_queue.hpp"
#include "models/placement/policy.hpp"
#include "models/platform/runtime.hpp"
#include "models/resources/flow_model.hpp"
#include "sim/random.hpp"
#include "sim/signal.hpp"
#include "sim/simulation.hpp"

namespace vmcsim::models {

class Cluster {
 public:
  // Builds hosts, registry and runtime and sets each service's desired count to its initial
  // replicas; the initial node VMs and replicas are requested by an event at now() (so observers
  // connected right after construction see them).
  // Throws ConfigurationRefused (models/refusal.hpp) for what a user's configuration asks that
  // the model cannot run (no hosts, a service larger than any Fargate size, a pulling profile
  // without an image), and std::invalid_argument for wiring mistakes (no profile, a
  // container_in_vm variant without a node profile, an unknown placement policy).
  Cluster(sim::Simulation& sim, const ClusterConfig& config);
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;
  ~Cluster();

  // A request arriving now (request.arrival <= now; latency counts from it).
  void submit(std::size_t service_index, const Request& request);
  // A request arriving now with its CPU time and I/O drawn from the service's distributions.
  void submit(std::size_t service_index);
  // Sets a service's desired count (what an autoscaler does; also for scripted scenarios).
  void set_desired(std::size_t service_index, int desired);

  PlatformRuntime& runtime() { return *runtime_; }
  const PlatformRuntime& runtime() const { return *runtime_; }
  FlowModel& flows() { return *flows_; }
  sim::Signal<const RequestOutcome&> on_request_done;
  sim::Signal<std::size_t /*service*/, int /*old*/, int /*new*/> on_desired_change;
  sim::Signal<const PlacementDecision&> on_placement;
  // A replica handed to the runtime (after its instance exists, before its first phase ends).
  sim::Signal<const ReplicaLaunch&> on_replica_launch;

  const ClusterConfig& config() const { return config_; }
  std::size_t service_count() const;
  const ServiceConfig& service_config(std::size_t service) const;
  int desired(std::size_t service) const;
  int running(std::size_t service) const;          // running and taking requests
  int starting(std::size_t service) const;         // requested or booting (placed, not yet running)
  std::size_t pending(std::size_t service) const;  // waiting for a place
  std::size_t queued_requests(std::size_t service) const;
  std::size_t in_service(std::size_t service) const;
  std::uint64_t submitted(std::size_t service) const;
  std::uint64_t completed(std::size_t service) const;
  std::size_t pending_instances() const;
  // Service instances drained off node VMs the cluster autoscaler removed (and replaced).
  std::uint64_t evictions() const { return evictions_; }
  std::uint64_t nodes_drained() const { return nodes_drained_; }
  // Sustainable throughput of the running instances (requests/s): sum over them of concurrency /
  // E[service time at full concurrency, alone on its node].
  double capacity_rps(std::size_t service) const;
  std::size_t hosts_used() const;  // physical hosts with at least one live instance or node VM
  std::size_t nodes() const;       // container_in_vm: live node VMs
  std::size_t running_nodes() const;
  double cpu_utilization() const;     // CPU in use / capacity over all physical hosts, 0..1
  double memory_utilization() const;  // memory reserved / capacity over all physical hosts, 0..1
  const std::vector<std::unique_ptr<Host>>& hosts() const { return hosts_; }
  // The topology and its link resources, or null when the config has none.
  const ClusterNetwork* network() const { return network_.get(); }
  std::vector<BillableUsage> billable_usage(sim::Time now) const;
  // [cplane] The control planes launches go through (models/control_plane): instances (API,
  // platform bucket, scheduler) and node VMs (RunInstances); waits are "wait_control_plane".
  const control_plane::LaunchServer& instance_launches() const { return *launches_; }
  const control_plane::LaunchServer& node_launches() const { return *node_launches_; }
  // Every replica ever requested, by index (never reused), in request order.
  std::size_t replica_count() const;
  // For tests and checked builds: submit's compact routing array agrees with every replica
  // (running with room: its requests in service; otherwise not routable).
  bool routing_consistent() const;
  ReplicaStatus replica_status(std::size_t replica) const;

  // --- failures (cluster_failures.cpp; driven by app/runner/failures.*) ---
  // The physical host fails: every instance on it and in the node VMs on it is killed at once
  // (PlatformRuntime::kill) and their requests in service fail (on_request_failed). A lost
  // replica stays in its service's count, taking no placement and serving nothing, until
  // replace_lost(): the platform has not noticed yet. Until mark_unhealthy() the load balancer
  // still sends it a share of the arrivals (its share of running + such lost replicas, round
  // robin), and those fail at once. The host carries the taint node.kubernetes.io/unreachable
  // (NoSchedule) until recover_host(). Without a cluster autoscaler, each node VM lost is
  // replaced at once (its Auto Scaling group keeps its size).
  void fail_host(std::size_t host, std::string_view cause);
  void recover_host(std::size_t host);
  // Cordons the host (taint node.kubernetes.io/unschedulable) and drains it: each replica on it
  // or in its node VMs is retired gracefully (finishing its requests) and replaced, at once or
  // step by step as the drain policy says (set_drain_policy); its node VMs stop once empty.
  // uncordon_host() lifts the taint (a drain still in progress carries on).
  void drain_host(std::size_t host);
  void uncordon_host(std::size_t host);
  // [failures] How drain_host() takes the replicas off (cluster_failures.cpp). at_once: every
  // replica is retired and replaced at once (VM platforms). disruption_budget (Kubernetes,
  // kubectl drain): each pod goes through the eviction API; an eviction that would leave its
  // service fewer Ready (running) replicas than its budget's min_ready(desired) is refused
  // (HTTP 429) and retried after `retry`; a pod not Ready yet is evicted at once (it counts
  // against no budget). ecs_deployment (ECS service scheduler on a DRAINING container instance):
  // replacements start while the service's tasks stay within maximumPercent of desired, and
  // DRAINING tasks stop while running tasks stay at or above minimumHealthyPercent.
  // `budgets` and `deployment` are by service; a service past their end has no budget / 100-200.
  struct DrainPolicy {
    enum class Kind { at_once, disruption_budget, ecs_deployment };
    Kind kind = Kind::at_once;
    sim::Time retry;
    std::vector<failures::DisruptionBudget> budgets;
    std::vector<std::pair<double, double>> deployment;  // minimumHealthyPercent, maximumPercent
  };
  void set_drain_policy(DrainPolicy policy);
  // One drain, once its host holds none of the replicas it had to move (or the host failed
  // first: a Spot interruption's deadline). `refused`: evictions the budget refused (each retry
  // counts); `bypassed`: replicas still on the host when it failed, killed whatever the budget.
  struct DrainResult {
    std::size_t host = 0;
    sim::Time started;
    sim::Time emptied;
    std::uint64_t refused = 0;
    std::uint64_t bypassed = 0;
  };
  sim::Signal<const DrainResult&> on_drain_done;
  // One running replica of the service crashes: the one at `pick` (in [0, 1)) of its running
  // replicas, oldest first. Returns it, or nothing when none runs.
  std::optional<std::uint32_t> crash(std::size_t service, double pick, std::string_view cause);
  // The process of the running replica at `pick` crashes and its supervisor restarts it in
  // place (a VM's systemd): its requests in service fail and it takes none for `downtime`,
  // counting as starting, with no new instance and no boot. Returns it, or nothing.
  std::optional<std::uint32_t> restart_in_place(std::size_t service, double pick,
                                                sim::Time downtime, std::string_view cause);
  // The replica's instance is still booting (its application not up) and its platform gives
  // up on it (a Kubernetes startup probe that failed failureThreshold times): it is lost like a
  // crashed one (on_replica_lost) and waits for replace_lost. False, and nothing done, when the
  // replica is not starting, its instance's boot already ended, or a scale-in retires it.
  bool fail_start(std::uint32_t replica, std::string_view cause);
  void mark_unhealthy(std::uint32_t replica);
  // The platform replaces the lost replica: it leaves the count and the service scales back to
  // its desired count (the load balancer still sends it requests until mark_unhealthy). A no-op
  // if a scale-in dropped it meanwhile.
  void replace_lost(std::uint32_t replica);
  bool host_down(std::size_t host) const { return host < host_down_.size() && host_down_[host]; }
  std::uint64_t failed(std::size_t service) const;
  int lost(std::size_t service) const;  // lost replicas not replaced yet
  // Replicas running (or starting) on a failed host: always 0 (VMCSIM_ASSERT after each change).
  std::size_t instances_on_failed_hosts() const;
  sim::Signal<const RequestOutcome&> on_request_failed;  // done = when it failed
  sim::Signal<std::size_t /*service*/, std::uint32_t /*replica*/> on_replica_lost;

  // Ends the replica's current wait at now as a span named `name` (from the end of its last
  // span, or its request). For steps in front of the runtime, such as a control plane's queue:
  // call it before the launch; the placement wait is recorded by the cluster itself.
  void record_wait(std::uint32_t replica, std::string_view name);

  // [fn] A function service's counters (models/serverless/function.hpp), idle memory-time
  // integrated up to `now`.
  serverless::FunctionStats function_stats(std::size_t service, sim::Time now) const;

 private:
  struct Replica;
  struct Service;
  struct NodeVm;
  struct InFlight;
  struct IoStep;
  struct Controller;
  using ReplicaState = models::ReplicaState;

  void start_replica(std::size_t service);
  void request_launch(std::uint32_t replica);  // through the control plane to place()
  // [tenants] Quota admission of the replica's pod in its service's namespace (true: admitted,
  // or no namespace); a rejected replica keeps the API server's reason. release_admission
  // returns an admitted pod's quota usage as it terminates and retries the namespace's rejected
  // replicas.
  bool admit(std::uint32_t replica);
  void release_admission(std::uint32_t replica);
  void scale(std::size_t service);
  void retire(std::uint32_t replica);
  void place(std::uint32_t replica);
  bool try_place(std::uint32_t replica, std::string* reason);
  void launch(std::uint32_t replica, Node& node);
  std::string_view placement_wait(const Replica& replica, const Node& node) const;
  void replica_ready(std::uint32_t replica, Instance& instance);
  void replica_stopped(std::uint32_t replica);
  void retry_pending();
  void dispatch(std::uint32_t replica);
  // A request waiting for a replica: into and out of the service's queue, keeping its count.
  void enqueue(Service& service, std::uint64_t sequence, const Request& request);
  void check_requests(const Service& service) const;
  // Recomputes route_load_[replica] after its state, in_service or concurrency changed.
  void refresh_route(std::uint32_t replica);
  void begin_request(std::uint32_t replica, std::uint64_t sequence, const Request& request,
                     bool cold = false);
  // [fn] scale to zero and keep-alive (function services only)
  void cold_start(std::size_t service);
  void went_idle(std::uint32_t replica);
  void function_went_idle(std::uint32_t replica, bool function_idle);
  void function_arrival(std::size_t service);
  void end_idle(std::uint32_t replica);
  bool expiry_due(std::uint32_t replica) const;  // idle, running and past its keep-alive
  void expire(std::uint32_t replica);
  void expire_due(std::size_t service);
  void stop_idle(std::uint32_t replica);
  void prewarm(std::size_t service, sim::Time until);
  void cpu_done(const IoStep& step);
  void io_done(std::uint32_t flight, std::uint32_t replica, std::uint32_t service);
  void evaluate_autoscaler(std::size_t service);
  void scan_nodes();
  void add_node_vm();
  void launch_node_vm(std::uint32_t node_vm);  // [cplane]
  void node_ready(std::uint32_t node_vm);
  void maybe_stop_node(std::uint32_t node_vm);
  void track_host(const Instance& instance);
  void lose(std::uint32_t replica, std::string_view cause);  // cluster_failures.cpp
  // The running replica of `service` that `pick` in [0, 1] chooses (crash, restart_in_place).
  std::optional<std::uint32_t> running_replica(std::size_t service, double pick) const;
  void fail_in_service(std::uint32_t replica);                // cluster_failures.cpp
  // [failures] The replica's instance is up; it takes requests once `delay` has passed
  // (readiness probe, in-place restart), unless it was lost or stopped meanwhile.
  void become_running_after(std::uint32_t replica, sim::Time delay);
  void become_running(std::uint32_t replica);
  // [failures] drains that honour budgets and deployment settings (cluster_failures.cpp)
  struct Drain;
  void evict(std::size_t host, std::uint32_t replica);
  void try_evictions(std::size_t host);
  void ecs_drain_step(std::size_t host);
  void end_drain_if_empty(std::size_t host);
  void end_drain_on_failure(std::size_t host);
  void drains_progress();  // a replica became running or stopped
  void fail_request(std::size_t service, std::uint64_t sequence, const Request& request);
  const Node* physical_of(const Node& node) const;

  placement::PlacementRequest placement_request(const Replica& r) const;
  sim::Millicores schedulable_cpu(const Node& node) const;
  placement::NodeView view_of(const Node& node) const;
  // Tenancy hook: the node's taints and the tenants on it and on its physical host.
  void fill_tenancy(placement::NodeView& view, const Node& node) const;
  // Rebuilds the kept view of a physical host after it changed (no-op for node VMs).
  void refresh_view(const Node& node);
  std::vector<Node*> candidate_nodes() const;
  sim::Bytes reserved_memory(std::size_t service) const;
  ResourceId instance_cpu(sim::Millicores limit);

  sim::Simulation& sim_;
  ClusterConfig config_;
  std::unique_ptr<FlowModel> flows_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<ClusterNetwork> network_;
  std::unique_ptr<PlatformRuntime> runtime_;
  std::unique_ptr<placement::PlacementPolicy> policy_;
  sim::RandomStream placement_stream_;
  std::vector<Service> services_;
  std::vector<Replica> replicas_;                // by replica index, never reused
  // By replica index: its requests in service while it is running with room for one more, else
  // INT32_MAX. submit's least-outstanding scan reads only this (4 bytes a replica, all of them in
  // a few cache lines) instead of one scattered Replica per live replica.
  std::vector<std::int32_t> route_load_;
  std::vector<std::uint32_t> by_instance_;       // InstanceId -> replica index (or none)
  std::vector<std::uint32_t> node_of_instance_;  // InstanceId -> node VM index (or none)
  std::vector<NodeVm> node_vms_;
  placement::PendingQueue pending_;  // replicas waiting for a place (id = replica index), FIFO
  std::vector<InFlight> flights_;
  std::uint32_t free_flight_ = UINT32_MAX;
  std::vector<ResourceId> free_cpu_resources_;
  std::unique_ptr<autoscaling::ClusterAutoscaler> cluster_autoscaler_;
  placement::NodeView node_template_;
  // Physical host busy intervals (host_time billing, hosts_used): by runtime host index.
  struct HostUse {
    bool busy = false;
    sim::Time since;
    sim::Time total;
  };
  std::vector<HostUse> host_use_;
  std::vector<const Node*> host_nodes_;
  // The physical hosts' placement views, kept current (refresh_view on every instance state
  // change and task count change) and tracked by the policy, so a decision over the hosts
  // neither rebuilds n views nor scans n nodes when the policy has an index.
  std::vector<placement::NodeView> host_views_;
  std::map<const Node*, std::size_t> host_index_;  // looked up, never iterated
  // Tasks per node and service (ECS spread, distinctInstance); looked up, never iterated in
  // pointer order.
  std::map<const Node*, std::map<std::string, int, std::less<>>> tasks_by_node_;
  std::map<std::string, std::size_t, std::less<>> service_index_;  // service name -> index
  bool tenancy_ = false;  // some service has a tenant or some host taints (fill_tenancy)
  std::unique_ptr<tenancy::Admission> admission_;  // [tenants] null: no namespaces
  std::vector<std::uint32_t> rejected_;            // [tenants] rejected replicas, request order
  std::uint64_t evictions_ = 0;
  std::uint64_t nodes_drained_ = 0;
  sim::EventId scan_timer_;
  sim::EventId start_event_;
  // [cplane] launch paths, and the pods a node VM takes (0: no limit)
  std::unique_ptr<control_plane::LaunchServer> launches_;
  std::unique_ptr<control_plane::LaunchServer> node_launches_;
  int pods_per_node_ = 0;
  // [failures] by host index: failed / cordoned (their views carry a NoSchedule taint)
  std::vector<char> host_down_, host_cordoned_;
  DrainPolicy drain_policy_;
  std::vector<Drain> drains_;  // by host index (empty until the first drain)
  int active_drains_ = 0;
};

}  // namespace vmcsim::models
