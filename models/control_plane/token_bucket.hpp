#pragma once
// TokenBucket: the rate limiter AWS (Fargate, EC2, ECS APIs) and Kubernetes clients (client-go's
// qps/burst) document: a bucket of at most `capacity` tokens, refilled continuously at `rate`
// tokens per second, starting full. Taking n tokens needs n in the bucket; a taker that finds
// too few waits until the refill has brought them.
//
//   TokenBucket fargate{100, 20};          // 100 at once, then 20 per second
//   sim::Time t = fargate.available_at(now, 1);
//   fargate.take(t, 1);
//
// Tokens may be fractional: an API allowing k launches per call costs 1/k of a call token per
// launch. Invariants: 0 <= tokens <= capacity at every time; take() never goes below zero (a
// take before available_at() throws std::logic_error).
#include "sim/time.hpp"

namespace vmcsim::models::control_plane {

class TokenBucket {
 public:
  // capacity > 0 and rate > 0 (std::invalid_argument otherwise).
  TokenBucket(double capacity, double rate_per_second, sim::Time now = sim::Time::zero());

  double capacity() const { return capacity_; }
  double rate() const { return rate_; }
  // Tokens in the bucket at `at` (>= the last take), counting the refill since.
  double tokens(sim::Time at) const;
  // The earliest time >= `at` when `n` (<= capacity) tokens are in the bucket.
  sim::Time available_at(sim::Time at, double n) const;
  void take(sim::Time at, double n);

 private:
  double capacity_;
  double rate_;
  double tokens_;  // as of updated_
  sim::Time updated_;
};

}  // namespace vmcsim::models::control_plane
