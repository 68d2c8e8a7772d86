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
class Tracking {
 public:
  void track(std::span<const NodeView> nodes) { nodes_ = nodes; }
  bool covers(std::span<const NodeView> nodes) const {
    return nodes_.data() != nullptr && nodes.data() == nodes_.data() &&
           nodes.size() == nodes_.size();
  }

 private:
  std::span<const NodeView> nodes_;
};

// A FitTree over the tracked span: what first-fit, round-robin and the k8s search keep.
class TrackedFitTree {
 public:
  void track(std::span<const NodeView> nodes) {
    tracking_.track(nodes);
    tree_.assign(nodes);
  }
  void node_changed(std::span<const NodeView> nodes, NodeIndex i) {
    if (tracking_.covers(nodes)) tree_.update(i, nodes[i]);
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

}  // namespace vmcsim::models::placement::detail
