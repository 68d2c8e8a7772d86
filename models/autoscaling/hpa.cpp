#include "models/autoscaling/hpa.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/parse_error.hpp"

namespace vmcsim::models::autoscaling {

HpaScalingRules HpaScalingRules::default_scale_up() {
  return {sim::Time::zero(),
          SelectPolicy::max,
          {{HpaPolicyType::percent, 100, sim::Time::from_s(15)},
           {HpaPolicyType::pods, 4, sim::Time::from_s(15)}}};
}

HpaScalingRules HpaScalingRules::default_scale_down() {
  return {sim::Time::from_s(300),
          SelectPolicy::max,
          {{HpaPolicyType::percent, 100, sim::Time::from_s(15)}}};
}

HpaController::HpaController(HpaSpec spec) : spec_{std::move(spec)} {
  if (spec_.target <= 0.0) throw std::invalid_argument("HPA target must be positive");
  if (spec_.min_replicas > spec_.max_replicas)
    throw std::invalid_argument(fmt::format("HPA minReplicas {} exceeds maxReplicas {}",
                                            spec_.min_replicas, spec_.max_replicas));
}

int HpaController::proportional(int current, double metric, double target, double tolerance) {
  const double ratio = metric / target;
  if (std::abs(1.0 - ratio) <= tolerance) return current;
  return static_cast<int>(std::ceil(ratio * current));
}

int HpaController::evaluate(sim::Time now, int current, double metric) {
  int desired;
  if (current == 0 && spec_.min_replicas != 0) {
    return 0;
  } else if (current > spec_.max_replicas) {
    desired = spec_.max_replicas;
  } else if (current < spec_.min_replicas) {
    desired = spec_.min_replicas;
  } else {
    const int recommendation = proportional(current, metric, spec_.target, spec_.tolerance);
    desired = limit_rate(now, current, stabilize(now, current, recommendation));
  }
  if (desired > current) up_events_.push_back({now, desired - current});
  if (desired < current) down_events_.push_back({now, current - desired});
  return desired;
}

int HpaController::stabilize(sim::Time now, int current, int recommendation) {
  // Entries older than both windows can never matter again.
  const sim::Time horizon =
      std::max(spec_.scale_up.stabilization_window, spec_.scale_down.stabilization_window);
  while (!recommendations_.empty() && recommendations_.front().at < now - horizon) {
    recommendations_.pop_front();
  }
  int up = recommendation;
  int down = recommendation;
  for (const Timed& r : recommendations_) {
    if (r.at > now - spec_.scale_up.stabilization_window) up = std::min(up, r.value);
    if (r.at > now - spec_.scale_down.stabilization_window) down = std::max(down, r.value);
  }
  recommendations_.push_back({now, recommendation});
  return std::min(std::max(current, up), down);
}

int HpaController::changed_within(const std::deque<Timed>& events, sim::Time now,
                                  sim::Time period) const {
  int sum = 0;
  for (const Timed& e : events) {
    if (e.at > now - period) sum += e.value;
  }
  return sum;
}

int HpaController::limit_rate(sim::Time now, int current, int desired) const {
  const bool up = desired > current;
  if (desired == current) return desired;
  const HpaScalingRules& rules = up ? spec_.scale_up : spec_.scale_down;
  if (rules.select == SelectPolicy::disabled) return current;
  // Max picks the largest change: the highest limit up, the lowest limit down.
  const bool pick_high = (rules.select == SelectPolicy::max) == up;
  int limit = pick_high ? INT_MIN : INT_MAX;
  for (const HpaScalingPolicy& p : rules.policies) {
    const int start = current - changed_within(up_events_, now, p.period) +
                      changed_within(down_events_, now, p.period);
    int proposed;
    if (p.type == HpaPolicyType::pods) {
      proposed = up ? start + p.value : start - p.value;
    } else if (up) {
      proposed = static_cast<int>(std::ceil(start * (1.0 + p.value / 100.0)));
    } else {
      proposed = static_cast<int>(start * (1.0 - p.value / 100.0));
    }
    limit = pick_high ? std::max(limit, proposed) : std::min(limit, proposed);
  }
  if (up) {
    const int allowed = std::min(spec_.max_replicas, std::max(limit, current));
    return std::min(desired, allowed);
  }
  const int allowed = std::max(spec_.min_replicas, std::min(limit, current));
  return std::max(desired, allowed);
}

}  // namespace vmcsim::models::autoscaling
