// Quota admission in the running Cluster (models/tenancy/admission.hpp, ClusterConfig::namespaces):
// a replica its namespace's ResourceQuota refuses is never created, keeps the API server's
// message, gives back nothing it never took, and is created when a pod of its namespace
// terminates; a terminated pod returns its usage. Hand-worked: requests.cpu = 1 holds three pods
// of 300m (900m); a fourth would make 1200m.
#include <catch2/catch.hpp>

#include <string>

#include "cluster_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using models::testing::ClusterWorld;
using tenancy::QuotaResource;

namespace {

ClusterConfig quota_config(const ClusterWorld& w) {
  ClusterConfig c = w.config(PlatformKind::container, 1);
  tenancy::Namespace ns;
  ns.name = "team";
  ns.quotas.push_back({"team-quota", {{QuotaResource::requests_cpu, 1000}}});
  c.namespaces.push_back(ns);
  return c;
}

int count_state(const Cluster& c, std::size_t service, ReplicaState state) {
  int n = 0;
  for (std::size_t r = 0; r < c.replica_count(); ++r)
    n += c.replica_status(r).service == service && c.replica_status(r).state == state;
  return n;
}

}  // namespace

TEST_CASE("a quota of one CPU admits three pods of 300m and rejects the fourth with the API "
          "server's reason") {
  ClusterWorld w;
  ClusterConfig c = quota_config(w);
  c.services.push_back(w.service("web", sim::Millicores{300}, sim::Bytes::mib(256), 4, 0.01));
  c.services[0].tenancy.ns = "team";
  sim::Simulation sim;
  Cluster cluster{sim, c};
  sim.run_until(sim::Time::from_s(60));
  CHECK(cluster.running(0) == 3);
  CHECK(cluster.pending(0) == 0);  // never created, so not waiting for a node either
  REQUIRE(cluster.replica_count() == 4);
  const ReplicaStatus fourth = cluster.replica_status(3);
  CHECK(fourth.state == ReplicaState::rejected);
  CHECK_FALSE(fourth.became_ready);
  CHECK(fourth.instance == UINT32_MAX);
  CHECK(fourth.reason ==
        "pods \"web-3\" is forbidden: exceeded quota: team-quota, requested: requests.cpu=300m, "
        "used: requests.cpu=900m, limited: requests.cpu=1");
  CHECK(cluster.runtime().instance_count() == 3);
}

TEST_CASE("a scaled-in pod returns its quota usage and a rejected replica scaled in takes none") {
  ClusterWorld w;
  ClusterConfig c = quota_config(w);
  c.services.push_back(w.service("web", sim::Millicores{300}, sim::Bytes::mib(256), 4, 0.01));
  c.services[0].tenancy.ns = "team";
  sim::Simulation sim;
  Cluster cluster{sim, c};
  sim.run_until(sim::Time::from_s(60));
  // Down to 2: the rejected web-3 goes first (nothing to release), then web-2 terminates.
  cluster.set_desired(0, 2);
  sim.run_until(sim::Time::from_s(120));
  CHECK(cluster.replica_status(3).state == ReplicaState::stopped);
  CHECK(cluster.replica_status(3).reason == "scaled in before it was admitted");
  CHECK(cluster.replica_status(2).state == ReplicaState::stopped);
  // Up to 4 again: 600m used, so one more 300m pod fits and the next is refused at 900m.
  cluster.set_desired(0, 4);
  sim.run_until(sim::Time::from_s(180));
  CHECK(cluster.running(0) == 3);
  REQUIRE(cluster.replica_count() == 6);
  CHECK(cluster.replica_status(4).became_ready);
  CHECK(cluster.replica_status(5).state == ReplicaState::rejected);
  CHECK(cluster.replica_status(5).reason ==
        "pods \"web-5\" is forbidden: exceeded quota: team-quota, requested: requests.cpu=300m, "
        "used: requests.cpu=900m, limited: requests.cpu=1");
}

TEST_CASE("a rejected pod is created when a pod of its namespace terminates") {
  ClusterWorld w;
  ClusterConfig c = quota_config(w);
  c.services.push_back(w.service("web", sim::Millicores{300}, sim::Bytes::mib(256), 3, 0.01));
  c.services.push_back(w.service("api", sim::Millicores{300}, sim::Bytes::mib(256), 1, 0.01));
  c.services[0].tenancy.ns = c.services[1].tenancy.ns = "team";
  sim::Simulation sim;
  Cluster cluster{sim, c};
  sim.run_until(sim::Time::from_s(60));
  CHECK(cluster.running(0) == 3);
  CHECK(count_state(cluster, 1, ReplicaState::rejected) == 1);
  // web gives back 300m: the ReplicaSet controller's retry admits api's pod.
  cluster.set_desired(0, 2);
  sim.run_until(sim::Time::from_s(120));
  CHECK(cluster.running(1) == 1);
  CHECK(count_state(cluster, 1, ReplicaState::rejected) == 0);
  // Its startup counts the wait for the quota as its first phase.
  const ReplicaStatus api = cluster.replica_status(3);
  REQUIRE_FALSE(api.waits.empty());
  CHECK(api.waits.front().name == kWaitAdmission);
  CHECK(api.waits.front().end > api.waits.front().start);
}

TEST_CASE("services without a namespace are never admitted or refused") {
  ClusterWorld w;
  ClusterConfig c = quota_config(w);
  c.services.push_back(w.service("web", sim::Millicores{300}, sim::Bytes::mib(256), 5, 0.01));
  sim::Simulation sim;
  Cluster cluster{sim, c};
  sim.run_until(sim::Time::from_s(60));
  CHECK(cluster.running(0) == 5);
}
