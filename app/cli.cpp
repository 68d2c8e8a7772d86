#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace vmcsim::app {

int run_cli(int argc, char** argv) {
  CLI::App cli{"vmcsim: virtual machines and containers side by side on simulated hardware"};
  cli.set_version_flag("--version", std::string{"vmcsim "} + VMCSIM_VERSION);
  cli.require_subcommand(0, 1);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (cli.get_subcommands().empty()) fmt::print("{}", cli.help());
  return 0;
}

}  // namespace vmcsim::app
