#pragma once
// ClusterNetwork: a ClusterConfig's topology built as a graph and as FlowModel resources.
//
// Every link becomes one FlowModel resource "link/<a>-<b>" (capacity = its bandwidth in
// bytes/s), shared max-min fairly by every flow that crosses it. For each host (by its index in
// ClusterConfig::hosts) it keeps the links of the lowest-latency path from the registry and that
// path's latency, which is what the host's image puller adds to its NIC and the registry egress.
//
// Invariants: host_path(h) names resources of `flows`, distinct, in order from the host's side
// toward the registry; every host reaches the registry (else the constructor throws).
#include <cstddef>
#include <string>
#include <vector>

#include "models/cluster/cluster_config.hpp"
#include "models/resources/flow_model.hpp"
#include "models/topology/topology.hpp"
#include "sim/time.hpp"

namespace vmcsim::models {

class ClusterNetwork {
 public:
  // Throws ConfigurationRefused (models/refusal.hpp) naming the host, label or link for a topology
  // that cannot be built (too few generated slots, a missing label, a host that cannot reach the
  // registry, a path longer than a pull can cross).
  ClusterNetwork(const TopologyConfig& config, const std::vector<HostConfig>& hosts,
                 const std::string& registry_name, FlowModel& flows);

  const topology::Topology& graph() const { return graph_; }
  topology::VertexId registry() const { return registry_; }
  topology::VertexId host_vertex(std::size_t host) const { return host_vertex_[host]; }
  ResourceId link_resource(topology::LinkId link) const { return link_resource_[link]; }
  const std::vector<ResourceId>& host_path(std::size_t host) const { return paths_[host]; }
  sim::Time host_latency(std::size_t host) const { return latency_[host]; }
  // The host's spec with "zone" and "rack" labels from the topology where it had none.
  HostSpec labelled(std::size_t host, const HostSpec& spec) const;

 private:
  topology::Topology graph_;
  topology::VertexId registry_ = 0;
  std::vector<topology::VertexId> host_vertex_;
  std::vector<ResourceId> link_resource_;
  std::vector<std::vector<ResourceId>> paths_;
  std::vector<sim::Time> latency_;
};

}  // namespace vmcsim::models
