#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "models/cluster_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::cluster_host;
using vmcsim::models::testing::ClusterWorld;

namespace {

// scenarios/scale-out-0-to-3500.yaml's world at `n` containers, with EC2 nodes from zero (as the
// runner now starts them with a cluster autoscaler; see docs/scale-out.md).
struct ScaleOut {
  ClusterWorld world;
  Image image{"app:1",
              {{"sha256:l0", sim::Bytes::mib(25)},
               {"sha256:l1", sim::Bytes::mib(25)},
               {"sha256:l2", sim::Bytes::mib(25)},
               {"sha256:l3", sim::Bytes::mib(25)}}};

  ClusterConfig config(const std::string& variant, int n) const {
    ClusterConfig c;
    for (int h = 0; h < 48; ++h)
      c.hosts.push_back(cluster_host("metal" + std::to_string(h), 96, sim::Bytes::gib(384)));
    c.registry = RegistrySpec{"ecr", sim::DataRate::gbps(25), 20_ms};
    ServiceConfig s = world.service("app", sim::Millicores{1000}, sim::Bytes::gib(2), n, 0.01);
    s.image = &image;
    c.services.push_back(s);
    c.variant.name = variant;
    c.variant.placement = "first-fit";
    c.seed = 2022;
    if (variant == "ecs-fargate" || variant == "eks-fargate") {
      c.variant.platform = PlatformKind::microvm;
      c.variant.profile =
          &world.catalog.profile(variant == "ecs-fargate" ? "fargate" : "fargate-eks");
    } else {
      c.variant.platform = PlatformKind::container_in_vm;
      c.variant.profile = &world.catalog.profile("runc");
      c.variant.node_profile =
          &world.catalog.profile(variant == "ecs-ec2" ? "ecs-ec2-node" : "eks-node");
      c.variant.node_instance_type = world.catalog.instance_type("m5.4xlarge");
      c.variant.initial_nodes = 0;
      c.variant.cluster_autoscaler.enabled = true;
      c.variant.cluster_autoscaler.min_nodes = 0;
      c.variant.cluster_autoscaler.max_nodes = 300;
    }
    return c;
  }

  // Ready times of the service's instances, sorted.
  std::vector<double> ready_times(const std::string& variant, int n,
                                  bool contention = true) const {
    ClusterConfig c = config(variant, n);
    c.startup_contention = contention;
    sim::Simulation sim;
    Cluster cluster{sim, c};
    sim.run_until(30_min);
    std::vector<double> ready;
    for (InstanceId id = 0; id < cluster.runtime().instance_count(); ++id) {
      const Instance& i = cluster.runtime().instance(id);
      if (i.service == "app" && i.state == InstanceState::running)
        ready.push_back(i.ready_at.seconds());
    }
    std::sort(ready.begin(), ready.end());
    return ready;
  }
};

}  // namespace

TEST_CASE("ECS on EC2 from zero nodes waits for managed scaling's one-minute metric period") {
  const ScaleOut w;
  const auto ecs = w.ready_times("ecs-ec2", 300);
  const auto eks = w.ready_times("eks-ec2", 300);
  REQUIRE(ecs.size() == 300);
  REQUIRE(eks.size() == 300);
  CHECK(ecs.front() > 60.0);  // no node is asked for before the first minute's metric
  CHECK(eks.front() < 60.0);  // the cluster autoscaler scans every 10 s
}

TEST_CASE("EKS on EC2 creates pods at kube-controller-manager's 20 per second") {
  const ScaleOut w;
  const auto eks = w.ready_times("eks-ec2", 600);
  REQUIRE(eks.size() == 600);
  // A burst of 30, then 20 per second: the 600th pod is created 28.5 s in at the earliest.
  CHECK(eks.back() > 28.5);
}

TEST_CASE("EKS on Fargate and ECS on Fargate launch through different buckets") {
  const ScaleOut w;
  const auto ecs = w.ready_times("ecs-fargate", 300);
  const auto eks = w.ready_times("eks-fargate", 300);
  REQUIRE(ecs.size() == 300);
  REQUIRE(eks.size() == 300);
  // Launch k is granted at (k - burst) / 20 s: ECS's burst is 100, EKS-only accounts' 20.
  CHECK(ecs[99] < eks[99]);
  CHECK(eks.back() > 14.0);
  CHECK(ecs.back() > 10.0);
}

TEST_CASE("the ECS service scheduler launches 80 tasks at once, then 500 per minute") {
  const ScaleOut w;
  const ClusterConfig c = w.config("ecs-ec2", 580);
  sim::Simulation sim;
  Cluster cluster{sim, c};
  std::vector<double> granted;  // end of each task's wait_control_plane
  cluster.on_replica_launch.connect([&](const ReplicaLaunch& l) {
    for (const auto& wait : l.waits)
      if (wait.name == kWaitControlPlane) granted.push_back(wait.end.seconds());
  });
  sim.run_until(10_min);
  REQUIRE(granted.size() == 580);
  std::sort(granted.begin(), granted.end());
  CHECK(granted[79] == Approx(0.0).margin(1e-6));
  // Task k (k >= 80) is granted at (k - 79) / (500 / 60) s: the 580th after 60 s.
  CHECK(granted[80] == Approx(0.12).margin(1e-3));
  CHECK(granted[579] == Approx(60.0).margin(1e-3));
}

TEST_CASE("without the startup contention model launches pass no control-plane limiter") {
  const ScaleOut w;
  const auto with = w.ready_times("ecs-fargate", 300);
  const auto without = w.ready_times("ecs-fargate", 300, false);
  REQUIRE(with.size() == 300);
  REQUIRE(without.size() == 300);
  // With the Fargate bucket the 300th launch is granted 10 s in; without it at once, so the
  // last task is ready no later than the slowest provision phase allows.
  CHECK(without.back() < with.back());
  CHECK(with.back() - with.front() > 10.0);
}

TEST_CASE("scale-out from 0 to 3500, times to 100, 1000 and 3500 ready", "[.scale-out]") {
  const ScaleOut w;
  for (const char* v : {"ecs-fargate", "eks-fargate", "ecs-ec2", "eks-ec2"}) {
    const auto t = w.ready_times(v, 3500);
    REQUIRE(t.size() == 3500);
    WARN(v << ": 100 at " << t[99] << " s, 1000 at " << t[999] << " s, 3500 at " << t[3499]
           << " s");
  }
}
