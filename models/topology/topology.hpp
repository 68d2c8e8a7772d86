#pragma once
// Topology: the network as a Boost.Graph undirected graph. Vertices are the core (region
// backbone), zones, racks (top-of-rack switches), hosts and image registries; edges are links
// with a bandwidth (DataRate) and a one-way latency (Time).
//
// Invariants: vertex and link ids are dense indices in creation order and never change (the
// graph only grows); a host's rack and zone are the ones given when it was added; every link
// joins two existing vertices.
// path() runs Dijkstra on link latency (Boost's dijkstra_shortest_paths) and returns the links
// in order from `from` to `to`, so an image pull can be a flow across exactly those links, and
// their latency sum. Ties between equal-latency paths are resolved by Boost's deterministic
// order over the vecS storage.
//
// The generator builds zones x racks x hosts: host -(host link)- rack -(rack uplink)- zone
// -(zone uplink)- core, and one registry attached to the core.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// add_vertex asks the graph for a vertex by name and gets back an empty boost::optional, whose
// storage is uninitialised by design; GCC 12 at -O1 (the sanitizer build) reports copying it as
// a use of an uninitialised value. The pragma covers Boost's lines only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <boost/graph/adjacency_list.hpp>
#pragma GCC diagnostic pop

#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::models::topology {

enum class VertexKind : std::uint8_t { core, zone, rack, host, registry };

using VertexId = std::size_t;
using LinkId = std::size_t;

struct Link {
  sim::DataRate bandwidth;
  sim::Time latency;
};

struct Path {
  std::vector<LinkId> links;  // in order from the source
  sim::Time latency{};
};

class Topology {
 public:
  VertexId add_core(std::string name);
  VertexId add_zone(std::string name);
  VertexId add_rack(std::string name, VertexId zone);
  VertexId add_host(std::string name, VertexId rack);
  VertexId add_registry(std::string name);
  LinkId add_link(VertexId a, VertexId b, Link link);

  std::size_t vertex_count() const { return boost::num_vertices(graph_); }
  std::size_t link_count() const { return links_.size(); }
  std::size_t count(VertexKind kind) const;
  VertexKind kind(VertexId v) const { return graph_[v].kind; }
  const std::string& name(VertexId v) const { return graph_[v].name; }
  std::optional<VertexId> find(std::string_view name) const;
  const Link& link(LinkId id) const { return links_[id].link; }
  // The two ends of a link, in the order they were given.
  std::pair<VertexId, VertexId> ends(LinkId id) const { return {links_[id].a, links_[id].b}; }
  std::vector<VertexId> hosts() const;

  // Failure domains of a host (or rack, for zone_of).
  VertexId rack_of(VertexId host) const;
  VertexId zone_of(VertexId host_or_rack) const;

  // The lowest-latency path, or nothing when `to` cannot be reached.
  std::optional<Path> path(VertexId from, VertexId to) const;

 private:
  struct VertexData {
    VertexKind kind = VertexKind::host;
    std::string name;
    VertexId parent = 0;  // rack of a host, zone of a rack
  };
  struct EdgeData {
    LinkId id = 0;
    std::int64_t latency_ns = 0;
  };
  using Graph =
      boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VertexData, EdgeData>;
  struct LinkRecord {
    VertexId a, b;
    Link link;
  };
  VertexId add_vertex(VertexKind kind, std::string name, VertexId parent);

  Graph graph_;
  std::vector<LinkRecord> links_;
};

struct TopologySpec {
  int zones = 1;
  int racks_per_zone = 1;
  int hosts_per_rack = 1;
  Link host_link{sim::DataRate::gbps(25), sim::Time::from_us(5)};
  Link rack_uplink{sim::DataRate::gbps(100), sim::Time::from_us(10)};
  Link zone_uplink{sim::DataRate::gbps(400), sim::Time::from_us(500)};
  Link registry_link{sim::DataRate::gbps(10), sim::Time::from_ms(2)};
};

// Names: "core", "registry", "zone-<z>", "zone-<z>/rack-<r>", "zone-<z>/rack-<r>/host-<h>".
// Throws std::invalid_argument when a count is below 1.
Topology generate_topology(const TopologySpec& spec);

}  // namespace vmcsim::models::topology
