#include "models/control_plane/token_bucket.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace vmcsim::models::control_plane {

namespace {
// Refill arithmetic rounds a wait up to the next nanosecond; a shortfall below this is rounding.
constexpr double kSlack = 1e-9;
}  // namespace

TokenBucket::TokenBucket(double capacity, double rate_per_second, sim::Time now)
    : capacity_(capacity), rate_(rate_per_second), tokens_(capacity), updated_(now) {
  if (!(capacity > 0.0) || !(rate_per_second > 0.0))
    throw std::invalid_argument("token bucket: capacity and rate must be > 0 (got " +
                                std::to_string(capacity) + ", " + std::to_string(rate_per_second) +
                                ")");
}

double TokenBucket::tokens(sim::Time at) const {
  const double elapsed = (at - updated_).seconds();
  return std::min(capacity_, tokens_ + std::max(0.0, elapsed) * rate_);
}

sim::Time TokenBucket::available_at(sim::Time at, double n) const {
  if (n > capacity_ + kSlack)
    throw std::invalid_argument("token bucket: " + std::to_string(n) +
                                " tokens never fit a bucket of " + std::to_string(capacity_));
  const double have = tokens(at);
  if (have + kSlack >= n) return at;
  const double wait_ns = std::ceil((n - have) / rate_ * 1e9);
  return at + sim::Time::from_ns(static_cast<std::int64_t>(wait_ns));
}

void TokenBucket::take(sim::Time at, double n) {
  const double have = tokens(at);
  if (have + kSlack < n)
    throw std::logic_error("token bucket: took " + std::to_string(n) + " tokens with " +
                           std::to_string(have) + " in the bucket");
  tokens_ = std::max(0.0, have - n);
  updated_ = at;
}

}  // namespace vmcsim::models::control_plane
