#include "app/commands/validate.hpp"

#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/commands/print_or_report.hpp"
#include "app/scenario/loader.hpp"
#include "app/scenario/work_estimate.hpp"
#include "models/placement/resources.hpp"

namespace vmcsim::app {

using sim::Bytes;
using sim::Millicores;

namespace {

// Where an imported service's requests came from, and what stands in for a missing one.
std::string request_note(const scenario::Service& sv) {
  if (sv.ecs_task_definition.empty() && sv.kubernetes.empty()) return {};
  const bool no_cpu = sv.cpu_request == Millicores{}, no_memory = sv.memory_request == Bytes{};
  if (!no_cpu && !no_memory)
    return sv.ecs_task_definition.empty() ? " from its Kubernetes manifest"
                                          : " from its ECS task definition";
  const auto cpu = models::placement::kDefaultScoringCpu.to_string() + " CPU";
  const auto memory = models::placement::kDefaultScoringMemory.to_string();
  return fmt::format(
      " from its Kubernetes manifest, {}: no {} request, fitted as 0 and scored as {} by k8s "
      "placement (kube-scheduler's default)",
      sv.qos_class, no_cpu && no_memory ? "CPU or memory" : (no_cpu ? "CPU" : "memory"),
      no_cpu && no_memory ? cpu + ", " + memory : (no_cpu ? cpu : memory));
}

}  // namespace

std::string summarize(const scenario::Scenario& s, std::size_t sweep_points) {
  std::vector<std::string> variants;
  for (const auto& v : s.variants)
    variants.push_back(fmt::format("{} ({} {})", v.name, to_string(v.platform), v.profile));
  std::vector<std::string> services;
  for (const auto& sv : s.services)
    services.push_back(fmt::format(
        "{} ({} x {} CPU, {}{}{})", sv.name, sv.replicas, sv.cpu_request, sv.memory_request,
        sv.gpus > 0 ? fmt::format(", {} GPU", sv.gpus) : "", request_note(sv)));
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
  std::vector<std::string> assumed;
  const scenario::Image* one = nullptr;
  for (const auto& im : s.images)
    if (im.assumed) {
      assumed.push_back(im.name);
      one = &im;
    }
  if (one != nullptr)
    text += fmt::format("; assumed (known by name only): image{} {}, each {} in {} layers",
                        assumed.size() == 1 ? "" : "s", fmt::join(assumed, ", "), one->total_size(),
                        one->layers.size());
  if (!s.sweep.empty()) text += fmt::format("; the sweep has {} points", sweep_points);
  text += fmt::format(".\nWork estimate: {}.\n", to_string(scenario::estimate_work(s)));
  if (!s.assumptions.empty()) {
    text += fmt::format("Assumed ({} value{} the file does not give):\n", s.assumptions.size(),
                        s.assumptions.size() == 1 ? "" : "s");
    for (const auto& a : s.assumptions)
      text += fmt::format("  {}: {}: {} ({})\n", to_string(a.where), a.field, a.value, a.reason);
  }
  return text;
}

void add_validate_command(CLI::App& cli, int& exit_code) {
  auto* cmd = cli.add_subcommand("validate", "Check a scenario file and summarize it");
  auto file = std::make_shared<std::string>();
  auto options = std::make_shared<scenario::LoadOptions>();
  cmd->add_option("scenario", *file, "The scenario file (YAML)")->required();
  cmd->add_flag("--allow-large", options->allow_large,
                "Accept a scenario whose work estimate exceeds the budget");
  cmd->callback([file, options, &exit_code] {
    exit_code = print_or_report([&] {
      const auto catalog = models::Catalog::load_default();
      const auto s = scenario::load_scenario(*file, catalog, *options);
      for (const std::string& w : s.tenancy.warnings)  // what Kubernetes accepts
        fmt::print(stderr, "{}\n", w);
      return summarize(s, scenario::expand_sweep(s, catalog).size());
    });
  });
}

}  // namespace vmcsim::app
