#pragma once
// The placement benchmark: a scenario with a pod_trace workload replays a real cluster's pods
// against its hosts once per variant, each variant a placement policy and a way of running a
// pod (a container, or one VM of the variant's profile), and compares how they pack.
//
//   const Scenario s = load_scenario("scenarios/scheduler-benchmark-alibaba.yaml");
//   if (has_pod_trace(s)) {
//     const auto rows = run_placement_benchmark(s);
//     std::cout << placement_table(rows);
//   }
//
// Hosts: every host group (a `from_trace` node list gives each node its own CPU, memory and
// GPUs and its GPU model as attribute `model`; an explicit group gives `count` equal hosts).
// Nodes' GPUs are devices (node_view.hpp): a pod asks num_gpu GPUs with gpu_milli free each,
// so a 0.46 GPU share needs one GPU with 460 milli free. Pods: the alibaba-pods list (its first
// max_pods), in creation order, arrivals sped up by the workload's arrival_speedup; each runs
// for deletion - creation once placed (lifetimes: trace) or stays (hold), and gives up after
// waiting that long or the workload's patience; a non-empty gpu_spec becomes the constraint
// `attribute:model in [spec1, spec2]`. The replay runs over [0, duration) with the scenario's
// seed (models/placement/replay.hpp says how).
// Placement spellings: the scenario's first_fit, best_fit, worst_fit, round_robin are
// make_policy()'s first-fit, best-fit, worst-fit, round-robin; the others are the same.
// Errors: an unknown profile, a profile of the wrong kind for the variant's platform, or
// overrides (not applied here) throw InputError at the variant; bad trace lines throw the
// importers' InputError at their line.
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/scenario/scenario.hpp"
#include "models/metrics/run_metrics.hpp"
#include "models/placement/replay.hpp"

namespace vmcsim::app::runner {

struct PlacementBenchmarkOptions {
  std::vector<std::string> variants;    // run only these (by name); empty: every variant
  std::optional<std::size_t> max_pods;  // only the first pods (default: the workload's max_pods)
  bool head_of_line_blocking = false;   // strict FIFO pending queue (see replay.hpp)
  bool use_index = true;                // false: every decision scans every node (benchmarks)
  std::optional<std::uint64_t> seed;    // for the random policies (default: the scenario's)
  // Passed to every replay (tests check invariants after each event).
  std::function<void(sim::Time, std::span<const models::placement::NodeView>)> observer;
  // Called before each variant's replay with its index in the scenario (progress reports).
  std::function<void(std::size_t)> on_variant;
};

struct PlacementRow {
  std::string variant;
  std::string placement;  // as the scenario spells it
  std::string profile;    // how a pod runs: runc, kvm-ubuntu, ...
  bool vm_per_pod = false;
  models::placement::ReplayResult result;
};

// True when the scenario has a pod_trace workload (then this is how it runs).
bool has_pod_trace(const scenario::Scenario& s);

// One row per variant, in the scenario's order. Throws std::invalid_argument without a
// pod_trace workload.
std::vector<PlacementRow> run_placement_benchmark(const scenario::Scenario& s,
                                                  const PlacementBenchmarkOptions& options = {});

// The trace read once: the nodes and the pods as the scenario asks for them (max_pods, speedup).
struct PlacementInputs {
  std::vector<models::placement::NodeView> nodes;
  std::vector<models::placement::ReplayPod> pods;
};
PlacementInputs placement_inputs(const scenario::Scenario& s,
                                 std::optional<std::size_t> max_pods = std::nullopt);

// One variant's replay (variant index in the scenario) over prepared inputs.
PlacementRow run_placement_variant(const scenario::Scenario& s, const PlacementInputs& inputs,
                                   std::size_t variant, const PlacementBenchmarkOptions& options);

// One replay as one run of the results model: pods are the requested instances (placed =
// ready, with no boot; never placed with their reason), pending time, decisions, peak nodes
// used (hosts_used_peak) and stranded capacity as a share of the nodes' allocatable. What a
// replay does not measure (startup, requests, energy, cost, packing) stays unmeasured (NaN or
// empty: n/a). The decision timing goes to placement_decision_us (wall clock).
models::metrics::VariantRunMetrics run_metrics_of(const PlacementRow& row,
                                                  const PlacementInputs& inputs,
                                                  std::uint64_t replication);

enum class TableColumns { all, deterministic };
// A fixed-width text table, one row per variant: pods placed and never placed (gave up or still
// waiting), pending p50 and p99 of the placed pods, the mean wait of the never placed ones
// (censored at giving up or the end), peak nodes used, stranded CPU and memory (mean / peak),
// GPU fragmentation (mean / peak, in GPUs) and (unless `deterministic`) decision time mean and
// p99 in microseconds; then one line with the peak demand of the pods present, per way of
// running a pod. The deterministic table is the same bytes for the same scenario on any
// machine.
std::string placement_table(std::span<const PlacementRow> rows,
                            TableColumns columns = TableColumns::all);

}  // namespace vmcsim::app::runner
