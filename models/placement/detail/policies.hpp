#pragma once
// Internal: constructors of the concrete policies, shared by make_policy() and the tests of
// the factory. Users go through models/placement/policy.hpp.
#include <memory>
#include <span>
#include <string>

#include "models/placement/node_index.hpp"
#include "models/placement/policy.hpp"

namespace vmcsim::models::placement::detail {

std::unique_ptr<PlacementPolicy> make_ecs(std::span<const std::string> strategies,
                                          std::string_view spec);
std::unique_ptr<PlacementPolicy> make_k8s(std::string_view plugins, const PolicyOptions& options,
                                          std::string_view spec);

// Whether the memberOf expression holds on `node`.
bool member_of_holds(const ClusterQuery& query, const NodeView& node);

// Indices of the feasible nodes, in order (with the domains counted over `nodes`).
std::vector<NodeIndex> feasible_nodes(const PlacementRequest& request,
                                      std::span<const NodeView> nodes);
std::vector<NodeIndex> feasible_nodes(const PlacementRequest& request,
                                      std::span<const NodeView> nodes, const DomainCounts& domains);

// The lowest feasible index in [from, to): through `tree` (over the same nodes) when given,
// else by scanning.
std::optional<NodeIndex> next_feasible(const PlacementRequest& request,
                                       std::span<const NodeView> nodes, const FitTree* tree,
                                       NodeIndex from, NodeIndex to, const DomainCounts& domains);

// The span PlacementPolicy::track() was given: choose() may use an index only over it.
// It also counts the tracked nodes running instances with required anti-affinity terms: while
// there are none, a request without inter-pod terms needs no DomainCounts walk over the nodes,
// which keeps indexed decisions sublinear.
class Tracking {
 public:
  void track(std::span<const NodeView> nodes) {
    nodes_ = nodes;
    anti_affinity_.assign(nodes.size(), false);
    with_anti_affinity_ = 0;
    for (NodeIndex i = 0; i < nodes.size(); ++i)
      node_changed(nodes, i);
  }
  bool covers(std::span<const NodeView> nodes) const {
    return nodes_.data() != nullptr && nodes.data() == nodes_.data() &&
           nodes.size() == nodes_.size();
  }
  void node_changed(std::span<const NodeView> nodes, NodeIndex i) {
    if (!covers(nodes)) return;
    bool has = false;
    for (const RunningPods& g : nodes[i].running)
      has = has || !g.anti_affinity.empty();
    if (has != static_cast<bool>(anti_affinity_[i])) {
      anti_affinity_[i] = has;
      with_anti_affinity_ += has ? 1 : -1;
    }
  }
  // The inter-pod counts for `request` over `nodes`, without walking them when they are the
  // tracked nodes and none runs an instance with required anti-affinity.
  DomainCounts domains(const PlacementRequest& request, std::span<const NodeView> nodes) const {
    if (covers(nodes) && with_anti_affinity_ == 0)
      return DomainCounts::without_running_anti_affinity(request, nodes);
    return DomainCounts(request, nodes);
  }

 private:
  std::span<const NodeView> nodes_;
  std::vector<bool> anti_affinity_;  // per tracked node
  std::ptrdiff_t with_anti_affinity_ = 0;
};

// A FitTree over the tracked span: what first-fit, round-robin and the k8s search keep.
class TrackedFitTree {
 public:
  void track(std::span<const NodeView> nodes) {
    tracking_.track(nodes);
    tree_.assign(nodes);
  }
  void node_changed(std::span<const NodeView> nodes, NodeIndex i) {
    tracking_.node_changed(nodes, i);
    if (tracking_.covers(nodes)) tree_.update(i, nodes[i]);
  }
  DomainCounts domains(const PlacementRequest& request, std::span<const NodeView> nodes) const {
    return tracking_.domains(request, nodes);
  }
  // The tree when `nodes` is the tracked span, else null (scan).
  const FitTree* over(std::span<const NodeView> nodes) const {
    return tracking_.covers(nodes) ? &tree_ : nullptr;
  }

 private:
  Tracking tracking_;
  FitTree tree_;
};

// Splits "a(b,c),d" at the commas outside parentheses, trimming blanks.
std::vector<std::string> split_top_level(std::string_view text);
// Throws sim::ParseError when a policy that takes no arguments is given some ("first_fit:x").
void no_arguments(std::string_view spec, std::string_view arguments);

}  // namespace vmcsim::models::placement::detail
