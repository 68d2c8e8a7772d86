#include "sim/statistics.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <stdexcept>
#include <string>

namespace vmcsim::sim {

void RunningStats::add(double x) {
  ++n_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (x - mean_);
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
}

void RunningStats::merge(const RunningStats& other) {
  if (other.n_ == 0) return;
  if (n_ == 0) {
    *this = other;
    return;
  }
  const double na = static_cast<double>(n_);
  const double nb = static_cast<double>(other.n_);
  const double n = na + nb;
  const double delta = other.mean_ - mean_;
  mean_ += delta * nb / n;
  m2_ += other.m2_ + delta * delta * na * nb / n;
  n_ += other.n_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double RunningStats::stddev() const {
  return std::sqrt(variance());
}

TimeWeightedAverage::TimeWeightedAverage(Time start, double initial)
    : start_{start}, last_{start}, value_{initial}, max_{initial}, min_{initial} {}

void TimeWeightedAverage::record(Time now, double value) {
  if (now < last_)
    throw std::invalid_argument("TimeWeightedAverage: record at " + now.to_string() +
                                " is before the last change at " + last_.to_string());
  area_ += value_ * (now - last_).seconds();
  last_ = now;
  value_ = value;
  max_ = std::max(max_, value);
  min_ = std::min(min_, value);
}

void TimeWeightedAverage::reset(Time now) {
  if (now < last_)
    throw std::invalid_argument("TimeWeightedAverage: reset at " + now.to_string() +
                                " is before the last change at " + last_.to_string());
  start_ = last_ = now;
  area_ = 0.0;
  max_ = min_ = value_;
}

double TimeWeightedAverage::integral(Time until) const {
  if (until < last_)
    throw std::invalid_argument("TimeWeightedAverage: integral until " + until.to_string() +
                                " is before the last change at " + last_.to_string());
  return area_ + value_ * (until - last_).seconds();
}

double TimeWeightedAverage::mean(Time until) const {
  const double area = integral(until);
  const double duration = (until - start_).seconds();
  return duration > 0.0 ? area / duration : value_;
}

QuantileSketch::QuantileSketch(double relative_accuracy, std::size_t max_buckets)
    : alpha_{relative_accuracy},
      gamma_{(1.0 + relative_accuracy) / (1.0 - relative_accuracy)},
      log_gamma_{std::log(gamma_)},
      max_buckets_{max_buckets} {
  if (!(relative_accuracy > 0.0 && relative_accuracy < 1.0))
    throw std::invalid_argument("QuantileSketch: relative accuracy must be in (0, 1)");
  if (max_buckets < 1) throw std::invalid_argument("QuantileSketch: needs at least one bucket");
}

int QuantileSketch::key_of(double x) const {
  return static_cast<int>(std::ceil(std::log(x) / log_gamma_));
}

double QuantileSketch::value_of(int key) const {
  // The point of (gamma^(k-1), gamma^k] at relative distance alpha from both ends.
  return 2.0 * std::pow(gamma_, key) / (gamma_ + 1.0);
}

int QuantileSketch::make_room(int key) {
  if (counts_.empty()) {
    min_key_ = key;
    counts_.assign(1, 0);
    return key;
  }
  const int old_max = min_key_ + static_cast<int>(counts_.size()) - 1;
  const int hi = std::max(old_max, key);
  int lo = std::min(min_key_, key);
  if (static_cast<std::size_t>(hi - lo) + 1 > max_buckets_)
    lo = hi - static_cast<int>(max_buckets_) + 1;
  if (lo != min_key_ || hi != old_max) {
    std::vector<std::uint64_t> grown(static_cast<std::size_t>(hi - lo) + 1, 0);
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      const int k = std::max(min_key_ + static_cast<int>(i), lo);
      grown[static_cast<std::size_t>(k - lo)] += counts_[i];
    }
    counts_ = std::move(grown);
    min_key_ = lo;
  }
  return std::max(key, lo);
}

bool QuantileSketch::count_nonzero(double x) {
  if (!(x >= 0.0) || std::isinf(x))
    throw std::invalid_argument("QuantileSketch: value " + std::to_string(x) +
                                " is not a finite non-negative number");
  ++count_;
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
  if (x < std::numeric_limits<double>::min()) {
    ++zero_count_;
    return false;
  }
  return true;
}

void QuantileSketch::add(double x) {
  if (count_nonzero(x)) count_key(key_of(x));
}

void QuantileSketch::add_to_both(QuantileSketch& a, HeldKeys& a_held, QuantileSketch& b,
                                 double x) {
  // Equal accuracies give equal log_gamma_ (the same expression of the same double), so equal
  // keys.
  if (a.alpha_ != b.alpha_) {
    a.add(x);
    b.add(x);
    return;
  }
  const bool nonzero = a.count_nonzero(x);
  b.count_nonzero(x);
  if (!nonzero) return;
  const int key = a.key_of(x);
  b.count_key(key);
  a_held.keys[a_held.size++] = key;
  ++a.held_;
  if (a_held.size == HeldKeys::kCapacity) a.release(a_held);
}

void QuantileSketch::release(HeldKeys& held) {
  if (held.size > held_)
    throw std::logic_error("QuantileSketch: releasing increments that were not held for it");
  // The increments are independent, so their cache misses overlap.
  for (std::uint32_t i = 0; i < held.size; ++i) count_key(held.keys[i]);
  held_ -= held.size;
  held.size = 0;
}

void QuantileSketch::require_released(const char* what) const {
  if (held_ != 0)
    throw std::logic_error(std::string{"QuantileSketch: "} + what +
                           " with bucket increments still held (release them first)");
}

void QuantileSketch::merge(const QuantileSketch& other) {
  require_released("merge");
  other.require_released("merge");
  if (other.alpha_ != alpha_)
    throw std::invalid_argument("QuantileSketch: cannot merge sketches of different accuracy");
  for (std::size_t i = 0; i < other.counts_.size(); ++i) {
    if (other.counts_[i] == 0) continue;
    const int key = make_room(other.min_key_ + static_cast<int>(i));
    counts_[static_cast<std::size_t>(key - min_key_)] += other.counts_[i];
  }
  zero_count_ += other.zero_count_;
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double QuantileSketch::quantile(double q) const {
  require_released("quantile");
  if (!(q >= 0.0 && q <= 1.0))
    throw std::invalid_argument("QuantileSketch: quantile " + std::to_string(q) +
                                " is not in [0, 1]");
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  // The extremes are known exactly; no bucket needs to answer for them.
  if (q == 0.0) return min_;
  if (q == 1.0) return max_;
  // The bucket holding the observation of 0-based rank floor(q * (count - 1)).
  const double rank = q * static_cast<double>(count_ - 1);
  std::uint64_t seen = zero_count_;
  if (static_cast<double>(seen) > rank) return 0.0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (static_cast<double>(seen) > rank)
      return std::clamp(value_of(min_key_ + static_cast<int>(i)), min_, max_);
  }
  return max_;  // not reached: the counts sum to count_
}

double ConfidenceInterval::relative_half_width() const {
  return half_width / std::abs(mean);
}

double student_t_critical(std::size_t n, double level) {
  if (!(level > 0.0 && level < 1.0))
    throw std::invalid_argument("confidence level must be in (0, 1)");
  if (n < 2) return std::numeric_limits<double>::infinity();
  return student_t_quantile(static_cast<double>(n - 1), 1.0 - 0.5 * (1.0 - level));
}

double student_t_quantile(double degrees_of_freedom, double p) {
  return boost::math::quantile(boost::math::students_t{degrees_of_freedom}, p);
}

ConfidenceInterval confidence_interval(const RunningStats& stats, double level) {
  const double t = student_t_critical(static_cast<std::size_t>(stats.count()), level);
  ConfidenceInterval ci;
  ci.mean = stats.mean();
  ci.n = static_cast<std::size_t>(stats.count());
  ci.level = level;
  if (ci.n >= 2) ci.half_width = t * stats.stddev() / std::sqrt(static_cast<double>(ci.n));
  return ci;
}

ConfidenceInterval confidence_interval(std::span<const double> values, double level) {
  RunningStats stats;
  for (const double v : values)
    stats.add(v);
  return confidence_interval(stats, level);
}

ConfidenceInterval paired_difference(std::span<const double> a, std::span<const double> b,
                                     double level) {
  if (a.size() != b.size())
    throw std::invalid_argument("paired_difference: " + std::to_string(a.size()) + " values vs " +
                                std::to_string(b.size()) + ", need one pair per replication");
  RunningStats diff;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff.add(a[i] - b[i]);
  return confidence_interval(diff, level);
}

}  // namespace vmcsim::sim
