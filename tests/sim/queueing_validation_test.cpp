#include <catch2/catch.hpp>

#include <Eigen/Dense>
#include <vector>

#include "queueing_model.hpp"

// Analytical validation of the engine, random streams and statistics together: simulated
// queues against queueing theory. Each check runs R independent replications with warm-up
// deletion and asks that the 95% Student-t interval of the replication means contain the
// exact value, and that the interval be narrow enough for that to mean something.

using namespace vmcsim::sim;
using namespace vmcsim::sim::literals;
using vmcsim::test::QueueConfig;
using vmcsim::test::QueueModel;
using vmcsim::test::QueueResult;

namespace {

constexpr int kReplications = 20;

std::vector<QueueResult> replicate(QueueConfig config) {
  std::vector<QueueResult> results;
  for (int r = 0; r < kReplications; ++r) {
    config.replication = static_cast<std::uint64_t>(r);
    results.push_back(QueueModel{config}.run());
  }
  return results;
}

template <class F>
ConfidenceInterval interval_of(const std::vector<QueueResult>& results, F measure) {
  RunningStats stats;
  for (const auto& r : results)
    stats.add(measure(r));
  return confidence_interval(stats, 0.95);
}

// Stationary distribution of the M/M/c/K birth-death chain: generator Q with births lambda
// (below K) and deaths min(k, c) mu, solving pi Q = 0 with sum(pi) = 1 (the last balance
// equation, redundant, replaced by the normalisation).
Eigen::VectorXd mmck_stationary(double lambda, double mu, int c, int k) {
  const int n = k + 1;
  Eigen::MatrixXd q = Eigen::MatrixXd::Zero(n, n);
  for (int i = 0; i < n; ++i) {
    if (i < k) q(i, i + 1) = lambda;
    if (i > 0) q(i, i - 1) = std::min(i, c) * mu;
    q(i, i) = -q.row(i).sum();
  }
  Eigen::MatrixXd a = q.transpose();
  a.row(n - 1).setOnes();
  Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
  b(n - 1) = 1.0;
  return a.fullPivLu().solve(b);
}

void check_covers(const ConfidenceInterval& ci, double exact, double max_relative_half_width) {
  INFO("95% CI " << ci.mean << " +- " << ci.half_width << " (n = " << ci.n << "), exact " << exact);
  CHECK(ci.contains(exact));
  CHECK(ci.half_width <= max_relative_half_width * exact);
}

}  // namespace

TEST_CASE("Erlang C matches the closed forms of M/M/1 and M/M/2") {
  CHECK(vmcsim::test::erlang_c(1, 0.8) == Approx(0.8));  // M/M/1: P(wait) = rho
  // M/M/2 with rho = a / 2: P(wait) = 2 rho^2 / (1 + rho).
  for (const double a : {0.5, 1.0, 1.6})
    CHECK(vmcsim::test::erlang_c(2, a) == Approx(2 * (a / 2) * (a / 2) / (1 + a / 2)));
  CHECK(vmcsim::test::mmc_mean_wait(1, 0.8, 1.0) == Approx(4.0));  // rho / (mu - lambda)
}

TEST_CASE("the M/M/c/K stationary distribution solved with Eigen matches the product form") {
  // Birth-death chains have p_k proportional to prod lambda / (min(i, c) mu).
  const double lambda = 2.5, mu = 1.0;
  const int c = 2, k = 6;
  const Eigen::VectorXd pi = mmck_stationary(lambda, mu, c, k);
  std::vector<double> product(k + 1, 1.0);
  double total = 1.0;
  for (int i = 1; i <= k; ++i)
    total += product[i] = product[i - 1] * lambda / (std::min(i, c) * mu);
  for (int i = 0; i <= k; ++i)
    CHECK(pi(i) == Approx(product[i] / total));
}

TEST_CASE("simulated M/M/1 waiting time and queue length match queueing theory") {
  // rho = 0.8: Wq = rho / (mu - lambda) = 4 s, L = rho / (1 - rho) = 4.
  QueueConfig config;
  config.arrival_rate = 0.8;
  config.service_rate = 1.0;
  config.warm_up = 1000_s;  // ~10 relaxation times 1 / (mu (1 - sqrt(rho))^2) ~ 90 s
  config.horizon = 30'000_s;
  const auto results = replicate(config);
  check_covers(interval_of(results, [](const QueueResult& r) { return r.waits.mean(); }),
               vmcsim::test::mmc_mean_wait(1, 0.8, 1.0), 0.06);
  check_covers(interval_of(results, [](const QueueResult& r) { return r.mean_in_system; }), 4.0,
               0.06);
}

TEST_CASE("simulated M/M/c waiting time matches Erlang C") {
  // c = 3, rho = 0.8: a = 2.4, C(3, 2.4) = 0.6472, Wq = C / (3 - 2.4) = 1.0787 s.
  QueueConfig config;
  config.arrival_rate = 2.4;
  config.service_rate = 1.0;
  config.servers = 3;
  config.warm_up = 500_s;
  config.horizon = 10'000_s;
  const auto results = replicate(config);
  const double exact = vmcsim::test::mmc_mean_wait(3, 2.4, 1.0);
  CHECK(exact == Approx(1.0787).epsilon(1e-4));
  check_covers(interval_of(results, [](const QueueResult& r) { return r.waits.mean(); }), exact,
               0.06);
  // The fraction of customers who wait at all is C(c, a) itself.
  check_covers(interval_of(results, [](const QueueResult& r) { return r.wait_probability(); }),
               vmcsim::test::erlang_c(3, 2.4), 0.03);
}

TEST_CASE("simulated M/M/c/K blocking matches the CTMC steady state") {
  const double lambda = 2.5, mu = 1.0;
  const int c = 2, k = 6;
  const Eigen::VectorXd pi = mmck_stationary(lambda, mu, c, k);
  QueueConfig config;
  config.arrival_rate = lambda;
  config.service_rate = mu;
  config.servers = c;
  config.capacity = k;
  config.warm_up = 200_s;
  config.horizon = 5'000_s;
  const auto results = replicate(config);
  // PASTA: arrivals see the stationary distribution, so they are blocked with probability pi_K.
  check_covers(interval_of(results, [](const QueueResult& r) { return r.blocking(); }), pi(k),
               0.03);
  double mean_in_system = 0.0;
  for (int i = 0; i <= k; ++i)
    mean_in_system += i * pi(i);
  check_covers(interval_of(results, [](const QueueResult& r) { return r.mean_in_system; }),
               mean_in_system, 0.03);
}
