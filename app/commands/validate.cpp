#include "app/commands/validate.hpp"

#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/commands/print_or_report.hpp"
#include "app/scenario/loader.hpp"

namespace vmcsim::app {

using sim::Bytes;
using sim::Millicores;

std::string summarize(const scenario::Scenario& s, std::size_t sweep_points) {
  std::vector<std::string> variants;
  for (const auto& v : s.variants)
    variants.push_back(fmt::format("{} ({} {})", v.name, to_string(v.platform), v.profile));
  std::vector<std::string> services;
  for (const auto& sv : s.services) {
    const bool from_file = sv.cpu_request == Millicores{} || sv.memory_request == Bytes{};
    services.push_back(from_file
                           ? fmt::format("{} ({} x resources from {})", sv.name, sv.replicas,
                                         sv.ecs_task_definition.empty() ? "its Kubernetes manifest"
                                                                        : "its ECS task definition")
                           : fmt::format("{} ({} x {} CPU, {})", sv.name, sv.replicas,
                                         sv.cpu_request, sv.memory_request));
  }
  std::vector<std::string> groups;
  for (const auto& g : s.hosts)
    groups.push_back(g.from_trace
                         ? fmt::format("{} x {} (nodes of {}, largest {} CPU, {})", g.count, g.name,
                                       g.from_trace->file, g.cpu, g.memory)
                         : fmt::format("{} x {} ({} CPU, {})", g.count, g.name, g.cpu, g.memory));
  for (const auto& w : s.workloads)
    if (w.kind == scenario::WorkloadKind::pod_trace)
      services.push_back(fmt::format(
          "the pods of {}{}{}", w.trace->file, w.hold_pods ? ", held (they never leave)" : "",
          w.arrival_speedup != 1.0 ? fmt::format(", arriving {}x as fast", w.arrival_speedup)
                                   : ""));
  std::string text = fmt::format(
      "Scenario '{}' is valid: {} variant{} compared side by side: {}; {} service{}: {}; "
      "{} host{} in {} group{}: {}; {} simulated (warmup {}), {} replication{}, seed {}",
      s.name, s.variants.size(), s.variants.size() == 1 ? "" : "s", fmt::join(variants, ", "),
      s.services.size(), s.services.size() == 1 ? "" : "s", fmt::join(services, ", "),
      s.host_count(), s.host_count() == 1 ? "" : "s", s.hosts.size(),
      s.hosts.size() == 1 ? "" : "s", fmt::join(groups, ", "), s.duration, s.warmup, s.replications,
      s.replications == 1 ? "" : "s", s.seed);
  if (!s.sweep.empty()) text += fmt::format("; the sweep has {} points", sweep_points);
  return text + ".\n";
}

void add_validate_command(CLI::App& cli, int& exit_code) {
  auto* cmd = cli.add_subcommand("validate", "Check a scenario file and summarize it");
  auto file = std::make_shared<std::string>();
  cmd->add_option("scenario", *file, "The scenario file (YAML)")->required();
  cmd->callback([file, &exit_code] {
    exit_code = print_or_report([&] {
      const auto catalog = models::Catalog::load_default();
      const auto s = scenario::load_scenario(*file, catalog);
      for (const std::string& w : s.tenancy.warnings)  // what Kubernetes accepts
        fmt::print(stderr, "{}\n", w);
      return summarize(s, scenario::expand_sweep(s, catalog).size());
    });
  });
}

}  // namespace vmcsim::app
