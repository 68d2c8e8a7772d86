// Per-decision counts of running pods per topology domain; the rules are in domains.hpp, after
// kubernetes pkg/scheduler/framework/plugins/interpodaffinity (filtering.go, scoring.go) and
// podtopologyspread (filtering.go, scoring.go).
#include "models/placement/domains.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/placement/detail/policies.hpp"

namespace vmcsim::models::placement {

namespace {

template <class T, class Map>
T lookup(const Map& per_domain, std::string_view key, std::string_view value) {
  const auto k = per_domain.find(key);
  if (k == per_domain.end()) return T{};
  const auto v = k->second.find(value);
  return v == k->second.end() ? T{} : v->second;
}

// The entry for `key`, looked up without building a string unless it is new.
template <class Map>
typename Map::mapped_type& entry(Map& map, std::string_view key) {
  const auto it = map.find(key);
  if (it != map.end()) return it->second;
  return map.emplace(std::string(key), typename Map::mapped_type{}).first->second;
}

bool matches_all(const std::vector<PodAffinityTerm>& terms, const Labels& labels) {
  return std::all_of(terms.begin(), terms.end(),
                     [&](const PodAffinityTerm& t) { return t.selector.matches(labels); });
}

}  // namespace

bool DomainCounts::has_terms(const PlacementRequest& request) {
  return !request.affinity.empty() || !request.anti_affinity.empty() ||
         !request.topology_spread.empty();
}

DomainCounts DomainCounts::without_running_anti_affinity(const PlacementRequest& request,
                                                         std::span<const NodeView> nodes) {
  if (!has_terms(request)) {
    DomainCounts d;
    d.hosts_ = HostTenants(request, nodes);
    return d;
  }
  return DomainCounts(request, nodes);
}

DomainCounts::DomainCounts(const PlacementRequest& request, std::span<const NodeView> nodes)
    : hosts_(request, nodes) {
  std::vector<PodAffinityTerm> required_affinity;
  for (const PodAffinityTerm& t : request.affinity)
    if (t.required) required_affinity.push_back(t);
  const bool has_terms = DomainCounts::has_terms(request);
  active_ = has_terms;
  spread_.resize(request.topology_spread.size());
  for (const NodeView& n : nodes) {
    for (const RunningPods& g : n.running) {
      // Symmetry: the running pods' required anti-affinity against the newcomer.
      for (const PodAffinityTerm& t : g.anti_affinity) {
        if (!t.selector.matches(request.labels)) continue;
        if (const auto v = n.attribute(t.topology_key)) {
          entry(entry(forbidden_, t.topology_key), *v) += g.count;
          active_ = true;
        }
      }
      if (!has_terms) continue;
      if (!required_affinity.empty() && matches_all(required_affinity, g.labels)) {
        for (const PodAffinityTerm& t : required_affinity)
          if (const auto v = n.attribute(t.topology_key))
            entry(entry(affinity_, t.topology_key), *v) += g.count;
      }
      const auto weigh = [&](const PodAffinityTerm& t, int sign) {
        if (!t.selector.matches(g.labels)) return;
        const auto v = n.attribute(t.topology_key);
        if (!v) return;
        if (t.required && sign < 0) entry(entry(anti_affinity_, t.topology_key), *v) += g.count;
        if (!t.required) entry(entry(score_, t.topology_key), *v) += sign * t.weight * g.count;
      };
      for (const PodAffinityTerm& t : request.anti_affinity)
        weigh(t, -1);
      for (const PodAffinityTerm& t : request.affinity)
        weigh(t, +1);
    }
    for (std::size_t i = 0; i < spread_.size(); ++i) {
      const TopologySpreadConstraint& c = request.topology_spread[i];
      const auto v = n.attribute(c.topology_key);
      if (!v) continue;
      if (!std::all_of(request.member_of.begin(), request.member_of.end(),
                       [&](const ClusterQuery& q) { return detail::member_of_holds(q, n); }))
        continue;
      if (!request.node_affinity.required_matches(n.attributes)) continue;
      int& count = entry(spread_[i].count, *v);
      count += n.matching_pods(c.selector);
    }
  }
  for (Spread& s : spread_) {
    s.min = std::numeric_limits<int>::max();
    for (const auto& [value, count] : s.count)
      s.min = std::min(s.min, count);
    if (s.count.empty()) s.min = 0;
  }
  first_of_group_ = !required_affinity.empty() && affinity_.empty() &&
                    matches_all(required_affinity, request.labels);
}

const char* DomainCounts::failed_filter(const PlacementRequest& request,
                                        const NodeView& node) const {
  if (!active_) return nullptr;
  for (const auto& [key, values] : forbidden_) {
    const auto v = node.attribute(key);
    if (v && values.find(*v) != values.end()) return "anti-affinity";
  }
  bool pods_exist = true;
  for (const PodAffinityTerm& t : request.affinity) {
    if (!t.required) continue;
    const auto v = node.attribute(t.topology_key);
    if (!v) return "affinity";  // every topology key must exist on the node
    if (lookup<int>(affinity_, t.topology_key, *v) <= 0) pods_exist = false;
  }
  if (!pods_exist && !first_of_group_) return "affinity";
  for (const PodAffinityTerm& t : request.anti_affinity) {
    if (!t.required) continue;
    const auto v = node.attribute(t.topology_key);
    if (v && lookup<int>(anti_affinity_, t.topology_key, *v) > 0) return "anti-affinity";
  }
  for (std::size_t i = 0; i < spread_.size(); ++i) {
    const TopologySpreadConstraint& c = request.topology_spread[i];
    if (!c.do_not_schedule) continue;
    const auto v = node.attribute(c.topology_key);
    if (!v) return "topology spread";
    const auto it = spread_[i].count.find(*v);
    const int here = it == spread_[i].count.end() ? 0 : it->second;
    const int self = c.selector.matches(request.labels) ? 1 : 0;
    if (here + self - spread_[i].min > c.max_skew) return "topology spread";
  }
  return nullptr;
}

std::int64_t DomainCounts::preferred_score(const NodeView& node) const {
  std::int64_t score = 0;
  for (const auto& [key, values] : score_) {
    const auto v = node.attribute(key);
    if (!v) continue;
    const auto it = values.find(*v);
    if (it != values.end()) score += it->second;
  }
  return score;
}

std::vector<std::int64_t> DomainCounts::spread_scores(const PlacementRequest& request,
                                                      std::span<const NodeView> nodes,
                                                      std::span<const NodeIndex> candidates) const {
  constexpr std::int64_t kMaxNodeScore = 100;
  std::vector<std::int64_t> out(candidates.size(), 0);
  std::vector<std::size_t> soft;
  for (std::size_t i = 0; i < request.topology_spread.size(); ++i)
    if (!request.topology_spread[i].do_not_schedule) soft.push_back(i);
  if (soft.empty()) return out;
  // Candidates lacking a key are ignored (score 0); the others' domains size the weights.
  std::vector<bool> ignored(candidates.size(), false);
  for (std::size_t k = 0; k < candidates.size(); ++k)
    for (const std::size_t i : soft)
      if (!nodes[candidates[k]].attribute(request.topology_spread[i].topology_key))
        ignored[k] = true;
  std::vector<double> weight;
  for (const std::size_t i : soft) {
    std::vector<std::string_view> values;
    for (std::size_t k = 0; k < candidates.size(); ++k)
      if (!ignored[k])
        values.push_back(*nodes[candidates[k]].attribute(request.topology_spread[i].topology_key));
    std::sort(values.begin(), values.end());
    const auto size = std::unique(values.begin(), values.end()) - values.begin();
    weight.push_back(std::log(static_cast<double>(size + 2)));
  }
  std::int64_t min = std::numeric_limits<std::int64_t>::max(), max = 0;
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    if (ignored[k]) continue;
    double s = 0.0;
    for (std::size_t j = 0; j < soft.size(); ++j) {
      const TopologySpreadConstraint& c = request.topology_spread[soft[j]];
      const auto v = *nodes[candidates[k]].attribute(c.topology_key);
      const auto it = spread_[soft[j]].count.find(v);
      const int count = it == spread_[soft[j]].count.end() ? 0 : it->second;
      s += count * weight[j] + (c.max_skew - 1);
    }
    out[k] = std::llround(s);
    min = std::min(min, out[k]);
    max = std::max(max, out[k]);
  }
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    if (ignored[k]) {
      out[k] = 0;
    } else {
      out[k] = max == 0 ? kMaxNodeScore : kMaxNodeScore * (max + min - out[k]) / max;
    }
  }
  return out;
}

}  // namespace vmcsim::models::placement
