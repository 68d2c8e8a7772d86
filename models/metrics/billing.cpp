#include "models/metrics/billing.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace vmcsim::models::metrics {

namespace {
constexpr double kSecondsPerHour = 3600.0;
}

BillingTotals bill(const std::vector<BillingRecord>& records) {
  BillingTotals totals;
  totals.line_usd.reserve(records.size());
  for (const BillingRecord& r : records) {
    if (r.duration < sim::Time::zero())
      throw std::invalid_argument(
          fmt::format("billing record '{}': negative duration {}", r.what, r.duration.to_string()));
    double usd = 0.0;
    if (r.model == BillingModel::per_hour) {
      if (r.usd_per_hour < 0.0)
        throw std::invalid_argument(
            fmt::format("billing record '{}': negative price {} USD/h", r.what, r.usd_per_hour));
      usd = r.usd_per_hour * r.duration.seconds() / kSecondsPerHour;
    } else {
      const auto fit = placement::fargate_round_up(r.cpu, r.memory, r.fargate_price);
      if (!fit)
        throw std::invalid_argument(
            fmt::format("billing record '{}': no Fargate size covers {} CPU and {} memory", r.what,
                        r.cpu.to_string(), r.memory.to_string()));
      usd = placement::fargate_cost(fit->size, r.duration, r.fargate_price);
      const double billed_hours =
          placement::fargate_billed_time(r.duration).seconds() / kSecondsPerHour;
      totals.fargate_waste_cpu_core_hours += fit->cpu_waste.cores_value() * billed_hours;
      totals.fargate_waste_memory_gib_hours += fit->memory_waste.gib_value() * billed_hours;
    }
    totals.cost_usd += usd;
    totals.line_usd.push_back(usd);
  }
  return totals;
}

}  // namespace vmcsim::models::metrics
