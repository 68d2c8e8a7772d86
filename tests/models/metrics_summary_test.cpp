// Billing rules, time to capacity on a synthetic timeseries, and aggregation across
// replications (confidence intervals, pooled quantiles, paired differences).
#include <catch2/catch.hpp>

#include <cmath>

#include "models/metrics/billing.hpp"
#include "models/metrics/summary.hpp"

using namespace vmcsim;
using namespace vmcsim::models::metrics;

namespace {

BillingRecord fargate_task(sim::Time duration) {
  BillingRecord r;
  r.what = "task api-1";
  r.model = BillingModel::fargate;
  r.duration = duration;
  r.cpu = sim::Millicores{300};
  r.memory = sim::Bytes::mib(700);
  return r;
}

VariantRunMetrics run(const std::string& variant, std::uint64_t replication) {
  VariantRunMetrics m;
  m.variant = variant;
  m.replication = replication;
  return m;
}

}  // namespace

TEST_CASE("a Fargate task of 0.3 vCPU and 700 MiB is billed as 0.5 vCPU and 1 GB", "[metrics]") {
  const models::placement::FargatePrice price;
  const double hourly = 0.5 * price.usd_per_vcpu_hour + 1.0 * price.usd_per_gb_hour;

  const BillingTotals ten_minutes = bill({fargate_task(sim::Time::from_s(600))});
  CHECK(ten_minutes.cost_usd == Approx(hourly * 600.0 / 3600.0).epsilon(1e-12));
  CHECK(ten_minutes.fargate_waste_cpu_core_hours == Approx(0.2 * 600.0 / 3600.0).epsilon(1e-12));
  CHECK(ten_minutes.fargate_waste_memory_gib_hours ==
        Approx(324.0 / 1024.0 * 600.0 / 3600.0).epsilon(1e-12));

  // Twenty seconds are billed as the one-minute minimum, waste included.
  const BillingTotals short_task = bill({fargate_task(sim::Time::from_s(20))});
  CHECK(short_task.cost_usd == Approx(hourly * 60.0 / 3600.0).epsilon(1e-12));
  CHECK(short_task.fargate_waste_cpu_core_hours == Approx(0.2 * 60.0 / 3600.0).epsilon(1e-12));

  // Beyond the minimum, time is rounded up to the whole second.
  const BillingTotals rounded = bill({fargate_task(sim::Time::from_ms(90'400))});
  CHECK(rounded.cost_usd == Approx(hourly * 91.0 / 3600.0).epsilon(1e-12));
}

TEST_CASE("per-hour billing is price times duration and every line is kept", "[metrics]") {
  BillingRecord vm{"vm web-1", BillingModel::per_hour, sim::Time::from_s(1800), 0.096, {}, {}, {}};
  BillingRecord host{"host h1", BillingModel::per_hour, sim::Time::from_s(7200), 4.608, {}, {}, {}};
  const BillingTotals t = bill({vm, host});
  REQUIRE(t.line_usd.size() == 2);
  CHECK(t.line_usd[0] == Approx(0.048).epsilon(1e-12));
  CHECK(t.line_usd[1] == Approx(9.216).epsilon(1e-12));
  CHECK(t.cost_usd == Approx(9.264).epsilon(1e-12));
  CHECK(t.fargate_waste_cpu_core_hours == 0.0);
}

TEST_CASE("billing rejects a Fargate task no size covers, naming it", "[metrics]") {
  BillingRecord r = fargate_task(sim::Time::from_s(60));
  r.cpu = sim::Millicores::cores(32);
  CHECK_THROWS_WITH(bill({r}), Catch::Contains("task api-1") && Catch::Contains("Fargate"));
}

TEST_CASE("time to capacity on a synthetic timeseries is the first sample that catches up",
          "[metrics]") {
  std::vector<Sample> series;
  for (int t = 0; t <= 100; t += 5) {
    Sample s;
    s.t = sim::Time::from_s(t);
    s.capacity_rps = t < 35 ? 40.0 : 110.0;  // catches up at 35 s
    series.push_back(s);
  }
  CHECK(time_to_capacity(series, {sim::Time::from_s(12), sim::Time::from_s(60), 100.0}) ==
        sim::Time::from_s(23));
  // Already enough at the onset sample.
  CHECK(time_to_capacity(series, {sim::Time::from_s(40), sim::Time::from_s(60), 100.0}) ==
        sim::Time::zero());
  // Censored: the burst ends before capacity catches up.
  CHECK_FALSE(
      time_to_capacity(series, {sim::Time::from_s(10), sim::Time::from_s(30), 100.0}).has_value());
  CHECK_FALSE(
      time_to_capacity(series, {sim::Time::from_s(10), sim::Time::from_s(90), 500.0}).has_value());
}

TEST_CASE("per-replication estimates are sim/statistics' Student-t intervals", "[metrics]") {
  const std::vector<double> costs{10.0, 12.5, 11.0, 13.5, 9.0};
  std::vector<VariantRunMetrics> runs;
  for (std::size_t r = 0; r < costs.size(); ++r) {
    VariantRunMetrics m = run("vm", r);
    m.cost_usd = costs[r];
    m.memory_overhead_gib_hours = 2.0 * costs[r];
    m.events_processed = 100;
    runs.push_back(std::move(m));
  }
  const VariantEstimates e = summarize(runs);
  const sim::ConfidenceInterval ci = sim::confidence_interval_95(costs);
  CHECK(e.cost_usd.mean == ci.mean);
  CHECK(e.cost_usd.half_width == ci.half_width);
  CHECK(e.cost_usd.n == 5);
  CHECK(e.memory_overhead_gib_hours.mean == Approx(2.0 * ci.mean));
  CHECK(e.memory_overhead_gib_hours.half_width == Approx(2.0 * ci.half_width));
  CHECK(e.events == 500);
  CHECK(e.replications == 5);

  // One replication: no spread can be estimated, half width 0 as in RunResults.
  const VariantEstimates one = summarize(std::span(runs).first(1));
  CHECK(one.cost_usd.mean == 10.0);
  CHECK(one.cost_usd.half_width == 0.0);
  CHECK(one.cost_usd.n == 1);
}

TEST_CASE("startup quantiles pool every replication and the CI is over replication means",
          "[metrics]") {
  std::vector<VariantRunMetrics> runs;
  std::vector<double> means;
  for (std::uint64_t r = 0; r < 4; ++r) {
    VariantRunMetrics m = run("container", r);
    sim::RunningStats s;
    for (int k = 1; k <= 100; ++k) {
      const double x = 100.0 * static_cast<double>(r + 1) + k;
      m.startup.total_ms.push_back(x);
      s.add(x);
    }
    m.startup.phases.push_back({"image_pull", m.startup.total_ms});
    means.push_back(s.mean());
    runs.push_back(std::move(m));
  }
  const VariantEstimates e = summarize(runs);
  REQUIRE(e.startup_samples_ms.size() == 400);
  // Pooled samples run 101..200, 201..300, ...: 401..500 at the top.
  CHECK(e.startup_ms.p50 == Approx(300.0).epsilon(0.01));
  CHECK(e.startup_ms.p99 == Approx(496.0).epsilon(0.01));
  CHECK(e.startup_ms.mean == Approx(300.5));
  const sim::ConfidenceInterval ci = sim::confidence_interval_95(means);
  CHECK(e.startup_ms.ci95.mean == Approx(ci.mean));
  CHECK(e.startup_ms.ci95.half_width == Approx(ci.half_width));
  REQUIRE(e.startup_phases_ms.size() == 1);
  CHECK(e.startup_phases_ms[0].phase == "image_pull");
  CHECK(e.startup_phases_ms[0].mean == Approx(300.5));
  CHECK(e.node_startup_ms.ci95.n == 0);  // no node VMs in this variant
}

TEST_CASE("time to capacity leaves out bursts never caught up with and counts them", "[metrics]") {
  std::vector<VariantRunMetrics> runs;
  for (std::uint64_t r = 0; r < 3; ++r) {
    VariantRunMetrics m = run("vm", r);
    m.time_to_capacity.push_back({{}, sim::Time::from_s(static_cast<std::int64_t>(30 + 10 * r))});
    m.time_to_capacity.push_back({{}, std::nullopt});
    runs.push_back(std::move(m));
  }
  runs[2].time_to_capacity[0].delay.reset();  // replication 2 never caught up at all
  const VariantEstimates e = summarize(runs);
  CHECK(e.time_to_capacity_s.n == 2);
  CHECK(e.time_to_capacity_s.mean == 35.0);
  CHECK(e.time_to_capacity_not_reached == 4);
}

TEST_CASE("paired differences pair replication r of each variant, with sign and magnitude",
          "[metrics]") {
  std::vector<VariantRunMetrics> vm, ctr;
  // Replications in different orders: pairing goes by replication index, not position.
  for (std::uint64_t r = 0; r < 5; ++r) {
    VariantRunMetrics a = run("vm", r);
    a.startup.total_ms = {40'000.0 + 100.0 * static_cast<double>(r)};
    a.cost_usd = 2.0 + 0.1 * static_cast<double>(r);
    a.memory_overhead_gib_hours = 5.0;
    vm.push_back(std::move(a));
    VariantRunMetrics b = run("container", 4 - r);
    b.startup.total_ms = {600.0 + 100.0 * static_cast<double>(4 - r) + (r % 2 ? 10.0 : 0.0)};
    b.cost_usd = 1.0 + 0.1 * static_cast<double>(4 - r);
    ctr.push_back(std::move(b));
  }
  const auto diffs = paired_differences(ctr, vm);
  REQUIRE(diffs.size() == 5);
  const auto find = [&](std::string_view name) {
    for (const auto& d : diffs)
      if (d.metric == name) return d;
    FAIL("no " << name);
    return PairedDifference{};
  };
  const PairedDifference startup = find("startup_ms");
  CHECK(startup.variant_a == "container");
  CHECK(startup.variant_b == "vm");
  CHECK(startup.n == 5);
  CHECK(startup.mean == Approx(600.0 - 40'000.0 + 4.0));  // 20 ms extra over 5 replications
  CHECK(startup.half_width > 0.0);
  CHECK(startup.half_width < 20.0);  // the shared 100 ms steps cancel under pairing
  const PairedDifference cost = find("cost_usd");
  CHECK(cost.mean == Approx(-1.0));
  CHECK(cost.half_width == Approx(0.0).margin(1e-9));
  CHECK(find("memory_overhead_gib_hours").mean == Approx(-5.0));
  // No bursts anywhere: nothing to pair.
  CHECK(find("time_to_capacity_s").n == 0);

  ctr.pop_back();
  CHECK_THROWS_WITH(paired_differences(ctr, vm), Catch::Contains("replication"));
}

TEST_CASE("summarize refuses runs of different variants", "[metrics]") {
  std::vector<VariantRunMetrics> runs{run("vm", 0), run("container", 1)};
  CHECK_THROWS_WITH(summarize(runs), Catch::Contains("mixed"));
}

TEST_CASE("an estimate from three replications has the Student t half-width", "[metrics]") {
  const std::vector<double> values{1, 2, 3};
  const auto e = estimate(values);
  CHECK(e.mean == Approx(2.0));
  // t(0.975, 2) = 4.302653 times s / sqrt(n) = 1 / sqrt(3).
  CHECK(e.half_width == Approx(4.302653 / std::sqrt(3.0)).epsilon(1e-5));
  CHECK(e.n == 3);
  const std::vector<double> one{5};
  const auto single = estimate(one);
  CHECK(single.mean == 5);
  CHECK(single.half_width == 0);
  CHECK(single.n == 1);
}

TEST_CASE("quantiles from pooled samples are within the sketch's one percent", "[metrics]") {
  std::vector<double> samples;
  for (int i = 1; i <= 1000; ++i)
    samples.push_back(i);
  const std::vector<double> means{400, 600};
  const auto q = quantiles(samples, means);
  CHECK(q.mean == Approx(500.5));
  CHECK(q.p50 == Approx(500).epsilon(0.011));
  CHECK(q.p95 == Approx(950).epsilon(0.011));
  CHECK(q.p99 == Approx(990).epsilon(0.011));
  CHECK(q.ci95.mean == Approx(500));
  CHECK(q.ci95.n == 2);
}
