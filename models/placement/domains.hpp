#pragma once
// DomainCounts: the running pods that a request's inter-pod terms and spread constraints see,
// counted per topology domain once per placement decision, so that each candidate node is then
// checked by lookups (Kubernetes computes the same state in the PreFilter/PreScore steps of its
// InterPodAffinity and PodTopologySpread plugins).
//
// A domain is (topology key, value): the nodes whose attribute `key` has that value. With dom(n)
// the domain of node n for the term's key, the semantics are Kubernetes':
//  - required affinity: for every term, some running pod in dom(n) matches all the required
//    affinity terms; a node without the key fails. The first pod of a self-affine group: when no
//    running pod anywhere matches all the terms and the request's own labels do, any node that has
//    every key passes (interpodaffinity/filtering.go satisfyPodAffinity).
//  - required anti-affinity: for no term does a running pod in dom(n) match it; a node without the
//    key passes.
//  - symmetry: a running pod's required anti-affinity term that matches the request's labels
//    rejects the request in that pod's domain of the term's key.
//  - topology spread, DoNotSchedule: for each constraint, c(d) = pods matching its selector on the
//    eligible nodes of domain d (eligible: the node has the key and passes memberOf, as Kubernetes
//    counts only nodes passing node affinity, nodeAffinityPolicy Honor, the default; taints are
//    ignored, nodeTaintsPolicy Ignore); n passes iff c(dom(n)) + self - min_d c(d) <=
//    max_skew, self = 1 when the request's labels match the selector; a node without the key fails.
//  - preferred terms (InterPodAffinity score, raw): sum over preferred affinity terms of weight x
//    matching pods in dom(n), minus the same for preferred anti-affinity.
//  - ScheduleAnyway spread (PodTopologySpread score): see spread_scores().
// Not modelled: namespaces (every pod is in one), symmetric scoring by the running pods' own
// preferred terms, minDomains, nodeAffinityPolicy/nodeTaintsPolicy.
//
// Cost: building walks every node's running groups once, O(nodes x groups per node), for every
// request (the symmetric check needs every running pod's required anti-affinity, even for a
// request without terms of its own): about 1 ns per node without terms (bench/placement_bench,
// so first-fit is no longer O(first feasible node)). Then O(terms x log domains) per node.
// Counts are per decision, not maintained across add/remove: the policies see a span of views.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "models/placement/isolation.hpp"
#include "models/placement/node_view.hpp"

namespace vmcsim::models::placement {

class DomainCounts {
 public:
  // Counts over `nodes` for `request`.
  DomainCounts(const PlacementRequest& request, std::span<const NodeView> nodes);
  // The same, for a caller that knows no running instance in `nodes` has required anti-affinity
  // terms (an indexed policy keeps that count): a request without inter-pod terms of its own then
  // needs no walk over the nodes, and every node passes.
  static DomainCounts without_running_anti_affinity(const PlacementRequest& request,
                                                    std::span<const NodeView> nodes);
  // Whether the request has inter-pod terms or spread constraints of its own.
  static bool has_terms(const PlacementRequest& request);

  // The first inter-pod filter `node` fails ("affinity", "anti-affinity", "topology spread"), or
  // nullptr. `node` should be one of the nodes counted.
  const char* failed_filter(const PlacementRequest& request, const NodeView& node) const;
  // The raw InterPodAffinity score of `node` (before normalisation across nodes).
  std::int64_t preferred_score(const NodeView& node) const;
  // PodTopologySpread scores (0..100, higher is better) of the `candidates` (indices into the
  // counted nodes): per node, s = round(sum over ScheduleAnyway constraints of c(dom(n)) x
  // log(domains among the candidates + 2) + max_skew - 1), then 100 x (max + min - s) / max
  // (all 100 when max is 0); a candidate without a constraint's key scores 0.
  // The tenants per physical host of the counted nodes (isolation.hpp), for the isolation filter.
  const HostTenants& host_tenants() const { return hosts_; }
  std::vector<std::int64_t> spread_scores(const PlacementRequest& request,
                                          std::span<const NodeView> nodes,
                                          std::span<const NodeIndex> candidates) const;

 private:
  DomainCounts() = default;  // inactive: no terms anywhere
  // value -> T per topology key: a node is looked up by its value of each key.
  template <class T>
  using PerDomain = std::map<std::string, std::map<std::string, T, std::less<>>, std::less<>>;
  struct Spread {
    std::map<std::string, int, std::less<>> count;  // by domain value, eligible nodes only
    int min = 0;                                    // over the eligible domains
  };
  bool active_ = false;
  PerDomain<int> affinity_;        // pods matching all required affinity terms
  PerDomain<int> anti_affinity_;   // pods matching a required anti-affinity term
  PerDomain<int> forbidden_;       // running pods' anti-affinity terms matching the request
  PerDomain<std::int64_t> score_;  // preferred terms' weights
  std::vector<Spread> spread_;     // per request.topology_spread constraint
  bool first_of_group_ = false;    // the self-affinity exception applies
  HostTenants hosts_;
};

}  // namespace vmcsim::models::placement
