#pragma once
// ClusterAutoscaler: the node-count decisions of the Kubernetes cluster autoscaler (CA),
// over the placement views (models/placement).
//
// Scale up: requests that fit no existing node are packed, first-fit decreasing by their size
// normalised to the template node (cpu/alloc + memory/alloc + ...), onto as many copies of the
// node template as needed (CA's binpacking estimator); requests that do not fit even an empty
// template are reported as unhelpable, not counted.
// Scale down: a node is unneeded while its utilization = max over cpu and memory of
// allocated / allocatable is below `utilization_threshold` (0.5); it becomes removable after
// being unneeded for `unneeded_time` (10 min), if no scale-up happened within
// `scale_down_delay_after_add` (10 min), and if all its pods fit on the other nodes (first fit,
// counting the pods already moved there and skipping nodes chosen for removal in this scan).
// The caller runs scans every `scan_interval` (10 s).
// Source: kubernetes/autoscaler cluster-autoscaler FAQ ("How does scale-up work?", "How does
// scale-down work?") and its flag defaults.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/placement/node_view.hpp"
#include "sim/time.hpp"

namespace vmcsim::models::autoscaling {

struct ClusterAutoscalerConfig {
  sim::Time scan_interval = sim::Time::from_s(10);
  double utilization_threshold = 0.5;
  sim::Time unneeded_time = sim::Time::from_s(600);
  sim::Time scale_down_delay_after_add = sim::Time::from_s(600);
  int max_new_nodes = 1000;  // per scale-up
};

struct ScaleUpEstimate {
  int nodes = 0;
  std::vector<std::size_t> unhelpable;  // indices into the pending requests
};

ScaleUpEstimate estimate_nodes_to_add(std::span<const placement::PlacementRequest> pending,
                                      const placement::NodeView& node_template, int max_new_nodes);

class ClusterAutoscaler {
 public:
  explicit ClusterAutoscaler(ClusterAutoscalerConfig config = {}) : config_{config} {}

  // How many template nodes to add for `pending`; remembers the time when the answer is > 0.
  ScaleUpEstimate scale_up(sim::Time now, std::span<const placement::PlacementRequest> pending,
                           const placement::NodeView& node_template);
  // Indices of the nodes to remove now. `pods[i]` are the requests running on nodes[i].
  std::vector<placement::NodeIndex> scale_down(
      sim::Time now, std::span<const placement::NodeView> nodes,
      std::span<const std::vector<placement::PlacementRequest>> pods);

  static double utilization(const placement::NodeView& node);
  const ClusterAutoscalerConfig& config() const { return config_; }

 private:
  ClusterAutoscalerConfig config_;
  std::optional<sim::Time> last_scale_up_;
  std::map<std::string, sim::Time, std::less<>> unneeded_since_;  // by node id
};

}  // namespace vmcsim::models::autoscaling
