// Cross-tenant interference through the fluid sharing of a host's disk: tenant A's I/O burst
// slows tenant B's requests when they share a host, and not when the isolation policy gives each
// tenant hosts of its own (dedicated hosts). Nothing here is tenant-aware but placement: the
// slowdown is the FlowModel's max-min sharing of the disk both tenants' requests cross.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cluster_test_support.hpp"
#include "models/tenancy/isolation.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using models::testing::ClusterWorld;

namespace {

struct Latencies {
  double quiet_ms = 0.0;  // B's mean latency before A's burst
  double burst_ms = 0.0;  // B's mean latency during A's burst
  bool shared_host = false;
};

// Tenant A (2 replicas, 16 requests at once each) and tenant B (1 replica), runc containers on
// two 16-core hosts with 1 GB/s disks, placed first-fit: together on h0 unless `dedicated`.
// B sends a 4 MiB request every 100 ms throughout; A sends 16 MiB requests at 40/s during
// [60 s, 90 s): 0.67 GB/s offered to a 1 GB/s disk, so A keeps up and leaves no backlog, but B's
// flow shares the disk with A's.
Latencies run(bool dedicated) {
  ClusterWorld w;
  ClusterConfig c = w.config(PlatformKind::container, 2);
  c.variant.placement = "first_fit";
  c.services.push_back(w.service("a", sim::Millicores{500}, sim::Bytes::mib(256), 2, 0.001));
  c.services.push_back(w.service("b", sim::Millicores{500}, sim::Bytes::mib(256), 1, 0.001));
  c.services[0].concurrency = 16;
  c.services[0].tenancy.tenant = "a";
  c.services[1].tenancy.tenant = "b";
  if (dedicated) {
    auto policy = std::make_shared<tenancy::IsolationPolicy>();
    policy->set_default(tenancy::Share::nothing);
    c.services[0].tenancy.isolation = c.services[1].tenancy.isolation = policy;
  }
  sim::Simulation sim;
  Cluster cluster{sim, c};
  const sim::Time burst_on = sim::Time::from_s(60), burst_off = sim::Time::from_s(90);
  double quiet_sum = 0, burst_sum = 0;
  int quiet_n = 0, burst_n = 0;
  cluster.on_request_done.connect([&](const RequestOutcome& o) {
    // From 30 s (everything started) to the burst, and during it.
    if (o.service != 1 || o.arrival < sim::Time::from_s(30) || o.arrival >= burst_off) return;
    const bool during = o.arrival >= burst_on;
    (during ? burst_sum : quiet_sum) += o.latency.seconds() * 1e3;
    ++(during ? burst_n : quiet_n);
  });
  for (int k = 0; k < 1200; ++k) {  // B: 10 per second for 120 s
    const sim::Time at = sim::Time::from_ms(100 * k);
    sim.schedule_at(at, [&, at] {
      cluster.submit(1, Request{"b", at, sim::Time::from_ms(1), sim::Bytes::mib(4)});
    });
  }
  for (int k = 0; k < 1200; ++k) {  // A: 40 per second during the burst
    const sim::Time at = burst_on + sim::Time::from_ms(25 * k);
    if (at >= burst_off) break;
    sim.schedule_at(at, [&, at] {
      cluster.submit(0, Request{"a", at, sim::Time::from_ms(1), sim::Bytes::mib(16)});
    });
  }
  sim.run_until(sim::Time::from_s(150));
  Latencies out;
  REQUIRE(quiet_n > 0);
  REQUIRE(burst_n > 0);
  out.quiet_ms = quiet_sum / quiet_n;
  out.burst_ms = burst_sum / burst_n;
  const PlatformRuntime& rt = cluster.runtime();
  const Node* host_a = nullptr;
  const Node* host_b = nullptr;
  for (InstanceId id = 0; id < rt.instance_count(); ++id) {
    const Instance& i = rt.instance(id);
    (i.service == "a" ? host_a : host_b) = i.host;
  }
  out.shared_host = host_a == host_b;
  return out;
}

}  // namespace

TEST_CASE("tenant A's I/O burst raises co-located tenant B's latency through the shared disk") {
  const Latencies shared = run(false);
  REQUIRE(shared.shared_host);
  // Alone B's 4 MiB has the whole 1 GB/s disk; beside A's flows (two thirds of the disk offered)
  // it gets a max-min share of it, so its requests take markedly longer.
  CHECK(shared.burst_ms > 1.5 * shared.quiet_ms);
}

TEST_CASE("on dedicated hosts tenant B's latency stays flat through A's I/O burst") {
  const Latencies dedicated = run(true);
  REQUIRE_FALSE(dedicated.shared_host);
  CHECK(dedicated.burst_ms == Approx(dedicated.quiet_ms).epsilon(0.05));
}
