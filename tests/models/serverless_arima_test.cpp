// The hybrid keep-alive policy's ARIMA case (models/serverless/keep_alive.hpp): a function
// whose idle times are mostly beyond the histogram's range is pre-warmed around the forecast of
// its next idle time, and every decision, forecast or fallback, is counted.
#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "cluster_test_support.hpp"
#include "models/serverless/keep_alive.hpp"
#include "sim/arima.hpp"
#include "sim/distributions.hpp"
#include "sim/random.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::ClusterWorld;

namespace {

serverless::KeepAliveSpec arima_hybrid_spec() {
  serverless::KeepAliveSpec k;
  k.policy = serverless::KeepAliveKind::hybrid;
  return k;
}

// Idle times of about 6 h (beyond the 4 h range), Gaussian with a 10-minute spread.
std::vector<double> arima_six_hour_idle_s(std::size_t n, std::uint64_t seed) {
  sim::RandomStream rng{seed};
  const sim::Normal spread{6 * 3600.0, 600.0};
  std::vector<double> out;
  for (std::size_t k = 0; k < n; ++k)
    out.push_back(spread.sample(rng));
  return out;
}

struct ArimaFunctionRun {
  sim::Simulation sim;
  Cluster cluster;
  std::vector<RequestOutcome> done;
  explicit ArimaFunctionRun(const ClusterWorld& world) : cluster(sim, config(world)) {
    cluster.on_request_done.connect([this](const RequestOutcome& o) { done.push_back(o); });
  }
  static ClusterConfig config(const ClusterWorld& world) {
    ClusterConfig c = world.config(PlatformKind::container);
    ServiceConfig s = world.service("fn", sim::Millicores{1000}, sim::Bytes::mib(256), 0, 0.1);
    s.concurrency = 1;
    s.function.enabled = true;
    s.function.keep_alive = arima_hybrid_spec();
    c.services.push_back(s);
    return c;
  }
};

}  // namespace

TEST_CASE("the hybrid policy pre-warms around the ARIMA forecast of mostly out-of-range idle "
          "times") {
  const serverless::HybridParams p;  // range 4 h, ARIMA margin 15%
  serverless::IdleHistogram h{p.range, p.bin};
  const auto idle_s = arima_six_hour_idle_s(40, 7);
  double mean = 0.0;
  for (const double s : idle_s) {
    h.add(sim::Time::from_seconds(s));
    mean += s / static_cast<double>(idle_s.size());
  }
  REQUIRE(h.out_of_bounds() == 40);
  const auto d = serverless::hybrid_windows(h, p, idle_s);
  CHECK(d.out_of_bounds);
  CHECK_FALSE(d.representative);
  REQUIRE(d.kind == serverless::HybridCase::arima);
  CHECK(d.arima_status == sim::ArimaStatus::ok);
  // Independent draws: the forecast is (close to) their mean, within a few standard errors of
  // 6 h (600 s / sqrt(40) = 95 s); whatever order AIC picked, it stays near the level.
  CHECK(d.forecast_s == Approx(mean).margin(300.0));
  CHECK(d.forecast_s == Approx(6 * 3600.0).margin(600.0));
  // Pre-warm at 85% of the forecast, keep loaded for 30% of it: until 115%.
  const sim::Time f = sim::Time::from_seconds(d.forecast_s);
  CHECK(d.windows.prewarm == f * 0.85);
  CHECK(d.windows.keep_alive == f * 0.30);
  CHECK(d.windows.prewarm + d.windows.keep_alive > 6 * 3600_s + 600_s);
  CHECK(d.windows.prewarm < 6 * 3600_s - 600_s);
}

TEST_CASE("the ARIMA case falls back to the range's keep-alive without a usable forecast") {
  const serverless::HybridParams p;
  serverless::IdleHistogram h{p.range, p.bin};
  for (int k = 0; k < 6; ++k)
    h.add(5 * 3600_s);
  SECTION("no idle-time series given") {
    const auto d = serverless::hybrid_windows(h, p);
    CHECK(d.kind == serverless::HybridCase::arima_fallback);
    CHECK(d.arima_status == sim::ArimaStatus::too_short);
    CHECK(d.windows == serverless::Windows{sim::Time::zero(), p.range});
  }
  SECTION("a non-finite idle time") {
    const std::vector<double> idle_s{18000.0, 18000.0, std::numeric_limits<double>::infinity(),
                                     18000.0, 18000.0, 18000.0};
    const auto d = serverless::hybrid_windows(h, p, idle_s);
    CHECK(d.kind == serverless::HybridCase::arima_fallback);
    CHECK(d.arima_status == sim::ArimaStatus::not_finite);
    CHECK(d.windows == serverless::Windows{sim::Time::zero(), p.range});
  }
  SECTION("a forecast below zero (a steeply falling trend)") {
    std::vector<double> idle_s;
    for (int k = 0; k < 12; ++k)
      idle_s.push_back(3600.0 * (48 - 4 * k));  // 48 h down to 4 h, then -> 0 h and below
    const auto d = serverless::hybrid_windows(h, p, idle_s);
    CHECK(d.kind == serverless::HybridCase::arima_fallback);
    CHECK(d.arima_status == sim::ArimaStatus::ok);
    CHECK(d.forecast_s <= 0.0);
    CHECK(d.windows == serverless::Windows{sim::Time::zero(), p.range});
  }
}

TEST_CASE("the out-of-bounds threshold decides when the ARIMA case applies") {
  serverless::HybridParams p;  // threshold 0.5
  serverless::IdleHistogram h{p.range, p.bin};
  // 3 of 10 idle times beyond the 4 h range.
  std::vector<double> idle_s;
  for (int k = 0; k < 10; ++k) {
    const double s = k < 3 ? 6 * 3600.0 + 60.0 * k : 600.0 + 60.0 * k;
    idle_s.push_back(s);
    h.add(sim::Time::from_seconds(s));
  }
  REQUIRE(h.out_of_bounds() == 3);
  CHECK_FALSE(serverless::hybrid_windows(h, p, idle_s).out_of_bounds);
  p.out_of_bounds_threshold = 0.3;  // at or beyond: 3 of 10 is enough
  const auto d = serverless::hybrid_windows(h, p, idle_s);
  CHECK(d.out_of_bounds);
  CHECK(d.kind == serverless::HybridCase::arima);
  p.out_of_bounds_threshold = 0.31;
  CHECK_FALSE(serverless::hybrid_windows(h, p, idle_s).out_of_bounds);
}

TEST_CASE("the ARIMA case picks its order by the criterion the policy names") {
  // AR(2) idle times around 6 h (phi 0.5, 0.3); the first seed whose AIC and BIC orders differ,
  // so that a criterion the policy ignored would show.
  const auto series = [](std::uint64_t seed) {
    sim::RandomStream rng{seed};
    const sim::Normal noise{0.0, 600.0};
    std::vector<double> x{0.0, 0.0};
    for (int k = 0; k < 100; ++k)
      x.push_back(0.5 * x[x.size() - 1] + 0.3 * x[x.size() - 2] + noise.sample(rng));
    std::vector<double> idle_s;
    for (std::size_t k = 2; k < x.size(); ++k)
      idle_s.push_back(6 * 3600.0 + x[k]);
    return idle_s;
  };
  const auto order_by = [](const std::vector<double>& idle_s, sim::InformationCriterion c) {
    sim::AutoArimaOptions o;
    o.criterion = c;
    return sim::auto_arima(idle_s, o).order;
  };
  std::vector<double> idle_s;
  for (std::uint64_t seed = 1; seed <= 200 && idle_s.empty(); ++seed) {
    auto candidate = series(seed);
    if (!(order_by(candidate, sim::InformationCriterion::aic) ==
          order_by(candidate, sim::InformationCriterion::bic)))
      idle_s = std::move(candidate);
  }
  REQUIRE_FALSE(idle_s.empty());
  serverless::HybridParams p;
  serverless::IdleHistogram h{p.range, p.bin};
  for (const double s : idle_s)
    h.add(sim::Time::from_seconds(s));
  for (const auto c : {sim::InformationCriterion::aic, sim::InformationCriterion::bic}) {
    p.arima_criterion = c;
    const auto d = serverless::hybrid_windows(h, p, idle_s);
    REQUIRE(d.arima_status == sim::ArimaStatus::ok);
    CHECK(d.arima_order == order_by(idle_s, c));
  }
}

TEST_CASE("the hybrid policy counts its decisions by case and keeps a bounded idle history") {
  serverless::KeepAliveSpec spec = arima_hybrid_spec();
  spec.hybrid.arima_history = 8;
  auto policy = serverless::make_keep_alive(spec);
  CHECK(policy->windows() == serverless::Windows{sim::Time::zero(), 4 * 3600_s});  // no sample
  // A constant 6 h: the first four decisions have too few idle times, then the forecast is
  // 6 h exactly: pre-warm at 5.1 h, keep 1.8 h.
  for (int k = 0; k < 4; ++k) {
    policy->observe_idle(6 * 3600_s);
    CHECK(policy->windows() == serverless::Windows{sim::Time::zero(), 4 * 3600_s});
  }
  for (int k = 0; k < 10; ++k) {
    policy->observe_idle(6 * 3600_s);
    CHECK(policy->windows() == serverless::Windows{(6 * 3600_s) * 0.85, (6 * 3600_s) * 0.30});
  }
  // A decision without a new idle time repeats the last one (and is counted).
  CHECK(policy->windows() == serverless::Windows{(6 * 3600_s) * 0.85, (6 * 3600_s) * 0.30});
  // The history holds the 8 most recent: after 8 idle times of 5 h the forecast is 5 h, the
  // 6 h ones forgotten.
  for (int k = 0; k < 8; ++k)
    policy->observe_idle(5 * 3600_s);
  CHECK(policy->windows() == serverless::Windows{(5 * 3600_s) * 0.85, (5 * 3600_s) * 0.30});
  const serverless::KeepAliveDecisions n = policy->decisions();
  CHECK(n.range == 1);
  CHECK(n.arima_fallback == 4);
  CHECK(n.arima == 12);
  CHECK(n.histogram == 0);
  CHECK(n.total() == 17);
  CHECK(serverless::make_keep_alive({})->decisions().total() == 0);  // fixed: none counted
}

TEST_CASE("a function invoked about every 6 hours is pre-warmed in time once ARIMA has 5 idle "
          "times") {
  // Requests every 6 h +- up to 10 min. The histogram's range is 4 h, so every idle time is
  // out of bounds. After the first request (cold) the function is idle with no sample (range
  // keep-alive, 4 h: the next request, 6 h on, is cold); then with 1 to 4 idle times ARIMA
  // falls back to the range (cold again); from the 5th idle time on the function is unloaded
  // and pre-warmed at 85% of the forecast (about 5.1 h), kept until 115%: warm.
  const ClusterWorld world;
  ArimaFunctionRun run{world};
  sim::RandomStream jitter{2020};
  const int requests = 16;
  sim::Time last;
  for (int k = 0; k < requests; ++k) {
    last = sim::Time::from_s(900 + 6 * 3600 * k) +
           sim::Time::from_seconds((jitter.uniform01() - 0.5) * 1200.0);
    run.sim.schedule_at(last, [&run] { run.cluster.submit(0); });
  }
  run.sim.run_until(last + 60_s);
  REQUIRE(run.done.size() == static_cast<std::size_t>(requests));
  for (int k = 0; k < 6; ++k)
    CHECK(run.done[static_cast<std::size_t>(k)].cold_start);
  int cold_late = 0;
  for (std::size_t k = 6; k < run.done.size(); ++k)
    cold_late += run.done[k].cold_start;
  CHECK(cold_late == 0);
  const auto st = run.cluster.function_stats(0, run.sim.now());
  CHECK(st.keep_alive.range == 1);
  CHECK(st.keep_alive.arima_fallback == 4);
  CHECK(st.keep_alive.arima == 11);  // after requests 6 to 16
  CHECK(st.keep_alive.histogram == 0);
  CHECK(st.prewarms >= 10);
}
