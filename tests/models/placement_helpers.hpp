#pragma once
// Small builders shared by the placement and autoscaling tests.
#include <string>
#include <string_view>

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

// A pod affinity term on `key` selecting pods by `labels`; preferred when weight > 0.
inline models::placement::PodAffinityTerm term(std::string_view key,
                                               models::placement::Labels labels, int weight = 0) {
  models::placement::PodAffinityTerm t;
  t.selector.match_labels = std::move(labels);
  t.topology_key = std::string(key);
  t.required = weight == 0;
  t.weight = weight == 0 ? 1 : weight;
  return t;
}

// A request of `demand` for `service` whose instances carry `labels` (none by default).
inline models::placement::PlacementRequest labelled(models::placement::ResourceVector demand,
                                                    std::string service,
                                                    models::placement::Labels labels = {}) {
  models::placement::PlacementRequest r;
  r.demand = demand;
  r.service = std::move(service);
  r.labels = std::move(labels);
  return r;
}

}  // namespace vmcsim::test
