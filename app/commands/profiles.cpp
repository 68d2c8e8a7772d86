#include "app/commands/profiles.hpp"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "app/commands/print_or_report.hpp"

namespace vmcsim::app {

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string profiles_table(const models::Catalog& catalog) {
  std::string out =
      fmt::format("{:<16} {:<16} {:>6}  {}\n", "profile", "kind", "phases", "description");
  for (const auto& [name, p] : catalog.profiles())
    out += fmt::format("{:<16} {:<16} {:>6}  {}\n", name, to_string(p.kind), p.boot_phases.size(),
                       p.description);
  out +=
      fmt::format("\n{:<14} {:>5} {:>9} {:>12}\n", "instance type", "vCPU", "memory", "USD/hour");
  for (const auto& [name, t] : catalog.instance_types())
    out += fmt::format("{:<14} {:>5} {:>9} {:>12}\n", name, t.vcpus, t.memory.to_string(),
                       t.usd_per_hour);
  out += "\nEvery value and its source: vmcsim profiles --format markdown\n";
  return out;
}

void add_profiles_command(CLI::App& cli, int& exit_code) {
  auto* cmd = cli.add_subcommand("profiles", "List the calibration catalog with its sources");
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("--format", *format, "table, markdown or yaml")
      ->check(CLI::IsMember({"table", "markdown", "yaml"}))
      ->capture_default_str();
  cmd->callback([format, &exit_code] {
    exit_code = print_or_report([&] {
      if (*format == "yaml") {
        const std::filesystem::path dir = models::Catalog::default_dir();
        return read_file(dir / "profiles.yaml") + "\n" + read_file(dir / "instance_types.yaml");
      }
      const auto catalog = models::Catalog::load_default();
      return *format == "markdown" ? catalog.render_markdown() : profiles_table(catalog);
    });
  });
}

}  // namespace vmcsim::app
