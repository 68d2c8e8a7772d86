#pragma once
// Probability distributions, vmcsim's own code (not <random>'s, whose algorithms differ between
// standard libraries and would change results from one machine to the next).
//
// Each distribution is a small value type with sample(stream) and mean(); Distribution is the
// closed sum of them, for parameters a scenario or profile chooses ("phase duration: lognormal
// with median 1.2 s"). Parameters are checked on construction (std::invalid_argument).
#include <string>
#include <variant>
#include <vector>

#include "sim/random.hpp"

namespace vmcsim::sim {

struct Constant {
  double value = 0.0;
  double sample(RandomStream&) const { return value; }
  double mean() const { return value; }
};

struct Uniform {
  double low = 0.0, high = 1.0;
  Uniform(double low, double high);
  double sample(RandomStream& s) const { return low + (high - low) * s.uniform01(); }
  double mean() const { return 0.5 * (low + high); }
};

struct Exponential {
  double mean_value = 1.0;
  explicit Exponential(double mean);
  double sample(RandomStream& s) const;
  double mean() const { return mean_value; }
};

// Normal by the Box-Muller transform (one variate per call, so a draw always consumes exactly
// two uniforms: streams stay aligned across variants).
struct Normal {
  double mu = 0.0, sigma = 1.0;
  Normal(double mu, double sigma);
  double sample(RandomStream& s) const;
  double mean() const { return mu; }
};

// exp(Normal(mu, sigma)). from_median_p95 fits it to two quantiles, as measurements are
// usually published.
struct LogNormal {
  double mu = 0.0, sigma = 1.0;
  LogNormal(double mu, double sigma);
  static LogNormal from_median_sigma(double median, double sigma);
  static LogNormal from_mean_cv(double mean, double coefficient_of_variation);
  static LogNormal from_median_p95(double median, double p95);
  double sample(RandomStream& s) const;
  double mean() const;
  double median() const;
};

// Pareto type I: P(X > x) = (scale / x)^shape for x >= scale. Mean is infinite if shape <= 1.
struct Pareto {
  double scale = 1.0, shape = 2.0;
  Pareto(double scale, double shape);
  double sample(RandomStream& s) const;
  double mean() const;
};

struct Weibull {
  double scale = 1.0, shape = 1.0;
  Weibull(double scale, double shape);
  double sample(RandomStream& s) const;
  double mean() const;
};

// Piecewise-linear inverse of the empirical CDF of observed samples, with the i-th smallest of n
// observations at probability (i + 1/2) / n: draws stay within the observed range, interpolate
// between neighbouring order statistics, and have exactly the sample mean. (Placing them at
// i / (n - 1) instead, as Law and Kelton do, gives the two extremes half weight and biases the
// mean of a small skewed sample, e.g. a handful of measured boot times with one slow outlier.)
struct Empirical {
  std::vector<double> sorted;
  explicit Empirical(std::vector<double> samples);
  double sample(RandomStream& s) const;
  double mean() const;
};

class Distribution {
 public:
  using Variant =
      std::variant<Constant, Uniform, Exponential, Normal, LogNormal, Pareto, Weibull, Empirical>;
  Distribution() : d_{Constant{0.0}} {}
  template <class D>
  Distribution(D d) : d_{std::move(d)} {}  // NOLINT: any member type converts

  double sample(RandomStream& s) const {
    return std::visit([&](const auto& d) { return d.sample(s); }, d_);
  }
  double mean() const {
    return std::visit([](const auto& d) { return d.mean(); }, d_);
  }
  // Its kind as a scenario writes it: "constant", "lognormal", ...
  std::string kind() const;
  const Variant& variant() const { return d_; }

 private:
  Variant d_;
};

}  // namespace vmcsim::sim
