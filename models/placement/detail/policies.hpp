#pragma once
// Internal: constructors of the concrete policies, shared by make_policy() and the tests of
// the factory. Users go through models/placement/policy.hpp.
#include <memory>
#include <span>
#include <string>

#include "models/placement/policy.hpp"

namespace vmcsim::models::placement::detail {

std::unique_ptr<PlacementPolicy> make_ecs(std::span<const std::string> strategies,
                                          std::string_view spec);
std::unique_ptr<PlacementPolicy> make_k8s(std::string_view plugins, const PolicyOptions& options,
                                          std::string_view spec);

// Whether the memberOf expression holds on `node`.
bool member_of_holds(const ClusterQuery& query, const NodeView& node);

// Indices of the feasible nodes, in order (with the domains counted over `nodes`).
std::vector<NodeIndex> feasible_nodes(const PlacementRequest& request,
                                      std::span<const NodeView> nodes);
std::vector<NodeIndex> feasible_nodes(const PlacementRequest& request,
                                      std::span<const NodeView> nodes, const DomainCounts& domains);

// Splits "a(b,c),d" at the commas outside parentheses, trimming blanks.
std::vector<std::string> split_top_level(std::string_view text);

}  // namespace vmcsim::models::placement::detail
