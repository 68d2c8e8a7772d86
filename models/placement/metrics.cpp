#include "models/placement/metrics.hpp"

namespace vmcsim::models::placement {

PackingMetrics packing_metrics(std::span<const NodeView> nodes, const ResourceVector& smallest) {
  PackingMetrics m;
  ResourceVector used_alloc, used_cap, free_total, free_unusable;
  for (const NodeView& n : nodes) {
    const ResourceVector free = n.free();
    free_total += free;
    const bool used = n.tasks > 0 || n.allocated != ResourceVector{};
    if (used) {
      ++m.nodes_used;
      used_alloc += n.allocated;
      used_cap += n.allocatable();
    }
    std::array<bool, kDimensions> short_in{};
    bool any_short = false;
    for (const Dimension d : kAllDimensions) {
      const bool s = smallest.amount(d) > 0.0 && free.amount(d) < smallest.amount(d);
      short_in[static_cast<std::size_t>(d)] = s;
      any_short = any_short || s;
    }
    if (any_short) free_unusable += free;
    for (const Dimension d : kAllDimensions) {
      bool other_short = false;
      for (const Dimension e : kAllDimensions) {
        other_short = other_short || (e != d && short_in[static_cast<std::size_t>(e)]);
      }
      if (other_short) m.stranded += free.only(d);
    }
  }
  for (const Dimension d : kAllDimensions) {
    const auto i = static_cast<std::size_t>(d);
    const double cap = used_cap.amount(d);
    m.packing_efficiency[i] = cap > 0.0 ? used_alloc.amount(d) / cap : 0.0;
    const double free = free_total.amount(d);
    m.fragmentation[i] = free > 0.0 ? free_unusable.amount(d) / free : 0.0;
  }
  return m;
}

}  // namespace vmcsim::models::placement
