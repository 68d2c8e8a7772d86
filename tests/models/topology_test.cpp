#include <catch2/catch.hpp>

#include "models/topology/topology.hpp"

using namespace vmcsim;
using namespace vmcsim::models::topology;
using namespace vmcsim::sim::literals;

TEST_CASE("the topology generator builds zones x racks x hosts with their links", "[topology]") {
  TopologySpec spec;
  spec.zones = 2;
  spec.racks_per_zone = 3;
  spec.hosts_per_rack = 4;
  const Topology t = generate_topology(spec);
  CHECK(t.count(VertexKind::zone) == 2);
  CHECK(t.count(VertexKind::rack) == 6);
  CHECK(t.count(VertexKind::host) == 24);
  CHECK(t.count(VertexKind::registry) == 1);
  CHECK(t.count(VertexKind::core) == 1);
  CHECK(t.vertex_count() == 34);
  CHECK(t.link_count() == 1 + 2 + 6 + 24);
  CHECK_THROWS_AS(generate_topology(TopologySpec{0, 1, 1}), std::invalid_argument);
}

TEST_CASE("a host knows its rack and zone", "[topology]") {
  const Topology t = generate_topology({2, 2, 2});
  const VertexId h = *t.find("zone-1/rack-0/host-1");
  CHECK(t.name(t.rack_of(h)) == "zone-1/rack-0");
  CHECK(t.name(t.zone_of(h)) == "zone-1");
  CHECK(t.name(t.zone_of(t.rack_of(h))) == "zone-1");
  CHECK_THROWS_AS(t.rack_of(*t.find("core")), std::invalid_argument);
}

TEST_CASE("the path from the registry to a host crosses core, zone and rack links in order",
          "[topology]") {
  TopologySpec spec{2, 2, 2};
  const Topology t = generate_topology(spec);
  const VertexId registry = *t.find("registry");
  const VertexId host = *t.find("zone-1/rack-1/host-0");
  const auto p = t.path(registry, host);
  REQUIRE(p);
  REQUIRE(p->links.size() == 4);
  const std::vector<std::string> hops{"registry", "core", "zone-1", "zone-1/rack-1",
                                      "zone-1/rack-1/host-0"};
  for (std::size_t i = 0; i < p->links.size(); ++i) {
    const auto [a, b] = t.ends(p->links[i]);
    const bool forward = t.name(a) == hops[i] && t.name(b) == hops[i + 1];
    const bool backward = t.name(b) == hops[i] && t.name(a) == hops[i + 1];
    CHECK((forward || backward));
  }
  CHECK(p->latency == spec.registry_link.latency + spec.zone_uplink.latency +
                          spec.rack_uplink.latency + spec.host_link.latency);
  CHECK(t.link(p->links.front()).bandwidth == spec.registry_link.bandwidth);
  // Two hosts in one rack: host link, host link.
  const auto local = t.path(*t.find("zone-0/rack-0/host-0"), *t.find("zone-0/rack-0/host-1"));
  REQUIRE(local);
  CHECK(local->links.size() == 2);
  CHECK(local->latency == spec.host_link.latency * 2);
  CHECK(t.path(host, host)->links.empty());
}

TEST_CASE("paths take the lowest-latency route and report unreachable vertices", "[topology]") {
  Topology t = generate_topology({2, 1, 1});
  const VertexId mirror = t.add_registry("zone-1-mirror");
  const VertexId zone1 = *t.find("zone-1");
  const LinkId direct = t.add_link(mirror, zone1, {sim::DataRate::gbps(10), 100_us});
  const VertexId host = *t.find("zone-1/rack-0/host-0");
  const auto p = t.path(mirror, host);
  REQUIRE(p);
  CHECK(p->links.front() == direct);
  CHECK(p->latency == 100_us + 10_us + 5_us);
  // A slower parallel link is not taken.
  t.add_link(mirror, zone1, {sim::DataRate::gbps(100), 1_ms});
  CHECK(t.path(mirror, host)->links.front() == direct);
  const VertexId island = t.add_registry("island");
  CHECK_FALSE(t.path(island, host).has_value());
  CHECK_THROWS_AS(t.add_link(island, island, {}), std::invalid_argument);
}
