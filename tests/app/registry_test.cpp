// One table per extension point: the loader, scenarios/schema.json, docs/scenario-format.md and
// `vmcsim list` agree with it.
#include "compiled_paths.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "app/commands/list.hpp"
#include "app/importers/trace_formats.hpp"
#include "app/scenario/loader.hpp"
#include "fixture_path.hpp"
#include "models/registry/model_registries.hpp"
#include "models/registry/placement_policies.hpp"

namespace fs = std::filesystem;
namespace reg = vmcsim::models::registry;
namespace im = vmcsim::app::importers;
using vmcsim::test::run_cli;

namespace {

using vmcsim::test::source_dir;

std::string read(const fs::path& path) {
  std::ifstream in{path};
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const nlohmann::json& schema() {
  static const nlohmann::json s = nlohmann::json::parse(read(source_dir / "scenarios/schema.json"));
  return s;
}

std::vector<std::string> schema_enum(const std::string& def, const std::string& property) {
  return schema()["$defs"][def]["properties"][property]["enum"].get<std::vector<std::string>>();
}

// `name` as a word of `text` (not part of a longer name such as container_in_vm).
bool mentions(const std::string& text, const std::string& name) {
  const std::regex word{"(^|[^A-Za-z0-9_-])" + std::regex_replace(name, std::regex{"-"}, "\\-") +
                        "($|[^A-Za-z0-9_-])"};
  return std::regex_search(text, word);
}

}  // namespace

TEST_CASE("schema.json's enums are the registries' names") {
  CHECK(schema_enum("variant", "platform") == reg::platform_kinds().names());
  CHECK(schema_enum("autoscaling", "kind") == reg::autoscalers().names());
  CHECK(schema_enum("distribution", "dist") == reg::distributions().names());
  CHECK(schema_enum("keep_alive", "arima_criterion") == reg::arima_criteria().names());
  std::vector<std::string> scenario_formats;
  for (const auto& m : im::trace_formats().modules())
    if (m.factory.uses != im::kImportOnly) scenario_formats.push_back(m.name);
  CHECK(schema_enum("trace", "format") == scenario_formats);
  const std::string placement =
      schema()["$defs"]["variant"]["properties"]["placement"]["description"];
  for (const auto& name : reg::placement_policies().names()) {
    INFO(name);
    CHECK(mentions(placement, name));
  }
}

TEST_CASE("docs/scenario-format.md names every registry entry and the replayable formats") {
  const std::string docs = read(source_dir / "docs/scenario-format.md");
  for (const auto& names :
       {reg::placement_policies().names(), reg::platform_kinds().names(),
        reg::autoscalers().names(), reg::distributions().names(), reg::arima_criteria().names(),
        im::trace_format_names(im::kRequestWorkload), im::trace_format_names(im::kPodTrace),
        im::trace_format_names(im::kHostNodes)}) {
    for (const auto& name : names) {
      INFO(name);
      CHECK(mentions(docs, name));
    }
  }
  // The `trace` workload row lists exactly the formats replayed as requests.
  std::smatch row;
  REQUIRE(std::regex_search(docs, row, std::regex{"\\| `trace` \\|[^\\n]*formats ([^\\n]*)"}));
  std::vector<std::string> listed;
  const std::string formats = row[1];
  const std::regex code{"`([a-z0-9-]+)`"};
  for (auto it = std::sregex_iterator(formats.begin(), formats.end(), code);
       it != std::sregex_iterator(); ++it)
    listed.push_back((*it)[1]);
  CHECK(listed == im::trace_format_names(im::kRequestWorkload));
}

TEST_CASE("the loader's names come from the registries") {
  CHECK(vmcsim::app::scenario::known_trace_formats() ==
        im::trace_format_names(im::kRequestWorkload));
  using vmcsim::app::scenario::AutoscalerKind;
  using vmcsim::app::scenario::DistKind;
  std::vector<std::string> kinds;
  for (auto k : {AutoscalerKind::none, AutoscalerKind::hpa, AutoscalerKind::target_tracking,
                 AutoscalerKind::step})
    kinds.push_back(to_string(k));
  CHECK(kinds == reg::autoscalers().names());
  std::vector<std::string> dists;
  for (auto d : {DistKind::constant, DistKind::uniform, DistKind::exponential, DistKind::normal,
                 DistKind::lognormal, DistKind::pareto, DistKind::weibull, DistKind::empirical})
    dists.push_back(to_string(d));
  CHECK(dists == reg::distributions().names());
  for (const auto& m : reg::platform_kinds().modules())
    CHECK(std::string{vmcsim::models::to_string(m.factory)} == m.name);
  // An unknown policy lists the table, as the loader reports it.
  CHECK_THAT(vmcsim::test::input_error_of([] {
               vmcsim::app::scenario::load_scenario_text(
                   "name: t\nduration: 1m\nhosts: [{name: h, cpu: '2', memory: 4GiB}]\n"
                   "images: {a: {size: 1MiB, layers: 1}}\n"
                   "services: [{name: s, image: a, cpu: 100m, memory: 64MiB}]\n"
                   "variants: [{name: v, platform: vm, profile: kvm-ubuntu, placement: "
                   "first-fits}]\n",
                   "inline.yaml");
             }),
             Catch::Contains("unknown placement policy 'first-fits' (allowed: " +
                             reg::placement_policies().allowed() + ")"));
}

TEST_CASE("vmcsim list prints every entry of the table asked for, and every table without one") {
  const auto policies = run_cli("list policies");
  CHECK(policies.exit_code == 0);
  for (const auto& m : reg::placement_policies().modules())
    CHECK_THAT(policies.output, Catch::Contains(m.description));
  const auto formats = run_cli("list trace-formats");
  CHECK(formats.exit_code == 0);
  for (const auto& name : im::trace_format_names(im::kImportOnly))
    CHECK_THAT(formats.output, Catch::Contains(name));
  const auto criteria = run_cli("list arima-criteria");
  CHECK(criteria.exit_code == 0);
  for (const auto& m : reg::arima_criteria().modules())
    CHECK_THAT(criteria.output, Catch::Contains(m.name + "  "));
  const auto all = run_cli("list");
  CHECK(all.exit_code == 0);
  for (const auto& topic : vmcsim::app::list_topics())
    CHECK_THAT(all.output, Catch::Contains(topic + " ("));
  CHECK(run_cli("list policy").exit_code != 0);
}
