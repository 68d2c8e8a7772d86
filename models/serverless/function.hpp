#pragma once
// A service run as a function (FaaS): it scales to zero, each request that finds no warm
// instance with free concurrency starts one (a cold start) and waits for it, and idle instances
// are kept for the keep-alive policy's time (keep_alive.hpp), then stopped.
//
// Per-instance concurrency is the service's `concurrency` (1 as an AWS Lambda execution
// environment serves one request at a time; N as Knative's containerConcurrency).
// Provisioned concurrency (Lambda) or a warm pool: `provisioned` instances start at t = 0 and
// are never stopped for idleness. The scaling limit is a token bucket on new instances per
// function: AWS Lambda documents "each function can scale up by 1,000 execution environment
// instances every 10 seconds" (AWS Lambda Developer Guide, "Lambda scaling behavior",
// https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html), i.e. a burst of 1000
// refilled at 100 per second.
#include <cstdint>
#include <string>
#include <vector>

#include "models/serverless/keep_alive.hpp"
#include "sim/time.hpp"

namespace vmcsim::models::serverless {

struct ScalingLimit {
  double burst = 0.0;  // new instances at once; 0: no limit
  double rate = 0.0;   // new instances per second after the burst
};

struct FunctionConfig {
  bool enabled = false;  // false: an ordinary service (desired count, no keep-alive)
  KeepAliveSpec keep_alive;
  int provisioned = 0;    // instances kept warm whatever the traffic
  int max_instances = 0;  // 0: no limit (requests beyond wait in the queue)
  ScalingLimit scaling_limit;
};

// What one function did, for the metrics. A request is cold when it found no warm instance
// with free concurrency and waited in the queue for an instance to start (or, at
// max_instances, to free up); its cold wait is service_start - arrival.
struct FunctionStats {
  std::uint64_t requests = 0;  // completed
  std::uint64_t cold_starts = 0;
  sim::Time cold_wait;                 // summed over cold requests
  std::uint64_t instances_started = 0;  // for cold starts and pre-warming
  std::uint64_t prewarms = 0;
  std::uint64_t expiries = 0;               // idle instances stopped by the keep-alive policy
  std::uint64_t scaling_limited = 0;        // cold starts delayed by the scaling limit
  double idle_gib_seconds = 0.0;            // reserved memory x time of running idle instances
  double billed_gb_seconds = 0.0;           // Lambda-style: memory_limit GB x duration (1 ms up)
  KeepAliveDecisions keep_alive;            // the hybrid policy's decisions, by case
};

// AWS Lambda's on-demand prices (x86, US East (N. Virginia)): USD 0.0000166667 per GB-second of
// duration (configured memory x billed duration, rounded up to 1 ms) and USD 0.20 per million
// requests (https://aws.amazon.com/lambda/pricing/, retrieved 2026; duration in 1 ms increments
// since December 2020, per the AWS News Blog "New for AWS Lambda - 1ms Billing Granularity").
inline constexpr double kLambdaUsdPerGbSecond = 0.0000166667;
inline constexpr double kLambdaUsdPerRequest = 0.20 / 1e6;

// One run's function figures (the whole run: no warm-up deletion), for the metrics.
struct FunctionRunMetrics {
  bool measured = false;  // some service ran as a function
  std::uint64_t requests = 0;
  std::uint64_t cold_starts = 0;
  double cold_wait_ms = 0.0;  // summed over cold requests
  double idle_gib_seconds = 0.0;
  double billed_gb_seconds = 0.0;
  struct PerFunction {
    std::string name;
    std::uint64_t requests = 0;
    std::uint64_t cold_starts = 0;
    double idle_gib_seconds = 0.0;
    KeepAliveDecisions keep_alive;  // the hybrid policy's decisions, by case
  };
  std::vector<PerFunction> per_function;  // in service order

  double cost_usd() const {
    return billed_gb_seconds * kLambdaUsdPerGbSecond +
           static_cast<double>(requests) * kLambdaUsdPerRequest;
  }
};

}  // namespace vmcsim::models::serverless
