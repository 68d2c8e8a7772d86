#include "models/cluster/network.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "models/refusal.hpp"

namespace vmcsim::models {

namespace {
const std::string& required_label(const HostSpec& spec, const std::string& key) {
  const auto it = spec.labels.find(key);
  if (it == spec.labels.end() || it->second.empty())
    throw ConfigurationRefused(fmt::format(
        "topology: host '{}' has no '{}' label (an explicit topology places hosts by zone and "
        "rack)",
        spec.name, key));
  return it->second;
}

// Explicit form: zones and racks from the hosts' labels, other vertices from the links.
void build_explicit(const TopologyConfig& config, const std::vector<HostConfig>& hosts,
                    const std::string& registry_name, topology::Topology& g,
                    std::vector<topology::VertexId>& host_vertex) {
  std::map<std::string, topology::VertexId, std::less<>> named;
  const auto vertex = [&](const std::string& name, auto make) {
    const auto it = named.find(name);
    if (it != named.end()) return it->second;
    const topology::VertexId v = make();
    named.emplace(name, v);
    return v;
  };
  named.emplace(registry_name, g.add_registry(registry_name));
  for (const HostConfig& h : hosts) {
    const std::string& zone_name = required_label(h.spec, "zone");
    const std::string& rack_name = required_label(h.spec, "rack");
    const topology::VertexId zone = vertex(zone_name, [&] { return g.add_zone(zone_name); });
    if (g.kind(zone) != topology::VertexKind::zone)
      throw ConfigurationRefused(fmt::format("topology: host '{}': zone '{}' names another vertex",
                                             h.spec.name, zone_name));
    const topology::VertexId rack = vertex(rack_name, [&] { return g.add_rack(rack_name, zone); });
    if (g.kind(rack) != topology::VertexKind::rack || g.zone_of(rack) != zone)
      throw ConfigurationRefused(
          fmt::format("topology: host '{}': rack '{}' is not a rack of zone '{}'", h.spec.name,
                      rack_name, zone_name));
    const topology::VertexId host = g.add_host(h.spec.name, rack);
    g.add_link(host, rack, {h.spec.network_bandwidth, config.host_link_latency});
    host_vertex.push_back(host);
  }
  for (const TopologyLinkConfig& l : config.links) {
    if (l.from == l.to)
      throw ConfigurationRefused(
          fmt::format("topology: link {} -> {} joins a vertex to itself", l.from, l.to));
    const topology::VertexId a = vertex(l.from, [&] { return g.add_core(l.from); });
    const topology::VertexId b = vertex(l.to, [&] { return g.add_core(l.to); });
    g.add_link(a, b, l.link);
  }
}
}  // namespace

ClusterNetwork::ClusterNetwork(const TopologyConfig& config, const std::vector<HostConfig>& hosts,
                               const std::string& registry_name, FlowModel& flows) {
  if (config.generator.has_value() == !config.links.empty())
    throw ConfigurationRefused("topology: give exactly one of a generator or explicit links");
  if (config.generator) {
    graph_ = topology::generate_topology(*config.generator);
    const std::vector<topology::VertexId> slots = graph_.hosts();
    if (slots.size() < hosts.size())
      throw ConfigurationRefused(fmt::format(
          "topology: the generator has {} host slots for {} hosts", slots.size(), hosts.size()));
    host_vertex_.assign(slots.begin(), slots.begin() + static_cast<std::ptrdiff_t>(hosts.size()));
    registry_ = *graph_.find("registry");
  } else {
    build_explicit(config, hosts, registry_name, graph_, host_vertex_);
    registry_ = *graph_.find(registry_name);
  }
  for (topology::LinkId l = 0; l < graph_.link_count(); ++l) {
    const auto [a, b] = graph_.ends(l);
    const topology::Link& link = graph_.link(l);
    if (link.bandwidth.bytes_per_second() <= 0.0)
      throw ConfigurationRefused(
          fmt::format("topology: link {} - {} has no bandwidth", graph_.name(a), graph_.name(b)));
    link_resource_.push_back(
        flows.add_resource(fmt::format("link/{}-{}", graph_.name(a), graph_.name(b)),
                           link.bandwidth.bytes_per_second()));
  }
  for (std::size_t h = 0; h < hosts.size(); ++h) {
    const auto path = graph_.path(host_vertex_[h], registry_);
    if (!path)
      throw ConfigurationRefused(fmt::format("topology: host '{}' cannot reach the registry '{}'",
                                             hosts[h].spec.name, graph_.name(registry_)));
    // A pull crosses the host NIC, these links, the registry egress and, from a VM node, the
    // VM's NIC too: Host::transfer takes at most kMaxExtraPath resources beyond the first NIC.
    if (path->links.size() + 2 > Host::kMaxExtraPath)
      throw ConfigurationRefused(
          fmt::format("topology: host '{}' is {} links from the registry; pulls cross at most {}",
                      hosts[h].spec.name, path->links.size(), Host::kMaxExtraPath - 2));
    std::vector<ResourceId> resources;
    for (const topology::LinkId l : path->links)
      resources.push_back(link_resource_[l]);
    paths_.push_back(std::move(resources));
    latency_.push_back(path->latency);
  }
}

HostSpec ClusterNetwork::labelled(std::size_t host, const HostSpec& spec) const {
  HostSpec out = spec;
  const topology::VertexId v = host_vertex_[host];
  const topology::VertexId rack = graph_.rack_of(v);
  out.labels.try_emplace("zone", graph_.name(graph_.zone_of(rack)));
  out.labels.try_emplace("rack", graph_.name(rack));
  return out;
}

}  // namespace vmcsim::models
