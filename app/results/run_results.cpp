#include "app/results/run_results.hpp"

namespace vmcsim::app {

std::string_view to_string(PlatformKind kind) {
  switch (kind) {
    case PlatformKind::vm:
      return "vm";
    case PlatformKind::microvm:
      return "microvm";
    case PlatformKind::container:
      return "container";
    case PlatformKind::container_in_vm:
      return "container_in_vm";
  }
  return "unknown";
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
