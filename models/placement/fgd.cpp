#include "models/placement/fgd.hpp"

#include <stdexcept>

namespace vmcsim::models::placement {

namespace {

class FgdPolicy final : public PlacementPolicy {
 public:
  explicit FgdPolicy(std::vector<PodClass> workload) : workload_{std::move(workload)} {}
  std::string_view name() const override { return "fgd"; }
  std::optional<NodeIndex> choose(const PlacementRequest& request, std::span<const NodeView> nodes,
                                  sim::RandomStream&) override {
    std::optional<NodeIndex> best;
    double best_growth = 0.0;
    for (NodeIndex i = 0; i < nodes.size(); ++i) {
      if (!feasible(request, nodes[i])) continue;
      const double growth = gpu_fragmentation_after(nodes[i], request, workload_) -
                            gpu_fragmentation(nodes[i], workload_);
      if (!best || growth < best_growth) {
        best = i;
        best_growth = growth;
      }
    }
    return best;
  }

 private:
  std::vector<PodClass> workload_;
};

}  // namespace

std::unique_ptr<PlacementPolicy> make_fgd_policy(std::vector<PodClass> workload) {
  if (workload.empty()) throw std::invalid_argument("make_fgd_policy: the workload is empty");
  return std::make_unique<FgdPolicy>(std::move(workload));
}

}  // namespace vmcsim::models::placement
