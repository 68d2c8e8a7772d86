#include "sim/distributions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>

namespace vmcsim::sim {
namespace {
void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(what);
}
}  // namespace

Uniform::Uniform(double lo, double hi) : low{lo}, high{hi} {
  require(lo <= hi, "uniform: low must not exceed high");
}

Exponential::Exponential(double mean) : mean_value{mean} {
  require(mean > 0.0, "exponential: mean must be positive");
}
double Exponential::sample(RandomStream& s) const {
  return -mean_value * std::log(s.uniform01_open_left());
}

Normal::Normal(double m, double sd) : mu{m}, sigma{sd} {
  require(sd >= 0.0, "normal: sigma must not be negative");
}
double Normal::sample(RandomStream& s) const {
  const double u1 = s.uniform01_open_left();
  const double u2 = s.uniform01();
  return mu + sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

LogNormal::LogNormal(double m, double sd) : mu{m}, sigma{sd} {
  require(sd >= 0.0, "lognormal: sigma must not be negative");
}
LogNormal LogNormal::from_median_sigma(double median, double sd) {
  require(median > 0.0, "lognormal: median must be positive");
  return LogNormal{std::log(median), sd};
}
LogNormal LogNormal::from_mean_cv(double mean, double cv) {
  require(mean > 0.0 && cv >= 0.0, "lognormal: mean must be positive and cv not negative");
  const double s2 = std::log1p(cv * cv);
  return LogNormal{std::log(mean) - 0.5 * s2, std::sqrt(s2)};
}
LogNormal LogNormal::from_median_p95(double median, double p95) {
  require(median > 0.0 && p95 >= median, "lognormal: need 0 < median <= p95");
  constexpr double z95 = 1.6448536269514722;
  return LogNormal{std::log(median), std::log(p95 / median) / z95};
}
double LogNormal::sample(RandomStream& s) const {
  return std::exp(Normal{mu, sigma}.sample(s));
}
double LogNormal::mean() const {
  return std::exp(mu + 0.5 * sigma * sigma);
}
double LogNormal::median() const {
  return std::exp(mu);
}

Pareto::Pareto(double sc, double sh) : scale{sc}, shape{sh} {
  require(sc > 0.0 && sh > 0.0, "pareto: scale and shape must be positive");
}
double Pareto::sample(RandomStream& s) const {
  return scale / std::pow(s.uniform01_open_left(), 1.0 / shape);
}
double Pareto::mean() const {
  return shape > 1.0 ? shape * scale / (shape - 1.0) : std::numeric_limits<double>::infinity();
}

Weibull::Weibull(double sc, double sh) : scale{sc}, shape{sh} {
  require(sc > 0.0 && sh > 0.0, "weibull: scale and shape must be positive");
}
double Weibull::sample(RandomStream& s) const {
  return scale * std::pow(-std::log(s.uniform01_open_left()), 1.0 / shape);
}
double Weibull::mean() const {
  return scale * std::tgamma(1.0 + 1.0 / shape);
}

Empirical::Empirical(std::vector<double> samples) : sorted{std::move(samples)} {
  require(!sorted.empty(), "empirical: needs at least one sample");
  std::sort(sorted.begin(), sorted.end());
}
double Empirical::sample(RandomStream& s) const {
  // Observation i sits at the middle, (i + 1/2) / n, of its probability cell (Hazen plotting
  // positions): the inverse CDF is linear between neighbours and flat in the two outer
  // half-cells, so the draws keep the sample's range and have exactly its mean.
  const double pos = s.uniform01() * static_cast<double>(sorted.size()) - 0.5;
  if (pos <= 0.0) return sorted.front();
  const auto i = static_cast<std::size_t>(pos);
  if (i + 1 >= sorted.size()) return sorted.back();
  const double frac = pos - static_cast<double>(i);
  return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}
double Empirical::mean() const {
  // Trapezoids of width 1/n between neighbours plus the two half-cells: exactly the sample mean.
  return std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
}

std::string Distribution::kind() const {
  static constexpr const char* names[] = {"constant",  "uniform", "exponential", "normal",
                                          "lognormal", "pareto",  "weibull",     "empirical"};
  return names[d_.index()];
}

}  // namespace vmcsim::sim
