#include "app/cli.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "app/commands/compare.hpp"
#include "app/commands/import.hpp"
#include "app/commands/list.hpp"
#include "app/commands/profiles.hpp"
#include "app/commands/run.hpp"
#include "app/commands/validate.hpp"

namespace vmcsim::app {

int run_cli(int argc, char** argv) {
  CLI::App cli{"vmcsim: virtual machines and containers side by side on simulated hardware"};
  cli.set_version_flag("--version", std::string{"vmcsim "} + VMCSIM_VERSION);
  cli.require_subcommand(0, 1);
  int exit_code = 0;
  add_validate_command(cli, exit_code);
  add_run_command(cli, exit_code);
  add_sweep_command(cli, exit_code);
  add_compare_command(cli, exit_code);
  add_import_command(cli, exit_code);
  add_profiles_command(cli, exit_code);
  add_list_command(cli, exit_code);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (cli.get_subcommands().empty()) {
    // A usage error: say what there is to do, on stderr, and fail so scripts notice.
    fmt::print(stderr, "{}\nvmcsim: error: name a command\n", cli.help());
    return 2;
  }
  return exit_code;
}

}  // namespace vmcsim::app
