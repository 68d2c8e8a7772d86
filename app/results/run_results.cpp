#include "app/results/run_results.hpp"

namespace vmcsim::app {

EndState end_state(models::InstanceState state) {
  switch (state) {
    case models::InstanceState::requested:
    case models::InstanceState::starting:
      return EndState::pending;
    case models::InstanceState::running:
    case models::InstanceState::stopping:
      return EndState::running;
    case models::InstanceState::stopped:
      return EndState::stopped;
    case models::InstanceState::failed:
      return EndState::failed;
  }
  return EndState::pending;
}

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
