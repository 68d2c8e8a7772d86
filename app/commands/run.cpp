#include "app/commands/run.hpp"

#include <algorithm>
#include <csignal>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/commands/print_or_report.hpp"
#include "app/commands/progress.hpp"
#include "app/diagnostic.hpp"
#include "app/report/csv_writers.hpp"
#include "app/report/metrics.hpp"
#include "app/report/results_json.hpp"
#include "app/report/sweep_report.hpp"
#include "app/report/terminal_table.hpp"
#include "app/report/text_format.hpp"
#include "app/report/write_all.hpp"
#include "app/runner/mpi_session.hpp"
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
  std::string format;  // empty: table, if output.formats lists it
  bool quiet = false;
  bool progress = false;     // plain progress lines instead of a bar
  bool allow_large = false;  // run a scenario whose work estimate exceeds the budget
};

// Set by SIGINT while a run is going (see StopOnInterrupt); read by the runner's workers.
std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) {
  g_interrupted.store(true);
}

// While alive, the first Ctrl-C asks the run to stop (the runner finishes cleanly and the
// finished replications are written); the handler is reset by it, so a second Ctrl-C kills.
class StopOnInterrupt {
 public:
  StopOnInterrupt() {
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    ::sigaction(SIGINT, &sa, &previous_);
  }
  ~StopOnInterrupt() { ::sigaction(SIGINT, &previous_, nullptr); }
  StopOnInterrupt(const StopOnInterrupt&) = delete;
  StopOnInterrupt& operator=(const StopOnInterrupt&) = delete;

 private:
  struct sigaction previous_ {};
};

static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

RunProgress::Mode progress_mode(const RunArgs& args) {
  if (args.progress) return RunProgress::Mode::lines;
  return args.quiet ? RunProgress::Mode::none : RunProgress::Mode::bar;
}

std::vector<std::string> variant_names(const scenario::Scenario& s) {
  std::vector<std::string> names;
  for (const auto& v : s.variants)
    names.push_back(v.name);
  return names;
}

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

// `sweep` needs a grid (exit 2 at the file without one); `run` on a file with a grid runs the
// scenario as written and says, at the grid, that its points were not run and how to run them.
void check_sweep_grid(const RunArgs& args, const scenario::Scenario& s, bool sweep) {
  if (sweep && s.sweep.empty())
    throw InputError{{args.scenario, 0, 0},
                     "",
                     "this scenario has no `sweep:` grid to run; add one (docs/scenario-format.md) "
                     "or run it once with `vmcsim run`"};
  if (sweep || s.sweep.empty() || !runner::ranks().root()) return;
  SourceLocation at = s.sweep.front().where;
  if (at.file.empty()) at.file = args.scenario;
  fmt::print(stderr,
             "{}: note: the sweep grid ({}) was not run: `vmcsim run` runs the scenario as "
             "written; `vmcsim sweep {}` runs every point\n",
             to_string(at),
             report::count_of(static_cast<std::int64_t>(s.sweep.size()), "parameter"),
             args.scenario);
}

// Runs and writes the files; returns what goes to stdout. A pod_trace scenario is a placement
// benchmark: the same runner and result files, plus placement.txt, its table on stdout.
// `interrupted` gets the message to end with when Ctrl-C stopped the run.
std::string execute(const RunArgs& args, bool sweep, std::string* interrupted) {
  scenario::LoadOptions load;
  load.allow_large = args.allow_large;
  load.replications = args.replications;  // the estimate counts the runs that will be made
  const auto s = scenario::load_scenario(args.scenario, models::Catalog::load_default(), load);
  for (const std::string& w : s.tenancy.warnings)  // what Kubernetes accepts (read_tenants.hpp)
    fmt::print(stderr, "{}\n", w);
  if (runner::has_pod_trace(s) && sweep)
    throw InputError{{args.scenario, 0, 0}, "", "a pod_trace scenario has no sweep"};
  runner::RunOptions options;
  options.seed = args.seed;
  options.replications = args.replications;
  options.jobs = args.jobs;
  const std::filesystem::path folder = args.out.empty() ? s.output.directory : args.out;
  report::check_output_folder(folder);  // before the first event: exit 2 naming the path
  check_sweep_grid(args, s, sweep);
  // Under mpirun only rank 0 reports and writes (runner/mpi_session.hpp).
  const bool root = runner::ranks().root();
  RunProgress progress{root ? progress_mode(args) : RunProgress::Mode::none, variant_names(s)};
  options.progress = [&progress](const runner::JobProgress& p) { progress.job(p); };
  g_interrupted.store(false);
  options.stop = &g_interrupted;
  RunResults results;
  {
    const StopOnInterrupt stop_on_interrupt;
    try {
      results = sweep ? runner::run_sweep(s, options) : runner::run_scenario(s, options);
    } catch (const runner::Interrupted& e) {
      progress.finish();
      *interrupted = fmt::format("interrupted: 0 of {} runs written", e.planned());
      return {};
    }
  }
  progress.finish();
  if (!root) return {};  // rank 0 gathered this rank's jobs and writes them
  results.scenario_file = args.scenario;
  if (results.partial) {
    const std::size_t per_replication =
        results.variants.size() * std::max<std::size_t>(1, results.sweep_points.size());
    *interrupted =
        fmt::format("interrupted: {} of {} runs written", per_replication * results.replications,
                    per_replication * static_cast<std::size_t>(results.replications_planned));
  }
  report::WriteOptions write;
  // output.trace and output.instances (scenario.hpp): what trace.json keeps, and gzip.
  write.trace.from = s.output.trace.from;
  write.trace.to = s.output.trace.to;
  write.trace.host_count = s.output.trace.host_count;
  write.trace.host_seed = s.output.trace.host_seed;
  write.trace.hosts = s.output.trace.hosts;
  if (s.output.instances != scenario::InstancesCompression::automatic)
    write.gzip_instances = s.output.instances == scenario::InstancesCompression::gzip;
  if (sweep)
    write.extra.push_back(
        {"sweep.csv", [&](std::ostream& o) { report::write_sweep_csv(results, o); }});
  write.formats = s.output.formats;
  const auto written = report::write_all(results, folder, write);
  if (args.quiet) return {};
  // On stderr, so stdout is exactly the comparison (golden tests, pipes).
  const int ranks = runner::ranks().size;
  fmt::print(stderr, "Results in {}/ ({}){}\n", folder.string(),
             written.empty() ? std::string{"no files: output.formats lists none"}
                             : fmt::format("{}", fmt::join(written, ", ")),
             ranks > 1 ? fmt::format(", gathered from {} MPI ranks", ranks) : std::string{});
  // output.formats without `table`: no comparison printed unless --format asks for one.
  const auto& formats = s.output.formats;
  if (args.format.empty() && std::find(formats.begin(), formats.end(), "table") == formats.end())
    return {};
  if (args.format == "json") {
    std::ostringstream json;
    report::write_results_json(results, json);
    return json.str();
  }
  if (args.format == "csv") return summary_csv(results);
  if (!results.placement_table.empty()) return results.placement_table;
  if (!results.sweep_points.empty()) return report::sweep_terminal_tables(results);
  return report::terminal_table(results);
}

// --replications obeys the cap of the scenario's `replications` key, with the loader's words.
CLI::Validator replications_in_range() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        long long n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc{} || end != text.data() + text.size())
          return fmt::format("expected a whole number, got '{}'", text);
        if (n < 1) return fmt::format("must be at least 1, got {}", n);
        if (n > scenario::kMaxReplications)
          return fmt::format("must be at most {}, got {}", scenario::kMaxReplications, n);
        return {};
      },
      "", "replications");
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
                  fmt::format("Replications per variant, 1 to {} (default: the scenario's)",
                              scenario::kMaxReplications))
      ->check(replications_in_range());
  cmd->add_option("--jobs,-j", args->jobs, "Worker threads (default: hardware concurrency)");
  cmd->add_option("--out,-o", args->out,
                  "Folder for the result files (default: the scenario's output.directory)");
  cmd->add_option("--format", args->format, "What to print: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_flag("--quiet,-q", args->quiet, "Print nothing on success");
  cmd->add_flag("--allow-large", args->allow_large,
                "Run a scenario whose work estimate exceeds the budget (validate --allow-large "
                "accepts it likewise)");
  cmd->add_flag("--progress", args->progress,
                "Report progress as plain lines on stderr, one per finished run (for logs and "
                "CI); without it a bar shows on a terminal");
  cmd->callback([args, &exit_code, sweep] {
    std::string interrupted;
    exit_code = print_or_report([&] {
      try {
        return execute(*args, sweep, &interrupted);
      } catch (const sim::ParseError& e) {  // a value read outside the scenario loader
        throw InputError({args->scenario, 0, 0}, "", e.what());
      }
    });
    if (exit_code == 0 && !interrupted.empty()) {
      fmt::print(stderr, "{}\n", interrupted);
      exit_code = 130;  // 128 + SIGINT, as a shell reports a command Ctrl-C ended
    }
  });
}

}  // namespace

void add_run_command(CLI::App& cli, int& exit_code) {
  add_command(cli, exit_code, false);
}
void add_sweep_command(CLI::App& cli, int& exit_code) {
  add_command(cli, exit_code, true);
}

}  // namespace vmcsim::app
