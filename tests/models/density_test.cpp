#include <catch2/catch.hpp>

#include <map>

#include "models/cluster_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::ClusterWorld;

TEST_CASE("EKS max pods follow the instance type's ENIs") {
  const Catalog c = Catalog::load_default();
  const PlatformProfile& eks = c.profile("eks-node");
  // amazon-eks-ami eni-max-pods.txt: m5.large 29, m5.xlarge 58, c5.18xlarge 737.
  CHECK(eks.pods_per_node(c.instance_type("m5.large")) == 29);
  CHECK(eks.pods_per_node(c.instance_type("m5.xlarge")) == 58);
  CHECK(eks.pods_per_node(c.instance_type("c5.18xlarge")) == 737);
  // Prefix delegation: /28 per slot, capped at 110 under 30 vCPUs and 250 above.
  PlatformProfile prefixed = eks;
  prefixed.prefix_delegation.value = true;
  CHECK(prefixed.pods_per_node(c.instance_type("m5.large")) == 110);
  CHECK(prefixed.pods_per_node(c.instance_type("c5.18xlarge")) == 250);
  // ECS container instances have no pod limit; a plain Kubernetes node has the kubelet's 110.
  CHECK(c.profile("ecs-ec2-node").pods_per_node(c.instance_type("m5.large")) == 0);
  PlatformProfile kubeadm = eks;
  kubeadm.max_pods_from_enis.value = false;
  CHECK(kubeadm.pods_per_node(c.instance_type("m5.large")) == 110);
}

TEST_CASE("no pod is ever placed beyond its node's max pods, from zero nodes") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::container_in_vm, 4);
  config.variant.node_profile = &world.catalog.profile("eks-node");
  config.variant.node_instance_type = world.catalog.instance_type("m5.large");
  config.variant.initial_nodes = 0;
  config.variant.cluster_autoscaler.enabled = true;
  config.variant.cluster_autoscaler.min_nodes = 0;
  config.variant.cluster_autoscaler.max_nodes = 20;
  // Small pods: memory and CPU would let an m5.large take far more than 29 of them.
  config.services.push_back(
      world.service("tiny", sim::Millicores{10}, sim::Bytes::mib(16), 100, 0.001));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  std::map<InstanceId, int> live_on;  // node VM instance -> live pods on it
  int most = 0;
  cluster.runtime().on_state_change.connect([&](const Instance& i) {
    if (i.node_instance == kNoInstance || i.service != "tiny") return;
    if (i.state == InstanceState::starting) most = std::max(most, ++live_on[i.node_instance]);
    if (i.state == InstanceState::stopped || i.state == InstanceState::failed)
      --live_on[i.node_instance];
  });
  sim.run_until(10_min);
  CHECK(cluster.running(0) == 100);
  CHECK(most <= 29);
  CHECK(most == 29);  // the limit binds, not memory
  CHECK(cluster.nodes() >= 4);
}

TEST_CASE("the 110 pods limit never applies to hypervisor hosts") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::microvm, 1);
  config.hosts[0].spec.cpu = sim::Millicores::cores(200);
  config.hosts[0].spec.memory = sim::Bytes::gib(512);
  config.services.push_back(
      world.service("fn", sim::Millicores{1000}, sim::Bytes::mib(128), 150, 0.001));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  sim.run_until(2_min);
  CHECK(cluster.running(0) == 150);
}

TEST_CASE("vCPU overcommit lets a host hold more microVMs than it has cores") {
  const ClusterWorld world;
  ClusterConfig config = world.config(PlatformKind::microvm, 1);  // 16 cores
  PlatformProfile fc = world.catalog.profile("firecracker");
  fc.vcpu_overcommit.value = 4;
  config.variant.profile = &fc;
  config.services.push_back(
      world.service("fn", sim::Millicores{30}, sim::Bytes::mib(128), 60, 0.001));
  sim::Simulation sim;
  Cluster cluster{sim, config};
  sim.run_until(2_min);
  CHECK(cluster.running(0) == 60);  // 60 one-vCPU microVMs on 16 cores x 4
  CHECK(cluster.pending(0) == 0);

  ClusterConfig strict = world.config(PlatformKind::microvm, 1);
  strict.services = config.services;
  sim::Simulation sim2;
  Cluster one_to_one{sim2, strict};
  sim2.run_until(2_min);
  CHECK(one_to_one.running(0) == 16);
}
