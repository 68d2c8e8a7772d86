// vmcsim: the command-line entry point. All logic lives in app/cli.
#include "app/cli.hpp"

int main(int argc, char** argv) {
  return vmcsim::app::run_cli(argc, argv);
}
