#pragma once
// Executable invariants. VMCSIM_ASSERT(condition, message) checks a model contract (a state
// transition, a conservation law, a capacity never exceeded) in Debug builds and in builds
// configured with -DVMCSIM_CHECKS=ON (CI's sanitizer build); a plain Release build compiles it
// away, so it may sit on hot paths. The message is built only when the check fails.
//
// A failed check throws sim::ContractViolation. The CLI reports it as "internal error" with exit
// 1: a broken contract is vmcsim's fault, never the user's (bad input is app::InputError, exit 2).
#include <stdexcept>
#include <string>

namespace vmcsim::sim {

class ContractViolation : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] inline void contract_violated(const char* condition, const char* file, int line,
                                           const std::string& message) {
  throw ContractViolation(std::string{file} + ":" + std::to_string(line) + ": contract '" +
                          condition + "' broken: " + message);
}

}  // namespace vmcsim::sim

#if !defined(NDEBUG) || defined(VMCSIM_CHECKS)
#define VMCSIM_CHECKS_ON 1
#define VMCSIM_ASSERT(condition, message) \
  ((condition) ? static_cast<void>(0)     \
               : ::vmcsim::sim::contract_violated(#condition, __FILE__, __LINE__, (message)))
#else
#define VMCSIM_CHECKS_ON 0
#define VMCSIM_ASSERT(condition, message) static_cast<void>(0)
#endif
