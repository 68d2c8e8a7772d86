// Cluster placement over failure domains: nodes built from a generated topology carry the zone
// attributes that ECS expressions and Kubernetes terms name, and services' terms act on them.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "cluster_test_support.hpp"
#include "models/cluster/cluster.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using vmcsim::models::testing::ClusterWorld;

namespace {

// Runc containers on 3 zones x 1 rack x 2 hosts (hosts 2z and 2z+1 in zone-z).
struct ZonedWorld {
  ClusterWorld world;
  ClusterConfig config;
  explicit ZonedWorld(std::string placement) {
    config = world.config(PlatformKind::container, 6);
    topology::TopologySpec spec;
    spec.zones = 3;
    spec.hosts_per_rack = 2;
    config.topology = TopologyConfig{spec, {}, {}};
    config.variant.placement = std::move(placement);
  }
  ServiceConfig& add_service(int replicas) {
    config.services.push_back(
        world.service("web", sim::Millicores{250}, sim::Bytes::mib(256), replicas, 0.01));
    config.services.back().labels = {{"app", "web"}};
    return config.services.back();
  }
  testing::ZonePlacements run() const { return testing::placements_by_zone(config); }
};

}  // namespace

TEST_CASE("ECS spread over ecs.availability-zone balances the zones of a generated topology") {
  ZonedWorld w{"ecs:spread(attribute:ecs.availability-zone),binpack(memory)"};
  w.add_service(6);
  const auto out = w.run();
  CHECK(out.per_zone == std::map<std::string, int>{{"zone-0", 2}, {"zone-1", 2}, {"zone-2", 2}});
  CHECK(out.unplaced.empty());
  // binpack alone stacks everything on the first host.
  ZonedWorld packed{"ecs:binpack(memory)"};
  packed.add_service(6);
  CHECK(packed.run().per_zone == std::map<std::string, int>{{"zone-0", 6}});
}

TEST_CASE("ECS memberOf on ecs.availability-zone keeps tasks in the listed zones") {
  ZonedWorld w{"ecs:spread(attribute:ecs.availability-zone)"};
  w.add_service(4).placement_constraints = {
      "memberOf:attribute:ecs.availability-zone in [zone-0, zone-2]"};
  CHECK(w.run().per_zone == std::map<std::string, int>{{"zone-0", 2}, {"zone-2", 2}});
}

TEST_CASE("required zone anti-affinity runs one replica per zone and the fourth pends") {
  ZonedWorld w{"k8s"};
  placement::PodAffinityTerm t;
  t.selector.match_labels = {{"app", "web"}};
  t.topology_key = std::string(placement::kZoneKey);
  w.add_service(4).anti_affinity = {t};
  const auto out = w.run();
  CHECK(out.per_zone == std::map<std::string, int>{{"zone-0", 1}, {"zone-1", 1}, {"zone-2", 1}});
  REQUIRE(out.unplaced.size() == 1);
  CHECK(out.unplaced[0] == "all 6 nodes rejected: 6 by anti-affinity");
}
