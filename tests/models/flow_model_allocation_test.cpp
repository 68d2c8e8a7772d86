// FlowModel does not allocate per event once it has reached its peak numbers of flows and
// classes (issue 15). The models test binary's allocation counter lives here
// (tests/allocation_counter.hpp: one source file per binary includes it).
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>

#include "models/resources/flow_model.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

#include "allocation_counter.hpp"

namespace {
using namespace vmcsim;
using models::ResourceId;

// A steady churn: every completion starts a replacement on the same path. A processor-sharing
// CPU with 100 flows (one large class, virtual time), and flows capped through a replica's limit
// and a node's CPU (small classes that empty and refill, so classes are freed and reused).
struct Churn {
  sim::Simulation sim;
  models::FlowModel flows{sim};
  sim::RandomStream rng{3};
  ResourceId cpu = flows.add_resource("cpu", 8000.0);
  ResourceId node = flows.add_resource("node", 8000.0);
  std::array<ResourceId, 4> limit{flows.add_resource("l0", 1000.0), flows.add_resource("l1", 500.0),
                                  flows.add_resource("l2", 1000.0),
                                  flows.add_resource("l3", 250.0)};
  // An oversubscribed node (1.5 cores under four one-core limits with two requests each): its
  // CPU keeps one clock for the requests its limits do not hold back (flow_model_group.cpp).
  ResourceId busy = flows.add_resource("busy", 1500.0);
  std::array<ResourceId, 4> busy_limit{
      flows.add_resource("b0", 1000.0), flows.add_resource("b1", 1000.0),
      flows.add_resource("b2", 1000.0), flows.add_resource("b3", 150.0)};
  std::uint64_t completions = 0;

  void start_ps() {
    flows.start_flow(std::array{cpu}, 10.0 + 100.0 * rng.uniform01(), models::kUncapped, [this] {
      ++completions;
      start_ps();
    });
  }
  void start_request(std::size_t r) {
    // Sometimes the replica idles a little: its class empties and is freed.
    const std::array path{limit[r], node};
    flows.start_flow(path, 1.0 + 30.0 * rng.uniform01(), 1000.0, [this, r] {
      ++completions;
      sim.schedule_in(sim::Time::from_ns(static_cast<std::int64_t>(rng.below(3) * 1'000'000)),
                      [this, r] { start_request(r); });
    });
  }
  void start_busy(std::size_t r) {
    const std::array path{busy_limit[r], busy};
    flows.start_flow(path, 1.0 + 30.0 * rng.uniform01(), 1000.0, [this, r] {
      ++completions;
      sim.schedule_in(sim::Time::from_ns(static_cast<std::int64_t>(rng.below(2) * 1'000'000)),
                      [this, r] { start_busy(r); });
    });
  }
};
}  // namespace

TEST_CASE("the flow model does not allocate per event once warm") {
  Churn c;
  for (int i = 0; i < 100; ++i)
    c.start_ps();
  for (std::size_t r = 0; r < c.limit.size(); ++r)
    for (int i = 0; i < 3; ++i)
      c.start_request(r);
  for (std::size_t r = 0; r < c.busy_limit.size(); ++r)
    for (int i = 0; i < 2; ++i)
      c.start_busy(r);
  c.sim.run_until(sim::Time::from_seconds(20.0));
  const std::uint64_t warm = c.completions;
  const std::uint64_t warm_updates = c.flows.group_updates();
  REQUIRE(warm > 1000);
  REQUIRE(c.flows.groups_formed() > 0);

  allocations = 0;
  counting = true;
  c.sim.run_until(sim::Time::from_seconds(40.0));
  counting = false;
  CHECK(c.completions - warm > 1000);
  CHECK(c.flows.group_updates() > warm_updates);
  CHECK(allocations == 0);
}
