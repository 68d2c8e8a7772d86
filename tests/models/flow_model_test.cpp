#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "models/resources/flow_model.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using namespace vmcsim::sim::literals;
using models::FlowId;
using models::FlowModel;
using models::kUncapped;
using models::ResourceId;

namespace {
std::array<ResourceId, 1> one(ResourceId r) {
  return {r};
}
}  // namespace

namespace {
// Each test builds its own simulation and flow model.
struct Model {
  sim::Simulation sim;
  FlowModel flows{sim};
};
}  // namespace

TEST_CASE_METHOD(Model, "three flows on one link share it max-min fairly under their caps") {
  // Capacity 10: A (cap 2) freezes at 2; the 8 left split evenly between B (cap 5) and C.
  const auto link = flows.add_resource("link", 10.0);
  const auto a = flows.start_flow(one(link), 100.0, 2.0, [] {});
  const auto b = flows.start_flow(one(link), 100.0, 5.0, [] {});
  const auto c = flows.start_flow(one(link), 100.0, kUncapped, [] {});
  CHECK(flows.rate(a) == Approx(2.0));
  CHECK(flows.rate(b) == Approx(4.0));
  CHECK(flows.rate(c) == Approx(4.0));
  CHECK(flows.allocated(link) == Approx(10.0));
  CHECK(flows.utilization(link) == Approx(1.0));
  CHECK(flows.active_flows(link) == 3);

  // With B's cap below the even split (3 < 4), C takes what B cannot use: 2, 3, 5.
  flows.cancel_flow(b);
  const auto b3 = flows.start_flow(one(link), 100.0, 3.0, [] {});
  CHECK(flows.rate(a) == Approx(2.0));
  CHECK(flows.rate(b3) == Approx(3.0));
  CHECK(flows.rate(c) == Approx(5.0));
}

TEST_CASE_METHOD(Model, "two links with a shared flow follow the textbook progressive filling") {
  // Links A and B of capacity 1. x crosses both, y only A, z and w only B.
  // B saturates first at 1/3 (x, z, w); A then gives y the 2/3 that x leaves.
  const auto link_a = flows.add_resource("A", 1.0);
  const auto link_b = flows.add_resource("B", 1.0);
  const std::array both{link_a, link_b};
  const auto x = flows.start_flow(both, 10.0, kUncapped, [] {});
  const auto y = flows.start_flow(one(link_a), 10.0, kUncapped, [] {});
  const auto z = flows.start_flow(one(link_b), 10.0, kUncapped, [] {});
  const auto w = flows.start_flow(one(link_b), 10.0, kUncapped, [] {});
  CHECK(flows.rate(x) == Approx(1.0 / 3));
  CHECK(flows.rate(z) == Approx(1.0 / 3));
  CHECK(flows.rate(w) == Approx(1.0 / 3));
  CHECK(flows.rate(y) == Approx(2.0 / 3));
  CHECK(flows.allocated(link_a) == Approx(1.0));
  CHECK(flows.allocated(link_b) == Approx(1.0));
}

TEST_CASE_METHOD(Model, "finish times follow the rates as flows come and go") {
  // L1 = 10/s, L2 = 4/s; f0 crosses both (amount 4), f1 only L1 (30), f2 only L2 (10).
  // L2 saturates at 2: f0 = f2 = 2, f1 = 8. f0 ends at 2 s; then f1 = 10, f2 = 4.
  // f1: 16 done at 2 s, 14 left at 10/s -> 3.4 s. f2: 4 done, 6 left at 4/s -> 3.5 s.
  const auto l1 = flows.add_resource("L1", 10.0);
  const auto l2 = flows.add_resource("L2", 4.0);
  std::map<int, sim::Time> done;
  const auto f0 =
      flows.start_flow(std::array{l1, l2}, 4.0, kUncapped, [&] { done[0] = sim.now(); });
  const auto f1 = flows.start_flow(one(l1), 30.0, kUncapped, [&] { done[1] = sim.now(); });
  const auto f2 = flows.start_flow(one(l2), 10.0, kUncapped, [&] { done[2] = sim.now(); });
  CHECK(flows.rate(f0) == Approx(2.0));
  CHECK(flows.rate(f1) == Approx(8.0));
  CHECK(flows.rate(f2) == Approx(2.0));
  CHECK(flows.expected_finish(f0) == 2_s);
  sim.run();
  REQUIRE(done.size() == 3);
  CHECK(done[0] == 2_s);
  CHECK(done[1] == 3400_ms);
  CHECK(done[2] == 3500_ms);
  CHECK(flows.active_flow_count() == 0);
  CHECK(flows.allocated(l1) == 0.0);
  CHECK_FALSE(flows.is_active(f1));
  CHECK(flows.rate(f1) == 0.0);
}

TEST_CASE_METHOD(
    Model, "a flow crossing an uncontended and a contended link is held by the contended one") {
  // U = 100/s carries only f; C = 10/s carries f and four others: everyone on C gets 2.
  const auto u = flows.add_resource("uncontended", 100.0);
  const auto c = flows.add_resource("contended", 10.0);
  const auto f = flows.start_flow(std::array{u, c}, 50.0, kUncapped, [] {});
  std::vector<FlowId> others;
  for (int i = 0; i < 4; ++i)
    others.push_back(flows.start_flow(one(c), 50.0, kUncapped, [] {}));
  CHECK(flows.rate(f) == Approx(2.0));
  for (FlowId o : others)
    CHECK(flows.rate(o) == Approx(2.0));
  CHECK(flows.utilization(u) == Approx(0.02));
  CHECK(flows.utilization(c) == Approx(1.0));
  // The others leave: f is then limited by C alone (10), not U (100).
  for (FlowId o : others)
    CHECK(flows.cancel_flow(o));
  CHECK(flows.rate(f) == Approx(10.0));
  CHECK(flows.utilization(u) == Approx(0.1));
}

TEST_CASE_METHOD(Model, "a cancelled flow never calls back and cancelling twice returns false") {
  const auto r = flows.add_resource("r", 1.0);
  bool called = false;
  const auto f = flows.start_flow(one(r), 5.0, kUncapped, [&] { called = true; });
  sim.schedule_at(1_s, [&] { CHECK(flows.cancel_flow(f)); });
  sim.run();
  CHECK_FALSE(called);
  CHECK_FALSE(flows.cancel_flow(f));
  CHECK(sim.now() == 1_s);
  CHECK(flows.active_flows(r) == 0);
}

TEST_CASE_METHOD(Model, "a capacity change re-shares the resource from that moment") {
  // 10 units at 1/s; at 4 s capacity doubles: 6 left at 2/s -> done at 7 s.
  const auto r = flows.add_resource("r", 1.0);
  sim::Time finished;
  flows.start_flow(one(r), 10.0, kUncapped, [&] { finished = sim.now(); });
  sim.schedule_at(4_s, [&] { flows.set_capacity(r, 2.0); });
  sim.run();
  CHECK(finished == 7_s);
  // Utilization was 1 for all 7 s.
  CHECK(flows.busy_seconds(r, 7_s) == Approx(7.0));
}

TEST_CASE_METHOD(Model,
                 "a flow with an empty path is a delay at its cap, and zero work finishes now") {
  sim::Time delay_done, zero_done = sim::Time::max();
  flows.start_flow({}, 3.0, 2.0, [&] { delay_done = sim.now(); });
  sim.schedule_at(1_s, [&] {
    const auto r = flows.add_resource("r", 5.0);
    flows.start_flow(one(r), 0.0, kUncapped, [&] { zero_done = sim.now(); });
  });
  sim.run();
  CHECK(delay_done == 1500_ms);
  CHECK(zero_done == 1_s);
}

TEST_CASE_METHOD(Model, "bad flows and resources are rejected with a reason") {
  const auto r = flows.add_resource("disk", 1.0);
  CHECK_THROWS_WITH(flows.add_resource("neg", -1.0), Catch::Contains("neg"));
  CHECK_THROWS_WITH(flows.start_flow(one(r), -1.0, kUncapped, [] {}), Catch::Contains("amount"));
  CHECK_THROWS_WITH(flows.start_flow(one(r), 1.0, 0.0, [] {}), Catch::Contains("cap"));
  CHECK_THROWS_WITH(flows.start_flow({}, 1.0, kUncapped, [] {}), Catch::Contains("empty path"));
  CHECK_THROWS_WITH(flows.start_flow(std::array{r, r}, 1.0, kUncapped, [] {}),
                    Catch::Contains("'disk' twice"));
  CHECK_THROWS_AS(flows.start_flow(one(ResourceId{7}), 1.0, kUncapped, [] {}),
                  std::invalid_argument);
  CHECK(flows.active_flow_count() == 0);
}

TEST_CASE_METHOD(Model,
                 "utilization changes are signalled for the resources whose allocation moved") {
  const auto a = flows.add_resource("a", 4.0);
  const auto b = flows.add_resource("b", 4.0);
  std::vector<std::pair<std::uint32_t, double>> seen;
  flows.on_utilization_change.connect(
      [&](ResourceId r, double u) { seen.emplace_back(r.index, u); });
  flows.start_flow(one(a), 4.0, 1.0, [] {});
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].first == a.index);
  CHECK(seen[0].second == Approx(0.25));
  sim.run();
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].second == 0.0);
  CHECK(flows.utilization(b) == 0.0);
  CHECK(flows.busy_seconds(a, sim.now()) == Approx(4.0 * 0.25));
}

TEST_CASE_METHOD(Model, "a change on one resource leaves flows on unrelated resources alone") {
  // Two hosts' CPUs are separate components: starting work on one neither signals nor
  // re-times the other.
  const auto cpu1 = flows.add_resource("h1/cpu", 1000.0);
  const auto cpu2 = flows.add_resource("h2/cpu", 1000.0);
  const auto f1 = flows.start_flow(one(cpu1), 3000.0, kUncapped, [] {});
  std::vector<std::uint32_t> signalled;
  flows.on_utilization_change.connect([&](ResourceId r, double) { signalled.push_back(r.index); });
  sim.schedule_at(1_s, [&] { flows.start_flow(one(cpu2), 500.0, 250.0, [] {}); });
  sim.run_until(1_s);
  CHECK(signalled == std::vector<std::uint32_t>{cpu2.index});
  CHECK(flows.expected_finish(f1) == 3_s);
  CHECK(flows.rate(f1) == Approx(1000.0));
}

namespace {

// A randomized driver: random starts, cancels and capacity changes over several resources, checking
// the model's invariants after every simulation event against an independent integration of the
// rates the model reports.
class FlowChecker {
 public:
  explicit FlowChecker(std::uint64_t seed) : rng_{seed, 0, "tests/flow_model/property"} {
    for (int i = 0; i < 6; ++i)
      resources_.push_back(flows_.add_resource(fmt::format("r{}", i), 5.0 + 95.0 * u()));
  }

  void run(int operations) {
    for (int i = 0; i < operations; ++i)
      sim_.schedule_at(sim::Time::from_seconds(u() * 1000.0), [this] { operate(); });
    sim_.run();
    CHECK(tracked_.empty());
    CHECK(flows_.active_flow_count() == 0);
    CHECK(completed_ + cancelled_ == started_);
    CHECK(completed_ > 100);
    CHECK(cancelled_ > 10);
    CHECK(capacity_changes_ > 10);
  }

  int checks() const { return checks_; }
  std::size_t max_tracked() const { return max_tracked_; }

 private:
  struct Tracked {
    FlowId id;
    std::vector<ResourceId> path;
    double amount, cap, delivered = 0.0, rate = 0.0;
  };

  double u() { return rng_.uniform01(); }

  // Integrates the rates the model reported since the last event.
  void integrate() {
    const double dt = (sim_.now() - last_).seconds();
    for (auto& [key, t] : tracked_)
      t.delivered += t.rate * dt;
    last_ = sim_.now();
  }

  void operate() {
    integrate();
    const double dice = u();
    if (dice < 0.05) {
      const ResourceId r = resources_[rng_.below(resources_.size())];
      flows_.set_capacity(r, 5.0 + 95.0 * u());
      ++capacity_changes_;
    } else if (!tracked_.empty() && dice < 0.25) {
      auto it = std::next(tracked_.begin(), static_cast<long>(rng_.below(tracked_.size())));
      CHECK(flows_.cancel_flow(it->second.id));
      tracked_.erase(it);
      ++cancelled_;
    } else {
      Tracked t;
      std::vector<ResourceId> pool = resources_;
      const auto hops = 1 + rng_.below(3);
      for (std::uint64_t h = 0; h < hops; ++h) {
        const auto pick = rng_.below(pool.size());
        t.path.push_back(pool[pick]);
        pool.erase(pool.begin() + static_cast<long>(pick));
      }
      t.amount = u() < 0.05 ? 0.0 : 1.0 + 200.0 * u();
      t.cap = u() < 0.5 ? kUncapped : 0.5 + 30.0 * u();
      const std::uint64_t key = next_key_++;
      t.id = flows_.start_flow(t.path, t.amount, t.cap, [this, key] { finished(key); });
      tracked_.emplace(key, std::move(t));
      ++started_;
    }
    check();
  }

  void finished(std::uint64_t key) {
    integrate();
    auto it = tracked_.find(key);
    REQUIRE(it != tracked_.end());  // a cancelled flow must not call back
    const Tracked& t = it->second;
    if (std::abs(t.delivered - t.amount) > 1e-6 * std::max(1.0, t.amount))
      FAIL_CHECK("flow " << key << " delivered " << t.delivered << " of " << t.amount);
    tracked_.erase(it);
    ++completed_;
    check();
  }

  // Catch assertions only on failure: the loops below run millions of times.
  void check() {
    ++checks_;
    max_tracked_ = std::max(max_tracked_, tracked_.size());
    for (auto& [key, t] : tracked_) {
      t.rate = flows_.rate(t.id);
      if (!flows_.is_active(t.id)) FAIL_CHECK("flow " << key << " vanished");
      if (t.rate < 0.0 || t.rate > t.cap * (1 + 1e-9))
        FAIL_CHECK("flow " << key << " rate " << t.rate << " outside [0, " << t.cap << "]");
      const double expected = t.amount - t.delivered;
      if (std::abs(flows_.remaining(t.id) - expected) > 1e-6 * std::max(1.0, t.amount))
        FAIL_CHECK("flow " << key << " remaining " << flows_.remaining(t.id) << " != " << expected);
    }
    for (ResourceId r : resources_) {
      double sum = 0.0;
      std::size_t count = 0;
      for (const auto& [key, t] : tracked_)
        if (crosses(t, r)) {
          sum += t.rate;
          ++count;
        }
      if (flows_.active_flows(r) != count)
        FAIL_CHECK(flows_.name(r) << " has " << flows_.active_flows(r) << " flows, not " << count);
      if (std::abs(flows_.allocated(r) - sum) > 1e-9 * std::max(1.0, sum))
        FAIL_CHECK(flows_.name(r) << " allocated " << flows_.allocated(r) << " != " << sum);
      if (flows_.allocated(r) > flows_.capacity(r) * (1 + 1e-9))
        FAIL_CHECK(flows_.name(r) << " over capacity");
    }
    // Max-min: a flow below its cap crosses a saturated resource where nobody gets more.
    for (const auto& [key, t] : tracked_) {
      if (t.rate >= t.cap * (1 - 1e-9)) continue;
      bool bottlenecked = false;
      for (ResourceId r : t.path) {
        if (flows_.allocated(r) < flows_.capacity(r) * (1 - 1e-9)) continue;
        double highest = 0.0;
        for (const auto& [k2, o] : tracked_)
          if (crosses(o, r)) highest = std::max(highest, o.rate);
        if (t.rate >= highest * (1 - 1e-9)) bottlenecked = true;
      }
      if (!bottlenecked) FAIL_CHECK("flow " << key << " at " << t.rate << " has no bottleneck");
    }
  }

  static bool crosses(const Tracked& t, ResourceId r) {
    return std::find(t.path.begin(), t.path.end(), r) != t.path.end();
  }

  sim::Simulation sim_;
  FlowModel flows_{sim_};
  sim::RandomStream rng_;
  std::vector<ResourceId> resources_;
  std::map<std::uint64_t, Tracked> tracked_;
  std::uint64_t next_key_ = 0;
  sim::Time last_;
  int started_ = 0, completed_ = 0, cancelled_ = 0, checks_ = 0;
  std::size_t max_tracked_ = 0;
  int capacity_changes_ = 0;
};

}  // namespace

TEST_CASE(
    "random starts, cancels and capacity changes keep rates max-min fair and deliver every "
    "amount") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    INFO("seed " << seed);
    FlowChecker checker{seed};
    checker.run(1500);
    CHECK(checker.checks() > 2000);
    CHECK(checker.max_tracked() > 10);  // contention actually happened
  }
}
