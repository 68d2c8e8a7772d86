#pragma once
// What MetricsCollector (collector.cpp) accumulates over simulated time, and how the warm-up
// deletion cuts it (collector.hpp, "Warm-up deletion"). Internal to the collector.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/statistics.hpp"
#include "sim/time.hpp"

namespace vmcsim::models::metrics {

inline constexpr double kSecondsPerHour = 3600.0;

// An exact integer quantity whose time integral is wanted (bytes, millicores).
struct Integral {
  std::int64_t value = 0;
  sim::TimeWeightedAverage twa;
  void add(sim::Time now, std::int64_t delta, double unit) {
    value += delta;
    twa.record(now, static_cast<double>(value) / unit);
  }
  double hours(sim::Time end) const { return twa.integral(end) / kSecondsPerHour; }
};

// The largest value a piecewise-constant signal held for a positive time: values replaced at
// the instant they were set (one instance stops as another starts) are not peaks.
class Peak {
 public:
  void set(sim::Time now, double value) {
    if (now > since_) peak_ = std::max(peak_, value_);
    value_ = value;
    since_ = now;
  }
  double until(sim::Time end) const { return end > since_ ? std::max(peak_, value_) : peak_; }
  // Forgets the peaks before now; the current value carries on.
  void restart(sim::Time now) {
    peak_ = 0.0;
    since_ = now;
  }

 private:
  double value_ = 0.0;
  sim::Time since_;
  double peak_ = 0.0;
};

// Warm-up deletion, one mechanism for all of it. Totals the models keep (energy, CPU busy, the
// bill, evictions, arrivals) are read through named readers: the warm-up end takes every
// reader's values once, and at the end each total is read minus what it was then. What the
// collector integrates itself (integrals, time-weighted means, peaks) restarts at the warm-up
// end through the restarts registered. Without a warm-up nothing is taken and since() is the
// plain total.
class WarmupCut {
 public:
  using Values = std::map<std::string, double, std::less<>>;
  using Reader = std::function<void(sim::Time, Values&)>;

  void read(Reader reader) { readers_.push_back(std::move(reader)); }
  void restart(std::function<void(sim::Time)> restart) { restarts_.push_back(std::move(restart)); }
  void take(sim::Time now) {
    for (const auto& r : readers_)
      r(now, at_cut_);
    for (const auto& f : restarts_)
      f(now);
  }
  // Every total now, minus its value at the warm-up end (0 if it did not exist then).
  Values since(sim::Time now) const {
    Values v;
    for (const auto& r : readers_)
      r(now, v);
    for (auto& [key, value] : v)
      if (const auto it = at_cut_.find(key); it != at_cut_.end()) value -= it->second;
    return v;
  }

 private:
  std::vector<Reader> readers_;
  std::vector<std::function<void(sim::Time)>> restarts_;
  Values at_cut_;
};

inline double value_of(const WarmupCut::Values& v, std::string_view key) {
  const auto it = v.find(key);
  return it == v.end() ? 0.0 : it->second;
}

}  // namespace vmcsim::models::metrics
