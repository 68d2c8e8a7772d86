#include "models/autoscaling/cluster_autoscaler.hpp"

#include <algorithm>
#include <numeric>

#include "models/placement/policy.hpp"

namespace vmcsim::models::autoscaling {

using placement::Dimension;
using placement::NodeIndex;
using placement::NodeView;
using placement::PlacementRequest;

ScaleUpEstimate estimate_nodes_to_add(std::span<const PlacementRequest> pending,
                                      const NodeView& node_template, int max_new_nodes) {
  const auto alloc = node_template.allocatable();
  const auto size = [&](const PlacementRequest& r) {
    double s = 0.0;
    for (const Dimension d : placement::kAllDimensions) {
      if (alloc.amount(d) > 0.0) s += r.demand.amount(d) / alloc.amount(d);
    }
    return s;
  };
  std::vector<std::size_t> order(pending.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return size(pending[a]) > size(pending[b]);
  });
  ScaleUpEstimate out;
  std::vector<NodeView> added;
  for (const std::size_t i : order) {
    const PlacementRequest& r = pending[i];
    if (!placement::feasible(r, node_template)) {
      out.unhelpable.push_back(i);
      continue;
    }
    auto fit = std::find_if(added.begin(), added.end(),
                            [&](const NodeView& n) { return placement::feasible(r, n); });
    if (fit == added.end()) {
      if (static_cast<int>(added.size()) >= max_new_nodes) continue;
      added.push_back(node_template);
      fit = added.end() - 1;
    }
    fit->add(r);
  }
  std::sort(out.unhelpable.begin(), out.unhelpable.end());
  out.nodes = static_cast<int>(added.size());
  return out;
}

ScaleUpEstimate ClusterAutoscaler::scale_up(sim::Time now,
                                            std::span<const PlacementRequest> pending,
                                            const NodeView& node_template) {
  ScaleUpEstimate e = estimate_nodes_to_add(pending, node_template, config_.max_new_nodes);
  if (e.nodes > 0) last_scale_up_ = now;
  return e;
}

double ClusterAutoscaler::utilization(const NodeView& node) {
  const auto alloc = node.allocatable();
  double u = 0.0;
  for (const Dimension d : {Dimension::cpu, Dimension::memory}) {
    if (alloc.amount(d) > 0.0) u = std::max(u, node.allocated.amount(d) / alloc.amount(d));
  }
  return u;
}

std::vector<NodeIndex> ClusterAutoscaler::scale_down(
    sim::Time now, std::span<const NodeView> nodes,
    std::span<const std::vector<PlacementRequest>> pods) {
  // Track which nodes are unneeded, forgetting nodes that left or became busy.
  std::map<std::string, sim::Time, std::less<>> still;
  for (const NodeView& n : nodes) {
    if (utilization(n) >= config_.utilization_threshold) continue;
    const auto it = unneeded_since_.find(n.id);
    still.emplace(n.id, it == unneeded_since_.end() ? now : it->second);
  }
  unneeded_since_ = std::move(still);

  std::vector<NodeIndex> removed;
  if (last_scale_up_ && now - *last_scale_up_ < config_.scale_down_delay_after_add) return removed;
  std::vector<NodeView> state(nodes.begin(), nodes.end());
  std::vector<bool> gone(nodes.size(), false);
  for (NodeIndex i = 0; i < nodes.size(); ++i) {
    const auto it = unneeded_since_.find(nodes[i].id);
    if (it == unneeded_since_.end() || now - it->second < config_.unneeded_time) continue;
    std::vector<NodeView> trial = state;
    bool all_fit = true;
    for (const PlacementRequest& pod :
         i < pods.size() ? pods[i] : std::vector<PlacementRequest>{}) {
      bool placed = false;
      for (NodeIndex j = 0; j < trial.size() && !placed; ++j) {
        if (j == i || gone[j] || !placement::feasible(pod, trial[j])) continue;
        trial[j].add(pod);
        placed = true;
      }
      if (!placed) {
        all_fit = false;
        break;
      }
    }
    if (!all_fit) continue;
    state = std::move(trial);
    gone[i] = true;
    removed.push_back(i);
  }
  return removed;
}

}  // namespace vmcsim::models::autoscaling
