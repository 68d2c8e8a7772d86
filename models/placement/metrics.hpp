#pragma once
// Packing metrics over a snapshot of nodes.
//
//   nodes_used            nodes with at least one task or any allocation
//   packing_efficiency[d] sum allocated_d / sum allocatable_d over the used nodes (1 = full)
//   stranded[d]           free capacity of d on nodes where ANOTHER dimension e has less free
//                         than the smallest request needs (free_e < smallest_e): d is there but
//                         no request can use it
//   fragmentation[d]      share of the cluster's free d that sits on nodes that cannot host the
//                         smallest request at all (any dimension short, d itself included), in
//                         the spirit of Weng et al., "Beware of Fragmentation", USENIX ATC 2023
// Dimensions a request does not use (smallest_d == 0) never make a node unusable.
#include <array>
#include <span>

#include "models/placement/node_view.hpp"

namespace vmcsim::models::placement {

struct PackingMetrics {
  std::size_t nodes_used = 0;
  std::array<double, kDimensions> packing_efficiency{};  // indexed by Dimension
  ResourceVector stranded;
  std::array<double, kDimensions> fragmentation{};

  double efficiency(Dimension d) const { return packing_efficiency[static_cast<std::size_t>(d)]; }
  double fragmented(Dimension d) const { return fragmentation[static_cast<std::size_t>(d)]; }
};

PackingMetrics packing_metrics(std::span<const NodeView> nodes, const ResourceVector& smallest);

}  // namespace vmcsim::models::placement
