#pragma once
// ConfigurationRefused: a model declining what a configuration asks of it (a service larger than
// any Fargate task size, a VM whose memory does not cover its guest OS, a topology that cannot
// hold the hosts). The configuration came from the user, so the app reports it as bad input
// (exit 2) at the variant it belongs to.
//
// Every other exception out of a model is a broken contract of vmcsim itself, never the user's:
// a plain std::invalid_argument such as the engine's "schedule_at: time ... is before now", a
// std::logic_error, a sim::ContractViolation. The CLI reports those as "internal error", exit 1.
// That is why refusals have their own type: the runner must not take every
// std::invalid_argument for bad input.
#include <stdexcept>

namespace vmcsim::models {

// Derives from std::invalid_argument, the models' historical refusal type, so code and tests
// catching that still see it.
class ConfigurationRefused : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace vmcsim::models
