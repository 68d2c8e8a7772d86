#pragma once
// ECS service auto scaling (Application Auto Scaling): target tracking and step scaling.
//
// Both are fed one metric datapoint per evaluate() call (the simulation calls it every metric
// period, one minute for CloudWatch's standard metrics) and return the desired task count,
// which the caller applies. Sources: Application Auto Scaling user guide, "Target tracking
// scaling policies" and "Step scaling policies"; Amazon ECS developer guide, service auto
// scaling.
//
// Target tracking: scale out when the last `scale_out_datapoints` (3) datapoints are all above
// the target, to ceil(current x metric / target). Scale in, more conservatively, when the last
// `scale_in_datapoints` (15) are all below `scale_in_ratio` (0.9) x target, to
// ceil(current x metric / target) (never below min). The 3-of-3 and 15-of-15 alarm shapes and
// the 90% low threshold are those of the CloudWatch alarms that target tracking creates (observed
// in the console; secondary). No scale-out within `scale_out_cooldown` (60 s) of the last
// scale-out; no scale-in within `scale_in_cooldown` (300 s) of the last scaling of either kind.
//
// Step scaling: one alarm (metric compared with `threshold`, breaching for `datapoints`
// consecutive datapoints) and step adjustments whose bounds are offsets from the threshold.
// Above the threshold a step's lower bound is inclusive and its upper exclusive; below it the
// lower bound is exclusive and the upper inclusive (as AWS documents). Adjustment types:
// ChangeInCapacity (+n), PercentChangeInCapacity (n% of current, truncated toward zero but at
// least 1 in magnitude, then at least `min_adjustment_magnitude`), ExactCapacity (= n).
// No scaling within `cooldown` of the last scaling. The result is bounded by [min, max].
#include <deque>
#include <optional>
#include <vector>

#include "sim/time.hpp"

namespace vmcsim::models::autoscaling {

struct TargetTrackingSpec {
  double target = 50.0;
  int min_capacity = 1;
  int max_capacity = 10;
  sim::Time scale_out_cooldown = sim::Time::from_s(60);
  sim::Time scale_in_cooldown = sim::Time::from_s(300);
  bool disable_scale_in = false;
  int scale_out_datapoints = 3;
  int scale_in_datapoints = 15;
  double scale_in_ratio = 0.9;
};

class TargetTrackingController {
 public:
  explicit TargetTrackingController(TargetTrackingSpec spec) : spec_{spec} {}
  int evaluate(sim::Time now, int current, double metric);

 private:
  TargetTrackingSpec spec_;
  int above_ = 0;  // consecutive datapoints above the target
  int below_ = 0;  // consecutive datapoints below scale_in_ratio x target
  std::optional<sim::Time> last_out_;
  std::optional<sim::Time> last_any_;
};

enum class AdjustmentType { change_in_capacity, percent_change_in_capacity, exact_capacity };
enum class Comparison { greater_or_equal, greater, less, less_or_equal };

struct StepAdjustment {
  std::optional<double> lower_bound;  // offset from the threshold; none = -infinity
  std::optional<double> upper_bound;  // none = +infinity
  int adjustment = 0;
};

struct StepScalingSpec {
  double threshold = 0.0;
  Comparison comparison = Comparison::greater_or_equal;
  int datapoints = 1;
  AdjustmentType type = AdjustmentType::change_in_capacity;
  std::vector<StepAdjustment> steps;
  int min_adjustment_magnitude = 0;  // PercentChangeInCapacity only
  sim::Time cooldown = sim::Time::from_s(300);
  int min_capacity = 1;
  int max_capacity = 10;
};

class StepScalingController {
 public:
  explicit StepScalingController(StepScalingSpec spec) : spec_{std::move(spec)} {}
  int evaluate(sim::Time now, int current, double metric);

 private:
  bool breaching(double metric) const;
  std::optional<int> adjustment_for(double metric) const;
  StepScalingSpec spec_;
  int breaches_ = 0;
  std::optional<sim::Time> last_;
};

}  // namespace vmcsim::models::autoscaling
