#include "models/autoscaling/ecs_scaling.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace vmcsim::models::autoscaling {

int TargetTrackingController::evaluate(sim::Time now, int current, double metric) {
  above_ = metric > spec_.target ? above_ + 1 : 0;
  below_ = metric < spec_.scale_in_ratio * spec_.target ? below_ + 1 : 0;
  const int proportional = static_cast<int>(std::ceil(current * metric / spec_.target));
  int desired = current;
  if (above_ >= spec_.scale_out_datapoints &&
      (!last_out_ || now - *last_out_ >= spec_.scale_out_cooldown)) {
    desired = std::min(spec_.max_capacity, std::max(proportional, current));
  } else if (!spec_.disable_scale_in && below_ >= spec_.scale_in_datapoints &&
             (!last_any_ || now - *last_any_ >= spec_.scale_in_cooldown)) {
    desired = std::max(spec_.min_capacity, std::min(proportional, current));
  }
  desired = std::clamp(desired, spec_.min_capacity, spec_.max_capacity);
  if (desired > current) last_out_ = now;
  if (desired != current) {
    last_any_ = now;
    // A new alarm evaluation starts after each scaling activity.
    above_ = below_ = 0;
  }
  return desired;
}

bool StepScalingController::breaching(double metric) const {
  switch (spec_.comparison) {
    case Comparison::greater_or_equal:
      return metric >= spec_.threshold;
    case Comparison::greater:
      return metric > spec_.threshold;
    case Comparison::less:
      return metric < spec_.threshold;
    case Comparison::less_or_equal:
      return metric <= spec_.threshold;
  }
  return false;
}

std::optional<int> StepScalingController::adjustment_for(double metric) const {
  const double offset = metric - spec_.threshold;
  const bool above = offset >= 0.0;
  for (const StepAdjustment& s : spec_.steps) {
    const bool over_lower =
        !s.lower_bound || (above ? offset >= *s.lower_bound : offset > *s.lower_bound);
    const bool under_upper =
        !s.upper_bound || (above ? offset < *s.upper_bound : offset <= *s.upper_bound);
    if (over_lower && under_upper) return s.adjustment;
  }
  return std::nullopt;
}

int StepScalingController::evaluate(sim::Time now, int current, double metric) {
  breaches_ = breaching(metric) ? breaches_ + 1 : 0;
  if (breaches_ < spec_.datapoints) return current;
  if (last_ && now - *last_ < spec_.cooldown) return current;
  const std::optional<int> adj = adjustment_for(metric);
  if (!adj) return current;
  int desired = current;
  switch (spec_.type) {
    case AdjustmentType::change_in_capacity:
      desired = current + *adj;
      break;
    case AdjustmentType::exact_capacity:
      desired = *adj;
      break;
    case AdjustmentType::percent_change_in_capacity: {
      int change = static_cast<int>(std::trunc(current * (*adj) / 100.0));
      if (change == 0 && *adj != 0) change = *adj > 0 ? 1 : -1;
      if (std::abs(change) < spec_.min_adjustment_magnitude)
        change = change > 0 ? spec_.min_adjustment_magnitude : -spec_.min_adjustment_magnitude;
      desired = current + change;
      break;
    }
  }
  desired = std::clamp(desired, spec_.min_capacity, spec_.max_capacity);
  if (desired != current) {
    last_ = now;
    breaches_ = 0;
  }
  return desired;
}

}  // namespace vmcsim::models::autoscaling
