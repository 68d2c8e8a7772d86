#pragma once
// HpaController: the Kubernetes HorizontalPodAutoscaler (autoscaling/v2) replica calculation.
//
// The simulation calls evaluate(now, current, metric) every sync period (default 15 s), with
// `metric` the current per-pod average in the unit of `target` (utilization percent of the
// request, or an AverageValue), and applies the count it returns. The controller assumes it is
// applied: it records the change as a scale event for the rate policies.
//
// Algorithm (kubernetes pkg/controller/podautoscaler/horizontal.go and replica_calculator.go):
//  1. current > max -> max; current < min -> min; current == 0 -> 0 (scaling disabled).
//  2. ratio = metric / target; if |ratio - 1| <= tolerance (0.1) the recommendation is current,
//     else ceil(current x ratio).
//  3. Stabilization: the recommendation is remembered with its time; the result is moved from
//     current toward it no further than the MIN of the recommendations within the scale-up
//     window and the MAX within the scale-down window (default 0 s and 300 s).
//  4. Rate: scaling up, at most the policy limit: for each policy, start = current - replicas
//     added + removed within its period; Pods: start + value, Percent: ceil(start x (1 +
//     value/100)); selectPolicy Max takes the largest limit, Min the smallest, Disabled forbids
//     scaling that way. Scaling down mirrors it (Percent: trunc(start x (1 - value/100))).
//     The result is then bounded by max (up) or min (down).
// Defaults when a direction is not given (the API's defaults): scale up: window 0, policies
// Percent 100 / 15 s and Pods 4 / 15 s, selectPolicy Max; scale down: window 300 s, Percent 100
// / 15 s. (Kubernetes uses a slightly different legacy path when `behavior` is absent; vmcsim
// always takes the behavior path with these defaults.)
#include <deque>
#include <string_view>
#include <vector>

#include "sim/time.hpp"

namespace YAML {
class Node;
}

namespace vmcsim::models::autoscaling {

enum class HpaPolicyType { pods, percent };
enum class SelectPolicy { max, min, disabled };

struct HpaScalingPolicy {
  HpaPolicyType type = HpaPolicyType::pods;
  int value = 1;
  sim::Time period = sim::Time::from_s(15);
};

struct HpaScalingRules {
  sim::Time stabilization_window{};
  SelectPolicy select = SelectPolicy::max;
  std::vector<HpaScalingPolicy> policies;

  static HpaScalingRules default_scale_up();
  static HpaScalingRules default_scale_down();
};

struct HpaSpec {
  int min_replicas = 1;
  int max_replicas = 10;
  double target = 1.0;  // in the metric's unit (percent for utilization); > 0
  double tolerance = 0.1;
  HpaScalingRules scale_up = HpaScalingRules::default_scale_up();
  HpaScalingRules scale_down = HpaScalingRules::default_scale_down();
};

// Reads an autoscaling/v2 HorizontalPodAutoscaler document: min/maxReplicas, the first metric's
// target (averageUtilization, averageValue or value) and behavior (missing fields take the
// defaults above). Throws sim::ParseError naming `source` and the field on bad input.
HpaSpec hpa_spec_from_yaml(const YAML::Node& document, std::string_view source);

class HpaController {
 public:
  explicit HpaController(HpaSpec spec);

  int evaluate(sim::Time now, int current_replicas, double metric);

  // Step 2 alone: ceil(current x metric / target) outside the tolerance band.
  static int proportional(int current_replicas, double metric, double target, double tolerance);
  const HpaSpec& spec() const { return spec_; }

 private:
  struct Timed {
    sim::Time at;
    int value;
  };
  int stabilize(sim::Time now, int current, int recommendation);
  int limit_rate(sim::Time now, int current, int desired) const;
  int changed_within(const std::deque<Timed>& events, sim::Time now, sim::Time period) const;

  HpaSpec spec_;
  std::deque<Timed> recommendations_;
  std::deque<Timed> up_events_;
  std::deque<Timed> down_events_;
};

}  // namespace vmcsim::models::autoscaling
