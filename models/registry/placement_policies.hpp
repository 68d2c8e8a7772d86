#pragma once
// The placement policies a variant may name (`placement:`), one table (models/registry/
// module_group.hpp). make_policy (models/placement/policy.hpp) builds through it, the loader
// checks names against it, `vmcsim list policies` prints it, and a test keeps
// scenarios/schema.json and docs/scenario-format.md in step with it.
//
// A spec is NAME or NAME:ARGUMENTS ("k8s:MostAllocated*2", "ecs:binpack(memory)"); the factory
// gets the whole spec (for messages) and the arguments, and throws sim::ParseError on bad ones.
// Names are spelled as scenarios write them (first_fit); the hyphenated spellings of older
// code (first-fit) are aliases of the same entries.
#include <functional>
#include <memory>
#include <string_view>

#include "models/placement/policy.hpp"
#include "models/registry/module_group.hpp"

namespace vmcsim::models::registry {

using PolicyFactory = std::function<std::unique_ptr<placement::PlacementPolicy>(
    std::string_view spec, std::string_view arguments, const placement::PolicyOptions& options)>;

const ModuleGroup<PolicyFactory>& placement_policies();

// The entry a spec names (the part before ':'), or nullptr.
const Module<PolicyFactory>* find_policy(std::string_view spec);

}  // namespace vmcsim::models::registry
