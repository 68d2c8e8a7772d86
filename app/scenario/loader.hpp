#pragma once
// Loading a scenario file: strict YAML reading and validation with precise errors.
//
// Every problem throws app::InputError whose what() is
//   FILE:LINE:COL: error: FIELD: MESSAGE
// e.g. "web.yaml:12:5: error: services[0].memory: invalid size '512Mb': unknown unit 'Mb' ...".
// Loading stops at the first error; nothing is run before a scenario has loaded completely.
// Checked: unknown keys (with a "did you mean" over that mapping's keys), duplicate keys,
// wrong types, non-positive sizes and counts, unit errors (sim::ParseError wrapped), unknown
// enum values (listing the allowed ones), duplicate names, undefined references, missing
// files (trace, ECS task definition, Kubernetes manifest; resolved relative to the scenario
// file after expanding ${VAR} from the environment), services too large for every host group,
// and sweep paths that name no parameter.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/scenario/scenario.hpp"

namespace vmcsim::app::scenario {

Scenario load_scenario(const std::filesystem::path& file);
// Loads from text; `file` names it in messages and is the base for relative paths.
Scenario load_scenario_text(const std::string& text, const std::filesystem::path& file);

// One scenario per point of the sweep grid (the cartesian product of the swept values, the
// first parameter varying slowest), each loaded and validated like the original and carrying
// its values in sweep_point. Without a sweep: a one-element vector with a copy.
std::vector<Scenario> expand_sweep(const Scenario& scenario);

// The allowed keys of each mapping of the format, by mapping name ("scenario" is the top
// level, "service" an entry of services, ...). scenarios/schema.json has one $defs entry per
// name with the same properties; a test keeps the two equal.
const std::map<std::string, std::vector<std::string>>& key_tables();

struct InstanceType {
  std::string name;
  sim::Millicores cpu;
  sim::Bytes memory;
};
// Instance types the loader knows the capacity of (host groups given only an instance_type).
const std::vector<InstanceType>& known_instance_types();

// Trace formats a workload may name.
const std::vector<std::string>& known_trace_formats();

}  // namespace vmcsim::app::scenario
