// Cluster with a topology: image pulls share the links of their path to the registry and pay its
// latency; hosts get failure-domain labels that placement spreads over.
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

constexpr double kLayerBytes = 100e6;

// Container replicas of 40 GiB (one per 64 GiB host, so first-fit puts replica i on host i)
// pulling one 100 MB layer.
struct PullWorld {
  ClusterWorld world;
  Image image{"big:1", {{"sha256:big", sim::Bytes{static_cast<std::int64_t>(kLayerBytes)}}}};
  ClusterConfig config;

  PullWorld(int hosts, int replicas) {
    config = world.config(PlatformKind::container, hosts);
    config.registry.egress = sim::DataRate::gbps(100);
    ServiceConfig s =
        world.service("web", sim::Millicores{500}, sim::Bytes::gib(40), replicas, 0.01);
    s.image = &image;
    config.services.push_back(s);
  }
};

// Every link fast and without latency except the rack uplinks (1 Gbps).
topology::TopologySpec rack_bottleneck(int racks, int hosts_per_rack) {
  topology::TopologySpec t;
  t.zones = 1;
  t.racks_per_zone = racks;
  t.hosts_per_rack = hosts_per_rack;
  const topology::Link fast{sim::DataRate::gbps(400), sim::Time::zero()};
  t.host_link = t.zone_uplink = t.registry_link = fast;
  t.rack_uplink = {sim::DataRate::gbps(1), sim::Time::zero()};
  return t;
}

// Image-pull phase time of every instance, in the order they were placed.
std::vector<sim::Time> pull_times(ClusterConfig& config) {
  sim::Simulation sim;
  Cluster cluster{sim, config};
  sim.run_until(sim::Time::from_s(60));
  std::vector<sim::Time> out;
  for (InstanceId id = 0; id < cluster.runtime().instance_count(); ++id)
    out.push_back(cluster.runtime().instance(id).phase_time("image_pull"));
  return out;
}

}  // namespace

TEST_CASE("two hosts in the same rack pulling at once share the rack uplink") {
  PullWorld w{2, 2};
  w.config.topology = TopologyConfig{rack_bottleneck(1, 2), {}, {}};
  const auto times = pull_times(w.config);
  REQUIRE(times.size() == 2);
  // 100 MB each over half of 1 Gbps (62.5 MB/s), after the registry's 20 ms.
  const double expected = 0.020 + kLayerBytes / (sim::DataRate::gbps(1).bytes_per_second() / 2);
  for (const sim::Time t : times)
    CHECK(t.seconds() == Approx(expected).margin(1e-6));
}

TEST_CASE("two hosts in different racks pulling at once do not share a rack uplink") {
  PullWorld w{2, 2};
  w.config.topology = TopologyConfig{rack_bottleneck(2, 1), {}, {}};
  const auto times = pull_times(w.config);
  REQUIRE(times.size() == 2);
  const double expected = 0.020 + kLayerBytes / sim::DataRate::gbps(1).bytes_per_second();
  for (const sim::Time t : times)
    CHECK(t.seconds() == Approx(expected).margin(1e-6));
}

TEST_CASE("a pull pays the latency of its path to the registry on top of the registry's") {
  PullWorld plain{1, 1};
  plain.config.registry.egress = sim::DataRate::gbps(1);  // the bottleneck either way
  PullWorld routed{1, 1};
  routed.config.registry.egress = sim::DataRate::gbps(1);
  topology::TopologySpec spec;  // default links: 5 us + 10 us + 500 us + 2 ms, all >= 10 Gbps
  routed.config.topology = TopologyConfig{spec, {}, {}};
  const sim::Time path = spec.host_link.latency + spec.rack_uplink.latency +
                         spec.zone_uplink.latency + spec.registry_link.latency;
  const auto without = pull_times(plain.config);
  const auto with = pull_times(routed.config);
  REQUIRE(without.size() == 1);
  REQUIRE(with.size() == 1);
  CHECK(with[0] - without[0] == path);
  CHECK(path == sim::Time::from_us(2515));
}

TEST_CASE("a cluster builds every topology link as a flow resource and a path per host") {
  PullWorld w{3, 1};
  w.config.topology = TopologyConfig{rack_bottleneck(2, 2), {}, {}};
  sim::Simulation sim;
  Cluster cluster{sim, w.config};
  const ClusterNetwork* net = cluster.network();
  REQUIRE(net != nullptr);
  CHECK(net->graph().link_count() == 1 + 1 + 2 + 4);  // registry, zone, racks, host links
  for (topology::LinkId l = 0; l < net->graph().link_count(); ++l)
    CHECK(cluster.flows().capacity(net->link_resource(l)) ==
          net->graph().link(l).bandwidth.bytes_per_second());
  // Hosts 0 and 1 fill rack 0, host 2 starts rack 1: host link, rack uplink, zone, registry.
  CHECK(net->host_path(0).size() == 4);
  CHECK(net->host_path(0)[1] == net->host_path(1)[1]);
  CHECK(net->host_path(0)[1] != net->host_path(2)[1]);
  CHECK(cluster.hosts()[0]->label("rack") == "zone-0/rack-0");
  CHECK(cluster.hosts()[2]->label("rack") == "zone-0/rack-1");
}

TEST_CASE("without a topology a cluster has no network and pulls cross NIC and registry only") {
  PullWorld w{1, 1};
  w.config.registry.egress = sim::DataRate::gbps(1);
  sim::Simulation sim;
  Cluster cluster{sim, w.config};
  CHECK(cluster.network() == nullptr);
  sim.run_until(sim::Time::from_s(10));
  const double expected = 0.020 + kLayerBytes / sim::DataRate::gbps(1).bytes_per_second();
  CHECK(cluster.runtime().instance(0).phase_time("image_pull").seconds() ==
        Approx(expected).margin(1e-6));
}

TEST_CASE("spread over the zone attribute puts replicas in different topology zones") {
  ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container, 4);
  topology::TopologySpec spec;
  spec.zones = 2;
  spec.racks_per_zone = 1;
  spec.hosts_per_rack = 2;  // hosts 0, 1 in zone-0; hosts 2, 3 in zone-1
  config.topology = TopologyConfig{spec, {}, {}};
  config.variant.placement = "ecs:spread(attribute:zone)";
  config.services.push_back(
      world.service("web", sim::Millicores{250}, sim::Bytes::mib(256), 4, 0.01));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  std::map<std::string, std::string> zone_of;
  for (const auto& h : cluster.hosts())
    zone_of[h->name()] = h->label("zone");
  std::map<std::string, int> per_zone;
  cluster.on_placement.connect([&](const PlacementDecision& d) {
    REQUIRE(!d.node.empty());
    ++per_zone[zone_of.at(d.node)];
  });
  sim.run_until(sim::Time::from_s(5));
  CHECK(per_zone == std::map<std::string, int>{{"zone-0", 2}, {"zone-1", 2}});
}

TEST_CASE("a host's own zone label wins over the topology's") {
  ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container, 2);
  config.hosts[1].spec.labels["zone"] = "us-east-1b";
  topology::TopologySpec spec;
  spec.hosts_per_rack = 2;
  config.topology = TopologyConfig{spec, {}, {}};
  config.services.push_back(
      world.service("web", sim::Millicores{250}, sim::Bytes::mib(256), 1, 0.01));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  CHECK(cluster.hosts()[0]->label("zone") == "zone-0");
  CHECK(cluster.hosts()[1]->label("zone") == "us-east-1b");
  CHECK(cluster.hosts()[1]->label("rack") == "zone-0/rack-0");
}

TEST_CASE("an explicit topology joins hosts by their zone and rack labels") {
  PullWorld w{2, 2};
  for (auto& h : w.config.hosts) {
    h.spec.labels["zone"] = "az-a";
    h.spec.labels["rack"] = "r1";
  }
  const topology::Link uplink{sim::DataRate::gbps(1), sim::Time::from_us(100)};
  w.config.topology = TopologyConfig{
      std::nullopt,
      {{"r1", "az-a", uplink}, {"az-a", "hub", {sim::DataRate::gbps(400), sim::Time::zero()}}},
      sim::Time::zero()};
  const auto times = pull_times(w.config);
  REQUIRE(times.size() == 2);
  const double expected =
      0.020 + 100e-6 + kLayerBytes / (sim::DataRate::gbps(1).bytes_per_second() / 2);
  for (const sim::Time t : times)
    CHECK(t.seconds() == Approx(expected).margin(1e-6));
}

TEST_CASE("a topology that cannot hold the hosts is refused with the reason") {
  ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container, 3);
  config.services.push_back(
      world.service("web", sim::Millicores{250}, sim::Bytes::mib(256), 1, 0.01));
  sim::Simulation sim;
  SECTION("too few generated slots") {
    config.topology = TopologyConfig{topology::TopologySpec{}, {}, {}};
    CHECK_THROWS_WITH((Cluster{sim, config}), Catch::Contains("1 host slots for 3 hosts"));
  }
  SECTION("an explicit topology with an unlabelled host") {
    config.topology = TopologyConfig{std::nullopt, {{"r1", "hub", {}}}, {}};
    CHECK_THROWS_WITH((Cluster{sim, config}), Catch::Contains("host 'h0' has no 'zone' label"));
  }
  SECTION("a host that cannot reach the registry") {
    for (auto& h : config.hosts) {
      h.spec.labels["zone"] = "az-a";
      h.spec.labels["rack"] = "r1";
    }
    config.topology = TopologyConfig{
        std::nullopt, {{"az-a", "core", {sim::DataRate::gbps(1), sim::Time::zero()}}}, {}};
    CHECK_THROWS_WITH((Cluster{sim, config}), Catch::Contains("cannot reach the registry 'hub'"));
  }
}

TEST_CASE("a container in a VM node pulls over the physical host's topology path") {
  const auto pull_of_container = [](bool with_topology) {
    ClusterWorld world;
    ClusterConfig config = world.config(PlatformKind::container_in_vm, 1);
    config.services.push_back(
        world.service("web", sim::Millicores{250}, sim::Bytes::mib(256), 1, 0.01));
    if (with_topology) config.topology = TopologyConfig{topology::TopologySpec{}, {}, {}};
    sim::Simulation sim;
    Cluster cluster{sim, config};
    sim.run_until(sim::Time::from_s(120));
    for (InstanceId id = 0; id < cluster.runtime().instance_count(); ++id) {
      const Instance& i = cluster.runtime().instance(id);
      if (i.service == "web") return i.phase_time("image_pull");
    }
    FAIL("the container never started");
    return sim::Time::zero();
  };
  // The registry's 1 Gbps is the bottleneck either way; only the path latency differs.
  CHECK(pull_of_container(true) - pull_of_container(false) == sim::Time::from_us(2515));
}
