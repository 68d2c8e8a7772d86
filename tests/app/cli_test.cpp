// The vmcsim command line as a whole: no command, --version, the cap on --replications, and the
// sorting of errors into exit codes (2: the user's input, 1: vmcsim's own broken contract).
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "app/commands/print_or_report.hpp"
#include "app/diagnostic.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"
#include "cli_run.hpp"
#include "compiled_paths.hpp"
#include "sim/assert.hpp"
#include "sim/parse_error.hpp"

namespace {

namespace fs = std::filesystem;
using vmcsim::test::run_vmcsim;
using vmcsim::test::ScratchDir;

using vmcsim::test::small_scenario;

}  // namespace

TEST_CASE("vmcsim with no command prints the help on stderr and exits 2") {
  ScratchDir dir{"no-command"};
  const auto r = run_vmcsim("", dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("Subcommands:") != std::string::npos);
  CHECK(r.err.find("run ") != std::string::npos);
  CHECK(r.err.find("vmcsim: error: name a command") != std::string::npos);
}

TEST_CASE("vmcsim --version prints the project version and exits 0") {
  ScratchDir dir{"version"};
  const auto r = run_vmcsim("--version", dir.path());
  CHECK(r.exit_code == 0);
  CHECK(r.out == std::string{"vmcsim "} + VMCSIM_VERSION + "\n");
}

TEST_CASE("the --replications option obeys the cap of the scenario's replications key") {
  ScratchDir dir{"replications"};
  const std::string run = "run '" + small_scenario.string() + "' --quiet --out '" +
                          (dir.path() / "out").string() + "' --replications ";
  const auto zero = run_vmcsim(run + "0", dir.path());
  CHECK(zero.exit_code == 2);
  CHECK(zero.err.find("--replications: must be at least 1, got 0") != std::string::npos);
  // Before, a billion passed the check and the run died allocating its result slots.
  const auto billion = run_vmcsim(run + "1000000000", dir.path());
  CHECK(billion.exit_code == 2);
  CHECK(billion.err.find("--replications: must be at most 100000, got 1000000000") !=
        std::string::npos);
  const auto word = run_vmcsim(run + "many", dir.path());
  CHECK(word.exit_code == 2);
  CHECK(word.err.find("expected a whole number, got 'many'") != std::string::npos);
  CHECK(!fs::exists(dir.path() / "out"));
  CHECK(run_vmcsim(run + "1", dir.path()).exit_code == 0);
}

TEST_CASE("a command exits 2 for the user's bad input and 1 for a broken internal contract") {
  using vmcsim::app::print_or_report;
  CHECK(print_or_report([]() -> std::string {
          throw vmcsim::app::InputError({"a.yaml", 3, 4}, "duration", "bad");
        }) == 2);
  CHECK(print_or_report([]() -> std::string { throw vmcsim::sim::ParseError("bad size"); }) == 2);
  // "scheduled before now" is a std::invalid_argument: vmcsim's fault, not the user's.
  CHECK(print_or_report([]() -> std::string {
          throw std::invalid_argument("schedule_at: time 1s is before now 2s");
        }) == 1);
  CHECK(print_or_report([]() -> std::string {
          throw vmcsim::sim::ContractViolation("contract 'served <= arrived' broken");
        }) == 1);
  CHECK(print_or_report([]() -> std::string { throw std::logic_error("unreachable"); }) == 1);
  CHECK(print_or_report([]() -> std::string { throw 42; }) == 1);
  CHECK(print_or_report([] { return std::string{}; }) == 0);
}

TEST_CASE("the runner keeps a std::invalid_argument raised during a run an internal error") {
  // Only a model's ConfigurationRefused is the user's bad input (tests/data/bad-run); anything
  // else out of a running job, such as the engine's "scheduled before now", must reach the CLI
  // as it is. The progress hook runs inside the job, so it stands in for a model here.
  const auto s = vmcsim::app::scenario::load_scenario(small_scenario);
  vmcsim::app::runner::RunOptions options;
  options.replications = 1;
  options.jobs = 1;
  options.progress = [](const vmcsim::app::runner::JobProgress&) {
    throw std::invalid_argument("schedule_at: time 1s is before now 2s");
  };
  try {
    vmcsim::app::runner::run_scenario(s, options);
    FAIL("no exception");
  } catch (const vmcsim::app::InputError& e) {
    FAIL("taken for bad input: " << e.what());
  } catch (const std::invalid_argument& e) {
    CHECK(std::string{e.what()} == "schedule_at: time 1s is before now 2s");
  }
}
