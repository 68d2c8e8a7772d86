// Placement on a real workload: the Alibaba GPU cluster trace 2023 sample (Weng et al.,
// "Beware of Fragmentation", USENIX ATC 2023), read straight from the shared fixtures.
#include <catch2/catch.hpp>

#include "fixture.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "models/placement/metrics.hpp"
#include "models/placement/policy.hpp"

using namespace vmcsim;
using namespace vmcsim::models::placement;

namespace {

std::vector<std::vector<std::string>> read_csv(const char* relative) {
  std::ifstream in(vmcsim::test::fixture(relative));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, ','))
      fields.push_back(f);
    if (line.ends_with(',')) fields.emplace_back();
    rows.push_back(std::move(fields));
  }
  return rows;
}

std::int64_t num(const std::string& s) {
  return s.empty() ? 0 : std::stoll(s);
}

struct Trace {
  std::vector<NodeView> nodes;
  std::vector<PlacementRequest> pods;
};

Trace load_trace(std::size_t max_pods) {
  Trace t;
  for (const auto& r : read_csv("traces/alibaba-gpu-2023/openb_node_list_all_node.csv")) {
    NodeView n;
    n.id = n.name = r.at(0);
    n.capacity.cpu = sim::Millicores{num(r.at(1))};
    n.capacity.memory = sim::Bytes::mib(num(r.at(2)));
    n.capacity.gpu_milli = num(r.at(3)) * 1000;
    if (r.size() > 4 && !r[4].empty()) n.attributes["model"] = r[4];
    t.nodes.push_back(std::move(n));
  }
  for (const auto& r : read_csv("traces/alibaba-gpu-2023/openb_pod_list_default.csv")) {
    if (t.pods.size() == max_pods) break;
    PlacementRequest p;
    p.service = r.at(0);
    p.demand.cpu = sim::Millicores{num(r.at(1))};
    p.demand.memory = sim::Bytes::mib(num(r.at(2)));
    p.demand.gpu_milli = num(r.at(3)) * num(r.at(4));  // GPUs x share of each
    t.pods.push_back(std::move(p));
  }
  return t;
}

struct TraceRun {
  std::size_t placed = 0;
  std::size_t used_nodes = 0;
};

TraceRun place_all(Trace t, std::string_view policy_name) {
  auto policy = make_policy(policy_name);
  sim::RandomStream rng{7, 0, "test/trace"};
  TraceRun run;
  for (const PlacementRequest& p : t.pods) {
    const auto out = policy->place(p, t.nodes, rng);
    if (out.node) {
      t.nodes[*out.node].add(p);
      ++run.placed;
    } else {
      REQUIRE(out.reason);
      CHECK_FALSE(out.reason->message.empty());
    }
  }
  for (const NodeView& n : t.nodes) {
    INFO(policy_name << " overcommitted " << n.id);
    REQUIRE(n.allocated.fits_in(n.allocatable()));
  }
  run.used_nodes = packing_metrics(t.nodes, {}).nodes_used;
  return run;
}

}  // namespace

TEST_CASE("the Alibaba 2023 trace loads with its GPU dimension", "[placement][trace]") {
  const Trace t = load_trace(100000);
  CHECK(t.nodes.size() == 1523);
  CHECK(t.pods.size() == 8152);
  CHECK(t.pods[1].demand.gpu_milli == 460);  // 1 GPU x 460 thousandths
}

TEST_CASE("on the Alibaba trace best-fit packs the first pods onto fewer nodes than worst-fit",
          "[placement][trace]") {
  const Trace t = load_trace(1500);
  const TraceRun best = place_all(t, "best-fit");
  const TraceRun worst = place_all(t, "worst-fit");
  const TraceRun k8s_most = place_all(t, "k8s:MostAllocated");
  // The cluster has room for the first 1500 pods whichever way they are packed.
  CHECK(best.placed == 1500);
  CHECK(worst.placed == 1500);
  CHECK(k8s_most.placed == 1500);
  CHECK(best.used_nodes < worst.used_nodes);
  CHECK(k8s_most.used_nodes < worst.used_nodes);
}
