#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "sim/distributions.hpp"
#include "sim/statistics.hpp"

using namespace vmcsim::sim;

// Moments of each distribution are checked against closed forms with tolerances of a few
// standard errors of the estimator (so a wrong formula fails and a right one passes with
// probability ~1 - 1e-6 per check; the seeds are fixed, so the outcome is deterministic):
//   sample mean      standard error sqrt(var / n)
//   sample variance  standard error sqrt((mu4 - var^2) / n)  (mu4: fourth central moment)

namespace {

constexpr std::size_t kSamples = 200'000;
constexpr double kStandardErrors = 5.0;

// Raw moments E[X^k], k = 1..4, from a closed form E[X^k] = raw(k).
struct Moments {
  double mean, variance, mu4;
  static Moments from_raw(const std::function<double(int)>& raw) {
    const double m1 = raw(1), m2 = raw(2), m3 = raw(3), m4 = raw(4);
    return {m1, m2 - m1 * m1, m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 * m1 * m1 * m1};
  }
};

RunningStats sample_stats(const Distribution& d, std::string_view name) {
  RandomStream s{2024, 0, name};
  RunningStats stats;
  for (std::size_t i = 0; i < kSamples; ++i)
    stats.add(d.sample(s));
  return stats;
}

void check_mean(const Distribution& d, double mean, double variance) {
  INFO(d.kind() << ": expected mean " << mean);
  CHECK(d.mean() == Approx(mean).epsilon(1e-12));
  const RunningStats stats = sample_stats(d, d.kind());
  const double se = std::sqrt(variance / static_cast<double>(kSamples));
  INFO("sample mean " << stats.mean() << ", standard error " << se);
  CHECK(std::abs(stats.mean() - mean) <= kStandardErrors * se);
}

void check_moments(const Distribution& d, const Moments& m) {
  check_mean(d, m.mean, m.variance);
  const RunningStats stats = sample_stats(d, d.kind());
  const double se = std::sqrt((m.mu4 - m.variance * m.variance) / static_cast<double>(kSamples));
  INFO(d.kind() << ": sample variance " << stats.variance() << ", expected " << m.variance
                << ", standard error " << se);
  CHECK(std::abs(stats.variance() - m.variance) <= kStandardErrors * se);
}

double factorial(int k) {
  return std::tgamma(k + 1.0);
}

// The 0-based p-quantile of n sorted draws and its standard error sqrt(p (1 - p) / n) / f(x_p).
double sample_quantile(std::vector<double>& xs, double p) {
  const auto k = static_cast<std::size_t>(p * static_cast<double>(xs.size() - 1));
  std::nth_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(k), xs.end());
  return xs[k];
}

}  // namespace

TEST_CASE("a constant always draws its value") {
  const Distribution d = Constant{2.5};
  RandomStream s{1};
  for (int i = 0; i < 10; ++i)
    REQUIRE(d.sample(s) == 2.5);
  CHECK(d.mean() == 2.5);
  CHECK(d.kind() == "constant");
}

TEST_CASE("uniform draws have the mean and variance of U(a, b)") {
  const double a = 2.0, b = 5.0;
  check_moments(Uniform{a, b}, Moments::from_raw([&](int k) {
                  return (std::pow(b, k + 1) - std::pow(a, k + 1)) / ((k + 1) * (b - a));
                }));
}

TEST_CASE("exponential draws have the mean and variance of Exp(mean)") {
  const double m = 3.0;
  check_moments(Exponential{m},
                Moments::from_raw([&](int k) { return factorial(k) * std::pow(m, k); }));
}

TEST_CASE("normal draws have the mean and variance of N(mu, sigma)") {
  const double mu = 10.0, s = 2.0;
  check_moments(Normal{mu, s}, Moments{mu, s * s, 3 * s * s * s * s});
}

TEST_CASE("lognormal draws have the mean and variance of exp(N(mu, sigma))") {
  const double mu = 0.5, s = 0.6;
  check_moments(LogNormal{mu, s},
                Moments::from_raw([&](int k) { return std::exp(k * mu + 0.5 * k * k * s * s); }));
}

TEST_CASE("Pareto draws have the mean and variance of Pareto(scale, shape)") {
  // E[X^k] = shape scale^k / (shape - k), finite for k < shape: shape 5 has four moments.
  const double scale = 2.0, shape = 5.0;
  check_moments(Pareto{scale, shape},
                Moments::from_raw([&](int k) { return shape * std::pow(scale, k) / (shape - k); }));
}

TEST_CASE("Pareto draws with shape between 2 and 4 have the right mean") {
  // Finite variance (so the sample mean has a standard error) but no fourth moment.
  const double scale = 1.0, shape = 2.5;
  check_mean(Pareto{scale, shape}, shape * scale / (shape - 1),
             shape * scale * scale / ((shape - 1) * (shape - 1) * (shape - 2)));
  CHECK(std::isinf(Pareto{1.0, 1.0}.mean()));
}

TEST_CASE("Weibull draws have the mean and variance of Weibull(scale, shape)") {
  const double scale = 2.0, shape = 1.5;
  check_moments(Weibull{scale, shape}, Moments::from_raw([&](int k) {
                  return std::pow(scale, k) * std::tgamma(1.0 + k / shape);
                }));
}

TEST_CASE("a lognormal fitted from median and p95 reproduces both") {
  const double median = 1.2, p95 = 4.0;
  const LogNormal fit = LogNormal::from_median_p95(median, p95);
  CHECK(fit.median() == Approx(median));
  RandomStream s{2024, 0, "lognormal/fit"};
  std::vector<double> xs(kSamples);
  for (auto& x : xs)
    x = fit.sample(s);
  // Standard error of a sample p-quantile: sqrt(p (1 - p) / n) / f(x_p), f the lognormal density.
  const auto density = [&](double x) {
    const double z = (std::log(x) - fit.mu) / fit.sigma;
    return std::exp(-0.5 * z * z) / (x * fit.sigma * std::sqrt(2 * std::numbers::pi));
  };
  for (const auto& [p, expected] : {std::pair{0.5, median}, std::pair{0.95, p95}}) {
    const double se = std::sqrt(p * (1 - p) / static_cast<double>(kSamples)) / density(expected);
    const double got = sample_quantile(xs, p);
    INFO("p = " << p << ": sample " << got << ", expected " << expected << ", se " << se);
    CHECK(std::abs(got - expected) <= kStandardErrors * se);
  }
  CHECK_THROWS_AS(LogNormal::from_median_p95(2.0, 1.0), std::invalid_argument);
}

TEST_CASE("a lognormal fitted from mean and coefficient of variation reproduces both") {
  const double mean = 3.0, cv = 0.5;
  const LogNormal fit = LogNormal::from_mean_cv(mean, cv);
  CHECK(fit.mean() == Approx(mean));
  const Moments m = Moments::from_raw(
      [&](int k) { return std::exp(k * fit.mu + 0.5 * k * k * fit.sigma * fit.sigma); });
  CHECK(std::sqrt(m.variance) / m.mean == Approx(cv));
  check_moments(fit, m);
}

TEST_CASE("an empirical distribution reproduces the sample range and mean") {
  // A small skewed sample, like a handful of measured boot times with one slow outlier.
  const std::vector<double> data{1.1, 0.9, 1.0, 1.3, 4.0};
  const Empirical e{data};
  const double n = static_cast<double>(data.size());
  double sum = 0.0;
  for (const double x : data)
    sum += x;
  CHECK(e.mean() == Approx(sum / n));

  // Its moments: atoms of 1/(2n) at both extremes, uniform pieces of mass 1/n between
  // neighbours.
  const auto raw = [&](int k) {
    const auto& x = e.sorted;
    double r = (std::pow(x.front(), k) + std::pow(x.back(), k)) / (2 * n);
    for (std::size_t i = 0; i + 1 < x.size(); ++i)
      r += (std::pow(x[i + 1], k + 1) - std::pow(x[i], k + 1)) / ((k + 1) * (x[i + 1] - x[i])) / n;
    return r;
  };
  check_moments(e, Moments::from_raw(raw));

  RandomStream s{2024, 0, "empirical/range"};
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  for (std::size_t i = 0; i < 10'000; ++i) {
    const double x = e.sample(s);
    lo = std::min(lo, x), hi = std::max(hi, x);
  }
  CHECK(lo == 0.9);  // the extremes are reached (each has probability 1/(2n))...
  CHECK(hi == 4.0);  // ...and never exceeded

  CHECK(Empirical{{7.0}}.sample(s) == 7.0);
  CHECK_THROWS_AS(Empirical{{}}, std::invalid_argument);
}

TEST_CASE("distribution parameters are checked on construction") {
  CHECK_THROWS_AS(Uniform(2.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(Exponential(0.0), std::invalid_argument);
  CHECK_THROWS_AS(Normal(0.0, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(Pareto(0.0, 2.0), std::invalid_argument);
  CHECK_THROWS_AS(Weibull(1.0, 0.0), std::invalid_argument);
}

TEST_CASE("every distribution names its kind") {
  CHECK(Distribution{Uniform{0, 1}}.kind() == "uniform");
  CHECK(Distribution{Exponential{1}}.kind() == "exponential");
  CHECK(Distribution{Normal{0, 1}}.kind() == "normal");
  CHECK(Distribution{LogNormal{0, 1}}.kind() == "lognormal");
  CHECK(Distribution{Pareto{1, 2}}.kind() == "pareto");
  CHECK(Distribution{Weibull{1, 2}}.kind() == "weibull");
  CHECK(Distribution{Empirical{{1.0}}}.kind() == "empirical");
}
