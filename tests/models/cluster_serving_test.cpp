// Cluster: every variant kind starts its replicas and serves requests; exact isolated latency;
// FIFO queueing; placement at both levels follows the configured policy.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "cluster_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::ClusterWorld;

namespace {

// What the overhead of `config`'s instances is, from the profiles (not from the instance).
VirtualizationOverhead expected_overhead(const ClusterConfig& c) {
  if (c.variant.platform == PlatformKind::container_in_vm)
    return c.variant.node_profile->overhead().then(c.variant.profile->overhead());
  return c.variant.profile->overhead();
}

}  // namespace

TEST_CASE("each variant kind starts its initial replicas and serves an isolated request exactly") {
  const ClusterWorld world;
  const auto kind = GENERATE(PlatformKind::vm, PlatformKind::microvm, PlatformKind::container,
                             PlatformKind::container_in_vm);
  CAPTURE(to_string(kind));
  ClusterConfig config = world.config(kind);
  config.services.push_back(
      world.service("web", sim::Millicores{1000}, sim::Bytes::mib(512), 2, 0.25));
  config.services[0].io_bytes = sim::Constant{10e6};

  sim::Simulation sim;
  Cluster cluster{sim, config};
  REQUIRE(cluster.desired(0) == 2);
  sim.run_until(90_s);
  REQUIRE(cluster.running(0) == 2);
  REQUIRE(cluster.pending_instances() == 0);
  CHECK(cluster.hosts_used() >= 1);

  std::vector<RequestOutcome> outcomes;
  cluster.on_request_done.connect([&](const RequestOutcome& o) { outcomes.push_back(o); });
  cluster.submit(0);
  sim.run_until(100_s);
  REQUIRE(outcomes.size() == 1);
  const RequestOutcome& o = outcomes[0];
  const VirtualizationOverhead ov = expected_overhead(config);
  // CPU at one core (the limit is one core), then I/O alone on a 1 GB/s disk.
  const sim::Time cpu = sim::Time::from_seconds(0.25 * ov.cpu_time_factor);
  const sim::Time io = sim::Time::from_seconds(10e6 / ov.random_iops_factor / 1e9);
  CHECK(o.arrival == 90_s);
  CHECK(o.service_start == o.arrival);
  CHECK(o.latency == o.done - o.arrival);
  // Each of the two flows rounds its finish up to the next nanosecond.
  CHECK(std::llabs((o.latency - (cpu + io)).ns()) <= 2);
  CHECK(cluster.completed(0) == 1);
  CHECK(cluster.in_service(0) == 0);
}

TEST_CASE("with one instance of concurrency one, the second of two simultaneous requests waits") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container, 1);
  config.services.push_back(
      world.service("api", sim::Millicores{1000}, sim::Bytes::mib(256), 1, 1));
  config.services[0].concurrency = 1;

  sim::Simulation sim;
  Cluster cluster{sim, config};
  sim.run_until(10_s);
  REQUIRE(cluster.running(0) == 1);
  std::vector<RequestOutcome> outcomes;
  cluster.on_request_done.connect([&](const RequestOutcome& o) { outcomes.push_back(o); });
  cluster.submit(0, Request{"api", 10_s, 1_s, sim::Bytes{}});
  cluster.submit(0, Request{"api", 10_s, 1_s, sim::Bytes{}});
  CHECK(cluster.in_service(0) == 1);
  CHECK(cluster.queued_requests(0) == 1);
  sim.run_until(20_s);
  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[0].sequence == 0);
  CHECK(outcomes[0].latency == 1_s);
  CHECK(outcomes[1].sequence == 1);
  CHECK(outcomes[1].service_start == outcomes[0].done);
  CHECK(outcomes[1].latency == 2_s);
}

TEST_CASE("requests that arrive before any instance runs wait for the first one") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::vm, 1);
  config.services.push_back(
      world.service("api", sim::Millicores{1000}, sim::Bytes::mib(256), 1, 0.1));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  std::vector<RequestOutcome> outcomes;
  cluster.on_request_done.connect([&](const RequestOutcome& o) { outcomes.push_back(o); });
  cluster.submit(0);
  CHECK(cluster.queued_requests(0) == 1);
  sim.run_until(60_s);
  REQUIRE(outcomes.size() == 1);
  const sim::Time ready = cluster.runtime().instance(outcomes[0].instance).ready_at;
  CHECK(outcomes[0].service_start == ready);
  CHECK(outcomes[0].latency > ready);
}

namespace {

// The node names of where the two replicas of one service went, by placement level.
struct Placements {
  std::vector<std::string> containers;
  std::vector<std::string> node_vms;
};

Placements place_two(const ClusterWorld& world, PlatformKind kind, const std::string& policy) {
  ClusterConfig config = world.config(kind, 2);
  config.variant.placement = policy;
  if (kind == PlatformKind::container_in_vm) config.variant.initial_nodes = 2;
  // Started once the nodes run, so that both are candidates.
  config.services.push_back(
      world.service("small", sim::Millicores{250}, sim::Bytes::mib(256), 0, 0.1));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  Placements p;
  cluster.on_placement.connect([&](const PlacementDecision& d) {
    if (d.node.empty()) return;
    (d.service == PlacementDecision::kNodeVm ? p.node_vms : p.containers).push_back(d.node);
  });
  sim.run_until(60_s);
  REQUIRE(cluster.running_nodes() == static_cast<std::size_t>(config.variant.initial_nodes));
  cluster.set_desired(0, 2);
  sim.run_until(90_s);
  REQUIRE(cluster.running(0) == 2);
  // The decisions name the nodes the runtime put the instances on.
  std::set<std::string> actual;
  for (InstanceId id = 0; id < cluster.runtime().instance_count(); ++id) {
    const Instance& i = cluster.runtime().instance(id);
    if (i.service == "small") actual.insert(i.node->name());
  }
  CHECK(actual == std::set<std::string>(p.containers.begin(), p.containers.end()));
  return p;
}

}  // namespace

TEST_CASE("binpack puts two small containers on one host and spread on two") {
  const ClusterWorld world;
  const Placements binpack = place_two(world, PlatformKind::container, "ecs:binpack(memory)");
  REQUIRE(binpack.containers.size() == 2);
  CHECK(binpack.containers[0] == binpack.containers[1]);
  const Placements spread = place_two(world, PlatformKind::container, "ecs:spread(instanceId)");
  REQUIRE(spread.containers.size() == 2);
  CHECK(spread.containers[0] != spread.containers[1]);
}

TEST_CASE("both levels of container_in_vm placement follow the configured policy") {
  const ClusterWorld world;
  // Node VMs on hosts (first level) and containers on node VMs (second level).
  const Placements binpack = place_two(world, PlatformKind::container_in_vm, "ecs:binpack(memory)");
  REQUIRE(binpack.node_vms.size() == 2);
  CHECK(binpack.node_vms[0] == binpack.node_vms[1]);
  REQUIRE(binpack.containers.size() == 2);
  CHECK(binpack.containers[0] == binpack.containers[1]);
  const Placements spread =
      place_two(world, PlatformKind::container_in_vm, "ecs:spread(instanceId)");
  REQUIRE(spread.node_vms.size() == 2);
  CHECK(spread.node_vms[0] != spread.node_vms[1]);
  REQUIRE(spread.containers.size() == 2);
  CHECK(spread.containers[0] != spread.containers[1]);
}

TEST_CASE("a VM replica holds its memory limit plus the guest OS and hypervisor overhead") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::vm, 1);
  config.services.push_back(world.service("db", sim::Millicores{1500}, sim::Bytes::gib(2), 1, 0.1));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  sim.run_until(60_s);
  REQUIRE(cluster.running(0) == 1);
  const Instance& vm = cluster.runtime().instance(0);
  const PlatformProfile& p = world.catalog.profile("kvm-ubuntu");
  CHECK(vm.vcpus == 2);
  CHECK(vm.memory.application == sim::Bytes::gib(2));
  CHECK(vm.memory.guest_os == p.guest_os_memory.value);
  CHECK(vm.memory.hypervisor_overhead ==
        p.hypervisor_overhead(sim::Bytes::gib(2) + p.guest_os_memory.value, 2));
  CHECK(cluster.memory_utilization() == Approx(static_cast<double>(vm.memory.total().count()) /
                                               static_cast<double>(sim::Bytes::gib(64).count())));
}
