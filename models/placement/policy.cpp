#include "models/placement/policy.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "models/placement/detail/gpu_devices.hpp"
#include "models/placement/detail/policies.hpp"
#include "models/registry/placement_policies.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::models::placement {

int NodeView::tasks_of(std::string_view service) const {
  const auto it = tasks_by_service.find(service);
  return it == tasks_by_service.end() ? 0 : it->second;
}

std::optional<std::string_view> NodeView::attribute(std::string_view key) const {
  if (key == "instanceId" || key == "ec2InstanceId" || key == "host") return id;
  if (key == kHostnameKey && !attributes.contains(key)) return id;
  if (key.starts_with("attribute:")) key.remove_prefix(std::string_view("attribute:").size());
  const auto it = attributes.find(key);
  if (it == attributes.end()) return std::nullopt;
  return it->second;
}

GpuSlots NodeView::add(const PlacementRequest& request) {
  const auto gpus = detail::gpu_assignment(request, gpu_free);
  if (!gpus) throw std::logic_error("NodeView::add: the request's GPUs do not fit " + name);
  detail::take_gpus(gpu_free, request, *gpus);
  allocated += request.demand;
  ++tasks;
  ++tasks_by_service[request.service];
  record_running(request, 1);
  record_tenant(tenancy, request, 1);
  return *gpus;
}

void NodeView::remove(const PlacementRequest& request, GpuSlots gpus) {
  detail::release_gpus(gpu_free, request, gpus);
  allocated -= request.demand;
  --tasks;
  if (--tasks_by_service[request.service] <= 0) tasks_by_service.erase(request.service);
  record_running(request, -1);
  record_tenant(tenancy, request, -1);
}

void NodeView::record_running(const PlacementRequest& request, int count) {
  const ResourceVector extra = nonzero_requests(request.demand) - request.demand;
  scoring_defaults.cpu += extra.cpu * count;
  scoring_defaults.memory += extra.memory * count;
  // Called on every placement and departure: find the group without copying the terms; only a
  // new group stores its own copy of the request's required anti-affinity terms.
  const auto same_required = [&](const RunningPods& g) {
    auto own = g.anti_affinity.begin();
    for (const PodAffinityTerm& t : request.anti_affinity) {
      if (!t.required) continue;
      if (own == g.anti_affinity.end() || !(*own == t)) return false;
      ++own;
    }
    return own == g.anti_affinity.end();
  };
  const auto it = std::find_if(running.begin(), running.end(), [&](const RunningPods& g) {
    return g.labels == request.labels && same_required(g);
  });
  if (it == running.end()) {
    if (count <= 0) return;
    std::vector<PodAffinityTerm> required;
    for (const PodAffinityTerm& t : request.anti_affinity)
      if (t.required) required.push_back(t);
    running.push_back({request.labels, std::move(required), count});
    return;
  }
  it->count += count;
  if (it->count <= 0) running.erase(it);
}

int NodeView::matching_pods(const LabelSelector& selector) const {
  int n = 0;
  for (const RunningPods& g : running)
    if (selector.matches(g.labels)) n += g.count;
  return n;
}

namespace detail {

bool member_of_holds(const ClusterQuery& query, const NodeView& node) {
  return query.matches([&](std::string_view key) -> const std::string* {
    if (key == "instanceId" || key == "ec2InstanceId") return &node.id;
    const auto it = node.attributes.find(key);
    return it == node.attributes.end() ? nullptr : &it->second;
  });
}

}  // namespace detail

namespace {

// The first filter a node fails, or nullptr. Node-level filters first, as kube-scheduler runs
// TaintToleration and NodeAffinity before the inter-pod plugins.
const char* failed_filter(const PlacementRequest& request, const NodeView& node,
                          const DomainCounts& domains) {
  if (node.tasks >= node.max_tasks) return "max tasks";
  if (!node.taints.empty() && untolerated_taint(node.taints, request.tolerations) != nullptr)
    return "taints";
  if (!request.node_affinity.required_matches(node.attributes)) return "node affinity";
  if (request.distinct_instance && node.tasks_of(request.service) > 0) return "distinctInstance";
  for (const ClusterQuery& q : request.member_of) {
    if (!detail::member_of_holds(q, node)) return "memberOf";
  }
  if (isolation_conflict(request, node, &domains.host_tenants())) return "isolation";
  return domains.failed_filter(request, node);
}

// What the first node a filter rejected says about it (isolation and taints only), or "".
std::string filter_detail(const char* filter, const PlacementRequest& request, const NodeView& node,
                          const DomainCounts& domains) {
  const std::string_view f = filter;
  const std::string& name = node.name.empty() ? node.id : node.name;
  if (f == "isolation") {
    if (const auto c = isolation_conflict(request, node, &domains.host_tenants()))
      return fmt::format("{} (on {})", describe(request, *c), name);
  }
  if (f == "taints") {
    if (const Taint* t = untolerated_taint(node.taints, request.tolerations))
      return fmt::format("taints: {} had untolerated taint {{{}: {}}}", name, t->key, t->value);
  }
  return {};
}

}  // namespace

bool passes_constraints(const PlacementRequest& request, const NodeView& node,
                        const DomainCounts& domains) {
  return failed_filter(request, node, domains) == nullptr;
}

bool passes_constraints(const PlacementRequest& request, const NodeView& node) {
  return passes_constraints(request, node, DomainCounts(request, std::span(&node, 1)));
}

bool feasible(const PlacementRequest& request, const NodeView& node, const DomainCounts& domains) {
  return request.demand.fits_in(node.free()) && gpus_fit(request, node) &&
         passes_constraints(request, node, domains);
}

bool feasible(const PlacementRequest& request, const NodeView& node) {
  return request.demand.fits_in(node.free()) && gpus_fit(request, node) &&
         passes_constraints(request, node);
}

Unplaceable explain_unplaceable(const PlacementRequest& request, std::span<const NodeView> nodes) {
  if (nodes.empty()) return {"nodes", "no nodes to place on"};
  std::map<std::string, int> rejected;
  std::map<std::string, std::string> details;  // per filter, about the first node it rejected
  std::vector<const NodeView*> eligible;
  const DomainCounts domains(request, nodes);
  for (const NodeView& n : nodes) {
    if (const char* f = failed_filter(request, n, domains)) {
      if (++rejected[f] == 1) details[f] = filter_detail(f, request, n, domains);
    } else {
      eligible.push_back(&n);
    }
  }
  if (eligible.empty()) {
    std::string why;
    for (const auto& [filter, count] : rejected) {
      why += fmt::format("{}{} by {}", why.empty() ? "" : ", ", count, filter);
    }
    for (const auto& [filter, detail] : details)
      if (!detail.empty()) why += "; " + detail;
    // A request refused by isolation alone is named so: the price of the policy, not a shortage.
    const bool isolation_only = rejected.size() == 1 && rejected.begin()->first == "isolation";
    return {isolation_only ? "isolation" : "constraints",
            fmt::format("all {} nodes rejected: {}", nodes.size(), why)};
  }
  for (const Dimension d : kAllDimensions) {
    if (request.demand.amount(d) <= 0.0) continue;
    const NodeView* largest = eligible.front();
    for (const NodeView* n : eligible) {
      if (n->free().amount(d) > largest->free().amount(d)) largest = n;
    }
    if (largest->free().amount(d) < request.demand.amount(d)) {
      return {std::string(to_string(d)),
              fmt::format("{}: needs {}, largest free {} on {}", to_string(d),
                          request.demand.format(d), largest->free().format(d),
                          largest->name.empty() ? largest->id : largest->name)};
    }
  }
  for (const NodeView* n : eligible) {
    if (request.demand.fits_in(n->free()) && !gpus_fit(request, *n))
      return {"gpu", fmt::format("gpu: {} fits some node's free GPUs in total ({}), but not its "
                                 "devices one by one",
                                 request.demand.format(Dimension::gpu),
                                 n->name.empty() ? n->id : n->name)};
  }
  return {"combination",
          fmt::format("no single node has all of {} cpu, {} memory free together ({} nodes)",
                      request.demand.format(Dimension::cpu),
                      request.demand.format(Dimension::memory), eligible.size())};
}

PlacementOutcome PlacementPolicy::place(const PlacementRequest& request,
                                        std::span<const NodeView> nodes,
                                        sim::RandomStream& stream) {
  PlacementOutcome out;
  out.node = choose(request, nodes, stream);
  if (!out.node) out.reason = explain_unplaceable(request, nodes);
  return out;
}

namespace detail {

std::vector<NodeIndex> feasible_nodes(const PlacementRequest& request,
                                      std::span<const NodeView> nodes,
                                      const DomainCounts& domains) {
  std::vector<NodeIndex> out;
  for (NodeIndex i = 0; i < nodes.size(); ++i) {
    if (feasible(request, nodes[i], domains)) out.push_back(i);
  }
  return out;
}

std::vector<NodeIndex> feasible_nodes(const PlacementRequest& request,
                                      std::span<const NodeView> nodes) {
  return feasible_nodes(request, nodes, DomainCounts(request, nodes));
}

std::optional<NodeIndex> next_feasible(const PlacementRequest& request,
                                       std::span<const NodeView> nodes, const FitTree* tree,
                                       NodeIndex from, NodeIndex to, const DomainCounts& domains) {
  to = std::min(to, nodes.size());
  // A few nodes are checked directly first: when most nodes fit (a k8s sample, round-robin on
  // a roomy cluster) the next node usually does, and one check is cheaper than a descent.
  constexpr NodeIndex kCheckFirst = 16;
  const NodeIndex checked = tree == nullptr ? to : std::min(to, from + kCheckFirst);
  for (NodeIndex i = from; i < checked; ++i)
    if (feasible(request, nodes[i], domains)) return i;
  if (checked >= to) return std::nullopt;
  // The tree proposes nodes whose capacity and slots fit; the constraints are checked here.
  for (auto i = tree->first_fit(request.demand, checked); i && *i < to;
       i = tree->first_fit(request.demand, *i + 1)) {
    if (feasible(request, nodes[*i], domains)) return i;
  }
  return std::nullopt;
}

std::vector<std::string> split_top_level(std::string_view text) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string current;
  const auto flush = [&] {
    const auto b = current.find_first_not_of(" \t");
    const auto e = current.find_last_not_of(" \t");
    parts.push_back(b == std::string::npos ? std::string{} : current.substr(b, e - b + 1));
    current.clear();
  };
  for (const char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return parts;
}

void no_arguments(std::string_view spec, std::string_view arguments) {
  if (!arguments.empty())
    throw sim::ParseError(fmt::format("placement '{}': '{}' takes no arguments", spec,
                                      spec.substr(0, spec.find(':'))));
}

}  // namespace detail

namespace {

// A policy that scores each feasible node; the highest score wins, ties to the lowest index.
// Tracked (PlacementPolicy::track), first-fit asks a FitTree for the lowest feasible node, and
// best-fit / worst-fit walk OrderedNodes keyed by sum_d free_d / allocatable_d: within a group of
// equal allocatable, that key minus sum_d demand_d / allocatable_d is the score's "left", so the
// walk starts where a fit becomes possible and stops once no later node can reach the best score
// (with a margin for rounding: every node that could tie is scored exactly).
class ScoredPolicy : public PlacementPolicy {
 public:
  enum class Kind { first_fit, best_fit, worst_fit, tetris };
  explicit ScoredPolicy(Kind kind) : kind_{kind} {}
  std::string_view name() const override {
    switch (kind_) {
      case Kind::first_fit:
        return "first-fit";
      case Kind::best_fit:
        return "best-fit";
      case Kind::worst_fit:
        return "worst-fit";
      case Kind::tetris:
        return "tetris";
    }
    return "?";
  }
  std::optional<NodeIndex> choose(const PlacementRequest& request, std::span<const NodeView> nodes,
                                  sim::RandomStream&) override {
    const DomainCounts domains = tracking_.domains(request, nodes);
    if (tracking_.covers(nodes)) {
      if (kind_ == Kind::first_fit)
        return detail::next_feasible(request, nodes, &tree_, 0, nodes.size(), domains);
      if (kind_ == Kind::best_fit || kind_ == Kind::worst_fit) return walk(request, nodes, domains);
    }
    std::optional<NodeIndex> best;
    double best_score = 0.0;
    for (NodeIndex i = 0; i < nodes.size(); ++i) {
      if (!feasible(request, nodes[i], domains)) continue;
      if (kind_ == Kind::first_fit) return i;
      const double s = score(request.demand, nodes[i]);
      if (!best || s > best_score) {
        best = i;
        best_score = s;
      }
    }
    return best;
  }
  void track(std::span<const NodeView> nodes) override {
    tracking_.track(nodes);
    if (kind_ == Kind::first_fit) tree_.assign(nodes);
    if (kind_ == Kind::best_fit || kind_ == Kind::worst_fit) ordered_.assign(nodes);
  }
  void node_changed(std::span<const NodeView> nodes, NodeIndex i) override {
    if (!tracking_.covers(nodes)) return;
    tracking_.node_changed(nodes, i);
    const NodeView& node = nodes[i];
    if (kind_ == Kind::first_fit) tree_.update(i, node);
    if (kind_ == Kind::best_fit || kind_ == Kind::worst_fit) ordered_.update(i, node);
  }

 private:
  // Sum over the dimensions the node has of free / allocatable: OrderedNodes' key.
  static double normalised_free(const NodeView& node) {
    const ResourceVector alloc = node.allocatable();
    const ResourceVector free = node.free();
    double sum = 0.0;
    for (const Dimension d : kAllDimensions) {
      const double cap = alloc.amount(d);
      if (cap > 0.0) sum += free.amount(d) / cap;
    }
    return sum;
  }

  std::optional<NodeIndex> walk(const PlacementRequest& request, std::span<const NodeView> nodes,
                                const DomainCounts& domains) {
    const bool best_fit = kind_ == Kind::best_fit;
    std::optional<NodeIndex> best;
    double best_score = 0.0;  // score(): -left for best-fit, left for worst-fit
    const auto consider = [&](NodeIndex i) {
      if (!feasible(request, nodes[i], domains)) return;
      const double s = score(request.demand, nodes[i]);
      if (!best || s > best_score || (s == best_score && i < *best)) {
        best = i;
        best_score = s;
      }
    };
    // Rounding of key - offset against the score's own sum: far below this margin.
    const auto margin = [](double key, double offset) {
      return 1e-9 * (1.0 + std::abs(key) + std::abs(offset));
    };
    for (const OrderedNodes::Group& g : ordered_.groups()) {
      double offset = 0.0;  // sum_d demand_d / allocatable_d: key - offset = left
      for (const Dimension d : kAllDimensions) {
        const double cap = g.allocatable.amount(d);
        if (cap > 0.0) offset += request.demand.amount(d) / cap;
      }
      // A feasible node has free >= demand everywhere: key >= offset.
      const double lowest = offset - margin(offset, offset);
      if (best_fit) {
        for (auto it = g.order.lower_bound({lowest, 0}); it != g.order.end(); ++it) {
          const auto [key, i] = *it;
          if (best && key - offset - margin(key, offset) > -best_score) break;
          consider(i);
        }
      } else {
        for (auto it = g.order.rbegin(); it != g.order.rend(); ++it) {
          const auto [key, i] = *it;
          if (key < lowest) break;
          if (best && key - offset + margin(key, offset) < best_score) break;
          consider(i);
        }
      }
    }
    return best;
  }

  double score(const ResourceVector& demand, const NodeView& node) const {
    const ResourceVector alloc = node.allocatable();
    const ResourceVector free = node.free();
    double left = 0.0;
    double dot = 0.0;
    for (const Dimension d : kAllDimensions) {
      const double cap = alloc.amount(d);
      if (cap <= 0.0) continue;
      left += (free.amount(d) - demand.amount(d)) / cap;
      dot += (demand.amount(d) / cap) * (free.amount(d) / cap);
    }
    switch (kind_) {
      case Kind::best_fit:
        return -left;
      case Kind::worst_fit:
        return left;
      case Kind::tetris:
        return dot;
      case Kind::first_fit:
        break;
    }
    return 0.0;
  }
  Kind kind_;
  detail::Tracking tracking_;
  FitTree tree_;
  OrderedNodes ordered_{normalised_free};
};

class RandomPolicy : public PlacementPolicy {
 public:
  std::string_view name() const override { return "random"; }
  std::optional<NodeIndex> choose(const PlacementRequest& request, std::span<const NodeView> nodes,
                                  sim::RandomStream& stream) override {
    const auto candidates = detail::feasible_nodes(request, nodes);
    if (candidates.empty()) return std::nullopt;
    return candidates[stream.below(candidates.size())];
  }
};

// Tracked, the search for the next feasible node goes through a FitTree.
class RoundRobinPolicy : public PlacementPolicy {
 public:
  std::string_view name() const override { return "round-robin"; }
  std::optional<NodeIndex> choose(const PlacementRequest& request, std::span<const NodeView> nodes,
                                  sim::RandomStream&) override {
    if (nodes.empty()) return std::nullopt;
    const FitTree* tree = fit_.over(nodes);
    const NodeIndex start = next_ % nodes.size();
    const DomainCounts domains = fit_.domains(request, nodes);
    auto i = detail::next_feasible(request, nodes, tree, start, nodes.size(), domains);
    if (!i) i = detail::next_feasible(request, nodes, tree, 0, start, domains);
    if (i) next_ = *i + 1;
    return i;
  }
  void track(std::span<const NodeView> nodes) override { fit_.track(nodes); }
  void node_changed(std::span<const NodeView> nodes, NodeIndex i) override {
    fit_.node_changed(nodes, i);
  }

 private:
  NodeIndex next_ = 0;
  detail::TrackedFitTree fit_;
};

}  // namespace

}  // namespace vmcsim::models::placement

namespace vmcsim::models::registry {

const ModuleGroup<PolicyFactory>& placement_policies() {
  using placement::PlacementPolicy;
  using placement::PolicyOptions;
  using Kind = placement::ScoredPolicy::Kind;
  const auto scored = [](Kind kind) {
    return [kind](std::string_view spec, std::string_view args,
                  const PolicyOptions&) -> std::unique_ptr<PlacementPolicy> {
      placement::detail::no_arguments(spec, args);
      return std::make_unique<placement::ScoredPolicy>(kind);
    };
  };
  static const ModuleGroup<PolicyFactory> group{
      "placement policy",
      {
          {"first_fit",
           "the lowest-index feasible node",
           scored(Kind::first_fit),
           "",
           {"first-fit"}},
          {"best_fit",
           "the least normalised free capacity left after placing",
           scored(Kind::best_fit),
           "",
           {"best-fit"}},
          {"worst_fit",
           "the most normalised free capacity left after placing",
           scored(Kind::worst_fit),
           "",
           {"worst-fit"}},
          {"random", "uniform among the feasible nodes",
           [](std::string_view spec, std::string_view args,
              const PolicyOptions&) -> std::unique_ptr<PlacementPolicy> {
             placement::detail::no_arguments(spec, args);
             return std::make_unique<placement::RandomPolicy>();
           }},
          {"round_robin",
           "the first feasible node after the one chosen last (wrapping)",
           [](std::string_view spec, std::string_view args,
              const PolicyOptions&) -> std::unique_ptr<PlacementPolicy> {
             placement::detail::no_arguments(spec, args);
             return std::make_unique<placement::RoundRobinPolicy>();
           },
           "",
           {"round-robin"}},
          {"tetris", "Grandl et al., SIGCOMM 2014: the best alignment of demand and free capacity",
           scored(Kind::tetris)},
          {"k8s",
           "kube-scheduler score plugins with weights: LeastAllocated, MostAllocated, "
           "BalancedAllocation, RequestedToCapacityRatio, InterPodAffinity, PodTopologySpread "
           "(then ,percentageOfNodesToScore=N); k8s alone: the default profile",
           [](std::string_view spec, std::string_view args, const PolicyOptions& options) {
             return placement::detail::make_k8s(
                 args.empty() && spec == "k8s"
                     ? "LeastAllocated,BalancedAllocation,InterPodAffinity*2,PodTopologySpread*2,"
                       "TaintToleration*3,NodeAffinity*2"
                     : args,
                 options, spec);
           },
           "k8s[:PLUGIN[*WEIGHT],...]"},
          {"ecs",
           "Amazon ECS placement strategies in order (at most 5): binpack(cpu), binpack(memory), "
           "spread(instanceId|host|attribute:NAME), random",
           [](std::string_view spec, std::string_view args, const PolicyOptions&) {
             return placement::detail::make_ecs(placement::detail::split_top_level(args), spec);
           },
           "ecs:STRATEGY[,STRATEGY...]"},
          {"fgd",
           "Fragmentation Gradient Descent (Weng et al., ATC 2023), pod_trace scenarios only: "
           "built from the trace's pods by the placement benchmark",
           [](std::string_view spec, std::string_view,
              const PolicyOptions&) -> std::unique_ptr<PlacementPolicy> {
             throw sim::ParseError(fmt::format(
                 "placement '{}': fgd needs the target workload (make_fgd_policy; a pod_trace "
                 "scenario builds it from its pods)",
                 spec));
           }},
      }};
  return group;
}

const Module<PolicyFactory>* find_policy(std::string_view spec) {
  return placement_policies().find(spec.substr(0, spec.find(':')));
}

}  // namespace vmcsim::models::registry

namespace vmcsim::models::placement {

std::unique_ptr<PlacementPolicy> make_policy(std::string_view spec, const PolicyOptions& options) {
  const auto colon = spec.find(':');
  const auto* entry = registry::find_policy(spec);
  // "k8s:" needs its plugins and "ecs:" its strategies; "first_fit:x" is refused by the entry.
  if (entry == nullptr || (colon != std::string_view::npos && colon + 1 == spec.size()))
    throw sim::ParseError(registry::placement_policies().unknown(spec));
  return entry->factory(spec, colon == std::string_view::npos ? "" : spec.substr(colon + 1),
                        options);
}

std::unique_ptr<PlacementPolicy> make_ecs_chain(std::span<const std::string> strategies) {
  std::string spec = "ecs:";
  for (std::size_t i = 0; i < strategies.size(); ++i)
    spec += (i ? "," : "") + strategies[i];
  return detail::make_ecs(strategies, spec);
}

}  // namespace vmcsim::models::placement
