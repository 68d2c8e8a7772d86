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

ReplayPod pod(int cores, int gib, sim::Time arrival, std::optional<sim::Time> departure = {}) {
  ReplayPod p;
  p.request.demand.cpu = sim::Millicores::cores(cores);
  p.request.demand.memory = sim::Bytes::gib(gib);
  p.arrival = arrival;
  p.departure = departure;
  return p;
}

ReplayOptions until(sim::Time end, bool head_of_line_blocking = false) {
  ReplayOptions o;
  o.end = end;
  o.head_of_line_blocking = head_of_line_blocking;
  return o;
}

}  // namespace

TEST_CASE("a pod that does not fit waits until a departure frees room, then is placed") {
  const std::vector<NodeView> nodes{node("a", 4, 16)};
  const std::vector<ReplayPod> pods{pod(4, 8, 0_s, 100_s), pod(2, 4, 10_s, 500_s)};
  const auto policy = make_policy("first-fit");
  const ReplayResult r = replay_placement(nodes, pods, *policy, until(1000_s));
  CHECK(r.pods_total == 2);
  CHECK(r.pods_placed == 2);
  CHECK(r.pods_never_placed == 0);
  CHECK(r.pods_waited == 1);
  CHECK(r.pending_max == 90_s);
  CHECK(r.peak_nodes_used == 1);
  // Busy from 0 to 500 s of the 1000 s from the first arrival.
  CHECK(r.mean_nodes_used == Approx(0.5));
}

TEST_CASE("a pod deleted while waiting is never placed, with the reason it waited for") {
  const std::vector<NodeView> nodes{node("a", 4, 16)};
  const std::vector<ReplayPod> pods{pod(4, 8, 0_s), pod(1, 1, 10_s, 20_s)};
  const auto policy = make_policy("best-fit");
  const ReplayResult r = replay_placement(nodes, pods, *policy, until(100_s));
  CHECK(r.pods_placed == 1);
  CHECK(r.pods_never_placed == 1);
  CHECK(r.never_placed_by.at("cpu") == 1);
}

TEST_CASE("with head-of-line blocking a large waiting pod holds back a small one behind it") {
  const std::vector<NodeView> nodes{node("a", 4, 16)};
  // The 3-core pod waits for the first to leave at 100 s; the 1-core pod would fit beside the
  // 2-core one at once.
  const std::vector<ReplayPod> pods{pod(2, 2, 0_s, 100_s), pod(3, 2, 10_s, 1000_s),
                                    pod(1, 1, 20_s, 1000_s)};
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
