#pragma once
// NodeView and PlacementRequest: the plain state that placement decisions read.
//
// A NodeView is a snapshot of one host, VM node or ECS container instance, as the simulation
// maps it: the policies never see Host or Instance objects, so they are pure and testable.
// Invariants: allocatable() = capacity - system_reserved; free() = allocatable() - allocated;
// `tasks` counts every running task or pod (for max_tasks, the Kubernetes default 110 pods per
// node); `tasks_by_service` counts them per service (ECS spread and distinctInstance);
// `running_labels` holds the labels of each running instance (pod anti-affinity).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/placement/query.hpp"
#include "models/placement/resources.hpp"

namespace vmcsim::models::placement {

using NodeIndex = std::size_t;
struct PlacementRequest;

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
  std::vector<Labels> running_labels;

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
};

// Pod anti-affinity by label against instances already on a node (topology key: the node).
// Required terms filter; preferred terms lower the node's score by `weight` per matching pod.
struct AntiAffinityTerm {
  std::string key;
  std::string value;
  bool required = true;
  int weight = 1;  // preferred only, 1..100 as in Kubernetes
};

struct PlacementRequest {
  ResourceVector demand;
  std::string service;
  Labels labels;
  bool distinct_instance = false;       // ECS distinctInstance: one task of the service per node
  std::vector<ClusterQuery> member_of;  // ECS memberOf: every expression must hold
  std::vector<AntiAffinityTerm> anti_affinity;
};

}  // namespace vmcsim::models::placement
