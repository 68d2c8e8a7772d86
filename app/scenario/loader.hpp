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
// and sweep paths that name no parameter. Against the calibration catalog (models/catalog):
// instance types (hosts[].instance_type, variants[].node_instance_type), each variant's profile
// (it must exist and be of the variant's platform kind) and its overrides (checked with
// models::apply_overrides; a CatalogError becomes an InputError at the override).
// Services naming an ECS task definition or a Kubernetes manifest are completed from that file
// (resolve_imported_services, app/scenario/imported_services.hpp) before the size check.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/scenario/scenario.hpp"
#include "models/catalog/catalog.hpp"

namespace vmcsim::app::scenario {

// Without a catalog argument: the catalog shipped with vmcsim (models::Catalog::load_default).
Scenario load_scenario(const std::filesystem::path& file);
Scenario load_scenario(const std::filesystem::path& file, const models::Catalog& catalog);
// Loads from text; `file` names it in messages and is the base for relative paths.
Scenario load_scenario_text(const std::string& text, const std::filesystem::path& file);
Scenario load_scenario_text(const std::string& text, const std::filesystem::path& file,
                            const models::Catalog& catalog);

// One scenario per point of the sweep grid (the cartesian product of the swept values, the
// first parameter varying slowest), each loaded and validated like the original and carrying
// its values in sweep_point. Without a sweep: a one-element vector with a copy.
std::vector<Scenario> expand_sweep(const Scenario& scenario);
std::vector<Scenario> expand_sweep(const Scenario& scenario, const models::Catalog& catalog);

// The allowed keys of each mapping of the format, by mapping name ("scenario" is the top
// level, "service" an entry of services, ...). scenarios/schema.json has one $defs entry per
// name with the same properties; a test keeps the two equal.
const std::map<std::string, std::vector<std::string>>& key_tables();

// Trace formats a request workload (kind: trace) may name: those of the trace format table
// (app/importers/trace_formats.hpp) replayed as requests.
const std::vector<std::string>& known_trace_formats();

}  // namespace vmcsim::app::scenario
