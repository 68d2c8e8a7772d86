#pragma once
// Checks at load, part 1 of 2 (structure; load_checks_semantics.hpp holds the semantic part).
// Checks on a scenario file as a whole, before and after its sections are read: size, UTF-8,
// one document, nesting depth, node count (LoadOptions in loader.hpp documents the limits),
// and the work estimate against the budget. Internal to the loader.
#include <cstdint>
#include <string>

#include <yaml-cpp/yaml.h>

#include "app/diagnostic.hpp"
#include "app/scenario/loader.hpp"
#include "app/scenario/yaml_field.hpp"

namespace vmcsim::app::scenario {

// The size limit in force: options.max_file_bytes, else VMCSIM_MAX_INPUT_BYTES, else 64 MiB.
std::uint64_t max_file_bytes(const LoadOptions& options);
InputError too_large(const std::string& file, std::uint64_t size, std::uint64_t limit);

// Size and UTF-8 validity of the text (the error at the first bad byte's line and column).
void check_input_text(const std::string& text, const std::string& file, const LoadOptions& options);

// Parses exactly one YAML document (a second one is an error at its line), skipping a byte
// order mark, and checks its depth and node count.
YAML::Node parse_document(const std::string& text, const std::string& file);

// Refuses a scenario whose work estimate exceeds the budget, at the key that drives it;
// `replications_from_cli`: s.replications came from --replications, named as such when it drives.
void check_work(const Scenario& s, const Field& root, const WorkBudget& budget,
                bool replications_from_cli = false);

}  // namespace vmcsim::app::scenario
