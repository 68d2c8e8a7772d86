#include "models/placement/fgd.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>
#include <tuple>

#include "models/placement/detail/gpu_devices.hpp"

namespace vmcsim::models::placement {

namespace {

bool unconstrained(const PlacementRequest& r) {
  return r.member_of.empty() && r.anti_affinity.empty() && !r.distinct_instance;
}

class FgdPolicy final : public PlacementPolicy {
 public:
  explicit FgdPolicy(std::vector<PodClass> workload)
      : workload_{std::move(workload)},
        memo_ok_{std::all_of(workload_.begin(), workload_.end(),
                             [](const PodClass& c) { return unconstrained(c.request); })} {}
  std::string_view name() const override { return "fgd"; }
  std::optional<NodeIndex> choose(const PlacementRequest& request, std::span<const NodeView> nodes,
                                  sim::RandomStream&) override {
    std::optional<NodeIndex> best;
    double best_growth = 0.0;
    for (NodeIndex i = 0; i < nodes.size(); ++i) {
      if (!feasible(request, nodes[i])) continue;
      const double growth = memo_ok_ ? memo_growth(request, nodes[i])
                                     : gpu_fragmentation_after(nodes[i], request, workload_) -
                                           gpu_fragmentation(nodes[i], workload_);
      if (!best || growth < best_growth) {
        best = i;
        best_growth = growth;
      }
    }
    return best;
  }

 private:
  // With unconstrained classes a node's fragmentation depends only on its free resources, its
  // devices' free and whether it is out of task slots: many nodes share such a state (every
  // idle node of a type), so each state is computed once. Exact: the memo only skips work.
  using State = std::tuple<std::int64_t, std::int64_t, double, double, std::int64_t,
                           std::array<std::int32_t, kMaxGpuDevices>, bool>;

  static State state_of(const ResourceVector& free, std::span<const std::int32_t> devices,
                        bool full) {
    std::array<std::int32_t, kMaxGpuDevices> d{};
    d.fill(-1);  // marks devices the node does not have
    std::copy_n(devices.begin(), std::min(devices.size(), kMaxGpuDevices), d.begin());
    return {free.cpu.value(),
            free.memory.count(),
            free.disk.bytes_per_second(),
            free.network.bytes_per_second(),
            free.gpu_milli,
            d,
            full};
  }

  double memo_growth(const PlacementRequest& request, const NodeView& node) {
    const bool full = node.tasks >= node.max_tasks;
    const ResourceVector free = node.free();
    const double before = remember(state_of(free, node.gpu_free, full),
                                   [&] { return gpu_fragmentation(node, workload_); });
    const detail::DevicesAfter after = detail::devices_after(node, request);
    const double then = remember(state_of(free - request.demand, after.view(), full),
                                 [&] { return gpu_fragmentation_after(node, request, workload_); });
    return then - before;
  }

  template <class F>
  double remember(const State& s, F compute) {
    if (memo_.size() > kMemoLimit) memo_.clear();  // bounds memory; results do not change
    const auto [it, inserted] = memo_.try_emplace(s, 0.0);
    if (inserted) it->second = compute();
    return it->second;
  }

  static constexpr std::size_t kMemoLimit = 1'000'000;
  std::vector<PodClass> workload_;
  bool memo_ok_;
  std::map<State, double> memo_;
};

}  // namespace

std::unique_ptr<PlacementPolicy> make_fgd_policy(std::vector<PodClass> workload) {
  if (workload.empty()) throw std::invalid_argument("make_fgd_policy: the workload is empty");
  return std::make_unique<FgdPolicy>(std::move(workload));
}

}  // namespace vmcsim::models::placement
