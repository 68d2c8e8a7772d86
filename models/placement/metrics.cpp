#include "models/placement/metrics.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>

#include "models/placement/detail/gpu_devices.hpp"
#include "models/placement/policy.hpp"

namespace vmcsim::models::placement {

PackingMetrics packing_metrics(std::span<const NodeView> nodes, const ResourceVector& smallest) {
  PackingAccumulator acc{smallest};
  for (const NodeView& n : nodes)
    acc.add(n.allocatable(), n.allocated, n.tasks > 0 || n.allocated != ResourceVector{});
  return acc.result();
}

void PackingAccumulator::add(const ResourceVector& allocatable, const ResourceVector& allocated,
                             bool used) {
  const ResourceVector free = allocatable - allocated;
  free_total_ += free;
  if (used) {
    ++m_.nodes_used;
    used_alloc_ += allocated;
    used_cap_ += allocatable;
  }
  std::array<bool, kDimensions> short_in{};
  bool any_short = false;
  for (const Dimension d : kAllDimensions) {
    const bool s = smallest_.amount(d) > 0.0 && free.amount(d) < smallest_.amount(d);
    short_in[static_cast<std::size_t>(d)] = s;
    any_short = any_short || s;
  }
  if (any_short) free_unusable_ += free;
  for (const Dimension d : kAllDimensions) {
    bool other_short = false;
    for (const Dimension e : kAllDimensions) {
      other_short = other_short || (e != d && short_in[static_cast<std::size_t>(e)]);
    }
    if (other_short) m_.stranded += free.only(d);
  }
}

PackingMetrics PackingAccumulator::result() const {
  PackingMetrics m = m_;
  for (const Dimension d : kAllDimensions) {
    const auto i = static_cast<std::size_t>(d);
    const double cap = used_cap_.amount(d);
    m.packing_efficiency[i] = cap > 0.0 ? used_alloc_.amount(d) / cap : 0.0;
    const double free = free_total_.amount(d);
    m.fragmentation[i] = free > 0.0 ? free_unusable_.amount(d) / free : 0.0;
  }
  return m;
}

namespace {

// Free GPU of one node state (free vector + devices) that class `c` cannot use.
double class_fragment(const PodClass& c, const NodeView& node, const ResourceVector& free,
                      std::span<const std::int32_t> devices) {
  const double all = static_cast<double>(free.gpu_milli);
  const ResourceVector& demand = c.request.demand;
  if (demand.gpu_milli <= 0 || !demand.fits_in(free) || !passes_constraints(c.request, node))
    return all;
  if (!detail::gpu_assignment(c.request, devices)) return all;
  const std::int32_t share = detail::gpu_share(c.request);
  double partial = 0.0;
  for (const std::int32_t f : devices)
    if (f < share) partial += f;
  return partial;
}

double fragmentation_of(const NodeView& node, const ResourceVector& free,
                        std::span<const std::int32_t> devices, std::span<const PodClass> workload) {
  if (free.gpu_milli <= 0) return 0.0;
  double sum = 0.0;
  for (const PodClass& c : workload)
    sum += c.weight * class_fragment(c, node, free, devices);
  return sum;
}

// What makes two pods the same class.
auto class_key(const PlacementRequest& r) {
  std::vector<std::string> constraints;
  for (const ClusterQuery& q : r.member_of)
    constraints.push_back(q.text());
  return std::make_tuple(r.demand.cpu.value(), r.demand.memory.count(),
                         r.demand.disk.bytes_per_second(), r.demand.network.bytes_per_second(),
                         r.demand.gpu_milli, r.gpus, std::move(constraints));
}

}  // namespace

std::vector<PodClass> workload_classes(std::span<const PlacementRequest> pods, double popularity) {
  if (!(popularity > 0.0 && popularity <= 1.0))
    throw std::invalid_argument("workload_classes: popularity must be in (0, 1]");
  using Key = decltype(class_key(PlacementRequest{}));
  std::map<Key, std::pair<std::size_t, const PlacementRequest*>> count;
  for (const PlacementRequest& p : pods) {
    auto& [n, first] = count[class_key(p)];
    if (n++ == 0) first = &p;
  }
  std::vector<std::pair<std::size_t, const PlacementRequest*>> ranked;
  for (const auto& [key, value] : count)
    ranked.push_back(value);
  // Most frequent first; stable keeps equal counts in key order (deterministic).
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<PodClass> out;
  std::size_t covered = 0;
  const double need = popularity * static_cast<double>(pods.size());
  for (const auto& [n, request] : ranked) {
    if (static_cast<double>(covered) >= need) break;
    out.push_back({*request, static_cast<double>(n)});
    covered += n;
  }
  for (PodClass& c : out)
    c.weight /= static_cast<double>(covered);
  return out;
}

double gpu_fragmentation(const NodeView& node, std::span<const PodClass> workload) {
  return fragmentation_of(node, node.free(), node.gpu_free, workload);
}

double gpu_fragmentation_after(const NodeView& node, const PlacementRequest& request,
                               std::span<const PodClass> workload) {
  const detail::DevicesAfter after = detail::devices_after(node, request);
  return fragmentation_of(node, node.free() - request.demand, after.view(), workload);
}

}  // namespace vmcsim::models::placement
