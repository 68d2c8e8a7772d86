#pragma once
// Loading a scenario file: strict YAML reading and validation with precise errors.
//
// Every problem throws app::InputError whose what() is
//   FILE:LINE:COL: error: FIELD: MESSAGE
// e.g. "web.yaml:12:5: error: services[0].memory: invalid size '512Mb': unknown unit 'Mb' ...".
// Each entry of each section is read on its own, so that every independent error of a file is
// reported: one error is thrown as itself, several as one InputErrors
// (app/scenario/input_errors.hpp) whose what() has one line per error (at most 20) and whose
// location is the first error's. Nothing is run before a scenario has loaded completely.
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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/scenario/scenario.hpp"
#include "app/scenario/work_estimate.hpp"
#include "models/catalog/catalog.hpp"

namespace vmcsim::app::scenario {

// Limits on what a scenario file may ask. Every load checks, before any reader runs:
//   - the file's size (max_file_bytes; 0 takes VMCSIM_MAX_INPUT_BYTES from the environment,
//     else kDefaultMaxFileBytes);
//   - that it is valid UTF-8 (the error points at the first bad byte); a UTF-8 byte order mark
//     is skipped without shifting lines or columns;
//   - that it holds one YAML document, nested at most kMaxDepth mappings and lists deep, with
//     at most kMaxNodes nodes once aliases are expanded;
// and after reading, that its work estimate (work_estimate.hpp) fits `budget`, unless
// allow_large (the CLI's --allow-large) lifts that refusal. `replications` (the CLI's
// --replications) replaces the file's count in the estimate; the loaded scenario keeps the file's.
struct LoadOptions {
  bool allow_large = false;
  WorkBudget budget;
  std::optional<int> replications;
  std::uint64_t max_file_bytes = 0;
};
constexpr std::uint64_t kDefaultMaxFileBytes = 64ULL << 20;  // 64 MiB
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxNodes = 10'000'000;

// Without a catalog argument: the catalog shipped with vmcsim (models::Catalog::load_default).
Scenario load_scenario(const std::filesystem::path& file);
Scenario load_scenario(const std::filesystem::path& file, const models::Catalog& catalog);
// Loads from text; `file` names it in messages and is the base for relative paths.
Scenario load_scenario_text(const std::string& text, const std::filesystem::path& file);
Scenario load_scenario_text(const std::string& text, const std::filesystem::path& file,
                            const models::Catalog& catalog);
Scenario load_scenario(const std::filesystem::path& file, const models::Catalog& catalog,
                       const LoadOptions& options);
Scenario load_scenario_text(const std::string& text, const std::filesystem::path& file,
                            const models::Catalog& catalog, const LoadOptions& options);

// One scenario per point of the sweep grid (the cartesian product of the swept values, the
// first parameter varying slowest), each loaded and validated like the original and carrying
// its values in sweep_point. Without a sweep: a one-element vector with a copy. (The work
// estimate of the original already counts every point; points are not estimated again.)
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
