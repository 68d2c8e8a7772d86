#pragma once
// NodeView and PlacementRequest: the plain state that placement decisions read.
//
// A NodeView is a snapshot of one host, VM node or ECS container instance, as the simulation
// maps it: the policies never see Host or Instance objects, so they are pure and testable.
// Invariants: allocatable() = capacity - system_reserved; free() = allocatable() - allocated;
// `tasks` counts every running task or pod (for max_tasks, the Kubernetes default 110 pods per
// node); `tasks_by_service` counts them per service (ECS spread and distinctInstance);
// `running` groups the running instances by labels and required anti-affinity terms, with a
// count each (inter-pod affinity, anti-affinity and topology spread; see domains.hpp): the sum of
// the counts is at most `tasks`, and no group has a count below 1.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/placement/affinity.hpp"
#include "models/placement/query.hpp"
#include "models/placement/resources.hpp"

namespace vmcsim::models::placement {

using NodeIndex = std::size_t;
struct PlacementRequest;

// Running instances that share labels and required anti-affinity terms (those of one service).
struct RunningPods {
  Labels labels;
  std::vector<PodAffinityTerm> anti_affinity;  // required terms only: they act on newcomers
  int count = 0;
};

struct NodeView {
  std::string id;    // instance id / hostname: what `instanceId` and `host` refer to
  std::string name;  // for messages; may equal id
  ResourceVector capacity;
  ResourceVector system_reserved;
  ResourceVector allocated;
  Labels attributes;  // zone, rack, instance type, ...: "ecs.availability-zone" -> "us-east-1a"
  int tasks = 0;
  int max_tasks = 110;
  std::map<std::string, int, std::less<>> tasks_by_service;
  std::vector<RunningPods> running;

  ResourceVector allocatable() const { return capacity - system_reserved; }
  ResourceVector free() const { return allocatable() - allocated; }
  int tasks_of(std::string_view service) const;
  // `instanceId`, `ec2InstanceId` and `host` name the node id; anything else an attribute
  // (with or without the "attribute:" prefix).
  std::optional<std::string_view> attribute(std::string_view key) const;
  // Records a placed request in this view (allocated, tasks, service count, labels).
  void add(const PlacementRequest& request);
  // Removes a request added before.
  void remove(const PlacementRequest& request);
  // Records `count` more (or, negative, fewer) running instances of `request` in `running` only
  // (for views built from a count of instances per service).
  void record_running(const PlacementRequest& request, int count);
  // Running instances whose labels `selector` matches.
  int matching_pods(const LabelSelector& selector) const;
};

struct PlacementRequest {
  ResourceVector demand;
  std::string service;
  Labels labels;
  bool distinct_instance = false;       // ECS distinctInstance: one task of the service per node
  std::vector<ClusterQuery> member_of;  // ECS memberOf: every expression must hold
  // Kubernetes inter-pod terms and spread constraints against running instances (domains.hpp).
  std::vector<PodAffinityTerm> anti_affinity;
  std::vector<PodAffinityTerm> affinity;
  std::vector<TopologySpreadConstraint> topology_spread;
};

}  // namespace vmcsim::models::placement
