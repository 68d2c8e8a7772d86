#pragma once
// PlacementPolicy: one interface for every way of choosing a node for a task, pod or VM.
//
// Every policy first filters the nodes a request may go to (feasible(): the demand fits free()
// in every dimension, the node has a task slot left (max_tasks), the request tolerates the
// node's NoSchedule/NoExecute taints and its required node affinity holds (node_affinity.hpp),
// memberOf expressions hold, the tenants' isolation policy allows it (isolation.hpp),
// distinctInstance, required pod affinity and anti-affinity and DoNotSchedule topology spread
// constraints are respected, per topology domain as domains.hpp says), then ranks the feasible
// ones.
// Ties go to the lowest index, except for the random policies, which draw from the stream given.
// When no node is feasible, place() says why (Unplaceable).
//
// Policies and the spelling make_policy() reads (the table is models/registry/
// placement_policies.hpp; first_fit, best_fit, worst_fit and round_robin are also accepted with
// a hyphen):
//   first-fit       lowest-index feasible node
//   best-fit        least normalised free capacity left after placing: sum over the dimensions
//                   the node has of (free - demand) / allocatable; lowest wins
//   worst-fit       the most normalised free capacity left; highest wins
//   random          uniform among feasible nodes
//   round-robin     the first feasible node after the one chosen last (wrapping)
//   tetris          Grandl et al., SIGCOMM 2014: score = sum_d (demand_d / alloc_d) *
//                   (free_d / alloc_d), demand and free normalised by the node; highest wins
//   ecs:S1,S2,...   ECS placement strategies chained in order (at most 5), each narrowing the
//                   set of tied best candidates (Amazon ECS API reference, PlacementStrategy):
//                     binpack(cpu) | binpack(memory): least of that resource left after placing
//                     spread(instanceId) | spread(host) | spread(attribute:NAME): the value of
//                       the field with the fewest tasks of this service, counted over all nodes
//                     random: one candidate uniformly
//                   then the lowest index among what is left.
//   k8s             the default Kubernetes profile: LeastAllocated*1,BalancedAllocation*1,
//                   InterPodAffinity*2,PodTopologySpread*2,TaintToleration*3,NodeAffinity*2
//                   (weights of kube-scheduler's default plugins, pkg/scheduler/apis/config/v1
//                   default_plugins.go)
//   k8s:P[*w],...   Kubernetes score plugins with weights (w defaults to 1); node score =
//                   sum_p w_p * score_p(node), each score_p in [0, MaxNodeScore = 100]. P is:
//     LeastAllocated      per resource r: (alloc_r - req_r) * 100 / alloc_r (integer division,
//                         0 if req_r > alloc_r), then sum_r(score_r * w_r) / sum_r w_r
//     MostAllocated       per resource: req_r * 100 / alloc_r (req_r capped at alloc_r), same mean
//     BalancedAllocation  f_r = min(req_r / alloc_r, 1); score = int((1 - std(f)) * 100), std the
//                         population standard deviation (|f_cpu - f_mem| / 2 for two resources)
//     RequestedToCapacityRatio  per resource: u = req_r * 100 / alloc_r, score = the
//                         piecewise-linear shape at u (shape scores 0..10 scaled by 10), then
//                         round(sum_r(score_r * w_r) / sum_r w_r)
//     InterPodAffinity    preferred terms: raw = sum over preferred affinity terms of weight x
//                         running pods matching it in the node's topology domain, minus the same
//                         for preferred anti-affinity (DomainCounts::preferred_score); normalised
//                         over the feasible nodes to int(100 x (raw - min) / (max - min)) (all 0
//                         when max == min)
//     PodTopologySpread   ScheduleAnyway constraints (DomainCounts::spread_scores): fewer matching
//                         pods in the node's domain score higher
//     TaintToleration     fewer untolerated PreferNoSchedule taints score higher; NodeAffinity:
//                         more weight of matching preferred terms scores higher (both normalised
//                         over the scored nodes, node_affinity.hpp)
//     percentageOfNodesToScore=N  not a plugin: kube-scheduler's setting (PolicyOptions); the
//                         nodes scored are a sample (num_feasible_nodes_to_find()); with only
//                         this item the default profile's plugins are used ("k8s:percentage...")
//   where req_r = allocated_r + the incoming pod's demand_r ("requested includes the incoming
//   pod") and alloc_r = allocatable. Resources and their weights come from PolicyOptions
//   (default cpu = 1, memory = 1). Source: kubernetes pkg/scheduler/framework/plugins/
//   noderesources (least_allocated.go, most_allocated.go, balanced_allocation.go,
//   requested_to_capacity_ratio.go), interpodaffinity/scoring.go and podtopologyspread/
//   scoring.go. Difference: Kubernetes breaks score ties at random; vmcsim takes the lowest index
//   (deterministic).
//   Like kube-scheduler, a k8s policy scores only a sample of the feasible nodes at 100 nodes
//   or more (percentageOfNodesToScore, default adaptive: num_feasible_nodes_to_find());
//   "k8s:...,percentageOfNodesToScore=100" scores every feasible node.
// Unknown names or arguments throw sim::ParseError naming the spec and what is accepted.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/placement/domains.hpp"
#include "models/placement/node_view.hpp"
#include "sim/random.hpp"

namespace vmcsim::models::placement {

// Why a request fits no node. `dimension` is the resource that is short everywhere ("memory"),
// or "constraints" (every node rejected by a filter), "combination" (each dimension fits
// somewhere but no node has all of them), or "nodes" (there are none).
struct Unplaceable {
  std::string dimension;
  std::string message;  // e.g. "memory: needs 2GiB, largest free 1.5GiB on node-3"
};

// The filters every policy applies (everything except the resource fit), the inter-pod ones
// (affinity, anti-affinity, topology spread) with `domains` counted over every node the decision
// considers.
bool passes_constraints(const PlacementRequest& request, const NodeView& node,
                        const DomainCounts& domains);
// passes_constraints() and demand fits free() in every dimension.
bool feasible(const PlacementRequest& request, const NodeView& node, const DomainCounts& domains);
// The same with `node` as the only node counted (a lone node, or a node template).
bool passes_constraints(const PlacementRequest& request, const NodeView& node);
bool feasible(const PlacementRequest& request, const NodeView& node);
// Why no node is feasible (meaningful only when none is).
Unplaceable explain_unplaceable(const PlacementRequest& request, std::span<const NodeView> nodes);

struct PlacementOutcome {
  std::optional<NodeIndex> node;
  std::optional<Unplaceable> reason;  // set exactly when node is not
};

class PlacementPolicy {
 public:
  virtual ~PlacementPolicy() = default;
  virtual std::string_view name() const = 0;
  // The chosen node, or nothing when no node is feasible. Non-const: round-robin remembers.
  virtual std::optional<NodeIndex> choose(const PlacementRequest& request,
                                          std::span<const NodeView> nodes,
                                          sim::RandomStream& stream) = 0;
  // choose(), with the reason when nothing fits.
  PlacementOutcome place(const PlacementRequest& request, std::span<const NodeView> nodes,
                         sim::RandomStream& stream);

  // Incremental decisions (large clusters). A caller that keeps its NodeViews in one vector
  // across decisions calls track(nodes) once (again after adding or removing nodes), then
  // node_changed(nodes, i) after every change to nodes[i] (NodeView::add, remove, any field).
  // A choose() over that same span (same data and size) may then use the policy's index
  // (models/placement/node_index.hpp: first-fit, best-fit, worst-fit, round-robin, ECS chains
  // that start with binpack, the k8s feasibility search); over any other span the policy
  // scans every node, as without track(), and node_changed() about another span is ignored
  // (so code that is handed some span, like PendingQueue::retry, can always report). The
  // choice is the same either way: an index only skips nodes that cannot win. The tracked
  // vector must outlive the tracking.
  virtual void track(std::span<const NodeView> nodes) { (void)nodes; }
  virtual void node_changed(std::span<const NodeView> nodes, NodeIndex i) {
    (void)nodes;
    (void)i;
  }
};

// One point of the RequestedToCapacityRatio shape: utilization in percent (0..100, increasing
// along the shape), score 0..10 (Kubernetes' MaxCustomPriorityScore).
struct ShapePoint {
  int utilization = 0;
  int score = 0;
};
struct ResourceWeight {
  Dimension dimension = Dimension::cpu;
  int weight = 1;
};

struct PolicyOptions {
  std::vector<ResourceWeight> resources{{Dimension::cpu, 1}, {Dimension::memory, 1}};
  // Default: favour fuller nodes (bin packing), as in the Kubernetes docs' example.
  std::vector<ShapePoint> shape{{0, 0}, {100, 10}};
  // kube-scheduler's percentageOfNodesToScore (k8s policies only): 0 is Kubernetes' adaptive
  // default, 100 (or more) scores every feasible node. See num_feasible_nodes_to_find().
  int percentage_of_nodes_to_score = 0;
};

// kube-scheduler's numFeasibleNodesToFind (pkg/scheduler/schedule_one.go): how many feasible
// nodes a k8s policy looks for before it stops filtering and scores them. All nodes below 100
// nodes or at percentage >= 100; else percentage 0 means max(5, 50 - nodes / 125) (integer
// division), and the result is max(100, nodes * percentage / 100). The search starts where the
// previous one stopped (kube's nextStartNodeIndex, advanced by the number of nodes examined,
// modulo the node count) and wraps; among the nodes found the best score wins, ties to the lowest
// index. With every node examined the choice equals full scoring.
std::size_t num_feasible_nodes_to_find(int percentage_of_nodes_to_score, std::size_t nodes);

// One node-local Kubernetes plugin's score (0..100) for `request` on `node`: LeastAllocated,
// MostAllocated, BalancedAllocation or RequestedToCapacityRatio (InterPodAffinity and
// PodTopologySpread are normalised across nodes and throw std::invalid_argument). For checking
// and reporting scores.
std::int64_t k8s_score(std::string_view plugin, const PlacementRequest& request,
                       const NodeView& node, const PolicyOptions& options = {});

std::unique_ptr<PlacementPolicy> make_policy(std::string_view spec,
                                             const PolicyOptions& options = {});
// The `{chain: [spread(...), binpack(memory)]}` form: the strategies of an ECS chain.
std::unique_ptr<PlacementPolicy> make_ecs_chain(std::span<const std::string> strategies);

}  // namespace vmcsim::models::placement
