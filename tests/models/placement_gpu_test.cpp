// GPUs as devices, FGD's GPU fragmentation and the FGD policy on hand-worked nodes (Weng et al.,
// "Beware of Fragmentation", USENIX ATC 2023).
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "models/placement/fgd.hpp"
#include "models/placement/metrics.hpp"
#include "models/placement/policy.hpp"

using namespace vmcsim;
using namespace vmcsim::models::placement;

namespace {

// A node of `cores`, `gib` and one device per entry of `gpu_free`, with whatever the devices
// miss (and `used_cores`) already allocated.
NodeView gpu_node(std::string name, int cores, int gib, std::vector<std::int32_t> gpu_free,
                  int used_cores = 0) {
  NodeView n;
  n.id = name;
  n.name = std::move(name);
  n.capacity.cpu = sim::Millicores::cores(cores);
  n.capacity.memory = sim::Bytes::gib(gib);
  n.capacity.gpu_milli = 1000 * static_cast<std::int64_t>(gpu_free.size());
  for (const std::int32_t f : gpu_free)
    n.allocated.gpu_milli += 1000 - f;
  n.allocated.cpu = sim::Millicores::cores(used_cores);
  n.gpu_free = std::move(gpu_free);
  return n;
}

PlacementRequest gpu_pod(int cores, int gib, int gpus, std::int64_t share) {
  PlacementRequest r;
  r.demand.cpu = sim::Millicores::cores(cores);
  r.demand.memory = sim::Bytes::gib(gib);
  r.demand.gpu_milli = gpus * share;
  r.gpus = gpus;
  return r;
}

// Half the pods want half a GPU, a quarter a whole GPU, a quarter no GPU.
std::vector<PodClass> workload() {
  return {
      {gpu_pod(1, 1, 1, 500), 0.5}, {gpu_pod(2, 4, 1, 1000), 0.25}, {gpu_pod(1, 1, 0, 0), 0.25}};
}

}  // namespace

TEST_CASE("a GPU share must fit one device, not the node's free GPU in total") {
  const NodeView n = gpu_node("n", 8, 32, {600, 600});
  CHECK(!feasible(gpu_pod(1, 1, 1, 1000), n));  // 1200 free in total, 600 per device
  CHECK(feasible(gpu_pod(1, 1, 2, 500), n));
  CHECK(feasible(gpu_pod(1, 1, 1, 600), n));
  CHECK(!feasible(gpu_pod(1, 1, 3, 100), n));  // three devices on a two-GPU node
  const Unplaceable why = explain_unplaceable(gpu_pod(1, 1, 1, 1000), std::span{&n, 1});
  CHECK(why.dimension == "gpu");
}

TEST_CASE("a placed pod takes the best-fitting devices and gives back the same ones") {
  NodeView n = gpu_node("n", 8, 32, {1000, 300, 700});
  const PlacementRequest small = gpu_pod(1, 1, 1, 250);
  const GpuSlots s = n.add(small);
  CHECK(s == 0b010U);  // 300 is the least free that holds 250
  CHECK(n.gpu_free == std::vector<std::int32_t>{1000, 50, 700});
  const PlacementRequest two = gpu_pod(1, 1, 2, 500);
  const GpuSlots t = n.add(two);
  CHECK(t == 0b101U);
  CHECK(n.gpu_free == std::vector<std::int32_t>{500, 50, 200});
  CHECK(n.allocated.gpu_milli == 3000 - 750);
  n.remove(small, s);
  n.remove(two, t);
  CHECK(n.gpu_free == std::vector<std::int32_t>{1000, 300, 700});
  CHECK(n.allocated.gpu_milli == 1000);  // what gpu_node() allocated to begin with
}

TEST_CASE("GPU fragmentation is the expected free GPU a random pod of the workload cannot use") {
  // n0: devices {1000, 300}, 6 cores free. Half-GPU pods fit device 0, and the 300 left on
  // device 1 is a fragment for them (300); whole-GPU pods likewise (300); CPU-only pods can
  // use no GPU (1300). F = 0.5 x 300 + 0.25 x 300 + 0.25 x 1300 = 550 milli-GPU.
  const NodeView n0 = gpu_node("n0", 8, 32, {1000, 300}, 2);
  CHECK(gpu_fragmentation(n0, workload()) == Approx(550));
  // n1: its one idle GPU sits beside a full CPU: no pod can use it. F = 1000.
  const NodeView n1 = gpu_node("n1", 4, 16, {1000}, 4);
  CHECK(gpu_fragmentation(n1, workload()) == Approx(1000));
  // n2: no GPU, nothing to fragment.
  CHECK(gpu_fragmentation(gpu_node("n2", 8, 32, {}), workload()) == 0.0);
  // A node whose GPUs are pooled has no partial fragments: only CPU-only pods count (0.25 x 1300).
  NodeView pooled = n0;
  pooled.gpu_free.clear();
  CHECK(gpu_fragmentation(pooled, workload()) == Approx(325));
}

TEST_CASE("fragmentation after a placement follows the devices the pod would take") {
  const NodeView n0 = gpu_node("n0", 8, 32, {1000, 300}, 2);
  // A 0.2 GPU pod fills the 300 fragment down to 100: F = 0.5 x 100 + 0.25 x 100 + 0.25 x 1100.
  CHECK(gpu_fragmentation_after(n0, gpu_pod(1, 1, 1, 200), workload()) == Approx(350));
  // A half-GPU pod takes device 0 down to 500: whole-GPU pods no longer fit (all 800 is a
  // fragment for them), half-GPU pods still lose the 300. F = 0.5 x 300 + 0.25 x 800 + 0.25 x 800.
  CHECK(gpu_fragmentation_after(n0, gpu_pod(1, 1, 1, 500), workload()) == Approx(550));
}

TEST_CASE("FGD puts a small GPU share into an existing fragment, where first-fit opens a GPU") {
  // Node 0 is idle (2 GPUs); node 1 has the 0.3 GPU fragment. On node 0 a 0.2 share would raise
  // F from 500 to 650; on node 1 it lowers it from 550 to 350.
  const std::vector<NodeView> nodes{gpu_node("idle", 8, 32, {1000, 1000}),
                                    gpu_node("fragmented", 8, 32, {1000, 300}, 2)};
  const PlacementRequest share = gpu_pod(1, 1, 1, 200);
  CHECK(gpu_fragmentation_after(nodes[0], share, workload()) -
            gpu_fragmentation(nodes[0], workload()) ==
        Approx(150));
  sim::RandomStream stream{1, 0, "test"};
  CHECK(make_fgd_policy(workload())->choose(share, nodes, stream) == NodeIndex{1});
  CHECK(make_policy("first-fit")->choose(share, nodes, stream) == NodeIndex{0});
  CHECK_THROWS_AS(make_fgd_policy({}), std::invalid_argument);
}

TEST_CASE("FGD keeps a CPU-only pod off the GPU node whose CPU the GPU pods need") {
  // A 4-core CPU-only pod fits both; on the GPU node it would leave 0 cores, so no GPU pod
  // could use its GPUs any more; on the CPU node it fragments nothing.
  const std::vector<NodeView> nodes{gpu_node("gpu", 4, 32, {1000, 1000}),
                                    gpu_node("cpu", 4, 32, {})};
  sim::RandomStream stream{1, 0, "test"};
  CHECK(make_fgd_policy(workload())->choose(gpu_pod(4, 1, 0, 0), nodes, stream) == NodeIndex{1});
}

TEST_CASE("the workload's classes are its most popular pod shapes, weights renormalised") {
  std::vector<PlacementRequest> pods;
  for (int i = 0; i < 5; ++i)
    pods.push_back(gpu_pod(1, 1, 1, 500));
  for (int i = 0; i < 3; ++i)
    pods.push_back(gpu_pod(2, 4, 1, 1000));
  for (int i = 0; i < 2; ++i)
    pods.push_back(gpu_pod(1, 1, 0, 0));
  const auto all = workload_classes(pods, 0.95);
  REQUIRE(all.size() == 3);
  CHECK(all[0].request.demand.gpu_milli == 500);
  CHECK(all[0].weight == Approx(0.5));
  CHECK(all[1].weight == Approx(0.3));
  CHECK(all[2].weight == Approx(0.2));
  const auto top = workload_classes(pods, 0.6);  // 5 of 10 is not 60%: the second class too
  REQUIRE(top.size() == 2);
  CHECK(top[0].weight == Approx(5.0 / 8));
  CHECK(top[1].weight == Approx(3.0 / 8));
  CHECK(workload_classes(pods, 0.5).size() == 1);
  CHECK(workload_classes({}, 0.95).empty());
  CHECK_THROWS_AS(workload_classes(pods, 0.0), std::invalid_argument);
}
