#pragma once
// Billing: what a run costs, from the billable lifetimes the world recorded.
//
// The world (Cluster) records who is billed for how long; prices and billing rules are applied
// here, once, so every variant is billed the same way:
//   per_hour  an instance-hour price for VMs and node VMs, or a per-host price for bare-metal
//             hosts: usd_per_hour x duration, exact to the nanosecond (no rounding);
//   fargate   a Fargate-style task: its requested CPU and memory are rounded up to the
//             cheapest valid Fargate size (models/placement/fargate.hpp) and billed per
//             vCPU-second and GB-second of that size, rounded up to the second with a one-minute
//             minimum. What the size adds over the request, times the billed time, is the
//             rounding waste.
#include <string>
#include <vector>

#include "models/placement/fargate.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::models::metrics {

enum class BillingModel { per_hour, fargate };

struct BillingRecord {
  std::string what;  // e.g. "vm web-3", "host h1", "task api-2"
  BillingModel model = BillingModel::per_hour;
  sim::Time duration;         // billable lifetime
  double usd_per_hour = 0.0;  // per_hour
  // fargate: the request (rounded up here) and the price of the size.
  sim::Millicores cpu;
  sim::Bytes memory;
  placement::FargatePrice fargate_price;
};

struct BillingTotals {
  double cost_usd = 0.0;
  double fargate_waste_cpu_core_hours = 0.0;
  double fargate_waste_memory_gib_hours = 0.0;
  std::vector<double> line_usd;  // per record, same order
};

// Throws std::invalid_argument naming the record for a negative duration or price, or a
// Fargate request no valid size covers.
BillingTotals bill(const std::vector<BillingRecord>& records);

}  // namespace vmcsim::models::metrics
