// vmcsim: the command-line entry point. All logic lives in app/cli.
#include <cstdio>
#include <exception>

#include "app/cli.hpp"
#include "app/process/huge_pages.hpp"

int main(int argc, char** argv) {
  vmcsim::app::use_huge_pages(argv);
  // Each command sorts its own errors (print_or_report); this catches what escapes the command
  // line parser itself, so nothing ends in std::terminate.
  try {
    return vmcsim::app::run_cli(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vmcsim: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "vmcsim: internal error: an exception of unknown type\n");
  }
  return 1;
}
