#pragma once
// Inter-pod constraints as data: label selectors, pod (anti-)affinity terms and topology spread
// constraints (Kubernetes core/v1 PodAffinityTerm, LabelSelector, TopologySpreadConstraint), and
// the node attributes that name failure domains.
//
// A topology key names a node attribute; a topology domain is the set of nodes sharing one value
// of it (one node for kubernetes.io/hostname, a rack, a zone). How the terms filter and score
// nodes is in models/placement/domains.hpp.
//
// Node attributes come from one place, node_attributes(): a node's host labels as the scenario and
// the topology give them ("zone", "rack", "instance_type") plus the well-known keys that ECS
// expressions and Kubernetes terms use for them:
//   kubernetes.io/hostname            the node's name
//   topology.kubernetes.io/zone       zone            (also ecs.availability-zone)
//   topology.vmcsim.io/rack           rack            (Kubernetes has no well-known rack key)
//   node.kubernetes.io/instance-type  instance_type   (also ecs.instance-type)
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/placement/query.hpp"

namespace vmcsim::models::placement {

inline constexpr std::string_view kHostnameKey = "kubernetes.io/hostname";
inline constexpr std::string_view kZoneKey = "topology.kubernetes.io/zone";
inline constexpr std::string_view kRackKey = "topology.vmcsim.io/rack";
inline constexpr std::string_view kInstanceTypeKey = "node.kubernetes.io/instance-type";
inline constexpr std::string_view kEcsZoneKey = "ecs.availability-zone";
inline constexpr std::string_view kEcsInstanceTypeKey = "ecs.instance-type";

// The attributes of a node named `hostname` whose host has `host_labels` (every host label is
// kept; "zone", "rack" and "instance_type" also appear under the well-known keys above).
Labels node_attributes(std::string_view hostname,
                       const std::map<std::string, std::string>& host_labels);

// The topology key a short name stands for: hostname, zone, rack (the well-known keys above);
// a key already spelled out (anything else in topology_keys()) is itself. nullopt if unknown.
std::optional<std::string> topology_key(std::string_view name);
// Every spelling topology_key() accepts, short names first (for error messages).
const std::vector<std::string>& topology_keys();

// One matchExpressions requirement (metav1.LabelSelectorRequirement).
struct LabelRequirement {
  enum class Op { in, not_in, exists, does_not_exist };
  std::string key;
  Op op = Op::in;
  std::vector<std::string> values;  // in / not_in only
  friend bool operator==(const LabelRequirement&, const LabelRequirement&) = default;
};

// The Kubernetes spelling of an operator (In, NotIn, Exists, DoesNotExist), and back (nullopt for
// anything else).
std::string_view to_string(LabelRequirement::Op op);
std::optional<LabelRequirement::Op> parse_label_operator(std::string_view text);

// matchLabels and matchExpressions, all of which must hold. An empty selector matches every pod
// (as metav1.LabelSelectorAsSelector makes of `{}`).
struct LabelSelector {
  Labels match_labels;
  std::vector<LabelRequirement> match_expressions;
  bool matches(const Labels& labels) const;
  friend bool operator==(const LabelSelector&, const LabelSelector&) = default;
};

// A pod affinity or anti-affinity term: pods matching `selector`, counted per domain of
// `topology_key` (already resolved to a full key). Required terms filter; preferred ones score
// with `weight` (1..100, as in Kubernetes).
struct PodAffinityTerm {
  LabelSelector selector;
  std::string topology_key;
  bool required = true;
  int weight = 1;  // preferred only
  friend bool operator==(const PodAffinityTerm&, const PodAffinityTerm&) = default;
};

// Kubernetes topologySpreadConstraints: at most `max_skew` more matching pods in the node's domain
// than in the emptiest domain. DoNotSchedule filters; ScheduleAnyway only scores.
struct TopologySpreadConstraint {
  int max_skew = 1;
  std::string topology_key;
  bool do_not_schedule = true;  // whenUnsatisfiable: DoNotSchedule (else ScheduleAnyway)
  LabelSelector selector;
  friend bool operator==(const TopologySpreadConstraint&,
                         const TopologySpreadConstraint&) = default;
};

}  // namespace vmcsim::models::placement
