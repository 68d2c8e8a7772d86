#include "app/commands/run.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "app/commands/print_or_report.hpp"
#include "app/diagnostic.hpp"
#include "app/report/metrics.hpp"
#include "app/report/results_json.hpp"
#include "app/report/terminal_table.hpp"
#include "app/report/text_format.hpp"
#include "app/report/write_all.hpp"
#include "app/runner/placement_benchmark.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::app {
namespace {

struct RunArgs {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::optional<int> replications;
  unsigned jobs = 0;
  std::string out;
  std::string format = "table";
  bool quiet = false;
};

// A one-line bar on stderr, drawn only on a terminal and only once the run has lasted a second
// (short runs and logs stay clean).
class ProgressBar {
 public:
  ProgressBar() : enabled_(isatty(STDERR_FILENO) == 1) {}
  ~ProgressBar() {
    if (drawn_) std::fputs("\n", stderr);
  }
  void update(std::size_t done, std::size_t total) {
    if (!enabled_) return;
    const auto elapsed = std::chrono::steady_clock::now() - start_;
    if (elapsed < std::chrono::seconds(1) && done < total) return;
    if (!drawn_ && done == total) return;  // finished within a second
    constexpr std::size_t width = 30;
    const std::size_t filled = total ? done * width / total : width;
    fmt::print(stderr, "\r[{}{}] {}/{} runs", std::string(filled, '#'),
               std::string(width - filled, ' '), done, total);
    std::fflush(stderr);
    drawn_ = true;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::string summary_csv(const RunResults& r) {
  std::string out = "variant,metric,mean,half_width,n\n";
  for (const auto& v : r.variants)
    for (const auto& m : report::headline_metrics()) {
      const Estimate e = m.estimate(v);
      out += fmt::format("{},{},{},{},{}\n", report::csv_field(v.name), m.key,
                         report::shortest(e.mean), report::shortest(e.half_width), e.n);
    }
  return out;
}

// Runs and writes the files; returns what goes to stdout.
// A pod_trace scenario is a placement benchmark: one row per policy, no request serving.
std::string execute_placement_benchmark(scenario::Scenario s, const RunArgs& args) {
  if (args.seed) s.seed = *args.seed;
  const std::filesystem::path folder = args.out.empty() ? s.output.directory : args.out;
  report::check_output_folder(folder);
  const auto rows = runner::run_placement_benchmark(s);
  const std::string table = runner::placement_table(rows);
  report::write_files(folder, {{"placement.txt", [&](std::ostream& o) { o << table; }}});
  if (args.quiet) return {};
  fmt::print(stderr, "Results in {}/ (placement.txt)\n", folder.string());
  return table;
}

std::string execute(const RunArgs& args, bool sweep) {
  const auto s = scenario::load_scenario(args.scenario);
  if (runner::has_pod_trace(s)) {
    if (sweep) throw InputError{{args.scenario, 0, 0}, "", "a pod_trace scenario has no sweep"};
    return execute_placement_benchmark(s, args);
  }
  runner::RunOptions options;
  options.seed = args.seed;
  options.replications = args.replications;
  options.jobs = args.jobs;
  const std::filesystem::path folder = args.out.empty() ? s.output.directory : args.out;
  report::check_output_folder(folder);  // before the first event: exit 2 naming the path
  ProgressBar bar;
  options.progress = [&bar](std::size_t done, std::size_t total) { bar.update(done, total); };
  RunResults results = sweep ? runner::run_sweep(s, options) : runner::run_scenario(s, options);
  results.scenario_file = args.scenario;
  report::WriteOptions write;
  if (sweep)
    write.extra.push_back({"sweep.csv", [&](std::ostream& o) { write_sweep_csv(results, o); }});
  report::write_all(results, folder, write);
  if (args.quiet) return {};
  // On stderr, so stdout is exactly the comparison (golden tests, pipes).
  fmt::print(stderr,
             "Results in {}/ (report.html, results.json, instances.csv, timeseries.csv, "
             "trace.json{})\n",
             folder.string(), sweep ? ", sweep.csv" : "");
  if (args.format == "json") {
    std::ostringstream json;
    report::write_results_json(results, json, {.include_wall_seconds = false});
    return json.str();
  }
  return args.format == "csv" ? summary_csv(results) : report::terminal_table(results);
}

void add_command(CLI::App& cli, int& exit_code, bool sweep) {
  auto* cmd =
      sweep ? cli.add_subcommand("sweep",
                                 "Run every point of a scenario's sweep grid and tabulate them")
            : cli.add_subcommand("run", "Run a scenario and compare its variants side by side");
  auto args = std::make_shared<RunArgs>();
  cmd->add_option("scenario", args->scenario, "The scenario file (YAML)")->required();
  cmd->add_option("--seed", args->seed, "Master seed (default: the scenario's)");
  cmd->add_option("--replications", args->replications,
                  "Replications per variant (default: the scenario's)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--jobs,-j", args->jobs, "Worker threads (default: hardware concurrency)");
  cmd->add_option("--out,-o", args->out,
                  "Folder for the result files (default: the scenario's output.directory)");
  cmd->add_option("--format", args->format, "What to print: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_flag("--quiet,-q", args->quiet, "Print nothing on success");
  cmd->callback([args, &exit_code, sweep] {
    exit_code = print_or_report([&] {
      try {
        return execute(*args, sweep);
      } catch (const sim::ParseError& e) {  // a value read outside the scenario loader
        throw InputError({args->scenario, 0, 0}, "", e.what());
      }
    });
  });
}

}  // namespace

void add_run_command(CLI::App& cli, int& exit_code) {
  add_command(cli, exit_code, false);
}
void add_sweep_command(CLI::App& cli, int& exit_code) {
  add_command(cli, exit_code, true);
}

void write_sweep_csv(const RunResults& results, std::ostream& out) {
  if (results.sweep_points.empty()) return;
  std::string header;
  for (const auto& p : results.sweep_points.front().parameters)
    header += report::csv_field(p.name) + ",";
  out << header << "variant,metric,mean,half_width,n\n";
  for (const auto& point : results.sweep_points) {
    std::string prefix;
    for (const auto& p : point.parameters)
      prefix += report::csv_field(p.value) + ",";
    for (const auto& v : point.variants) {
      const std::pair<const char*, Estimate> rows[] = {
          {"startup_ms", v.startup_ms.ci95},
          {"time_to_capacity_s", v.time_to_capacity_s},
          {"slo_violation_fraction", v.slo_violation_fraction},
          {"memory_overhead_gib_hours", v.memory_overhead_gib_hours},
          {"hosts_used_peak", v.hosts_used_peak},
          {"cost_usd", v.cost_usd}};
      for (const auto& [metric, e] : rows)
        out << prefix << report::csv_field(v.variant) << ',' << metric << ','
            << report::shortest(e.mean) << ',' << report::shortest(e.half_width) << ',' << e.n
            << '\n';
    }
  }
}

}  // namespace vmcsim::app
