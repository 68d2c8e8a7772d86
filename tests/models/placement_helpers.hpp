#pragma once
// Small builders shared by the placement and autoscaling tests.
#include <string>

#include "models/placement/node_view.hpp"

namespace vmcsim::test {

inline models::placement::ResourceVector cpu_mem(std::int64_t millicores, sim::Bytes memory) {
  models::placement::ResourceVector v;
  v.cpu = sim::Millicores{millicores};
  v.memory = memory;
  return v;
}

// A node with `capacity` cpu/memory and `used` of it allocated.
inline models::placement::NodeView make_node(std::string id, std::int64_t cap_millicores,
                                             sim::Bytes cap_memory, std::int64_t used_millicores,
                                             sim::Bytes used_memory) {
  models::placement::NodeView n;
  n.id = id;
  n.name = std::move(id);
  n.capacity = cpu_mem(cap_millicores, cap_memory);
  n.allocated = cpu_mem(used_millicores, used_memory);
  return n;
}

}  // namespace vmcsim::test
