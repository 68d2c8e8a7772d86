#include <catch2/catch.hpp>

#include <vector>

#include "models/placement/fargate.hpp"
#include "models/placement/metrics.hpp"
#include "models/placement/pending_queue.hpp"
#include "placement_helpers.hpp"

using namespace vmcsim;
using namespace vmcsim::models::placement;
using namespace vmcsim::sim::literals;
using sim::Bytes;
using sim::Millicores;
using test::cpu_mem;
using test::make_node;

namespace {
PlacementRequest req(std::int64_t millicores, std::string service = "s") {
  return test::labelled(cpu_mem(millicores, Bytes::mib(64)), std::move(service));
}
}  // namespace

TEST_CASE("pending requests are placed when capacity frees and report how long they waited",
          "[placement][pending]") {
  std::vector<NodeView> nodes{make_node("n0", 2000, Bytes::gib(4), 0, Bytes{})};
  const PlacementRequest big = req(1500);
  nodes[0].add(big);
  auto policy = make_policy("first-fit");
  sim::RandomStream rng{1};
  PendingQueue q;
  const auto reason = explain_unplaceable(req(1000), nodes);
  CHECK(reason.message == "cpu: needs 1, largest free 500m on n0");
  q.push(1, req(1000), 1_s, reason);
  q.push(2, req(500), 2_s, reason);
  // Without head-of-line blocking the small one passes the large one.
  auto placed = q.retry(3_s, nodes, *policy, rng);
  REQUIRE(placed.size() == 1);
  CHECK(placed[0].id == 2);
  CHECK(placed[0].waited == 1_s);
  CHECK(q.size() == 1);
  CHECK(nodes[0].allocated.cpu == Millicores{2000});
  // The big task leaves; the one waiting since 1 s is placed at 10 s.
  nodes[0].remove(big);
  placed = q.retry(10_s, nodes, *policy, rng);
  REQUIRE(placed.size() == 1);
  CHECK(placed[0].id == 1);
  CHECK(placed[0].waited == 9_s);
  CHECK(q.empty());
  CHECK(q.placed_count() == 2);
  CHECK(q.total_wait() == 10_s);
  CHECK(q.max_wait() == 9_s);
}

TEST_CASE("a strict FIFO pending queue does not let later requests pass", "[placement][pending]") {
  std::vector<NodeView> nodes{make_node("n0", 2000, Bytes::gib(4), 1500, Bytes{})};
  auto policy = make_policy("first-fit");
  sim::RandomStream rng{1};
  PendingQueue q{PendingQueue::Order::fifo, true};
  q.push(1, req(1000), 0_s, {});
  q.push(2, req(500), 0_s, {});
  CHECK(q.retry(1_s, nodes, *policy, rng).empty());
  CHECK(q.size() == 2);
  CHECK(q.waiting()[0].reason.dimension == "cpu");
}

TEST_CASE("a priority pending queue retries higher priorities first, FIFO among equals",
          "[placement][pending]") {
  PendingQueue q{PendingQueue::Order::priority};
  q.push(1, req(100), 0_s, {}, 0);
  q.push(2, req(100), 1_s, {}, 5);
  q.push(3, req(100), 2_s, {}, 0);
  q.push(4, req(100), 3_s, {}, 5);
  std::vector<std::uint64_t> order;
  for (const auto& e : q.waiting())
    order.push_back(e.id);
  CHECK(order == std::vector<std::uint64_t>{2, 4, 1, 3});
  CHECK(q.erase(4));
  CHECK_FALSE(q.erase(4));
  CHECK(q.size() == 3);
}

TEST_CASE("packing metrics count used nodes, efficiency, stranded and fragmented capacity",
          "[placement][metrics]") {
  // n0: cpu exhausted, 6 GiB memory left (stranded). n1: 3000m / 7 GiB free. n2: empty.
  std::vector<NodeView> nodes{make_node("n0", 4000, Bytes::gib(8), 4000, Bytes::gib(2)),
                              make_node("n1", 4000, Bytes::gib(8), 1000, Bytes::gib(1)),
                              make_node("n2", 4000, Bytes::gib(8), 0, Bytes{})};
  const auto m = packing_metrics(nodes, cpu_mem(500, Bytes::mib(512)));
  CHECK(m.nodes_used == 2);
  CHECK(m.efficiency(Dimension::cpu) == Approx(5000.0 / 8000.0));
  CHECK(m.efficiency(Dimension::memory) == Approx(3.0 / 16.0));
  CHECK(m.stranded.memory == Bytes::gib(6));
  CHECK(m.stranded.cpu == Millicores{0});
  CHECK(m.fragmented(Dimension::memory) == Approx(6.0 / 21.0));
  CHECK(m.fragmented(Dimension::cpu) == Approx(0.0));
}

TEST_CASE("Fargate has the documented table of valid sizes", "[fargate]") {
  const auto sizes = fargate_sizes();
  // 3 (0.25 vCPU) + 4 (0.5) + 7 (1) + 13 (2) + 23 (4) + 12 (8) + 12 (16).
  CHECK(sizes.size() == 74);
  CHECK(sizes.front() == FargateSize{Millicores{250}, Bytes::mib(512)});
  CHECK(sizes.back() == FargateSize{Millicores::cores(16), Bytes::gib(120)});
}

TEST_CASE("Fargate rounds a request up to the cheapest valid size and reports the waste",
          "[fargate]") {
  struct Case {
    std::int64_t millicores;
    Bytes memory;
    std::int64_t want_millicores;
    Bytes want_memory;
  };
  const Case cases[] = {
      {250, Bytes::mib(600), 250, Bytes::gib(1)},  // memory to the next of 0.5/1/2 GB
      {300, Bytes::mib(512), 500, Bytes::gib(1)},  // cpu to 0.5 vCPU, whose minimum is 1 GB
      {250, Bytes::gib(5), 1000, Bytes::gib(5)},   // 0.25 and 0.5 vCPU stop at 2 and 4 GB
      {2000, Bytes::from_gib(3.5), 2000, Bytes::gib(4)},
      {4000, Bytes::gib(31), 8000, Bytes::gib(32)},   // 4 vCPU stops at 30 GB; 8 vCPU 4 GB steps
      {8000, Bytes::gib(61), 16000, Bytes::gib(64)},  // 16 vCPU: 8 GB steps
      {1000, Bytes::gib(17), 4000, Bytes::gib(17)},   // 2 vCPU stops at 16 GB
  };
  for (const Case& c : cases) {
    INFO(c.millicores << "m " << c.memory.to_string());
    const auto fit = fargate_round_up(Millicores{c.millicores}, c.memory);
    REQUIRE(fit);
    CHECK(fit->size.cpu == Millicores{c.want_millicores});
    CHECK(fit->size.memory == c.want_memory);
    CHECK(fit->cpu_waste == Millicores{c.want_millicores - c.millicores});
    CHECK(fit->memory_waste == c.want_memory - c.memory);
  }
  CHECK_FALSE(fargate_round_up(Millicores::cores(16), Bytes::gib(121)));
  CHECK_FALSE(fargate_round_up(Millicores::cores(17), Bytes::gib(32)));
}

TEST_CASE("Fargate bills per second with a one-minute minimum", "[fargate]") {
  CHECK(fargate_billed_time(30_s) == 60_s);
  CHECK(fargate_billed_time(61200_ms) == 62_s);
  CHECK(fargate_billed_time(2_h) == 2_h);
  const FargateSize one_two{Millicores::cores(1), Bytes::gib(2)};
  // 1 vCPU x $0.04048 + 2 GB x $0.004445 per hour.
  CHECK(fargate_cost(one_two, 1_h) == Approx(0.04048 + 2 * 0.004445));
  CHECK(fargate_cost(one_two, 10_s) == Approx((0.04048 + 2 * 0.004445) / 60.0));
  const FargatePrice arm{0.03238, 0.00356};
  CHECK(fargate_cost(one_two, 1_h, arm) == Approx(0.03238 + 2 * 0.00356));
}
