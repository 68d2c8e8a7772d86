// A container reserves its memory *request* on its node, as the schedulers do (Kubernetes
// requests.memory; ECS memoryReservation when set, else memory); its limit caps what it may use
// and takes no node memory. Until this was fixed, runs reserved the limit.
#include <string>

#include <catch2/catch.hpp>

#include "app/runner/world.hpp"
#include "app/scenario/loader.hpp"
#include "fixture_path.hpp"
#include "models/cluster/cluster.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using vmcsim::test::TempFile;

namespace {

// An EC2 task definition of one container with `memory` (the hard limit) and the given extra
// members (e.g. a memoryReservation).
std::string task_definition(const std::string& memory_members) {
  return R"({"family": "web", "requiresCompatibilities": ["EC2"], "containerDefinitions": [
  {"name": "web", "image": "nginx:1.27", "cpu": 16, )" +
         memory_members + R"(, "essential": true}]})";
}

struct Placed {
  int live = 0;            // instances holding memory on the one host
  sim::Bytes application;  // what one of them holds for its process
};

// 100 replicas of `service` (a YAML flow mapping) on one 64-core, 16 GiB host with runc; counts
// the instances placed once the initial replicas have started.
Placed run_on_one_host(const std::string& service) {
  const auto catalog = models::Catalog::load_default();
  const auto s = app::scenario::load_scenario_text(
      "name: t\nduration: 2m\nhosts: [{name: h, count: 1, cpu: \"64\", memory: 16GiB}]\n"
      "registry: {bandwidth: 10Gbps, latency: 1ms}\nservices: [" +
          service +
          "]\nvariants: [{name: c, platform: container, profile: runc, placement: first_fit}]\n",
      "inline.yaml", catalog);
  const auto world = app::runner::prepare_world(s, catalog);
  models::ClusterConfig config = world->variants.at(0).cluster;
  sim::Simulation sim;
  models::Cluster cluster{sim, config};
  sim.run_until(sim::Time::from_s(60));
  Placed out;
  const auto& rt = cluster.runtime();
  for (models::InstanceId id = 0; id < rt.instance_count(); ++id) {
    const auto& i = rt.instance(id);
    if (!i.is_live() || i.service != "web") continue;
    ++out.live;
    out.application = i.memory.application;
  }
  return out;
}

}  // namespace

TEST_CASE("an ECS task with a memoryReservation fits as many per node as its soft limit allows") {
  TempFile hard{"hard.json", task_definition(R"("memory": 1024)")};
  TempFile soft{"soft.json", task_definition(R"("memory": 1024, "memoryReservation": 256)")};
  const Placed by_limit =
      run_on_one_host("{name: web, replicas: 100, ecs_task_definition: '" + hard.path() + "'}");
  const Placed by_reservation =
      run_on_one_host("{name: web, replicas: 100, ecs_task_definition: '" + soft.path() + "'}");
  REQUIRE(by_limit.live > 0);
  CHECK(by_limit.application == sim::Bytes::mib(1024));
  CHECK(by_reservation.application == sim::Bytes::mib(256));
  CHECK(by_reservation.live == 4 * by_limit.live);
}

TEST_CASE("a pod reserves its memory request on its node, not its limit") {
  TempFile manifest{"limits.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 100
  template:
    spec:
      containers:
      - name: c
        image: nginx:1.27
        resources: {requests: {cpu: 10m, memory: 256Mi}, limits: {memory: 1Gi}}
)"};
  TempFile guaranteed{"guaranteed.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 100
  template:
    spec:
      containers:
      - name: c
        image: nginx:1.27
        resources: {requests: {cpu: 10m, memory: 1Gi}, limits: {memory: 1Gi}}
)"};
  const Placed burstable = run_on_one_host("{name: web, kubernetes: '" + manifest.path() + "'}");
  const Placed full = run_on_one_host("{name: web, kubernetes: '" + guaranteed.path() + "'}");
  REQUIRE(full.live > 0);
  CHECK(burstable.application == sim::Bytes::mib(256));
  CHECK(burstable.live == 4 * full.live);
}
