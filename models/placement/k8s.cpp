// Kubernetes scheduler score plugins, with the integer arithmetic of the Go source so that
// scores match kube-scheduler's: pkg/scheduler/framework/plugins/noderesources and
// interpodaffinity/scoring.go (formulas in models/placement/policy.hpp).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "models/placement/detail/policies.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::models::placement {
namespace detail {

namespace {

constexpr std::int64_t kMaxNodeScore = 100;
constexpr std::int64_t kMaxCustomPriorityScore = 10;

enum class Plugin { least, most, balanced, ratio, inter_pod, spread, taint, node_affinity };

struct WeightedPlugin {
  Plugin plugin;
  std::int64_t weight;
};

std::int64_t as_int(double v) {
  return static_cast<std::int64_t>(std::llround(v));
}

constexpr std::int64_t kScale = kMaxNodeScore / kMaxCustomPriorityScore;

// buildBrokenLinearFunction: linear between shape points, flat beyond the ends.
std::int64_t shape_at(const std::vector<ShapePoint>& shape, std::int64_t u) {
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (u <= shape[i].utilization) {
      if (i == 0) return shape[0].score * kScale;
      const std::int64_t u0 = shape[i - 1].utilization, s0 = shape[i - 1].score * kScale;
      return s0 + (shape[i].score * kScale - s0) * (u - u0) / (shape[i].utilization - u0);
    }
  }
  return shape.back().score * kScale;
}

std::int64_t score(Plugin plugin, const PlacementRequest& request, const NodeView& node,
                   const PolicyOptions& options) {
  const ResourceVector alloc = node.allocatable();
  if (plugin == Plugin::balanced) {
    // BalancedAllocation scores the real requests (useRequested: true in balanced_allocation.go).
    const ResourceVector requested = node.allocated + request.demand;
    std::vector<double> fractions;
    for (const ResourceWeight& r : options.resources) {
      const double cap = alloc.amount(r.dimension);
      if (cap <= 0.0) continue;
      fractions.push_back(std::min(requested.amount(r.dimension) / cap, 1.0));
    }
    double std_dev = 0.0;
    if (fractions.size() == 2) {
      std_dev = std::abs((fractions[0] - fractions[1]) / 2);
    } else if (fractions.size() > 2) {
      double mean = 0.0;
      for (const double f : fractions)
        mean += f;
      mean /= static_cast<double>(fractions.size());
      double sum = 0.0;
      for (const double f : fractions)
        sum += (f - mean) * (f - mean);
      std_dev = std::sqrt(sum / static_cast<double>(fractions.size()));
    }
    return static_cast<std::int64_t>((1 - std_dev) * static_cast<double>(kMaxNodeScore));
  }
  // NodeResourcesFit scoring counts a pod that requests no CPU or memory at kube-scheduler's
  // non-zero defaults, on the node (NonZeroRequested) and for the incoming pod
  // (resource_allocation.go: calculatePodResourceRequest with GetNonzeroRequestForResource).
  const ResourceVector requested =
      node.allocated + node.scoring_defaults + nonzero_requests(request.demand);
  std::int64_t node_score = 0;
  std::int64_t weight_sum = 0;
  for (const ResourceWeight& r : options.resources) {
    const std::int64_t cap = as_int(alloc.amount(r.dimension));
    const std::int64_t req = as_int(requested.amount(r.dimension));
    if (cap == 0) continue;
    std::int64_t s = 0;
    switch (plugin) {
      case Plugin::least:
        s = req > cap ? 0 : (cap - req) * kMaxNodeScore / cap;
        break;
      case Plugin::most:
        s = std::min(req, cap) * kMaxNodeScore / cap;
        break;
      case Plugin::ratio:
        s = shape_at(options.shape, req > cap ? 100 : req * 100 / cap);
        break;
      default:
        break;
    }
    node_score += s * r.weight;
    weight_sum += r.weight;
  }
  if (weight_sum == 0) return 0;
  if (plugin == Plugin::ratio) {
    return as_int(static_cast<double>(node_score) / static_cast<double>(weight_sum));
  }
  return node_score / weight_sum;
}

// TaintToleration and NodeAffinity (node_affinity.hpp): raw per node, then normalised over the
// scored nodes as kube-scheduler's DefaultNormalizeScore does.
void node_level_scores(Plugin plugin, const PlacementRequest& request,
                       std::span<const NodeView> nodes, std::span<const NodeIndex> candidates,
                       std::vector<std::int64_t>& s) {
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    const NodeView& n = nodes[candidates[k]];
    s[k] = plugin == Plugin::taint ? intolerable_prefer_no_schedule(n.taints, request.tolerations)
                                   : request.node_affinity.preferred_weight(n.attributes);
  }
  default_normalize_score(s, plugin == Plugin::taint);
}

class K8sPolicy : public PlacementPolicy {
 public:
  K8sPolicy(std::vector<WeightedPlugin> plugins, PolicyOptions options, std::string spec)
      : plugins_{std::move(plugins)}, options_{std::move(options)}, spec_{std::move(spec)} {
    for (ShapePoint& p : options_.shape)
      p.score *= kMaxNodeScore / kMaxCustomPriorityScore;
  }
  std::string_view name() const override { return spec_; }

  std::optional<NodeIndex> choose(const PlacementRequest& request, std::span<const NodeView> nodes,
                                  sim::RandomStream&) override {
    const DomainCounts domains = fit_.domains(request, nodes);
    const std::vector<NodeIndex> candidates = sample(request, nodes, domains);
    if (candidates.empty()) return std::nullopt;
    std::vector<std::int64_t> total(candidates.size(), 0);
    for (const WeightedPlugin& p : plugins_) {
      std::vector<std::int64_t> s(candidates.size());
      if (p.plugin == Plugin::spread) {
        s = domains.spread_scores(request, nodes, candidates);
      } else if (p.plugin == Plugin::taint || p.plugin == Plugin::node_affinity) {
        node_level_scores(p.plugin, request, nodes, candidates, s);
      } else if (p.plugin == Plugin::inter_pod) {
        for (std::size_t k = 0; k < candidates.size(); ++k)
          s[k] = domains.preferred_score(nodes[candidates[k]]);
        normalize(s);
      } else {
        for (std::size_t k = 0; k < candidates.size(); ++k)
          s[k] = score(p.plugin, request, nodes[candidates[k]], options_);
      }
      for (std::size_t k = 0; k < candidates.size(); ++k)
        total[k] += p.weight * s[k];
    }
    // max_element returns the first of equal maxima: the lowest index.
    return candidates[static_cast<std::size_t>(std::max_element(total.begin(), total.end()) -
                                               total.begin())];
  }

 private:
  // InterPodAffinity NormalizeScore: map [min, max] of the raw scores onto [0, 100] in float64
  // as the Go code does (all 0 when max == min).
  static void normalize(std::vector<std::int64_t>& s) {
    const auto [lo, hi] = std::minmax_element(s.begin(), s.end());
    const std::int64_t min = *lo, diff = *hi - *lo;
    for (std::int64_t& v : s)
      v = diff > 0 ? static_cast<std::int64_t>(
                         static_cast<double>(kMaxNodeScore) *
                         (static_cast<double>(v - min) / static_cast<double>(diff)))
                   : 0;
  }

  // kube-scheduler's findNodesThatPassFilters, one node at a time: from next_start_ (wrapping)
  // until num_feasible_nodes_to_find() feasible nodes are found; next_start_ advances by the
  // nodes examined. Returned in index order, so score ties go to the lowest index. Tracked, the
  // search jumps from feasible node to feasible node through the FitTree.
  std::vector<NodeIndex> sample(const PlacementRequest& request, std::span<const NodeView> nodes,
                                const DomainCounts& domains) {
    const std::size_t n = nodes.size();
    const std::size_t want = num_feasible_nodes_to_find(options_.percentage_of_nodes_to_score, n);
    const FitTree* tree = fit_.over(nodes);
    if (want >= n) {  // every node is examined: start and order do not matter
      std::vector<NodeIndex> all;
      for (auto i = next_feasible(request, nodes, tree, 0, n, domains); i;
           i = next_feasible(request, nodes, tree, *i + 1, n, domains))
        all.push_back(*i);
      return all;
    }
    const NodeIndex start = next_start_ % n;
    std::vector<NodeIndex> found;
    std::size_t examined = n;
    for (const auto& [from, to] : {std::pair{start, n}, std::pair{NodeIndex{0}, start}}) {
      for (auto i = next_feasible(request, nodes, tree, from, to, domains); i;
           i = next_feasible(request, nodes, tree, *i + 1, to, domains)) {
        found.push_back(*i);
        if (found.size() == want) {
          examined = (*i + n - start) % n + 1;
          break;
        }
      }
      if (found.size() == want) break;
    }
    next_start_ = (start + examined) % n;
    std::sort(found.begin(), found.end());
    return found;
  }

 public:
  void track(std::span<const NodeView> nodes) override { fit_.track(nodes); }
  void node_changed(std::span<const NodeView> nodes, NodeIndex i) override {
    fit_.node_changed(nodes, i);
  }

 private:
  std::vector<WeightedPlugin> plugins_;
  PolicyOptions options_;
  std::string spec_;
  NodeIndex next_start_ = 0;
  TrackedFitTree fit_;
};

Plugin parse_plugin(std::string_view name, std::string_view spec) {
  if (name == "LeastAllocated") return Plugin::least;
  if (name == "MostAllocated") return Plugin::most;
  if (name == "BalancedAllocation") return Plugin::balanced;
  if (name == "RequestedToCapacityRatio") return Plugin::ratio;
  if (name == "InterPodAffinity") return Plugin::inter_pod;
  if (name == "PodTopologySpread") return Plugin::spread;
  if (name == "TaintToleration") return Plugin::taint;
  if (name == "NodeAffinity") return Plugin::node_affinity;
  throw sim::ParseError(
      fmt::format("placement '{}': unknown Kubernetes score plugin '{}': expected LeastAllocated, "
                  "MostAllocated, BalancedAllocation, RequestedToCapacityRatio, InterPodAffinity, "
                  "PodTopologySpread, TaintToleration or NodeAffinity",
                  spec, name));
}

}  // namespace

}  // namespace detail

std::size_t num_feasible_nodes_to_find(int percentage_of_nodes_to_score, std::size_t nodes) {
  constexpr std::size_t kMinFeasibleNodesToFind = 100;
  constexpr std::size_t kMinFeasibleNodesPercentageToFind = 5;
  if (nodes < kMinFeasibleNodesToFind || percentage_of_nodes_to_score >= 100) return nodes;
  std::size_t percentage = static_cast<std::size_t>(std::max(0, percentage_of_nodes_to_score));
  if (percentage == 0) {
    const std::size_t adaptive = 50 - std::min<std::size_t>(50, nodes / 125);
    percentage = std::max(adaptive, kMinFeasibleNodesPercentageToFind);
  }
  return std::max(nodes * percentage / 100, kMinFeasibleNodesToFind);
}

std::int64_t k8s_score(std::string_view plugin, const PlacementRequest& request,
                       const NodeView& node, const PolicyOptions& options) {
  const auto p = detail::parse_plugin(plugin, plugin);
  if (p == detail::Plugin::inter_pod || p == detail::Plugin::spread || p == detail::Plugin::taint ||
      p == detail::Plugin::node_affinity)
    throw std::invalid_argument(
        fmt::format("{} is normalised across nodes: no per-node score", plugin));
  return detail::score(p, request, node, options);
}

namespace detail {

std::unique_ptr<PlacementPolicy> make_k8s(std::string_view plugins, const PolicyOptions& options,
                                          std::string_view spec) {
  std::vector<WeightedPlugin> list;
  PolicyOptions resolved = options;
  for (const std::string& item : split_top_level(plugins)) {
    constexpr std::string_view kPercentage = "percentageOfNodesToScore=";
    if (item.starts_with(kPercentage)) {
      const std::string p = item.substr(kPercentage.size());
      if (p.empty() || p.size() > 9 || p.find_first_not_of("0123456789") != std::string::npos)
        throw sim::ParseError(fmt::format(
            "placement '{}': percentageOfNodesToScore must be a whole number 0..100, got '{}'",
            spec, p));
      resolved.percentage_of_nodes_to_score = std::stoi(p);
      continue;
    }
    const auto star = item.find('*');
    std::int64_t weight = 1;
    if (star != std::string::npos) {
      const std::string w = item.substr(star + 1);
      if (w.empty() || w.find_first_not_of("0123456789") != std::string::npos || std::stoll(w) < 1)
        throw sim::ParseError(
            fmt::format("placement '{}': weight of '{}' must be a positive integer", spec, item));
      weight = std::stoll(w);
    }
    list.push_back({parse_plugin(std::string_view(item).substr(0, star), spec), weight});
  }
  // Only a setting: the default profile's plugins.
  if (list.empty())
    list = {{Plugin::least, 1},
            {Plugin::balanced, 1},
            {Plugin::inter_pod, 2},
            {Plugin::taint, 3},
            {Plugin::node_affinity, 2}};
  if (resolved.percentage_of_nodes_to_score < 0)
    throw sim::ParseError(fmt::format("placement '{}': percentageOfNodesToScore {} is negative",
                                      spec, resolved.percentage_of_nodes_to_score));
  const auto& shape = resolved.shape;
  if (shape.empty())
    throw sim::ParseError(
        fmt::format("placement '{}': empty RequestedToCapacityRatio shape", spec));
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i].utilization < 0 || shape[i].utilization > 100 || shape[i].score < 0 ||
        shape[i].score > kMaxCustomPriorityScore ||
        (i > 0 && shape[i].utilization <= shape[i - 1].utilization))
      throw sim::ParseError(fmt::format(
          "placement '{}': shape point {} ({}%, {}) invalid: utilization 0..100 increasing, "
          "score 0..10",
          spec, i, shape[i].utilization, shape[i].score));
  }
  return std::make_unique<K8sPolicy>(std::move(list), resolved, std::string(spec));
}

}  // namespace detail
}  // namespace vmcsim::models::placement
