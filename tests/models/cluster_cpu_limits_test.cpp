// Cluster: what a request may use of the CPU, per platform (a hard limit is a CFS quota, no limit
// means CPU shares only, a Fargate task is capped at its task size), and which hosts draw power.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <vector>

#include "cluster_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::ClusterWorld;

namespace {

// The latency of one request of `cpu_seconds` submitted alone at t = 120 s to `config`'s first
// service (its replicas running by then).
sim::Time isolated_latency(const ClusterConfig& config) {
  sim::Simulation sim;
  Cluster cluster{sim, config};
  sim.run_until(120_s);
  REQUIRE(cluster.running(0) == config.services[0].replicas);
  std::vector<RequestOutcome> outcomes;
  cluster.on_request_done.connect([&](const RequestOutcome& o) { outcomes.push_back(o); });
  cluster.submit(0);
  sim.run_until(130_s);
  REQUIRE(outcomes.size() == 1);
  return outcomes[0].latency;
}

// |a - b| within the nanosecond rounding of a flow's finish.
bool same_time(sim::Time a, sim::Time b) {
  return std::llabs((a - b).ns()) <= 2;
}

}  // namespace

TEST_CASE("a container's request runs at its CPU limit, or at a full core without a limit") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container, 1);
  config.services.push_back(
      world.service("api", sim::Millicores{250}, sim::Bytes::mib(256), 1, 0.1));

  SECTION("limits.cpu 250m: a CFS quota of a quarter core") {
    CHECK(same_time(isolated_latency(config), sim::Time::from_seconds(0.1 / 0.25)));
  }
  SECTION("a 250m request without a limit: shares only, the idle node lends a whole core") {
    config.services[0].cpu_limit = sim::Millicores{};
    CHECK(same_time(isolated_latency(config), sim::Time::from_seconds(0.1)));
  }
}

TEST_CASE("an unlimited container on a VM node also gets a full core, through both CPUs") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container_in_vm, 1);
  config.services.push_back(
      world.service("api", sim::Millicores{100}, sim::Bytes::mib(256), 1, 0.1));
  config.services[0].cpu_limit = sim::Millicores{};
  const double factor = config.variant.node_profile->overhead().cpu_time_factor;
  CHECK(same_time(isolated_latency(config), sim::Time::from_seconds(0.1 * factor)));
}

TEST_CASE("a Fargate task's work is capped at its task size, not at its microVM's vCPUs") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::microvm, 1);
  config.variant.profile = &world.catalog.profile("fargate");
  const double factor = config.variant.profile->overhead().cpu_time_factor;

  SECTION("0.25 vCPU / 512 MiB (the nginx task definition) runs at a quarter core") {
    config.services.push_back(
        world.service("nginx", sim::Millicores{250}, sim::Bytes::mib(512), 1, 0.1));
    CHECK(same_time(isolated_latency(config), sim::Time::from_seconds(0.1 * factor / 0.25)));
  }
  SECTION("100m / 100 MiB without a limit rounds up to the 0.25 vCPU / 0.5 GB size") {
    config.services.push_back(
        world.service("frontend", sim::Millicores{100}, sim::Bytes::mib(100), 1, 0.1));
    config.services[0].cpu_limit = sim::Millicores{};
    CHECK(same_time(isolated_latency(config), sim::Time::from_seconds(0.1 * factor / 0.25)));
    sim::Simulation sim;
    Cluster cluster{sim, config};
    sim.run_until(120_s);
    const Instance& task = cluster.runtime().instance(0);
    CHECK(task.memory.application == sim::Bytes::mib(512));  // the size's memory, not 100 MiB
    CHECK(task.cpu == sim::Millicores{250});
  }
  SECTION("a Firecracker microVM of the same service uses its whole vCPU") {
    config.variant.profile = &world.catalog.profile("firecracker");
    config.services.push_back(
        world.service("nginx", sim::Millicores{250}, sim::Bytes::mib(512), 1, 0.1));
    CHECK(same_time(isolated_latency(config), sim::Time::from_seconds(0.1 * factor)));
  }
}

TEST_CASE("a service larger than any Fargate size is refused") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::microvm, 1);
  config.variant.profile = &world.catalog.profile("fargate");
  config.services.push_back(
      world.service("huge", sim::Millicores{32000}, sim::Bytes::gib(8), 1, 0.1));
  sim::Simulation sim;
  CHECK_THROWS_WITH(Cluster(sim, config), Catch::Contains("larger than any Fargate task size"));
}

TEST_CASE("only the hosts that hold instances draw power, and only while they hold them") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container, 2);  // 100 W idle, 300 W peak
  config.services.push_back(
      world.service("api", sim::Millicores{500}, sim::Bytes::mib(256), 1, 0.1));
  const bool power_off = GENERATE(true, false);
  CAPTURE(power_off);
  for (HostConfig& h : config.hosts)
    h.power_off_when_empty = power_off;
  sim::Simulation sim;
  Cluster cluster{sim, config};
  sim.run_until(100_s);
  cluster.set_desired(0, 0);
  sim.run_until(200_s);
  const Instance& i = cluster.runtime().instance(0);
  REQUIRE(i.state == InstanceState::stopped);
  const Host& used = *cluster.hosts()[0];
  const Host& unused = *cluster.hosts()[1];
  REQUIRE(unused.flows().busy_seconds(unused.cpu(), sim.now()) == 0.0);
  if (power_off) {
    CHECK(used.powered_time(sim.now()) == i.stopped_at - i.requested_at);
    CHECK(unused.energy_joules(sim.now()) == 0.0);
  } else {
    CHECK(used.powered_time(sim.now()) == 200_s);
    CHECK(unused.energy_joules(sim.now()) == Approx(100.0 * 200.0));
  }
  // Idle power while powered, plus the dynamic part of the unpack's CPU work.
  CHECK(used.energy_joules(sim.now()) ==
        Approx(100.0 * used.powered_time(sim.now()).seconds() +
               200.0 * used.flows().busy_seconds(used.cpu(), sim.now())));
}
