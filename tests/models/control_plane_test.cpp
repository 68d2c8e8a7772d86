#include <catch2/catch.hpp>

#include <vector>

#include "models/control_plane/launch_server.hpp"
#include "models/control_plane/token_bucket.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using namespace vmcsim::models::control_plane;
using namespace vmcsim::sim::literals;

namespace {

// Requests `n` launches at t = 0 and returns their grant times, in grant order.
std::vector<sim::Time> grants(std::vector<LimiterSpec> limiters, int n) {
  sim::Simulation sim;
  LaunchServer server{sim, "test", std::move(limiters)};
  std::vector<sim::Time> at;
  for (int k = 0; k < n; ++k)
    server.request([&] { at.push_back(sim.now()); });
  sim.run();
  return at;
}

// The k-th launch (0-based) of a full bucket of `burst` refilled at `rate` per second.
sim::Time expected(int k, double burst, double rate) {
  if (k < burst) return sim::Time::zero();
  return sim::Time::from_seconds((k + 1 - burst) / rate);
}

}  // namespace

TEST_CASE("a token bucket starts full and refills at its rate up to its capacity") {
  TokenBucket b{100, 20};
  CHECK(b.tokens(0_s) == Approx(100));
  b.take(0_s, 100);
  CHECK(b.tokens(0_s) == Approx(0));
  CHECK(b.tokens(1_s) == Approx(20));
  CHECK(b.available_at(1_s, 30) == 1500_ms);
  CHECK(b.tokens(1_h) == Approx(100));
  CHECK_THROWS_AS(b.take(0_s, 1), std::logic_error);
  CHECK_THROWS_AS(b.available_at(0_s, 101), std::invalid_argument);
  CHECK_THROWS_AS(TokenBucket(0, 20), std::invalid_argument);
}

TEST_CASE("Fargate launches 100 tasks at once, then 20 per second") {
  // AWS Fargate throttling quotas: bucket 100, refill 20 per second.
  const auto at = grants({{"fargate", 100, 20, 1.0}}, 300);
  REQUIRE(at.size() == 300);
  CHECK(at[99] == 0_s);
  CHECK(at[100] == 50_ms);
  CHECK(at[119] == 1_s);
  CHECK(at[299] == 10_s);
  for (int k = 0; k < 300; ++k) {
    INFO("launch " << k);
    CHECK(std::abs((at[k] - expected(k, 100, 20)).ns()) <= 1);
  }
}

TEST_CASE("accounts launching only EKS pods on Fargate get a burst of 20, then 20 per second") {
  const auto at = grants({{"fargate (EKS pods only)", 20, 20, 1.0}}, 60);
  CHECK(at[19] == 0_s);
  CHECK(at[20] == 50_ms);
  CHECK(at[59] == 2_s);
}

TEST_CASE("RunTask at 20 calls per second and 10 tasks per call launches 200 tasks per second") {
  // 0.1 of a call token per task: 200 at once (20 calls x 10), then 200 per second.
  const auto at = grants({{"RunTask", 20, 20, 0.1}}, 600);
  CHECK(at[199] == 0_s);
  CHECK(at[200] > 0_s);
  CHECK(std::abs((at[599] - 2_s).ns()) <= 1);
}

TEST_CASE("the slowest of several limiters on a launch path binds, and is charged the wait") {
  sim::Simulation sim;
  LaunchServer server{sim,
                      "ecs-fargate",
                      {{"RunTask", 20, 20, 0.1}, {"fargate", 100, 20, 1.0}, {"off", 0, 0, 1.0}}};
  std::vector<sim::Time> at;
  for (int k = 0; k < 200; ++k)
    server.request([&] { at.push_back(sim.now()); });
  sim.run();
  CHECK(at[199] == 5_s);                   // Fargate's 20 per second, not RunTask's 200
  REQUIRE(server.bindings().size() == 2);  // the rate-0 limiter is absent
  CHECK(server.bindings()[0].wait == 0_s);
  CHECK(server.bindings()[1].wait > 0_s);
  CHECK(server.bindings()[1].launches == 100);
  CHECK(server.total_wait() == server.bindings()[1].wait);
  CHECK(server.granted() == 200);
}

TEST_CASE(
    "a launch server grants in request order and serves late requests from a refilled bucket") {
  sim::Simulation sim;
  LaunchServer server{sim, "k8s", {{"kube-scheduler", 2, 1, 1.0}}};
  std::vector<int> order;
  std::vector<sim::Time> at;
  for (int k = 0; k < 4; ++k)
    server.request([&, k] {
      order.push_back(k);
      at.push_back(sim.now());
    });
  sim.schedule_at(10_s, [&] {
    server.request([&] {
      order.push_back(4);
      at.push_back(sim.now());
    });
  });
  sim.run();
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(at == std::vector<sim::Time>{0_s, 0_s, 1_s, 2_s, 10_s});
}

TEST_CASE("a launch server without limiters grants at once") {
  const auto at = grants({}, 1000);
  CHECK(at.back() == 0_s);
}
