#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "sim/distributions.hpp"
#include "sim/random.hpp"
#include "sim/statistics.hpp"

using namespace vmcsim::sim;
using namespace vmcsim::sim::literals;

namespace {

struct TwoPass {
  double mean = 0.0, variance = 0.0;
};

// The textbook two-pass formulas, accurate when the data fit in memory.
TwoPass two_pass(const std::vector<double>& xs) {
  double sum = 0.0;
  for (const double x : xs)
    sum += x;
  const double mean = sum / static_cast<double>(xs.size());
  double ss = 0.0;
  for (const double x : xs)
    ss += (x - mean) * (x - mean);
  return {mean, ss / static_cast<double>(xs.size() - 1)};
}

std::vector<double> draw(const Distribution& d, RandomStream& s, std::size_t n) {
  std::vector<double> xs(n);
  for (auto& x : xs)
    x = d.sample(s);
  return xs;
}

// The observation of 0-based rank floor(q (n - 1)): what QuantileSketch promises to approximate.
double exact_quantile(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

void check_within_relative_error(const QuantileSketch& sketch, std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  const double alpha = sketch.relative_accuracy();
  for (const double q : {0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    const double exact = exact_quantile(xs, q);
    INFO("q = " << q << ", exact " << exact << ", sketch " << sketch.quantile(q));
    // 1e-12: rounding in log() at bucket edges, far below alpha.
    CHECK(std::abs(sketch.quantile(q) - exact) <= alpha * exact * (1.0 + 1e-12));
  }
}

}  // namespace

TEST_CASE("Welford mean and variance agree with the two-pass formulas even on a large offset") {
  RandomStream s{7, 0, "stats/welford"};
  // A mean of 1e9 with a spread of 1: the naive sum-of-squares formula loses every digit here.
  std::vector<double> xs = draw(Normal{1e9, 1.0}, s, 10'000);
  RunningStats stats;
  for (const double x : xs)
    stats.add(x);
  const TwoPass ref = two_pass(xs);
  CHECK(stats.count() == xs.size());
  CHECK(stats.mean() == Approx(ref.mean).epsilon(1e-12));
  CHECK(stats.variance() == Approx(ref.variance).epsilon(1e-6));
  CHECK(stats.stddev() == Approx(std::sqrt(ref.variance)).epsilon(1e-6));
  CHECK(stats.min() == *std::min_element(xs.begin(), xs.end()));
  CHECK(stats.max() == *std::max_element(xs.begin(), xs.end()));
}

TEST_CASE("merging running statistics equals adding every observation to one") {
  RandomStream s{7, 0, "stats/merge"};
  const std::vector<double> xs = draw(LogNormal{2.0, 0.8}, s, 3'001);
  RunningStats all, parts[3];
  for (std::size_t i = 0; i < xs.size(); ++i) {
    all.add(xs[i]);
    parts[i * 3 / xs.size()].add(xs[i]);
  }
  RunningStats merged;
  merged.merge(RunningStats{});  // merging nothing into nothing stays empty
  CHECK(merged.empty());
  for (const auto& p : parts)
    merged.merge(p);
  CHECK(merged.count() == all.count());
  CHECK(merged.mean() == Approx(all.mean()).epsilon(1e-12));
  CHECK(merged.variance() == Approx(all.variance()).epsilon(1e-12));
  CHECK(merged.min() == all.min());
  CHECK(merged.max() == all.max());
}

TEST_CASE("running statistics of nothing or one value are defined") {
  RunningStats stats;
  CHECK(std::isnan(stats.mean()));
  CHECK(stats.variance() == 0.0);
  stats.add(4.0);
  CHECK(stats.mean() == 4.0);
  CHECK(stats.variance() == 0.0);
  CHECK(stats.min() == 4.0);
  CHECK(stats.max() == 4.0);
}

TEST_CASE("a time-weighted average integrates a hand-built step signal") {
  // 0 on [0, 2 s), 3 on [2 s, 5 s), 1 on [5 s, 10 s]: integral 0 + 9 + 5 = 14 value-seconds.
  TimeWeightedAverage signal{0_s, 0.0};
  signal.record(2_s, 3.0);
  signal.record(5_s, 1.0);
  CHECK(signal.integral(10_s) == Approx(14.0));
  CHECK(signal.mean(10_s) == Approx(1.4));
  CHECK(signal.max() == 3.0);
  CHECK(signal.min() == 0.0);
  CHECK(signal.current() == 1.0);
  // Halfway through a step the area is partial.
  CHECK(signal.integral(5_s) == Approx(9.0));

  SECTION("reset deletes the warm-up and keeps the current value") {
    signal.reset(6_s);
    CHECK(signal.mean(10_s) == Approx(1.0));
    CHECK(signal.max() == 1.0);
    signal.record(8_s, 4.0);
    CHECK(signal.mean(10_s) == Approx((2.0 * 1.0 + 2.0 * 4.0) / 4.0));
  }
  SECTION("going back in time is an error") {
    CHECK_THROWS_AS(signal.record(4_s, 2.0), std::invalid_argument);
    CHECK_THROWS_AS(signal.integral(4_s), std::invalid_argument);
  }
  SECTION("two changes at the same instant leave no area for the first") {
    signal.record(5_s, 100.0);
    signal.record(5_s, 1.0);
    CHECK(signal.integral(10_s) == Approx(14.0));
    CHECK(signal.max() == 100.0);
  }
}

TEST_CASE("a time-weighted average over an empty interval is the current value") {
  TimeWeightedAverage signal{3_s, 2.5};
  CHECK(signal.mean(3_s) == 2.5);
  CHECK(signal.integral(3_s) == 0.0);
  CHECK(signal.start() == 3_s);
}

TEST_CASE("quantile sketch answers lognormal quantiles within its relative error") {
  RandomStream s{11, 0, "stats/sketch/lognormal"};
  const std::vector<double> xs = draw(LogNormal::from_median_p95(1.2, 4.0), s, 100'000);
  QuantileSketch sketch{0.01};
  for (const double x : xs)
    sketch.add(x);
  CHECK(sketch.count() == xs.size());
  check_within_relative_error(sketch, xs);
}

TEST_CASE("quantile sketch answers heavy-tailed Pareto quantiles within its relative error") {
  RandomStream s{11, 0, "stats/sketch/pareto"};
  const std::vector<double> xs = draw(Pareto{0.05, 1.2}, s, 100'000);
  QuantileSketch sketch{0.02};
  for (const double x : xs)
    sketch.add(x);
  check_within_relative_error(sketch, xs);
}

TEST_CASE("a merged quantile sketch equals one sketch of all the values") {
  RandomStream s{11, 0, "stats/sketch/merge"};
  const std::vector<double> low = draw(Uniform{0.001, 0.01}, s, 5'000);
  const std::vector<double> high = draw(Exponential{50.0}, s, 5'000);
  QuantileSketch a, b, all;
  for (const double x : low)
    a.add(x), all.add(x);
  for (const double x : high)
    b.add(x), all.add(x);
  b.merge(a);  // the merged-in sketch extends the range downwards
  CHECK(b.count() == all.count());
  for (const double q : {0.0, 0.2, 0.5, 0.7, 0.99, 1.0})
    CHECK(b.quantile(q) == all.quantile(q));
  CHECK_THROWS_AS(b.merge(QuantileSketch{0.05}), std::invalid_argument);
}

TEST_CASE("adding to two sketches at once leaves both exactly as adding to each") {
  // b (16 buckets) collapses its low ones while its increments are held back and released in
  // batches; a (default size) keeps every bucket. b_alone and c have different accuracies, so
  // they go through plain add() (nothing held), as the references a_alone and c_alone do.
  RandomStream s{11, 0, "stats/sketch/both"};
  std::vector<double> xs = draw(LogNormal::from_median_p95(16.0, 40.0), s, 5'000);
  xs.push_back(0.0);
  xs.push_back(1e-300);
  QuantileSketch a, b{0.01, 16}, c{0.02};
  QuantileSketch a_alone, b_alone{0.01, 16}, c_alone{0.02};
  QuantileSketch::HeldKeys b_held, b_alone_held;
  for (const double x : xs) {
    QuantileSketch::add_to_both(b, b_held, a, x);
    QuantileSketch::add_to_both(b_alone, b_alone_held, c, x);
    a_alone.add(x);
    c_alone.add(x);
  }
  // 5,001 positive values (1e-300 is above the smallest normal double; 0 has its own bucket):
  // 333 full batches released as they filled, 6 increments still held.
  CHECK(b_held.size == 5'001 % QuantileSketch::HeldKeys::kCapacity);
  CHECK(b_alone_held.size == 0);
  CHECK(b.count() == b_alone.count());
  CHECK(b.max() == b_alone.max());
  CHECK_THROWS_AS(b.quantile(0.5), std::logic_error);
  CHECK_THROWS_AS(b.state(), std::logic_error);
  CHECK_THROWS_AS(a_alone.merge(b), std::logic_error);
  QuantileSketch other;
  CHECK_THROWS_AS(other.release(b_held), std::logic_error);  // not held for it
  b.release(b_held);
  CHECK(b_held.size == 0);
  const auto same = [](const QuantileSketch& x, const QuantileSketch& y) {
    const QuantileSketch::State p = x.state(), q = y.state();
    CHECK(p.counts == q.counts);
    CHECK(p.min_key == q.min_key);
    CHECK(p.zero_count == q.zero_count);
    CHECK(p.count == q.count);
    CHECK(p.min == q.min);
    CHECK(p.max == q.max);
  };
  same(a, a_alone);
  same(b, b_alone);
  same(c, c_alone);
  CHECK(b.bucket_count() == 16);
  CHECK(b.quantile(0.99) == b_alone.quantile(0.99));
  CHECK_THROWS_AS(QuantileSketch::add_to_both(a, b_held, b, -1.0), std::invalid_argument);
}

TEST_CASE("quantile sketch counts zeros exactly") {
  QuantileSketch sketch;
  for (int i = 0; i < 60; ++i)
    sketch.add(0.0);
  for (int i = 1; i <= 40; ++i)
    sketch.add(static_cast<double>(i));
  CHECK(sketch.quantile(0.0) == 0.0);
  CHECK(sketch.quantile(0.6) == 0.0);  // rank floor(0.6 * 99) = 59: the last zero
  CHECK(sketch.quantile(0.61) == Approx(1.0).epsilon(0.01));  // rank 60: the value 1
  CHECK(sketch.quantile(1.0) == 40.0);                        // the exact max
}

TEST_CASE("quantile sketch memory stays bounded and keeps the upper quantiles accurate") {
  // 64 buckets of alpha = 1% span a factor gamma^64 ~ 3.6: the bulk in [100, 300] fits, the
  // ten tiny outliers 1e-50..1e-41 are collapsed into the lowest bucket.
  QuantileSketch sketch{0.01, 64};
  std::vector<double> xs;
  for (int e = -50; e < -40; ++e)
    xs.push_back(std::pow(10.0, e));
  RandomStream s{11, 0, "stats/sketch/bounded"};
  for (const double x : draw(Uniform{100.0, 300.0}, s, 990))
    xs.push_back(x);
  for (const double x : xs)
    sketch.add(x);
  CHECK(sketch.bucket_count() <= 64);
  CHECK(sketch.quantile(0.0) == 1e-50);  // the minimum stays exact
  std::sort(xs.begin(), xs.end());
  for (const double q : {0.05, 0.5, 0.9, 0.99}) {
    const double exact = exact_quantile(xs, q);
    CHECK(std::abs(sketch.quantile(q) - exact) <= 0.01 * exact * (1.0 + 1e-12));
  }
  // A lost guarantee, documented: the collapsed outliers answer as the lowest kept bucket.
  CHECK(sketch.quantile(0.005) > 1e-41);
}

TEST_CASE("quantile sketch rejects what it cannot hold and answers NaN when empty") {
  QuantileSketch sketch;
  CHECK(std::isnan(sketch.quantile(0.5)));
  CHECK_THROWS_AS(sketch.add(-1.0), std::invalid_argument);
  CHECK_THROWS_AS(sketch.add(std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(sketch.add(HUGE_VAL), std::invalid_argument);
  sketch.add(1.0);
  CHECK_THROWS_AS(sketch.quantile(1.5), std::invalid_argument);
  CHECK_THROWS_AS(QuantileSketch{0.0}, std::invalid_argument);
}

TEST_CASE("the Student-t critical values match the printed tables") {
  CHECK(student_t_critical(10, 0.95) == Approx(2.262).margin(5e-4));  // 9 degrees of freedom
  CHECK(student_t_critical(2, 0.95) == Approx(12.706).margin(5e-4));
  CHECK(student_t_critical(30, 0.95) == Approx(2.045).margin(5e-4));
  CHECK(student_t_critical(20, 0.99) == Approx(2.861).margin(5e-4));
  CHECK_THROWS_AS(student_t_critical(10, 1.0), std::invalid_argument);
}

TEST_CASE("Student-t quantiles at fractional degrees of freedom lie between the whole ones") {
  // Welch's test gives fractional degrees of freedom (vmcsim compare): 9.5 sits between the
  // table's 2.262 (9) and 2.228 (10), and 0.5 is the median.
  const double t = student_t_quantile(9.5, 0.975);
  CHECK(t < student_t_quantile(9.0, 0.975));
  CHECK(t > student_t_quantile(10.0, 0.975));
  CHECK(student_t_quantile(10.0, 0.975) == Approx(2.228).margin(5e-4));
  CHECK(student_t_quantile(9.5, 0.5) == Approx(0.0).margin(1e-12));
}

TEST_CASE("a 95% confidence interval of ten values matches the hand computation") {
  // 1..10: mean 5.5, s = sqrt(55 / 6) = 3.02765, half width 2.262 * s / sqrt(10) = 2.1659.
  const std::vector<double> xs{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const ConfidenceInterval ci = confidence_interval_95(xs);
  CHECK(ci.n == 10);
  CHECK(ci.mean == Approx(5.5));
  CHECK(ci.half_width == Approx(2.1659).epsilon(1e-4));
  CHECK(ci.contains(3.4));
  CHECK_FALSE(ci.contains(3.3));
  CHECK(ci.relative_half_width() == Approx(2.1659 / 5.5).epsilon(1e-4));
}

TEST_CASE("a confidence interval of fewer than two values is unbounded") {
  const std::vector<double> one{3.0};
  CHECK(std::isinf(confidence_interval_95(one).half_width));
  CHECK(confidence_interval_95(one).mean == 3.0);
  CHECK(std::isnan(confidence_interval_95(std::vector<double>{}).mean));
}

TEST_CASE("paired difference is the interval of per-replication differences") {
  // Differences 1, 1, 2: mean 4/3, s = 0.57735, t(2 df) = 4.3027, half width 1.4343.
  const std::vector<double> a{5, 7, 9}, b{4, 6, 7};
  const ConfidenceInterval ci = paired_difference(a, b);
  CHECK(ci.mean == Approx(4.0 / 3.0));
  CHECK(ci.half_width == Approx(1.4343).epsilon(1e-4));
  CHECK_THROWS_AS(paired_difference(a, std::vector<double>{1.0}), std::invalid_argument);
}

TEST_CASE("pairing replications that share noise is tighter than comparing independent means") {
  // Replication i of both variants sees the same large noise (common random numbers); variant a
  // is 0.5 slower plus a little noise of its own.
  RandomStream shared{3, 0, "stats/crn/shared"}, own{3, 0, "stats/crn/own"};
  std::vector<double> a, b;
  for (int i = 0; i < 20; ++i) {
    const double common = Normal{10.0, 3.0}.sample(shared);
    b.push_back(common);
    a.push_back(common + 0.5 + Normal{0.0, 0.1}.sample(own));
  }
  const ConfidenceInterval paired = paired_difference(a, b);
  CHECK(paired.contains(0.5));
  CHECK(paired.lower() > 0.0);  // the difference is significant...
  const ConfidenceInterval ca = confidence_interval_95(a), cb = confidence_interval_95(b);
  CHECK(ca.lower() < cb.upper());  // ...which the two separate intervals cannot show
  CHECK(paired.half_width < ca.half_width / 10);
}
