#include "models/topology/topology.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/graph/dijkstra_shortest_paths.hpp>

namespace vmcsim::models::topology {

VertexId Topology::add_vertex(VertexKind kind, std::string name, VertexId parent) {
  const auto v = boost::add_vertex(VertexData{kind, std::move(name), parent}, graph_);
  return static_cast<VertexId>(v);
}

VertexId Topology::add_core(std::string name) {
  return add_vertex(VertexKind::core, std::move(name), 0);
}
VertexId Topology::add_zone(std::string name) {
  return add_vertex(VertexKind::zone, std::move(name), 0);
}
VertexId Topology::add_registry(std::string name) {
  return add_vertex(VertexKind::registry, std::move(name), 0);
}

VertexId Topology::add_rack(std::string name, VertexId zone) {
  if (zone >= vertex_count() || kind(zone) != VertexKind::zone)
    throw std::invalid_argument(fmt::format("rack '{}': parent {} is not a zone", name, zone));
  return add_vertex(VertexKind::rack, std::move(name), zone);
}

VertexId Topology::add_host(std::string name, VertexId rack) {
  if (rack >= vertex_count() || kind(rack) != VertexKind::rack)
    throw std::invalid_argument(fmt::format("host '{}': parent {} is not a rack", name, rack));
  return add_vertex(VertexKind::host, std::move(name), rack);
}

LinkId Topology::add_link(VertexId a, VertexId b, Link link) {
  if (a >= vertex_count() || b >= vertex_count() || a == b)
    throw std::invalid_argument(fmt::format("link {}-{}: needs two existing vertices", a, b));
  if (link.latency < sim::Time::zero())
    throw std::invalid_argument(fmt::format("link {}-{}: negative latency", a, b));
  const LinkId id = links_.size();
  boost::add_edge(a, b, EdgeData{id, link.latency.ns()}, graph_);
  links_.push_back({a, b, link});
  return id;
}

std::size_t Topology::count(VertexKind k) const {
  std::size_t n = 0;
  for (VertexId v = 0; v < vertex_count(); ++v)
    n += kind(v) == k;
  return n;
}

std::optional<VertexId> Topology::find(std::string_view n) const {
  for (VertexId v = 0; v < vertex_count(); ++v) {
    if (name(v) == n) return v;
  }
  return std::nullopt;
}

std::vector<VertexId> Topology::hosts() const {
  std::vector<VertexId> out;
  for (VertexId v = 0; v < vertex_count(); ++v) {
    if (kind(v) == VertexKind::host) out.push_back(v);
  }
  return out;
}

VertexId Topology::rack_of(VertexId host) const {
  if (kind(host) != VertexKind::host)
    throw std::invalid_argument(fmt::format("'{}' is not a host", name(host)));
  return graph_[host].parent;
}

VertexId Topology::zone_of(VertexId v) const {
  if (kind(v) == VertexKind::host) v = rack_of(v);
  if (kind(v) != VertexKind::rack)
    throw std::invalid_argument(fmt::format("'{}' is not a host or rack", name(v)));
  return graph_[v].parent;
}

std::optional<Path> Topology::path(VertexId from, VertexId to) const {
  const std::size_t n = vertex_count();
  std::vector<VertexId> pred(n);
  std::vector<std::int64_t> dist(n);
  boost::dijkstra_shortest_paths(
      graph_, from,
      boost::predecessor_map(
          boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, graph_)))
          .distance_map(boost::make_iterator_property_map(dist.begin(),
                                                          boost::get(boost::vertex_index, graph_)))
          .weight_map(boost::get(&EdgeData::latency_ns, graph_)));
  if (to != from && pred[to] == to) return std::nullopt;
  Path p;
  for (VertexId v = to; v != from; v = pred[v]) {
    const VertexId u = pred[v];
    // The link Dijkstra relaxed: the lowest-latency edge between u and v.
    std::optional<LinkId> best;
    for (auto [e, end] = boost::out_edges(u, graph_); e != end; ++e) {
      if (boost::target(*e, graph_) != v) continue;
      const EdgeData& d = graph_[*e];
      if (!best || d.latency_ns < links_[*best].link.latency.ns()) best = d.id;
    }
    p.links.push_back(*best);
  }
  std::reverse(p.links.begin(), p.links.end());
  p.latency = sim::Time::from_ns(dist[to]);
  return p;
}

Topology generate_topology(const TopologySpec& spec) {
  if (spec.zones < 1 || spec.racks_per_zone < 1 || spec.hosts_per_rack < 1)
    throw std::invalid_argument(fmt::format(
        "topology: zones ({}), racks per zone ({}) and hosts per rack ({}) must be at least 1",
        spec.zones, spec.racks_per_zone, spec.hosts_per_rack));
  Topology t;
  const VertexId core = t.add_core("core");
  t.add_link(t.add_registry("registry"), core, spec.registry_link);
  for (int z = 0; z < spec.zones; ++z) {
    const std::string zone_name = fmt::format("zone-{}", z);
    const VertexId zone = t.add_zone(zone_name);
    t.add_link(zone, core, spec.zone_uplink);
    for (int r = 0; r < spec.racks_per_zone; ++r) {
      const std::string rack_name = fmt::format("{}/rack-{}", zone_name, r);
      const VertexId rack = t.add_rack(rack_name, zone);
      t.add_link(rack, zone, spec.rack_uplink);
      for (int h = 0; h < spec.hosts_per_rack; ++h) {
        t.add_link(t.add_host(fmt::format("{}/host-{}", rack_name, h), rack), rack, spec.host_link);
      }
    }
  }
  return t;
}

}  // namespace vmcsim::models::topology
