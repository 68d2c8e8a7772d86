// The scheduler benchmark scenario (scenarios/scheduler-benchmark-alibaba.yaml): the Alibaba GPU
// trace 2023 pods replayed against its nodes under placement policies, as containers and as one
// VM per pod. Reads the shared fixtures through VMCSIM_DATA.
#include "app/runner/placement_benchmark.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "app/report/results_json.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"
#include "fixture_path.hpp"

namespace fs = std::filesystem;
using namespace vmcsim;
using namespace vmcsim::app::runner;
using vmcsim::models::placement::NodeView;

namespace {

using vmcsim::test::source_dir;
using vmcsim::test::test_data;

// The scenario, with ${VMCSIM_DATA} pointing at the fixtures (failing if they are missing).
app::scenario::Scenario benchmark_scenario() {
  const fs::path nodes{test::fixture("traces/alibaba-gpu-2023/openb_node_list_all_node.csv")};
  ::setenv("VMCSIM_DATA", nodes.parent_path().parent_path().parent_path().c_str(), 1);
  return app::scenario::load_scenario(source_dir / "scenarios/scheduler-benchmark-alibaba.yaml");
}

// The first pods of the trace: enough to need hundreds of nodes, fast enough for a unit test.
constexpr std::size_t kPods = 1000;

std::map<std::string, PlacementRow> by_variant(std::vector<PlacementRow> rows) {
  std::map<std::string, PlacementRow> out;
  for (auto& r : rows)
    out.emplace(r.variant, std::move(r));
  return out;
}

// `text` equals the golden file (which VMCSIM_UPDATE_GOLDEN=1 rewrites first).
void check_golden(const fs::path& golden, const std::string& text) {
  if (std::getenv("VMCSIM_UPDATE_GOLDEN") != nullptr) std::ofstream{golden} << text;
  std::ifstream in{golden};
  INFO("golden file " << golden
                      << " (regenerate with VMCSIM_UPDATE_GOLDEN=1 after a change "
                         "you have checked)");
  REQUIRE(in.good());
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(text == expected.str());
}

}  // namespace

TEST_CASE("the scheduler benchmark scenario loads as a pod trace with every policy") {
  const auto s = benchmark_scenario();
  REQUIRE(has_pod_trace(s));
  CHECK(s.services.empty());
  REQUIRE(s.hosts.size() == 1);
  CHECK(s.hosts[0].count == 1523);
  std::set<std::string> placements;
  for (const auto& v : s.variants)
    placements.insert(v.placement);
  for (const char* p :
       {"first_fit", "best_fit", "worst_fit", "random", "round_robin", "ecs:binpack(cpu)",
        "ecs:binpack(memory)", "ecs:spread(instanceId)", "k8s:LeastAllocated", "k8s:MostAllocated",
        "k8s:BalancedAllocation", "k8s:RequestedToCapacityRatio", "tetris", "fgd"})
    CHECK(placements.count(p) == 1);
  // Pods come and go, sped up so that they press on the cluster (docs/scheduler-benchmark.md).
  REQUIRE(s.workloads.size() == 1);
  CHECK(!s.workloads[0].hold_pods);
  CHECK(s.workloads[0].arrival_speedup == 100000.0);
  CHECK(s.workloads[0].patience == sim::Time::from_s(3600));
}

TEST_CASE("under the shipped pressure some pods wait, and FGD fragments the GPUs least") {
  // The first 2000 pods of the trace in the shipped mode: the busy part of the trace arrives
  // within seconds, so the cluster fills and pods queue.
  const auto s = benchmark_scenario();
  PlacementBenchmarkOptions options;
  options.max_pods = 2000;
  options.variants = {"k8s-most-allocated", "fgd", "k8s-least-allocated"};
  const auto rows = by_variant(run_placement_benchmark(s, options));
  const auto& packer = rows.at("k8s-most-allocated").result;
  CHECK(packer.peak_demand[static_cast<std::size_t>(models::placement::Dimension::gpu)] > 0.2);
  for (const auto& [name, row] : rows) {
    INFO(name);
    CHECK(row.result.pods_placed + row.result.pods_never_placed() == 2000);
    CHECK(row.result.pending_max >= row.result.pending_p99);
  }
  CHECK(rows.at("fgd").result.gpu_fragmentation_mean <
        rows.at("k8s-most-allocated").result.gpu_fragmentation_mean);
}

TEST_CASE("no node is ever overcommitted and every pod is either placed or never placed") {
  const auto s = benchmark_scenario();
  PlacementBenchmarkOptions options;
  options.max_pods = kPods;
  options.variants = {"best-fit", "k8s-least-allocated", "random", "ecs-spread-instance",
                      "vm-k8s-most-allocated"};
  std::size_t checks = 0, overcommitted = 0;
  options.observer = [&](sim::Time, std::span<const NodeView> nodes) {
    ++checks;
    for (const NodeView& n : nodes) {
      if (!n.allocated.fits_in(n.allocatable())) ++overcommitted;
      std::int64_t device_free = 0;
      for (const std::int32_t f : n.gpu_free) {
        if (f < 0 || f > 1000) ++overcommitted;
        device_free += f;
      }
      if (device_free != n.free().gpu_milli) ++overcommitted;  // devices agree with the total
    }
  };
  const auto rows = run_placement_benchmark(s, options);
  REQUIRE(rows.size() == options.variants.size());
  CHECK(checks >= rows.size() * kPods);  // at least one check per arrival
  CHECK(overcommitted == 0);
  for (const auto& row : rows) {
    INFO(row.variant);
    CHECK(row.result.pods_total == kPods);
    CHECK(row.result.pods_placed + row.result.pods_never_placed() == row.result.pods_total);
    CHECK(row.result.peak_nodes_used > 0);
    CHECK(row.result.mean_nodes_used <= static_cast<double>(row.result.peak_nodes_used));
    CHECK(row.result.timing.decisions >= row.result.pods_total);
  }
}

TEST_CASE("packing policies use fewer nodes than spreading ones, and VMs more than containers") {
  // Held pods (the fill experiment): node counts then only grow, and compare packing alone.
  auto s = benchmark_scenario();
  s.workloads.at(0).hold_pods = true;
  s.workloads.at(0).arrival_speedup = 1.0;
  s.workloads.at(0).patience.reset();
  s.duration = sim::Time::from_s(150 * 86400);  // trace time: the arrivals span 149 days
  // Exact scoring for the VM/container pair: kube-scheduler's sample of the nodes
  // (percentageOfNodesToScore) moves a peak by a few nodes either way, more than the VMs' margin.
  for (auto& v : s.variants)
    if (v.name == "k8s-most-allocated" || v.name == "vm-k8s-most-allocated")
      v.placement = "k8s:MostAllocated,percentageOfNodesToScore=100";
  PlacementBenchmarkOptions options;
  options.max_pods = kPods;
  options.variants = {"best-fit", "worst-fit", "k8s-most-allocated", "k8s-least-allocated",
                      "vm-k8s-most-allocated"};
  const auto rows = by_variant(run_placement_benchmark(s, options));
  const auto peak = [&](const char* v) { return rows.at(v).result.peak_nodes_used; };
  const auto mean = [&](const char* v) { return rows.at(v).result.mean_nodes_used; };
  CHECK(peak("k8s-most-allocated") < peak("k8s-least-allocated"));
  CHECK(peak("best-fit") < peak("worst-fit"));
  CHECK(mean("k8s-most-allocated") < mean("k8s-least-allocated"));
  CHECK(mean("best-fit") < mean("worst-fit"));
  // MostAllocated packs VMs (guest OS, hypervisor overhead, whole vCPUs) into more nodes.
  // (Best-fit does not reliably: with GPUs as devices its VMs used 420 nodes vs 421 for
  // containers on these pods, since a bigger pod changes which node fits best.)
  CHECK(peak("vm-k8s-most-allocated") > peak("k8s-most-allocated"));
  CHECK(mean("vm-k8s-most-allocated") > mean("k8s-most-allocated"));
}

TEST_CASE("the deterministic columns of the scheduler benchmark match the golden table") {
  const auto s = benchmark_scenario();
  PlacementBenchmarkOptions options;
  options.max_pods = kPods;
  const std::string table =
      placement_table(run_placement_benchmark(s, options), TableColumns::deterministic);
  check_golden(test_data / "golden/scheduler-benchmark-alibaba-1000-pods.txt", table);
}

TEST_CASE("the scheduler benchmark's results.json on the first 1000 pods matches its golden file") {
  // Through the runner, as `vmcsim run` does: two replications (the random policy's differ,
  // every other policy's agree), two workers.
  auto s = benchmark_scenario();
  s.workloads.at(0).max_pods = kPods;
  s.replications = 2;
  // The resolved scenario in results.json says so too.
  const std::string anchor = "    patience: 1h\n";
  REQUIRE(s.source_text.find(anchor) != std::string::npos);
  s.source_text.replace(s.source_text.find(anchor), anchor.size(),
                        anchor + fmt::format("    max_pods: {}\n", kPods));
  RunOptions options;
  options.jobs = 2;
  auto results = run_scenario(s, options);
  results.scenario_file = "scenarios/scheduler-benchmark-alibaba.yaml";  // not this checkout's
  REQUIRE(results.variants.size() == s.variants.size());
  for (const auto& v : results.variants) {
    INFO(v.name);
    CHECK(v.replications == 2);
    CHECK(v.instances_requested.mean == static_cast<double>(kPods));
    CHECK(v.instances_ready.mean + v.instances_never_placed.mean == static_cast<double>(kPods));
    CHECK(v.placement_measured());
    CHECK(v.startup_ms.ci95.n == 0);  // pods do not boot in a replay: n/a, not 0
    CHECK(v.cost_usd.n == 0);
  }
  CHECK_FALSE(results.placement_table.empty());
  const std::string json = app::report::results_to_json(results).dump(2) + "\n";
  check_golden(test_data / "golden/scheduler-benchmark-alibaba-1000-pods.results.json", json);
}

TEST_CASE("a replay of no pods places nothing and uses no nodes") {
  const auto s = benchmark_scenario();
  PlacementBenchmarkOptions options;
  options.max_pods = 0;
  options.variants = {"first-fit"};
  const auto rows = run_placement_benchmark(s, options);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].result.pods_total == 0);
  CHECK(rows[0].result.peak_nodes_used == 0);
}

// Not a check: prints the table docs/scheduler-benchmark.md shows (VMCSIM_SCENARIO: another
// pod_trace scenario file instead).
TEST_CASE("the whole scheduler benchmark, printed", "[.][scheduler-benchmark]") {
  auto s = benchmark_scenario();
  if (const char* other = std::getenv("VMCSIM_SCENARIO")) s = app::scenario::load_scenario(other);
  const auto rows = run_placement_benchmark(s);
  std::cout << placement_table(rows);
  for (const auto& r : rows)
    for (const auto& [why, n] : r.result.never_placed_by)
      std::cout << r.variant << ": " << n << " never placed (" << why << ")\n";
  SUCCEED();
}
