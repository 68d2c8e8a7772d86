#include "app/results/run_results.hpp"

namespace vmcsim::app {

std::string_view to_string(EndState state) {
  switch (state) {
    case EndState::running:
      return "running";
    case EndState::stopped:
      return "stopped";
    case EndState::failed:
      return "failed";
    case EndState::pending:
      return "pending";
  }
  return "unknown";
}

}  // namespace vmcsim::app
