// Cluster: conservation properties over randomized runs, and determinism.
#include <catch2/catch.hpp>

#include <string>
#include <tuple>
#include <vector>

#include "cluster_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::ClusterWorld;
using vmcsim::models::testing::Load;

namespace {

// A randomized world: the kind, sizes, replicas, loads and scripted scale changes come from
// `seed`; hosts are small so that instances wait for room and nodes come and go.
struct RandomRun {
  RandomRun(const ClusterWorld& world, std::uint64_t seed) : rng(seed, 0, "test/random-run") {
    constexpr PlatformKind kinds[] = {PlatformKind::vm, PlatformKind::microvm,
                                      PlatformKind::container, PlatformKind::container_in_vm};
    const PlatformKind kind = kinds[seed % 4];  // each kind twice over seeds 1..8
    config = world.config(kind, 3);
    for (HostConfig& h : config.hosts) {
      // Room for two m5.large node VMs (8 GiB each plus hypervisor overhead), no more.
      h.spec.cpu = sim::Millicores::cores(6);
      h.spec.memory = sim::Bytes::gib(18);
    }
    config.seed = seed;
    config.variant.placement = std::vector<std::string>{
        "first-fit", "best-fit", "ecs:spread(instanceId)", "k8s"}[rng.below(4)];
    config.variant.initial_nodes = 1 + static_cast<int>(rng.below(2));
    config.variant.cluster_autoscaler.enabled = true;
    config.variant.cluster_autoscaler.min_nodes = 1;
    config.variant.cluster_autoscaler.max_nodes = 3;
    config.variant.cluster_autoscaler.logic.unneeded_time = 30_s;
    config.variant.cluster_autoscaler.logic.scale_down_delay_after_add = 30_s;
    for (int s = 0; s < 2; ++s) {
      ServiceConfig svc = world.service(
          fmt::format("svc{}", s), sim::Millicores{250 * (1 + static_cast<int>(rng.below(4)))},
          sim::Bytes::mib(256 * (1 + static_cast<int>(rng.below(6)))),
          1 + static_cast<int>(rng.below(4)), 0.02 + 0.1 * rng.uniform01());
      svc.cpu_time = sim::Exponential(0.02 + 0.1 * rng.uniform01());
      svc.io_bytes = sim::Exponential(1e6 * (1.0 + 5.0 * rng.uniform01()));
      if (s == 0) {
        svc.autoscaling.kind = AutoscalerConfig::Kind::hpa;
        svc.autoscaling.hpa.target = 50.0;
        svc.autoscaling.hpa.max_replicas = 8;
        svc.autoscaling.hpa.scale_down.stabilization_window = 30_s;
      }
      config.services.push_back(svc);
    }
  }
  sim::RandomStream rng;
  ClusterConfig config;
};

void check_invariants(const Cluster& cluster) {
  for (const auto& h : cluster.hosts()) {
    REQUIRE(h->memory().reserved_total() <= h->memory().capacity());
  }
  const PlatformRuntime& rt = cluster.runtime();
  for (const auto& node : rt.hosts()) {
    REQUIRE(node->memory_used() <= node->memory_capacity());
    REQUIRE(node->cpu_allocated() <= node->cpu_capacity());
  }
  for (InstanceId id = 0; id < rt.instance_count(); ++id) {
    if (const Node* n = rt.node_of(id)) {
      REQUIRE(n->memory_used() <= n->memory_capacity());
      REQUIRE(n->cpu_allocated() <= n->cpu_capacity());
    }
  }
  for (std::size_t s = 0; s < cluster.service_count(); ++s) {
    // Every request submitted is done, in service or queued.
    REQUIRE(cluster.submitted(s) ==
            cluster.completed(s) + cluster.in_service(s) + cluster.queued_requests(s));
  }
}

}  // namespace

TEST_CASE("randomized runs keep memory within capacity and conserve requests") {
  const ClusterWorld world;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    RandomRun run{world, seed};
    CAPTURE(seed, to_string(run.config.variant.platform), run.config.variant.placement);
    sim::Simulation sim;
    Cluster cluster{sim, run.config};
    std::uint64_t done = 0;
    std::size_t checks = 0;
    // Memory changes only with instance state changes; requests move at submit, start and end.
    cluster.runtime().on_state_change.connect([&](const Instance&) {
      check_invariants(cluster);
      ++checks;
    });
    cluster.on_request_done.connect([&](const RequestOutcome& o) {
      REQUIRE(o.arrival <= o.service_start);
      REQUIRE(o.service_start <= o.done);
      ++done;
      check_invariants(cluster);
    });
    Load load0{sim, cluster, 0, 5.0 + 30.0 * run.rng.uniform01(), true, seed};
    Load load1{sim, cluster, 1, 5.0 + 20.0 * run.rng.uniform01(), true, seed + 100};
    for (int step = 0; step < 12; ++step) {
      sim.run_until(sim.now() + 10_s);
      check_invariants(cluster);
      load0.set_rps(1.0 + 40.0 * run.rng.uniform01());
      cluster.set_desired(1, static_cast<int>(run.rng.below(6)));
    }
    CHECK(done > 0);
    CHECK(checks > 0);
    CHECK(cluster.completed(0) + cluster.completed(1) == done);
  }
}

TEST_CASE("the same config and seed give the same sequence of request outcomes") {
  const ClusterWorld world;
  using Row =
      std::tuple<std::size_t, std::uint64_t, sim::Time, sim::Time, sim::Time, std::uint32_t>;
  const auto run = [&](std::uint64_t seed) {
    ClusterConfig config = world.config(PlatformKind::container_in_vm, 2);
    config.seed = seed;
    config.variant.cluster_autoscaler.enabled = true;
    config.variant.cluster_autoscaler.max_nodes = 4;
    ServiceConfig svc = world.service("web", sim::Millicores{500}, sim::Bytes::gib(1), 2, 0.05);
    svc.cpu_time = sim::LogNormal::from_median_p95(0.05, 0.2);
    svc.io_bytes = sim::Exponential(2e6);
    svc.autoscaling.kind = AutoscalerConfig::Kind::hpa;
    svc.autoscaling.hpa.target = 50.0;
    config.services.push_back(svc);
    sim::Simulation sim;
    Cluster cluster{sim, config};
    std::vector<Row> rows;
    cluster.on_request_done.connect([&](const RequestOutcome& o) {
      rows.emplace_back(o.service, o.sequence, o.arrival, o.service_start, o.done, o.instance);
    });
    // The workload layer's Poisson process feeds the cluster, sizes drawn by the process.
    models::Poisson arrivals{
        "web", Rate{30.0},
        RequestShape{sim::LogNormal::from_median_p95(0.05, 0.2), sim::Exponential(2e6)}};
    sim::RandomStream stream{seed, 0, "workload/web"};
    arrivals.start(
        sim, stream, [&](const Request& r) { cluster.submit(0, r); }, 3_min);
    sim.run_until(3_min);
    return rows;
  };
  const std::vector<Row> a = run(3);
  const std::vector<Row> b = run(3);
  REQUIRE(a.size() > 100);
  CHECK(a == b);
  // A different seed changes request sizes and boot times, hence the outcomes.
  CHECK(run(4) != a);
}
