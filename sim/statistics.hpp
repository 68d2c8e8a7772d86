#pragma once
// Output statistics: what a run measures and what replications conclude.
//
//   RunningStats          count, mean, variance, min, max of observations (Welford), mergeable.
//   TimeWeightedAverage   mean, integral and max of a piecewise-constant signal over time
//                         (queue length, memory in use, busy servers).
//   QuantileSketch        quantiles of a large stream in bounded memory with bounded relative
//                         error (a DDSketch-style log-bucketed histogram), mergeable.
//   confidence_interval   Student-t interval for the mean of independent replications;
//   paired_difference     the same for per-replication differences of two variants run under
//                         common random numbers.
//
// Every type here is deterministic: the same observations in the same order give the same
// bits. Merging is exact for counts, min and max; for mean and variance it is exact up to
// floating-point rounding (Chan et al.'s pairwise update).
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "sim/time.hpp"

namespace vmcsim::sim {

// Mean and variance of a stream of observations in one pass, numerically stable (Welford 1962):
// no catastrophic cancellation when the mean is large compared to the spread.
class RunningStats {
 public:
  void add(double x);
  // Combines with statistics of another, disjoint set of observations, as if all had been
  // added here (Chan, Golub and LeVeque's parallel update).
  void merge(const RunningStats& other);

  std::uint64_t count() const { return n_; }
  bool empty() const { return n_ == 0; }
  // NaN when empty.
  double mean() const { return n_ ? mean_ : std::numeric_limits<double>::quiet_NaN(); }
  double sum() const { return mean_ * static_cast<double>(n_); }
  // Sample variance, divisor n - 1 (unbiased). 0 with fewer than two observations.
  double variance() const { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }
  // Population variance, divisor n.
  double population_variance() const { return n_ ? m2_ / static_cast<double>(n_) : 0.0; }
  double stddev() const;
  // +inf / -inf when empty, so that min() <= x <= max() holds vacuously.
  double min() const { return min_; }
  double max() const { return max_; }

  // The exact state, for moving statistics between processes (the MPI runner):
  // from_state(state()) equals the original bit for bit.
  struct State {
    std::uint64_t n = 0;
    double mean = 0.0, m2 = 0.0, min = 0.0, max = 0.0;
  };
  State state() const { return {n_, mean_, m2_, min_, max_}; }
  static RunningStats from_state(const State& s) {
    RunningStats r;
    r.n_ = s.n;
    r.mean_ = s.mean;
    r.m2_ = s.m2;
    r.min_ = s.min;
    r.max_ = s.max;
    return r;
  }

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;  // sum of squared deviations from the running mean
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

// A piecewise-constant signal observed at its change points: record(t, v) says "from t on the
// value is v". Its integral is in value-seconds and its mean is the integral divided by the
// observed duration.
//
// Invariants: record times never decrease (std::invalid_argument otherwise); the value before
// the first record is the initial value given at construction, from the start time on.
// reset(now) restarts observation at now keeping the current value: warm-up deletion.
class TimeWeightedAverage {
 public:
  explicit TimeWeightedAverage(Time start = Time::zero(), double initial = 0.0);

  void record(Time now, double value);
  // Forgets everything observed before now; the current value carries on.
  void reset(Time now);

  // The integral of the signal from start() to until (>= the last record), value x seconds.
  double integral(Time until) const;
  // The time-weighted mean over [start(), until]; the current value if that interval is empty.
  double mean(Time until) const;
  // Extremes of the values held since start() (including the current one).
  double max() const { return max_; }
  double min() const { return min_; }
  double current() const { return value_; }
  Time start() const { return start_; }
  Time last_change() const { return last_; }

 private:
  Time start_;
  Time last_;
  double value_;
  double area_ = 0.0;  // value x seconds accumulated from start_ to last_
  double max_;
  double min_;
};

// Quantiles of a stream of non-negative values in bounded memory, with relative error at most
// alpha: for q in [0, 1] the answer x' satisfies |x' - x| <= alpha * x, where x is the
// observation of rank floor(q * (count - 1)) (0-based) among the sorted observations.
//
// How: values fall in logarithmic buckets (gamma^(k-1), gamma^k] with gamma = (1 + alpha) /
// (1 - alpha) (Masson, Rim and Lee, "DDSketch", VLDB 2019); each bucket answers with the point
// whose relative distance to both of its ends is alpha. Zero (and values below the smallest
// normal double) has its own exact bucket. At most max_buckets buckets are kept: if the range of
// values needs more, the lowest buckets are collapsed into one, which keeps the guarantee for
// the upper quantiles (the ones latency SLOs look at) and loses it only for the lowest ones.
// With alpha = 1% and 2048 buckets that happens only beyond a ratio of 1e17 between the largest
// and smallest positive value.
//
// Negative values, NaN and infinities are rejected (std::invalid_argument): vmcsim measures
// durations, sizes and counts.
class QuantileSketch {
 public:
  explicit QuantileSketch(double relative_accuracy = 0.01, std::size_t max_buckets = 2048);

  void add(double x);

  // Bucket increments of one sketch held back and applied together. A sketch's buckets do not
  // depend on the order of its observations, so a.release(held) leaves a exactly as the adds
  // would have. Why: at datacenter scale a per-service sketch's buckets are out of the caches
  // at every add, and one increment at a time costs a memory round trip each; fifteen applied
  // together share their misses (bench/README.md, seventh round).
  struct alignas(64) HeldKeys {
    static constexpr std::uint32_t kCapacity = 15;
    std::array<int, kCapacity> keys{};
    std::uint32_t size = 0;
  };
  // a.add(x); b.add(x), with one logarithm for both when they have the same accuracy (a
  // per-service and a whole-run sketch of every request's latency). a's count, min and max are
  // current at once; its bucket increment waits in a_held (applied when a_held is full), so
  // quantile(), state() and merge() of a throw std::logic_error until a.release(a_held).
  static void add_to_both(QuantileSketch& a, HeldKeys& a_held, QuantileSketch& b, double x);
  // Applies and empties held (increments held for this sketch).
  void release(HeldKeys& held);
  // Adds every observation of other. Both must have the same relative accuracy
  // (std::invalid_argument otherwise).
  void merge(const QuantileSketch& other);

  // The q-quantile, q in [0, 1] (std::invalid_argument otherwise); NaN when empty. Answers are
  // clamped to [min(), max()], which are exact and are the answers for q = 0 and q = 1.
  double quantile(double q) const;

  std::uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  double min() const { return min_; }
  double max() const { return max_; }
  double relative_accuracy() const { return alpha_; }
  // Buckets in use (not counting the zero bucket): what the memory bound bounds.
  std::size_t bucket_count() const { return counts_.size(); }

  // The exact state, for moving sketches between processes (the MPI runner):
  // from_state(state()) equals the original bit for bit (gamma is recomputed from alpha by the
  // same expression).
  struct State {
    double relative_accuracy = 0.01;
    std::size_t max_buckets = 2048;
    std::vector<std::uint64_t> counts;
    int min_key = 0;
    std::uint64_t zero_count = 0, count = 0;
    double min = 0.0, max = 0.0;
  };
  State state() const {
    require_released("state");
    return {alpha_, max_buckets_, counts_, min_key_, zero_count_, count_, min_, max_};
  }
  static QuantileSketch from_state(State s) {
    QuantileSketch q{s.relative_accuracy, s.max_buckets};
    q.counts_ = std::move(s.counts);
    q.min_key_ = s.min_key;
    q.zero_count_ = s.zero_count;
    q.count_ = s.count;
    q.min_ = s.min;
    q.max_ = s.max;
    return q;
  }

 private:
  int key_of(double x) const;
  void require_released(const char* what) const;
  double value_of(int key) const;
  // Makes room for key (collapsing low buckets if needed); returns the key it now maps to.
  int make_room(int key);
  // The checks of add() before the key: counts, min and max; false for a zero (counted).
  bool count_nonzero(double x);
  // One more observation in key's bucket (make_room's only when key is outside the range).
  void count_key(int key) {
    const auto i = static_cast<std::size_t>(static_cast<std::int64_t>(key) - min_key_);
    if (key >= min_key_ && i < counts_.size()) {
      ++counts_[i];
      return;
    }
    ++counts_[static_cast<std::size_t>(make_room(key) - min_key_)];
  }

  double alpha_;
  double gamma_;
  double log_gamma_;
  std::size_t max_buckets_;
  std::vector<std::uint64_t> counts_;  // counts_[i] is the count of key min_key_ + i
  int min_key_ = 0;
  std::uint32_t held_ = 0;  // increments counted in count_ but held back (HeldKeys)
  std::uint64_t zero_count_ = 0;
  std::uint64_t count_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

// mean +- half_width covers the true mean with probability `level`, assuming the values are
// independent and (roughly) normal, as means of independent replications are.
struct ConfidenceInterval {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double half_width = std::numeric_limits<double>::infinity();
  std::size_t n = 0;
  double level = 0.95;

  double lower() const { return mean - half_width; }
  double upper() const { return mean + half_width; }
  bool contains(double x) const { return lower() <= x && x <= upper(); }
  // half_width / |mean|: the precision researchers usually stop replicating at.
  double relative_half_width() const;
};

// The two-sided Student-t quantile t_{1 - (1 - level) / 2, n - 1} (Boost.Math).
double student_t_critical(std::size_t n, double level);
// The p-quantile of Student's t with (possibly fractional, e.g. Welch's) degrees of freedom > 0
// (Boost.Math). Here so that callers need not compile Boost.Math's headers themselves.
double student_t_quantile(double degrees_of_freedom, double p);

// Student-t interval from n independent values: mean +- t * s / sqrt(n). With n < 2 the
// half width is infinite (nothing is known about the spread); with n = 0 the mean is NaN too.
// level in (0, 1), else std::invalid_argument.
ConfidenceInterval confidence_interval(const RunningStats& stats, double level = 0.95);
ConfidenceInterval confidence_interval(std::span<const double> values, double level = 0.95);
inline ConfidenceInterval confidence_interval_95(std::span<const double> values) {
  return confidence_interval(values, 0.95);
}

// Interval for the mean of a[i] - b[i]: variant a against variant b, replication i of both
// driven by the same random streams (common random numbers), so the noise they share cancels.
// Positive means a is larger. a and b must have the same length (std::invalid_argument).
ConfidenceInterval paired_difference(std::span<const double> a, std::span<const double> b,
                                     double level = 0.95);

}  // namespace vmcsim::sim
