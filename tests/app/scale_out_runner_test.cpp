// Issue 11 from the scenario file down to running clusters: scale from zero (the runner starts
// min_nodes, the rest come through the EC2 launch path) and the per-service app_init.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "app/diagnostic.hpp"
#include "app/runner/world.hpp"
#include "app/scenario/loader.hpp"
#include "models/cluster/cluster.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using namespace vmcsim::app;

namespace {

std::string scenario_text(const std::string& service_extra, const std::string& variants) {
  return R"(name: t
seed: 7
duration: 10m
hosts:
  - {name: h, count: 4, instance_type: m5.metal, network_bandwidth: 25Gbps}
registry: {bandwidth: 10Gbps, latency: 20ms}
images:
  app: {size: 100MiB, layers: 4}
services:
  - name: app
    image: app
    cpu: "1"
    memory: 2GiB
    replicas: 20
)" + service_extra +
         "variants:\n" + variants;
}

const std::string kEksFromZero = R"(  - name: eks
    platform: container_in_vm
    profile: eks-node
    node_instance_type: m5.4xlarge
    placement: k8s:MostAllocated
    cluster_autoscaler: {min_nodes: 0, max_nodes: 10}
)";

struct Outcome {
  std::vector<models::ReplicaLaunch> launches;
  std::vector<const models::Instance*> ready;  // the service's running instances
  int initial_nodes = 0;
};

// Loads `text`, runs variant `v` for 5 minutes, and calls `check` with what happened.
template <class Check>
void run(const std::string& text, std::size_t v, Check check) {
  const auto catalog = models::Catalog::load_default();
  const auto s = scenario::load_scenario_text(text, "t.yaml", catalog);
  const auto world = runner::prepare_world(s, catalog);
  const models::ClusterConfig config = world->variants.at(v).cluster;
  sim::Simulation sim;
  models::Cluster cluster{sim, config};
  Outcome out;
  out.initial_nodes = config.variant.initial_nodes;
  cluster.on_replica_launch.connect(
      [&](const models::ReplicaLaunch& l) { out.launches.push_back(l); });
  sim.run_until(sim::Time::from_s(300));
  for (models::InstanceId id = 0; id < cluster.runtime().instance_count(); ++id) {
    const auto& i = cluster.runtime().instance(id);
    if (i.service == "app" && i.state == models::InstanceState::running) out.ready.push_back(&i);
  }
  check(out, cluster);
}

sim::Time phase_time(const models::Instance& i, const std::string& name) {
  sim::Time t;
  for (const auto& p : i.phases)
    if (p.name == name) t += p.end - p.start;
  return t;
}

}  // namespace

TEST_CASE("with min_nodes 0 the runner starts no node and pods wait for a launched one") {
  run(scenario_text("", kEksFromZero), 0, [](const Outcome& out, const models::Cluster& c) {
    CHECK(out.initial_nodes == 0);
    REQUIRE(out.ready.size() == 20);
    CHECK(c.nodes() > 0);  // the cluster autoscaler launched them
    // The first node exists only after the first scan (10 s) and its boot: no pod is ready
    // before both, and every pod's startup includes the wait for a node.
    for (const auto* i : out.ready)
      CHECK(i->ready_at > sim::Time::from_s(10));
    REQUIRE(out.launches.size() == 20);
    for (const auto& l : out.launches) {
      sim::Time node_wait;
      for (const auto& w : l.waits)
        if (w.name == models::kWaitNode) node_wait += w.end - w.start;
      CHECK(node_wait > sim::Time::from_s(10));
    }
  });
}

TEST_CASE("without an autoscaler the runner still starts the nodes the replicas need") {
  std::string v = kEksFromZero;
  v.replace(v.find("cluster_autoscaler"), std::string::npos,
            "cluster_autoscaler: {enabled: false, min_nodes: 0, max_nodes: 10}\n");
  run(scenario_text("", v), 0, [](const Outcome& out, const models::Cluster&) {
    CHECK(out.initial_nodes >= 2);  // 20 one-vCPU pods need two 16-vCPU nodes at 85%
    REQUIRE(out.ready.size() == 20);
  });
}

TEST_CASE("a service's app_init is paid as its own phase on every platform") {
  const std::string variants = kEksFromZero + R"(  - {name: fc, platform: microvm, profile: firecracker, placement: first_fit}
  - {name: kvm, platform: vm, profile: kvm-ubuntu, placement: first_fit}
  - {name: runc, platform: container, profile: runc, placement: first_fit}
)";
  const std::string text = scenario_text("    app_init: 12s\n", variants);
  for (std::size_t v = 0; v < 4; ++v) {
    INFO("variant " << v);
    run(text, v, [](const Outcome& out, const models::Cluster&) {
      REQUIRE(!out.ready.empty());
      for (const auto* i : out.ready)
        CHECK(phase_time(*i, "app_init") == sim::Time::from_s(12));
    });
  }
}

TEST_CASE("a variant's own app_init override wins over the service's app_init") {
  const std::string variants = R"(  - name: fc
    platform: microvm
    profile: firecracker
    placement: first_fit
    overrides: {boot: {app_init: 3s}}
  - {name: fc2, platform: microvm, profile: firecracker, placement: first_fit}
)";
  const std::string text = scenario_text("    app_init: 12s\n", variants);
  run(text, 0, [](const Outcome& out, const models::Cluster&) {
    REQUIRE(!out.ready.empty());
    CHECK(phase_time(*out.ready.front(), "app_init") == sim::Time::from_s(3));
  });
  run(text, 1, [](const Outcome& out, const models::Cluster&) {
    REQUIRE(!out.ready.empty());
    CHECK(phase_time(*out.ready.front(), "app_init") == sim::Time::from_s(12));
  });
}

TEST_CASE("a negative or unreadable app_init is an error at its line and column") {
  const auto catalog = models::Catalog::load_default();
  const std::string variants = "  - {name: fc, platform: microvm, profile: firecracker}\n";
  for (const std::string bad : {"-2s", "soon", "{dist: normal, mean: -5s, stddev: 1s}"}) {
    INFO(bad);
    const std::string text = scenario_text("    app_init: " + bad + "\n", variants);
    try {
      (void)scenario::load_scenario_text(text, "t.yaml", catalog);
      FAIL("loaded");
    } catch (const InputError& e) {
      CHECK(e.line() == 15);
      CHECK(e.column() >= 15);  // at the value, or at the offending parameter inside it
      CHECK(std::string{e.what()}.find("app_init") != std::string::npos);
    }
  }
}

TEST_CASE("a registry's request rate limits reach the cluster and bad ones are refused at their line") {
  const auto catalog = models::Catalog::load_default();
  const std::string variants = "  - {name: fc, platform: microvm, profile: firecracker}\n";
  std::string text = scenario_text("", variants);
  const std::string registry = "registry: {bandwidth: 10Gbps, latency: 20ms}\n";
  text.replace(text.find(registry), registry.size(),
               "registry: {bandwidth: 10Gbps, latency: 20ms, layer_request_rate: 3000, "
               "image_request_rate: 2000}\n");
  const auto s = scenario::load_scenario_text(text, "t.yaml", catalog);
  const auto world = runner::prepare_world(s, catalog);
  const auto& r = world->variants.at(0).cluster.registry;
  CHECK(r.layer_request_rate == 3000);
  CHECK(r.image_request_rate == 2000);

  std::string bad = scenario_text("", variants);
  bad.replace(bad.find(registry), registry.size(),
              "registry: {bandwidth: 10Gbps, layer_request_burst: 0.5}\n");
  try {
    (void)scenario::load_scenario_text(bad, "t.yaml", catalog);
    FAIL("loaded");
  } catch (const InputError& e) {
    CHECK(e.line() == 6);
    CHECK(std::string{e.what()}.find("layer_request_burst") != std::string::npos);
  }
}
