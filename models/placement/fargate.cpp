#include "models/placement/fargate.hpp"

#include <algorithm>
#include <vector>

namespace vmcsim::models::placement {

namespace {

std::vector<FargateSize> build_sizes() {
  std::vector<FargateSize> out;
  const auto gb = [](std::int64_t n) { return sim::Bytes::gib(n); };
  for (const auto m : {sim::Bytes::mib(512), gb(1), gb(2)})
    out.push_back({sim::Millicores{250}, m});
  struct Range {
    std::int64_t millicores, from_gb, to_gb, step_gb;
  };
  for (const Range r : {Range{500, 1, 4, 1}, Range{1000, 2, 8, 1}, Range{2000, 4, 16, 1},
                        Range{4000, 8, 30, 1}, Range{8000, 16, 60, 4}, Range{16000, 32, 120, 8}}) {
    for (std::int64_t g = r.from_gb; g <= r.to_gb; g += r.step_gb) {
      out.push_back({sim::Millicores{r.millicores}, gb(g)});
    }
  }
  return out;
}

double hourly(const FargateSize& s, const FargatePrice& p) {
  return s.cpu.cores_value() * p.usd_per_vcpu_hour + s.memory.gib_value() * p.usd_per_gb_hour;
}

}  // namespace

std::span<const FargateSize> fargate_sizes() {
  static const std::vector<FargateSize> sizes = build_sizes();
  return sizes;
}

std::optional<FargateFit> fargate_round_up(sim::Millicores cpu, sim::Bytes memory,
                                           const FargatePrice& price) {
  std::optional<FargateSize> best;
  for (const FargateSize& s : fargate_sizes()) {
    if (s.cpu < cpu || s.memory < memory) continue;
    // Strictly cheaper only: sizes are in CPU order, so ties keep the smaller CPU.
    if (!best || hourly(s, price) < hourly(*best, price)) best = s;
  }
  if (!best) return std::nullopt;
  return FargateFit{*best, best->cpu - cpu, best->memory - memory};
}

sim::Time fargate_billed_time(sim::Time run_time) {
  const std::int64_t second = sim::Time::from_s(1).ns();
  const std::int64_t rounded = (run_time.ns() + second - 1) / second * second;
  return std::max(sim::Time::from_ns(rounded), sim::Time::from_s(60));
}

double fargate_cost(const FargateSize& size, sim::Time run_time, const FargatePrice& price) {
  return hourly(size, price) * fargate_billed_time(run_time).seconds() / 3600.0;
}

}  // namespace vmcsim::models::placement
