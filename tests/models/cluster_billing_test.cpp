// Cluster: billable lifetimes per pricing basis, ECS target tracking in the loop, bad configs.
#include <catch2/catch.hpp>

#include <cmath>

#include "cluster_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::ClusterWorld;
using vmcsim::models::testing::Load;

TEST_CASE("host-time billing counts each host from its first live instance to its last stop") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container, 2);
  config.hosts[0].price_per_hour = 3.6;
  config.services.push_back(
      world.service("api", sim::Millicores{500}, sim::Bytes::mib(256), 1, 0.1));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  sim.run_until(100_s);
  cluster.set_desired(0, 0);
  sim.run_until(200_s);
  REQUIRE(cluster.hosts_used() == 0);
  const Instance& i = cluster.runtime().instance(0);
  REQUIRE(i.state == InstanceState::stopped);
  const auto usage = cluster.billable_usage(sim.now());
  REQUIRE(usage.size() == 1);  // the second host never held anything
  CHECK(usage[0].what == "host:h0");
  CHECK(usage[0].duration == i.stopped_at - i.requested_at);
  CHECK(usage[0].cost() == Approx(3.6 * usage[0].duration.seconds() / 3600.0));
}

TEST_CASE("Fargate billing rounds each task up to a Fargate size and at least a minute") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::microvm, 1);
  config.variant.profile = &world.catalog.profile("fargate");
  config.variant.pricing.basis = Pricing::Basis::fargate;
  // 0.3 vCPU and 700 MiB round up to 0.5 vCPU and 1 GB.
  config.services.push_back(
      world.service("task", sim::Millicores{300}, sim::Bytes::mib(700), 2, 0.1));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  sim.run_until(90_s);
  REQUIRE(cluster.running(0) == 2);
  const auto usage = cluster.billable_usage(sim.now());
  REQUIRE(usage.size() == 2);
  for (const BillableUsage& u : usage) {
    CHECK(u.vcpus == 0.5);
    CHECK(u.gb == 1.0);
    CHECK(u.duration == 90_s);  // live from its request at t = 0, whole seconds
    CHECK(u.cost() == Approx(0.025 * (0.5 * 0.04048 + 1.0 * 0.004445)));
  }
}

TEST_CASE("node-time billing charges every node VM at its instance type's price") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container_in_vm, 1);
  config.variant.initial_nodes = 2;
  config.variant.pricing.basis = Pricing::Basis::node_time;
  config.services.push_back(
      world.service("api", sim::Millicores{500}, sim::Bytes::mib(256), 1, 0.1));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  sim.run_until(1_h);
  const auto usage = cluster.billable_usage(sim.now());
  REQUIRE(usage.size() == 2);
  double total = 0.0;
  for (const BillableUsage& u : usage)
    total += u.cost();
  CHECK(total == Approx(2 * world.catalog.instance_type("m5.large").usd_per_hour));
}

TEST_CASE("ECS target tracking scales a service out after three datapoints above target") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container);
  ServiceConfig s = world.service("web", sim::Millicores{1000}, sim::Bytes::mib(256), 2, 0.1);
  s.concurrency = 1;
  s.autoscaling.kind = AutoscalerConfig::Kind::target_tracking;
  s.autoscaling.target_tracking.target = 50.0;
  s.autoscaling.target_tracking.max_capacity = 10;
  config.services.push_back(s);
  sim::Simulation sim;
  Cluster cluster{sim, config};
  // 14 requests/s on 2 instances of 10/s: 70% utilization from the first minute on.
  Load load{sim, cluster, 0, 14.0, false};
  sim.run_until(179_s);
  CHECK(cluster.desired(0) == 2);  // two datapoints (60 s, 120 s) so far
  sim.run_until(180_s);
  CHECK(cluster.desired(0) == 3);  // ceil(2 x 70 / 50)
}

TEST_CASE("a config that cannot run is refused with the reason") {
  const ClusterWorld world;
  sim::Simulation sim;
  SECTION("a container service without an image") {
    ClusterConfig config = world.config(PlatformKind::container, 1);
    ServiceConfig s = world.service("api", sim::Millicores{500}, sim::Bytes::mib(256), 1, 0.1);
    s.image = nullptr;
    config.services.push_back(s);
    CHECK_THROWS_WITH((Cluster{sim, config}), Catch::Contains("'api'") && Catch::Contains("image"));
  }
  SECTION("container_in_vm without a node profile") {
    ClusterConfig config = world.config(PlatformKind::container_in_vm, 1);
    config.variant.node_profile = nullptr;
    CHECK_THROWS_WITH((Cluster{sim, config}), Catch::Contains("node profile"));
  }
  SECTION("an unknown placement policy") {
    ClusterConfig config = world.config(PlatformKind::container, 1);
    config.variant.placement = "best-guess";
    CHECK_THROWS_WITH((Cluster{sim, config}), Catch::Contains("best-guess"));
  }
  SECTION("no hosts") {
    ClusterConfig config = world.config(PlatformKind::container, 1);
    config.hosts.clear();
    CHECK_THROWS_WITH((Cluster{sim, config}), Catch::Contains("no hosts"));
  }
}
