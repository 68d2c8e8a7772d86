#include "app/commands/list.hpp"

#include <functional>
#include <memory>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "app/importers/trace_formats.hpp"
#include "models/registry/model_registries.hpp"
#include "models/registry/placement_policies.hpp"

namespace vmcsim::app {

namespace {

namespace reg = models::registry;

// Each topic with where a scenario uses its names and the table's listing.
struct Topic {
  std::string name;
  std::string used_as;
  std::function<std::string()> listing;
};

const std::vector<Topic>& topics() {
  static const std::vector<Topic> all{
      {"policies", "variants[].placement", [] { return reg::placement_policies().listing(); }},
      {"trace-formats",
       "workloads[].trace.format, hosts[].from_trace.format, vmcsim import trace --format",
       [] {
         std::string out = importers::trace_formats().listing();
         for (const auto& m : importers::trace_formats().modules())
           if (!m.aliases.empty())
             out +=
                 fmt::format("  ({} is also accepted as {})\n", m.name, fmt::join(m.aliases, ", "));
         return out;
       }},
      {"platforms", "variants[].platform", [] { return reg::platform_kinds().listing(); }},
      {"autoscalers", "services[].autoscaling.kind", [] { return reg::autoscalers().listing(); }},
      {"keep-alive", "services[].function.keep_alive.policy",  // [fn]
       [] { return reg::keep_alive_policies().listing(); }},
      {"arima-criteria", "services[].function.keep_alive.arima_criterion",  // [fn]
       [] { return reg::arima_criteria().listing(); }},
      {"distributions", "dist: (any distribution of time or size)",
       [] { return reg::distributions().listing(); }},
  };
  return all;
}

}  // namespace

const std::vector<std::string>& list_topics() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& t : topics())
      out.push_back(t.name);
    return out;
  }();
  return names;
}

std::string list_text(const std::string& topic) {
  std::string out;
  bool found = false;
  for (const auto& t : topics()) {
    if (!topic.empty() && t.name != topic) continue;
    found = true;
    out += fmt::format("{}{} ({}):\n{}", out.empty() ? "" : "\n", t.name, t.used_as, t.listing());
  }
  if (!found) throw std::out_of_range("unknown topic '" + topic + "'");
  return out;
}

void add_list_command(CLI::App& cli, int& exit_code) {
  auto* cmd = cli.add_subcommand(
      "list", "List the names a scenario may use: policies, trace formats, platforms, ...");
  auto topic = std::make_shared<std::string>();
  cmd->add_option("topic", *topic, "One of them (default: all)")
      ->check(CLI::IsMember(list_topics()));
  cmd->callback([topic, &exit_code] {
    fmt::print("{}", list_text(*topic));
    exit_code = 0;
  });
}

}  // namespace vmcsim::app
