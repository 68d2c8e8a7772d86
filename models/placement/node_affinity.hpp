#pragma once
// Node-level Kubernetes scheduling constraints: taints and tolerations, nodeSelector and node
// affinity (core/v1 Taint, Toleration, NodeSelector, PreferredSchedulingTerm), as the
// TaintToleration and NodeAffinity plugins of kube-scheduler apply them
// (pkg/scheduler/framework/plugins/tainttoleration, nodeaffinity; k8s.io/api core/v1
// toleration.go ToleratesTaint; component-helpers scheduling/corev1/nodeaffinity).
//
// Taints (on a node) repel pods that do not tolerate them:
//   NoSchedule, NoExecute   filter: a node with an untolerated one is infeasible ("taints");
//                           NoExecute's eviction of running pods is not modelled (taints are
//                           fixed for the run, so nothing running ever becomes untolerated);
//   PreferNoSchedule        score only (TaintToleration): raw = number of untolerated
//                           PreferNoSchedule taints, normalised reversed over the scored nodes:
//                           100 - 100 x raw / max (all 100 when max is 0).
// A toleration tolerates a taint when its effect is empty or equal, its key is empty or equal,
// and operator Exists, or Equal (the default) with an equal value; an empty key with Exists
// tolerates every taint.
// Node affinity uses the node's attributes as its labels (affinity.hpp node_attributes):
//   required   nodeSelectorTerms ORed, the matchExpressions of a term ANDed; a term without
//              expressions matches nothing; `node_selector` (the pod's nodeSelector map) must
//              also hold; fails as "node affinity";
//   preferred  score (NodeAffinity): raw = sum of the weights (1..100) of the preferred terms
//              the node matches, normalised over the scored nodes: 100 x raw / max (all 0 when
//              max is 0).
// Operators: In, NotIn (true when the label is absent), Exists, DoesNotExist, Gt, Lt (the
// single value and the label parsed as integers; an absent or non-integer label fails).
// Not modelled: matchFields, the scheduler's own taints (node.kubernetes.io/not-ready...).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/placement/query.hpp"

namespace vmcsim::models::placement {

struct Taint {
  enum class Effect { no_schedule, prefer_no_schedule, no_execute };
  std::string key;
  std::string value;
  Effect effect = Effect::no_schedule;
  friend bool operator==(const Taint&, const Taint&) = default;
};

struct Toleration {
  enum class Op { equal, exists };
  std::string key;  // empty: any key (with Exists)
  Op op = Op::equal;
  std::string value;
  std::optional<Taint::Effect> effect;  // none: every effect
  bool tolerates(const Taint& taint) const;
  friend bool operator==(const Toleration&, const Toleration&) = default;
};

// NoSchedule, PreferNoSchedule, NoExecute (and back).
std::string_view to_string(Taint::Effect effect);
std::optional<Taint::Effect> parse_taint_effect(std::string_view text);

// The first NoSchedule / NoExecute taint no toleration tolerates, or nullptr.
const Taint* untolerated_taint(const std::vector<Taint>& taints,
                               const std::vector<Toleration>& tolerations);
// TaintToleration's raw score: untolerated PreferNoSchedule taints.
int intolerable_prefer_no_schedule(const std::vector<Taint>& taints,
                                   const std::vector<Toleration>& tolerations);

struct NodeSelectorRequirement {
  enum class Op { in, not_in, exists, does_not_exist, gt, lt };
  std::string key;
  Op op = Op::in;
  std::vector<std::string> values;
  bool matches(const Labels& labels) const;
  friend bool operator==(const NodeSelectorRequirement&, const NodeSelectorRequirement&) = default;
};
std::string_view to_string(NodeSelectorRequirement::Op op);
std::optional<NodeSelectorRequirement::Op> parse_node_selector_operator(std::string_view text);

// One nodeSelectorTerm: every expression must hold; none matches no node.
struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> match_expressions;
  bool matches(const Labels& labels) const;
  friend bool operator==(const NodeSelectorTerm&, const NodeSelectorTerm&) = default;
};

struct PreferredSchedulingTerm {
  int weight = 1;  // 1..100
  NodeSelectorTerm preference;
  friend bool operator==(const PreferredSchedulingTerm&, const PreferredSchedulingTerm&) = default;
};

struct NodeAffinity {
  Labels node_selector;                    // the pod's nodeSelector: every pair must match
  std::vector<NodeSelectorTerm> required;  // ORed; empty: no requirement
  std::vector<PreferredSchedulingTerm> preferred;
  bool empty() const { return node_selector.empty() && required.empty() && preferred.empty(); }
  // The required part (nodeSelector and requiredDuringScheduling...) holds on `labels`.
  bool required_matches(const Labels& labels) const;
  // NodeAffinity's raw score: the weights of the preferred terms `labels` match.
  std::int64_t preferred_weight(const Labels& labels) const;
  friend bool operator==(const NodeAffinity&, const NodeAffinity&) = default;
};

// kube-scheduler's helper.DefaultNormalizeScore(MaxNodeScore, reverse, scores): scale to
// 0..100 by the maximum (integer arithmetic), reversed as 100 - s; with max 0, all 0 (or all
// 100 reversed).
void default_normalize_score(std::vector<std::int64_t>& scores, bool reverse);

}  // namespace vmcsim::models::placement
