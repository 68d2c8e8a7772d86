#include "app/commands/import.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/commands/import_scenario.hpp"
#include "app/commands/print_or_report.hpp"
#include "app/diagnostic.hpp"
#include "app/importers/scenario_fragment.hpp"
#include "app/importers/trace_formats.hpp"

namespace vmcsim::app {

namespace im = importers;

namespace {

std::string as_comments(const std::string& text) {
  std::string out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out += line.empty() ? "#\n" : "# " + line + "\n";
  return out;
}

struct TraceOptions {
  std::string format;
  std::string file;
  std::string durations;  // azure-functions-2019 companion files, optional
  std::string memory;
  bool skip_bad_lines = false;
};

std::string import_trace_text(const TraceOptions& t) {
  im::ImportOptions options;
  options.skip_bad_lines = t.skip_bad_lines;
  // Without --format, the table's headers and field counts tell it, or the error says why not.
  const std::string name = t.format.empty() ? im::detect_trace_format(t.file) : t.format;
  const auto* format = im::trace_formats().find(name);
  if (format == nullptr) throw std::invalid_argument(im::trace_formats().unknown(name));
  if ((!t.durations.empty() || !t.memory.empty()) && format->name != "azure-functions-2019")
    throw InputError({t.file, 0, 0}, "",
                     fmt::format("is {}: --durations and --memory apply to azure-functions-2019 "
                                 "only",
                                 format->name));
  std::string out = t.format.empty() ? fmt::format("# format {} (detected)\n", format->name) : "";
  std::string summary = format->factory.summarize({t.file, t.durations, t.memory}, options);
  // The summary names the skips when there were any; say so when there were none as well.
  if (t.skip_bad_lines && summary.find("skipped ") == std::string::npos)
    summary += "  skipped 0 bad lines\n";
  std::error_code ec;
  const std::string file = std::filesystem::absolute(t.file, ec).lexically_normal().string();
  return out + as_comments(summary) + im::trace_fragment(format->name, file);
}

}  // namespace

const std::vector<std::string>& trace_import_formats() {
  // Every format of the table, under its name and its older spellings.
  static const std::vector<std::string> formats = [] {
    std::vector<std::string> names;
    for (const auto& m : im::trace_formats().modules()) {
      names.push_back(m.name);
      names.insert(names.end(), m.aliases.begin(), m.aliases.end());
    }
    return names;
  }();
  return formats;
}

namespace {

// The services of these ECS task definitions and their summaries.
im::ImportedServices import_ecs(const std::vector<std::string>& files, std::string& summaries) {
  im::ImportedServices all;
  for (const auto& file : files) {
    const auto task = im::load_ecs_task_definition(file);
    summaries += im::summarize(task);
    auto one = im::imported_services(task);
    for (auto& s : one.services)
      all.services.push_back(std::move(s));
    all.platform_hints.merge(one.platform_hints);
    for (auto& n : one.notes)
      all.notes.push_back(std::move(n));
  }
  return all;
}

im::ImportedServices import_k8s(const std::vector<std::string>& files, std::string& summaries) {
  const auto manifest = im::load_k8s_manifests(files);
  summaries = im::summarize(manifest);
  return im::imported_services(manifest);
}

using Importer = im::ImportedServices (*)(const std::vector<std::string>&, std::string&);

// The summary and fragment (absolute paths), or with --scenario the complete scenario written.
std::string import_services_text(Importer importer, const std::vector<std::string>& files,
                                 const std::string& scenario_file) {
  std::string summaries;
  auto imported = importer(files, summaries);
  if (!scenario_file.empty()) return write_imported_scenario(std::move(imported), scenario_file);
  rebase_service_files(imported, {});
  return as_comments(summaries) +
         "# paths are absolute; --scenario FILE writes a runnable scenario, paths relative to it\n" +
         im::scenario_fragment(imported).to_yaml();
}

}  // namespace

std::string import_ecs_text(const std::vector<std::string>& files) {
  return import_services_text(import_ecs, files, "");
}

std::string import_k8s_text(const std::vector<std::string>& files) {
  return import_services_text(import_k8s, files, "");
}

namespace {

// `vmcsim import ecs|k8s`: files, and --scenario to write a complete scenario.
void add_services_import(CLI::App& cmd, int& exit_code, const char* name, const char* what,
                         const char* files_help, Importer importer) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto scenario = std::make_shared<std::string>();
  auto* sub = cmd.add_subcommand(name, what);
  sub->add_option("files", *files, files_help)->required();
  sub->add_option("--scenario", *scenario,
                  "Write a complete, runnable scenario to this file (hosts, registry, the "
                  "services, variants Fargate, ECS on EC2, EKS on EC2 and VMs)");
  sub->callback([files, scenario, importer, &exit_code] {
    exit_code =
        print_or_report([&] { return import_services_text(importer, *files, *scenario); });
  });
}

}  // namespace

void add_import_command(CLI::App& cli, int& exit_code) {
  auto* cmd = cli.add_subcommand(
      "import", "Read ECS task definitions, Kubernetes manifests or traces and summarize them");
  cmd->require_subcommand(1);

  add_services_import(*cmd, exit_code, "ecs",
                      "ECS task definitions: summary and the scenario services fragment (YAML)",
                      "Task definition files (JSON)", import_ecs);
  add_services_import(*cmd, exit_code, "k8s",
                      "Kubernetes manifests: summary and the scenario services fragment (YAML)",
                      "Manifest files (YAML)", import_k8s);

  auto trace = std::make_shared<TraceOptions>();
  auto* tr = cmd->add_subcommand(
      "trace", "A cluster trace: summary of what it holds and the scenario section replaying it");
  tr->add_option("--format", trace->format,
                 "The trace format (default: detected from the header or field count)")
      ->check(CLI::IsMember(trace_import_formats()));
  tr->add_flag("--skip-bad-lines", trace->skip_bad_lines,
               "Count and report bad lines instead of stopping at the first");
  tr->add_option("--durations", trace->durations,
                 "azure-functions-2019: the function durations file");
  tr->add_option("--memory", trace->memory, "azure-functions-2019: the app memory file");
  tr->add_option("file", trace->file, "The trace file")->required();
  tr->callback([trace, &exit_code] {
    if ((!trace->durations.empty() || !trace->memory.empty()) &&
        !trace->format.empty() && trace->format != "azure-functions-2019") {
      fmt::print(stderr, "vmcsim: --durations and --memory apply to azure-functions-2019 only\n");
      exit_code = 2;
      return;
    }
    exit_code = print_or_report([&] { return import_trace_text(*trace); });
  });
}

}  // namespace vmcsim::app
