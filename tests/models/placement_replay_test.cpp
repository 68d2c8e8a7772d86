// PlacementReplay on small hand-made clusters: arrivals, departures, the pending queue with and
// without head-of-line blocking, and what a pod costs as one VM.
#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "models/catalog/catalog.hpp"
#include "models/placement/replay.hpp"

using namespace vmcsim;
using namespace vmcsim::models::placement;
using namespace vmcsim::sim::literals;

namespace {

NodeView node(std::string name, int cores, int gib) {
  NodeView n;
  n.id = name;
  n.name = std::move(name);
  n.capacity.cpu = sim::Millicores::cores(cores);
  n.capacity.memory = sim::Bytes::gib(gib);
  return n;
}

ReplayPod pod(int cores, int gib, sim::Time arrival, std::optional<sim::Time> lifetime = {}) {
  ReplayPod p;
  p.request.demand.cpu = sim::Millicores::cores(cores);
  p.request.demand.memory = sim::Bytes::gib(gib);
  p.arrival = arrival;
  p.lifetime = lifetime;
  return p;
}

ReplayOptions until(sim::Time end, bool head_of_line_blocking = false) {
  ReplayOptions o;
  o.end = end;
  o.head_of_line_blocking = head_of_line_blocking;
  return o;
}

}  // namespace

TEST_CASE("a pod that does not fit waits until a departure frees room, then runs its lifetime") {
  const std::vector<NodeView> nodes{node("a", 4, 16)};
  const std::vector<ReplayPod> pods{pod(4, 8, 0_s, 100_s), pod(2, 4, 10_s, 490_s)};
  const auto policy = make_policy("first-fit");
  const ReplayResult r = replay_placement(nodes, pods, *policy, until(1000_s));
  CHECK(r.pods_total == 2);
  CHECK(r.pods_placed == 2);
  CHECK(r.pods_never_placed() == 0);
  CHECK(r.pods_waited == 1);
  CHECK(r.pending_max == 90_s);
  CHECK(r.peak_nodes_used == 1);
  // The second pod runs 490 s from its placement at 100 s: busy from 0 to 590 s of 1000 s.
  CHECK(r.mean_nodes_used == Approx(0.59));
}

TEST_CASE("a pod still waiting when its lifetime has passed gives up, with the reason it waited") {
  const std::vector<NodeView> nodes{node("a", 4, 16)};
  const std::vector<ReplayPod> pods{pod(4, 8, 0_s), pod(1, 1, 10_s, 10_s)};
  const auto policy = make_policy("best-fit");
  const ReplayResult r = replay_placement(nodes, pods, *policy, until(100_s));
  CHECK(r.pods_placed == 1);
  CHECK(r.pods_gave_up == 1);
  CHECK(r.pods_still_waiting == 0);
  CHECK(r.never_placed_by.at("cpu") == 1);
  CHECK(r.never_placed_wait_mean == 10_s);
}

TEST_CASE("a pod waiting at the end is never placed and its wait is censored at the end") {
  const std::vector<NodeView> nodes{node("a", 4, 16)};
  const std::vector<ReplayPod> pods{pod(4, 8, 0_s), pod(1, 1, 40_s)};
  const auto policy = make_policy("first-fit");
  const ReplayResult r = replay_placement(nodes, pods, *policy, until(100_s));
  CHECK(r.pods_placed == 1);
  CHECK(r.pods_gave_up == 0);
  CHECK(r.pods_still_waiting == 1);
  CHECK(r.never_placed_wait_mean == 60_s);
  CHECK(r.pending_max == 0_s);
}

TEST_CASE("with head-of-line blocking a large waiting pod holds back a small one behind it") {
  const std::vector<NodeView> nodes{node("a", 4, 16)};
  // The 3-core pod waits for the first to leave at 100 s; the 1-core pod would fit beside the
  // 2-core one at once.
  const std::vector<ReplayPod> pods{pod(2, 2, 0_s, 100_s), pod(3, 2, 10_s, 990_s),
                                    pod(1, 1, 20_s, 980_s)};
  const auto first_fit = make_policy("first-fit");
  const ReplayResult passing = replay_placement(nodes, pods, *first_fit, until(1000_s));
  CHECK(passing.pods_waited == 1);  // only the 3-core pod
  CHECK(passing.pending_max == 90_s);
  const auto again = make_policy("first-fit");
  const ReplayResult blocked = replay_placement(nodes, pods, *again, until(1000_s, true));
  CHECK(blocked.pods_placed == 3);
  CHECK(blocked.pods_waited == 2);  // the 1-core pod waited behind it
  CHECK(blocked.pending_max == 90_s);
}

TEST_CASE("pods leaving at a time free their room for pods arriving at that time") {
  const std::vector<NodeView> nodes{node("a", 4, 16)};
  const std::vector<ReplayPod> pods{pod(4, 8, 0_s, 50_s), pod(4, 8, 50_s)};
  const auto policy = make_policy("first-fit");
  const ReplayResult r = replay_placement(nodes, pods, *policy, until(100_s));
  CHECK(r.pods_placed == 2);
  CHECK(r.pods_waited == 0);
}

TEST_CASE("pods arriving at or after the end are outside the replay") {
  const std::vector<NodeView> nodes{node("a", 4, 16)};
  const std::vector<ReplayPod> pods{pod(1, 1, 0_s), pod(1, 1, 100_s)};
  const auto policy = make_policy("first-fit");
  const ReplayResult r = replay_placement(nodes, pods, *policy, until(100_s));
  CHECK(r.pods_total == 1);
  CHECK(r.pods_placed == 1);
}

TEST_CASE("pods out of arrival order are rejected") {
  const std::vector<NodeView> nodes{node("a", 4, 16)};
  const std::vector<ReplayPod> pods{pod(1, 1, 10_s), pod(1, 1, 0_s)};
  const auto policy = make_policy("first-fit");
  CHECK_THROWS_AS(replay_placement(nodes, pods, *policy), std::invalid_argument);
}

TEST_CASE("one VM per pod adds guest OS and hypervisor memory and rounds CPU up to vCPUs") {
  const auto catalog = models::Catalog::load_default();
  const auto& kvm = catalog.profile("kvm-ubuntu");
  ResourceVector demand;
  demand.cpu = sim::Millicores{1500};
  demand.memory = sim::Bytes::gib(4);
  demand.gpu_milli = 500;
  const ResourceVector vm = platform_demand(kvm, demand);
  CHECK(vm.cpu == sim::Millicores::cores(2));
  const sim::Bytes configured = sim::Bytes::gib(4) + kvm.guest_os_memory.value;
  CHECK(vm.memory == configured + kvm.hypervisor_overhead(configured, 2));
  CHECK(vm.memory > sim::Bytes::gib(4) + sim::Bytes::mib(218 + 16));
  CHECK(vm.gpu_milli == 500);
  // A plain runc container costs exactly its demand.
  CHECK(platform_demand(catalog.profile("runc"), demand) == demand);
}

namespace {

// Three 4-core nodes and six pods whose trace arrivals are 100 s apart: in trace time each pod
// has left before the next arrives. Lifetimes 100, 100, 100, 50, 30, 200 s.
std::vector<NodeView> three_nodes() {
  return {node("a", 4, 16), node("b", 4, 16), node("c", 4, 16)};
}
std::vector<ReplayPod> six_pods() {
  return {pod(4, 1, 0_s, 100_s),  pod(4, 1, 100_s, 100_s), pod(4, 1, 200_s, 100_s),
          pod(2, 1, 300_s, 50_s), pod(4, 1, 400_s, 30_s),  pod(2, 1, 500_s, 200_s)};
}

}  // namespace

TEST_CASE("in trace time the six pods never overlap: one node, nobody waits") {
  const auto policy = make_policy("first-fit");
  const ReplayResult r = replay_placement(three_nodes(), six_pods(), *policy, until(1000_s));
  CHECK(r.pods_placed == 6);
  CHECK(r.pods_waited == 0);
  CHECK(r.peak_nodes_used == 1);
  CHECK(r.peak_demand[static_cast<std::size_t>(Dimension::cpu)] == Approx(4.0 / 12));
}

TEST_CASE("ten times faster arrivals make pods wait and give up, as worked out by hand") {
  // Arrivals 0, 10, ..., 50 s. p0, p1, p2 fill a, b, c until 100, 110, 120 s. p3 (2 cores)
  // waits from 30 s and gives up at 80 s (its 50 s lifetime); p4 waits from 40 s and gives up
  // at 70 s; p5 waits from 50 s and takes a when p0 leaves at 100 s: pending 50 s.
  const auto pods = speed_up_arrivals(six_pods(), 10.0);
  const auto policy = make_policy("first-fit");
  const ReplayResult r = replay_placement(three_nodes(), pods, *policy, until(1000_s));
  CHECK(r.pods_placed == 4);
  CHECK(r.pods_gave_up == 2);
  CHECK(r.pods_still_waiting == 0);
  CHECK(r.pods_waited == 1);
  CHECK(r.pending_p50 == 0_s);
  CHECK(r.pending_max == 50_s);
  CHECK(r.pending_p99 == 0_s);  // p99 of the 4 placed pods {0, 0, 0, 50 s}: rank 2.97 -> 3rd
  CHECK(r.never_placed_wait_mean == 40_s);  // (50 + 30) / 2
  CHECK(r.never_placed_by.at("cpu") == 2);
  CHECK(r.peak_nodes_used == 3);
  // At 50 s p0..p2 run and p3, p4, p5 wait: 20 of the 12 cores are asked for.
  CHECK(r.peak_demand[static_cast<std::size_t>(Dimension::cpu)] == Approx(20.0 / 12));
}

TEST_CASE("a pod gives up after the patience when that is shorter than its lifetime") {
  // As above, but nobody waits more than 20 s: p3, p4, p5 give up at 50, 60, 70 s.
  const auto pods = speed_up_arrivals(six_pods(), 10.0);
  ReplayOptions options = until(1000_s);
  options.patience = 20_s;
  const auto policy = make_policy("first-fit");
  const ReplayResult r = replay_placement(three_nodes(), pods, *policy, options);
  CHECK(r.pods_placed == 3);
  CHECK(r.pods_gave_up == 3);
  CHECK(r.pods_waited == 0);
  CHECK(r.never_placed_wait_mean == 20_s);
  CHECK(r.wait_all_p99.seconds() == Approx(20).epsilon(0.01));
}

TEST_CASE("a pod whose wait reaches its lifetime just as room frees is still placed") {
  // Give-ups fire after departures at the same time: the 1-core pod waits exactly 50 s.
  const std::vector<NodeView> nodes{node("a", 4, 16)};
  const std::vector<ReplayPod> pods{pod(4, 1, 0_s, 60_s), pod(1, 1, 10_s, 50_s)};
  const auto policy = make_policy("first-fit");
  const ReplayResult r = replay_placement(nodes, pods, *policy, until(1000_s));
  CHECK(r.pods_placed == 2);
  CHECK(r.pods_gave_up == 0);
  CHECK(r.pending_max == 50_s);
}

TEST_CASE("speeding up arrivals divides the gaps and keeps the lifetimes") {
  const std::vector<ReplayPod> pods{pod(1, 1, 10_s, 7_s), pod(1, 1, 20_s), pod(1, 1, 40_s, 9_s)};
  const auto fast = speed_up_arrivals(pods, 4.0);
  REQUIRE(fast.size() == 3);
  CHECK(fast[0].arrival == 10_s);
  CHECK(fast[1].arrival == sim::Time::from_ms(12'500));
  CHECK(fast[2].arrival == sim::Time::from_ms(17'500));
  CHECK(fast[0].lifetime == 7_s);
  CHECK(!fast[1].lifetime);
  CHECK(fast[2].lifetime == 9_s);
  CHECK_THROWS_AS(speed_up_arrivals(pods, 0.5), std::invalid_argument);
}
