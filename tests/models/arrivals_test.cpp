#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "models/workload/arrivals.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using sim::Time;

namespace {

// Runs a process to the horizon and returns its arrivals.
std::vector<Request> collect(ArrivalProcess& p, Time horizon, std::uint64_t seed = 1) {
  sim::Simulation sim;
  sim::RandomStream stream{seed, 0, "workload/test"};
  std::vector<Request> out;
  p.start(
      sim, stream, [&](const Request& r) { out.push_back(r); }, horizon);
  sim.run();
  return out;
}

std::size_t count_in(const std::vector<Request>& rs, Time from, Time to) {
  std::size_t n = 0;
  for (const Request& r : rs)
    n += (from <= r.arrival && r.arrival < to) ? 1 : 0;
  return n;
}

// A Poisson count with mean m lies within 5 standard deviations (plus slack for the extra
// variance of modulated processes, via factor) except with negligible probability.
void check_count(double observed, double expected, double variance_factor = 1.0) {
  INFO("observed " << observed << ", expected " << expected);
  CHECK(std::abs(observed - expected) <= 5 * std::sqrt(expected * variance_factor));
}

}  // namespace

TEST_CASE("a Poisson process arrives at its configured rate, in order, until the horizon",
          "[workload]") {
  Poisson p{"web", Rate{200.0}};
  const auto rs = collect(p, 500_s);
  check_count(static_cast<double>(rs.size()), 200.0 * 500);
  CHECK(p.arrivals() == rs.size());
  for (std::size_t i = 1; i < rs.size(); ++i)
    REQUIRE(rs[i - 1].arrival <= rs[i].arrival);
  CHECK(rs.back().arrival <= 500_s);
  CHECK(rs.front().service == "web");
}

TEST_CASE("requests carry CPU time and I/O bytes drawn from the configured distributions",
          "[workload]") {
  Poisson p{"api", Rate{100.0},
            RequestShape{sim::Exponential{0.02}, sim::Uniform{0.0, 2.0 * 1024 * 1024}}};
  const auto rs = collect(p, 200_s);
  double cpu = 0, io = 0;
  for (const Request& r : rs) {
    cpu += r.cpu_time.seconds();
    io += static_cast<double>(r.io_bytes.count());
  }
  const auto n = static_cast<double>(rs.size());
  CHECK(cpu / n == Approx(0.02).epsilon(0.03));
  CHECK(io / n == Approx(1024.0 * 1024).epsilon(0.03));
}

TEST_CASE("the same seed gives the same arrivals, another seed different ones", "[workload]") {
  auto run = [](std::uint64_t seed) {
    Mmpp p{
        "m", {Rate{10.0}, Rate{100.0}}, {{0, 0.5}, {2.0, 0}}, RequestShape{sim::Exponential{0.01}}};
    std::vector<std::pair<std::int64_t, std::int64_t>> v;
    for (const Request& r : collect(p, 100_s, seed))
      v.emplace_back(r.arrival.ns(), r.cpu_time.ns());
    return v;
  };
  const auto a = run(7);
  CHECK(a == run(7));
  CHECK(a != run(8));
}

TEST_CASE("an MMPP's long-run rate is pi . lambda, with pi solved from the generator",
          "[workload]") {
  // Three states; pi solves pi Q = 0 (checked here by hand for this Q: the chain is a cycle
  // 0 -> 1 -> 2 -> 0 with exit rates 1, 2, 4, so pi is proportional to 1/1, 1/2, 1/4).
  Mmpp p{"m", {Rate{20.0}, Rate{100.0}, Rate{400.0}}, {{0, 1.0, 0}, {0, 0, 2.0}, {4.0, 0, 0}}};
  const auto pi = p.stationary_distribution();
  REQUIRE(pi.size() == 3);
  CHECK(pi[0] == Approx(4.0 / 7));
  CHECK(pi[1] == Approx(2.0 / 7));
  CHECK(pi[2] == Approx(1.0 / 7));
  const double expected_rate = p.mean_rate().per_second;
  CHECK(expected_rate == Approx((4 * 20.0 + 2 * 100.0 + 400.0) / 7));
  const auto rs = collect(p, 2000_s);
  // Modulation inflates the count variance well beyond Poisson's; 20x is generous here.
  check_count(static_cast<double>(rs.size()), expected_rate * 2000, 20.0);
}

TEST_CASE("an on/off process alternates bursts and silences at the configured mean rate",
          "[workload]") {
  OnOff p{"burst", Rate{500.0}, Rate{0.0}, sim::Exponential{2.0}, sim::Constant{8.0}};
  CHECK(p.mean_rate().per_second == Approx(100.0));
  const auto rs = collect(p, 2000_s);
  check_count(static_cast<double>(rs.size()), 100.0 * 2000, 50.0);
  // Silences of 8 s appear as gaps of at least 8 s.
  std::size_t long_gaps = 0;
  for (std::size_t i = 1; i < rs.size(); ++i)
    long_gaps += rs[i].arrival - rs[i - 1].arrival >= 8_s ? 1 : 0;
  CHECK(long_gaps > 100);
}

TEST_CASE("a diurnal process follows its sinusoidal rate", "[workload]") {
  const Time period = 1_h;
  Diurnal p{"d", Rate{50.0}, 0.8, period};
  const auto rs = collect(p, 4 * period);
  // Count per eighth of the period, summed over the four periods, against the integral.
  for (int k = 0; k < 8; ++k) {
    double observed = 0;
    for (int day = 0; day < 4; ++day)
      observed += static_cast<double>(
          count_in(rs, day * period + k * period / 8, day * period + (k + 1) * period / 8));
    const double a = 2 * std::numbers::pi * k / 8, b = 2 * std::numbers::pi * (k + 1) / 8;
    const double seconds = period.seconds() / 8;
    const double expected =
        4 * 50.0 *
        (seconds + 0.8 * period.seconds() / (2 * std::numbers::pi) * (std::cos(a) - std::cos(b)));
    check_count(observed, expected);
  }
}

TEST_CASE("a 20x burst raises the rate between onset and end only", "[workload]") {
  const Burst burst{Rate{20.0}, 20.0, 100_s, 160_s};
  StepRate p{"io", burst.steps()};
  CHECK(p.rate_at(50_s).per_second == 20.0);
  CHECK(p.rate_at(100_s).per_second == 400.0);
  CHECK(p.rate_at(160_s).per_second == 20.0);
  const auto rs = collect(p, 300_s);
  check_count(static_cast<double>(count_in(rs, 0_s, 100_s)), 20.0 * 100);
  check_count(static_cast<double>(count_in(rs, 100_s, 160_s)), 400.0 * 60);
  check_count(static_cast<double>(count_in(rs, 160_s, 300_s)), 20.0 * 140);
}

TEST_CASE("step rates reject steps that do not move forward", "[workload]") {
  CHECK_THROWS_AS(StepRate("s", {{10_s, Rate{1.0}}, {10_s, Rate{2.0}}}), std::invalid_argument);
  CHECK_THROWS_AS((Burst{Rate{1.0}, 2.0, 5_s, 5_s}.steps()), std::invalid_argument);
}

TEST_CASE("trace replay reproduces the records exactly", "[workload]") {
  std::vector<TraceRecord> records{{1_s, "a", 5_ms, sim::Bytes{100}},
                                   {1_s, "b", 6_ms, sim::Bytes{0}},
                                   {2500_ms, "a", 1_s, sim::Bytes::mib(3)},
                                   {90_s, "c", 0_ms, sim::Bytes{7}},
                                   {200_s, "late", 1_ms, sim::Bytes{1}}};
  TraceReplay p{records};
  const auto rs = collect(p, 100_s);
  REQUIRE(rs.size() == 4);  // the record after the horizon is not replayed
  for (std::size_t i = 0; i < rs.size(); ++i) {
    CHECK(rs[i].arrival == records[i].arrival);
    CHECK(rs[i].service == records[i].service);
    CHECK(rs[i].cpu_time == records[i].cpu_time);
    CHECK(rs[i].io_bytes.count() == records[i].io_bytes.count());
  }
  CHECK_THROWS_AS(TraceReplay({{2_s, "a", {}, {}}, {1_s, "b", {}, {}}}), std::invalid_argument);
}

TEST_CASE("an arrival process keeps one pending event and stops when asked", "[workload]") {
  sim::Simulation sim;
  sim::RandomStream stream{3, 0, "w"};
  Poisson p{"p", Rate{1000.0}};
  std::size_t seen = 0;
  p.start(
      sim, stream,
      [&](const Request&) {
        CHECK(sim.pending() == 0);  // the next arrival is scheduled only after this one
        if (++seen == 50) p.stop();
      },
      1_h);
  CHECK(sim.pending() == 1);
  sim.run();
  CHECK(seen == 50);
}
