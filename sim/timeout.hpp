#pragma once
// Timeout: what a process awaits to let simulated time pass (sim/process.hpp).
//
//   co_await timeout(250_ms);   // inside a sim::Process: resumes 250 ms later
//
// Plain data, kept apart from process.hpp so that Simulation can offer the same value as a
// member (`co_await sim.timeout(d)`) without including the coroutine machinery. The delay is
// relative to the moment of the co_await, and the process resumes in its own simulation.
#include <stdexcept>

#include "sim/time.hpp"

namespace vmcsim::sim {

struct Timeout {
  Time delay;
};

// Throws std::invalid_argument for a negative delay (the clock never goes back).
inline Timeout timeout(Time delay) {
  if (delay < Time::zero())
    throw std::invalid_argument("timeout: negative delay " + delay.to_string());
  return Timeout{delay};
}

}  // namespace vmcsim::sim
