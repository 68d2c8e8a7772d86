#include "app/commands/print_or_report.hpp"

#include <exception>

#include <fmt/format.h>

#include "app/diagnostic.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::app {

int print_or_report(const std::function<std::string()>& body) {
  try {
    fmt::print("{}", body());
    return 0;
  } catch (const InputError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  } catch (const sim::ParseError& e) {
    fmt::print(stderr, "vmcsim: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "vmcsim: internal error: {}\n", e.what());
    return 1;
  } catch (...) {
    fmt::print(stderr, "vmcsim: internal error: an exception of unknown type\n");
    return 1;
  }
}

}  // namespace vmcsim::app
