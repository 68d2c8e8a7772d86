// Functions (models/serverless, Cluster's [fn] hooks): scale to zero, cold starts, keep-alive
// expiry, per-instance concurrency, provisioned instances, the scaling limit and the hybrid
// histogram policy's windows.
#include <catch2/catch.hpp>

#include <set>
#include <vector>

#include "cluster_test_support.hpp"
#include "models/serverless/keep_alive.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::ClusterWorld;

namespace {

ClusterConfig function_world(const ClusterWorld& world, PlatformKind kind, int concurrency,
                             serverless::KeepAliveSpec keep_alive) {
  ClusterConfig c = world.config(kind);
  ServiceConfig s = world.service("fn", sim::Millicores{1000}, sim::Bytes::mib(256), 0, 0.1);
  s.concurrency = concurrency;
  s.function.enabled = true;
  s.function.keep_alive = keep_alive;
  c.services.push_back(s);
  return c;
}

serverless::KeepAliveSpec fixed(sim::Time t) {
  serverless::KeepAliveSpec k;
  k.policy = serverless::KeepAliveKind::fixed;
  k.keep_alive = t;
  return k;
}

struct ServerlessRun {
  sim::Simulation sim;
  Cluster cluster;
  std::vector<RequestOutcome> done;
  explicit ServerlessRun(const ClusterConfig& c) : cluster(sim, c) {
    cluster.on_request_done.connect([this](const RequestOutcome& o) { done.push_back(o); });
  }
  void submit_at(sim::Time t) {
    sim.schedule_at(t, [this] { cluster.submit(0); });
  }
};

}  // namespace

TEST_CASE("a function scaled to zero starts an instance for a request, which waits and is cold") {
  const ClusterWorld world;
  const auto kind = GENERATE(PlatformKind::vm, PlatformKind::microvm, PlatformKind::container);
  CAPTURE(to_string(kind));
  ServerlessRun run{function_world(world, kind, 1, fixed(600_s))};
  run.sim.run_until(10_s);
  CHECK(run.cluster.replica_count() == 0);
  run.submit_at(10_s);
  run.sim.run_until(200_s);
  REQUIRE(run.done.size() == 1);
  const RequestOutcome& o = run.done[0];
  CHECK(o.cold_start);
  CHECK(o.service_start > o.arrival);  // it waited for the instance's startup
  CHECK(o.latency == o.done - o.arrival);
  const auto st = run.cluster.function_stats(0, run.sim.now());
  CHECK(st.cold_starts == 1);
  CHECK(st.cold_wait == o.service_start - o.arrival);
  CHECK(run.cluster.submitted(0) == run.cluster.completed(0));
}

TEST_CASE("a request arriving exactly at keep-alive expiry is cold, one a nanosecond earlier warm") {
  const ClusterWorld world;
  const bool at_expiry = GENERATE(true, false);
  CAPTURE(at_expiry);
  ServerlessRun run{function_world(world, PlatformKind::container, 1, fixed(60_s))};
  run.submit_at(1_s);
  run.sim.run_until(20_s);
  REQUIRE(run.done.size() == 1);
  const sim::Time idle_from = run.done[0].done;  // nothing else in service: idle from here
  const sim::Time expiry = idle_from + 60_s;
  // Scheduled before the expiry event exists: the arrival runs first at that instant, and
  // still finds the instance gone.
  run.sim.schedule_at(at_expiry ? expiry : expiry - sim::Time::from_ns(1),
                      [&] { run.cluster.submit(0); });
  run.sim.run_until(expiry + 100_s);
  REQUIRE(run.done.size() == 2);
  CHECK(run.done[1].cold_start == at_expiry);
  CHECK((run.done[1].instance == run.done[0].instance) == !at_expiry);
  const auto st = run.cluster.function_stats(0, run.sim.now());
  CHECK(st.cold_starts == (at_expiry ? 2u : 1u));
}

TEST_CASE("an instance serves at most its concurrency: simultaneous requests start ceil(n/c)") {
  const ClusterWorld world;
  const int concurrency = GENERATE(1, 2, 3);
  CAPTURE(concurrency);
  ServerlessRun run{function_world(world, PlatformKind::microvm, concurrency, fixed(600_s))};
  for (int k = 0; k < 6; ++k)
    run.submit_at(1_s);
  run.sim.run_until(300_s);
  REQUIRE(run.done.size() == 6);
  std::set<std::uint32_t> instances;
  for (const auto& o : run.done) {
    instances.insert(o.instance);
    CHECK(o.cold_start);
  }
  CHECK(static_cast<int>(instances.size()) == (6 + concurrency - 1) / concurrency);
  CHECK(static_cast<int>(run.cluster.replica_count()) == (6 + concurrency - 1) / concurrency);
  // No instance ever had more than `concurrency` requests in service at once.
  for (const std::uint32_t i : instances) {
    std::vector<std::pair<sim::Time, int>> edges;
    for (const auto& o : run.done)
      if (o.instance == i) {
        edges.push_back({o.service_start, +1});
        edges.push_back({o.done, -1});
      }
    std::sort(edges.begin(), edges.end());
    int in = 0;
    for (const auto& [t, d] : edges) {
      in += d;
      CHECK(in <= concurrency);
    }
  }
}

TEST_CASE("no keep-alive stops an idle instance at once, so a later request is cold again") {
  const ClusterWorld world;
  serverless::KeepAliveSpec none;
  none.policy = serverless::KeepAliveKind::none;
  ServerlessRun run{function_world(world, PlatformKind::container, 1, none)};
  run.submit_at(1_s);
  run.submit_at(60_s);
  run.sim.run_until(200_s);
  REQUIRE(run.done.size() == 2);
  CHECK(run.done[0].cold_start);
  CHECK(run.done[1].cold_start);
  CHECK(run.cluster.running(0) == 0);
  CHECK(run.cluster.function_stats(0, run.sim.now()).expiries == 2);
}

TEST_CASE("provisioned instances serve warm from the start and are never stopped for idleness") {
  const ClusterWorld world;
  ClusterConfig c = function_world(world, PlatformKind::container, 1, fixed(10_s));
  c.services[0].replicas = 1;
  c.services[0].function.provisioned = 1;
  ServerlessRun run{c};
  run.submit_at(100_s);
  run.submit_at(1000_s);
  run.sim.run_until(1100_s);
  REQUIRE(run.done.size() == 2);
  CHECK_FALSE(run.done[0].cold_start);
  CHECK_FALSE(run.done[1].cold_start);
  CHECK(run.cluster.running(0) == 1);
  // Idle most of the 1100 s: its reserved memory counts as wasted memory-time.
  CHECK(run.cluster.function_stats(0, run.sim.now()).idle_gib_seconds > 0.25 * 1000);
}

TEST_CASE("the scaling limit delays cold starts beyond its burst until tokens refill") {
  const ClusterWorld world;
  ClusterConfig c = function_world(world, PlatformKind::container, 1, fixed(600_s));
  c.services[0].function.scaling_limit = {2.0, 0.1};  // 2 at once, then one per 10 s
  c.services[0].cpu_time = sim::Constant{30.0};        // each request holds its instance
  ServerlessRun run{c};
  for (int k = 0; k < 4; ++k)
    run.submit_at(1_s);
  run.sim.run_until(400_s);
  REQUIRE(run.done.size() == 4);
  std::vector<sim::Time> starts;
  for (const auto& o : run.done)
    starts.push_back(o.service_start);
  std::sort(starts.begin(), starts.end());
  // The third and fourth instances were requested 10 s and 20 s after the first two.
  CHECK(starts[2] - starts[0] >= 9_s);
  CHECK(starts[3] - starts[0] >= 19_s);
  CHECK(run.cluster.function_stats(0, run.sim.now()).scaling_limited >= 1);
}

TEST_CASE("requests are conserved under Poisson load with scale to zero and keep-alive") {
  const ClusterWorld world;
  serverless::KeepAliveSpec hybrid;
  hybrid.policy = serverless::KeepAliveKind::hybrid;
  const auto spec = GENERATE(serverless::KeepAliveKind::none, serverless::KeepAliveKind::fixed,
                             serverless::KeepAliveKind::hybrid);
  hybrid.policy = spec;
  hybrid.keep_alive = 30_s;
  ClusterConfig c = function_world(world, PlatformKind::microvm, 2, hybrid);
  sim::Simulation sim;
  Cluster cluster{sim, c};
  std::uint64_t done = 0, cold = 0;
  cluster.on_request_done.connect([&](const RequestOutcome& o) {
    ++done;
    cold += o.cold_start;
  });
  {
    testing::Load load{sim, cluster, 0, 0.05, true};
    sim.run_until(3600_s);
  }
  sim.run_until(4000_s);
  CHECK(cluster.submitted(0) > 100);
  CHECK(cluster.submitted(0) == done);
  CHECK(cluster.queued_requests(0) == 0);
  const auto st = cluster.function_stats(0, sim.now());
  CHECK(st.requests == done);
  CHECK(st.cold_starts == cold);
  CHECK(cold >= 1);
}

TEST_CASE("the hybrid policy's windows on a hand-worked histogram") {
  serverless::HybridParams p;  // 4 h range, 1-min bins, 5th / 99th percentile, 10% margin
  serverless::IdleHistogram h{p.range, p.bin};
  for (int k = 0; k < 10; ++k)
    h.add(sim::Time::from_s(2 * 60 + 30));  // bin 2
  for (int k = 0; k < 80; ++k)
    h.add(sim::Time::from_s(5 * 60));  // bin 5
  for (int k = 0; k < 10; ++k)
    h.add(sim::Time::from_s(9 * 60 + 59));  // bin 9
  // 240 bins, mean 100/240; CV = sqrt(mean of squared deviations) / mean = 12.55 >= 2.
  CHECK(h.cv() == Approx(12.55).epsilon(0.01));
  const auto d = serverless::hybrid_windows(h, p);
  CHECK(d.representative);
  // Head: bin 2 (10% >= 5%) -> 2 min x 0.9 = 108 s. Tail: bin 9 (the 100th sample reaches 99%)
  // -> its upper edge 10 min x 1.1 = 660 s after the idle start, so kept 660 - 108 = 552 s.
  CHECK(d.windows.prewarm == 108_s);
  CHECK(d.windows.keep_alive == 552_s);
}

TEST_CASE("the hybrid policy falls back to the range's keep-alive for unrepresentative idle times") {
  serverless::HybridParams p;
  SECTION("no sample yet") {
    serverless::IdleHistogram h{p.range, p.bin};
    const auto d = serverless::hybrid_windows(h, p);
    CHECK_FALSE(d.representative);
    CHECK(d.windows == serverless::Windows{sim::Time::zero(), 4 * 3600_s});
  }
  SECTION("a flat histogram (CV below 2)") {
    serverless::IdleHistogram h{p.range, p.bin};
    for (int m = 0; m < 240; ++m)
      h.add(sim::Time::from_s(60 * m + 1));
    CHECK(h.cv() == Approx(0.0));
    const auto d = serverless::hybrid_windows(h, p);
    CHECK_FALSE(d.representative);
    CHECK(d.windows == serverless::Windows{sim::Time::zero(), 4 * 3600_s});
  }
  SECTION("most idle times beyond the range but too few to forecast (the ARIMA case's fallback)") {
    serverless::IdleHistogram h{p.range, p.bin};
    h.add(60_s);
    for (int k = 0; k < 3; ++k)
      h.add(5 * 3600_s);
    const std::vector<double> idle_s{60.0, 18000.0, 18000.0, 18000.0};  // 4 < 5 samples
    const auto d = serverless::hybrid_windows(h, p, idle_s);
    CHECK(d.out_of_bounds);
    CHECK(d.kind == serverless::HybridCase::arima_fallback);
    CHECK(d.arima_status == sim::ArimaStatus::too_short);
    CHECK(d.windows == serverless::Windows{sim::Time::zero(), 4 * 3600_s});
  }
}

TEST_CASE("the hybrid policy unloads a periodic function when idle and pre-warms it in time") {
  // A request every 5 minutes: idle times of about 4.9 min (bin 4), so the pre-warm window is
  // 4 min x 0.9 = 216 s and the instance is kept until 5 min x 1.1 = 330 s after the idle start.
  const ClusterWorld world;
  serverless::KeepAliveSpec hybrid;
  hybrid.policy = serverless::KeepAliveKind::hybrid;
  ServerlessRun run{function_world(world, PlatformKind::container, 1, hybrid)};
  for (int k = 0; k < 20; ++k)
    run.submit_at(sim::Time::from_s(10 + 300 * k));
  run.sim.run_until(sim::Time::from_s(10 + 300 * 20));
  REQUIRE(run.done.size() == 20);
  // The first request is cold; from the second on the histogram is representative, so each
  // later one finds the pre-warmed instance.
  CHECK(run.done[0].cold_start);
  int cold_late = 0;
  for (std::size_t k = 2; k < run.done.size(); ++k)
    cold_late += run.done[k].cold_start;
  CHECK(cold_late == 0);
  const auto st = run.cluster.function_stats(0, run.sim.now());
  CHECK(st.prewarms >= 17);
  // Idle warm time per gap is about 300 - 216 s, not the whole gap.
  ServerlessRun fixed10{function_world(world, PlatformKind::container, 1, fixed(600_s))};
  for (int k = 0; k < 20; ++k)
    fixed10.submit_at(sim::Time::from_s(10 + 300 * k));
  fixed10.sim.run_until(sim::Time::from_s(10 + 300 * 20));
  CHECK(st.idle_gib_seconds <
        0.5 * fixed10.cluster.function_stats(0, fixed10.sim.now()).idle_gib_seconds);
}

TEST_CASE("under the hybrid policy a function's extra instance stays loaded while the function's "
          "idle gaps are within the keep-alive window") {
  // Two simultaneous requests start two instances (concurrency 1); then one request every
  // 30 s. The idle times (about 30 s, bin 0) make the histogram representative with head 0 and
  // tail bin 0: the function is kept 1 min x 1.1 = 66 s after its last execution ends. The
  // windows are per function, so the second instance, idle all along, is not unloaded while
  // the gaps stay under 66 s, and a later pair of simultaneous requests is warm. (Kept per
  // instance, the second one would expire 66 s after its own last request, and the pair would
  // start a cold instance again.)
  const ClusterWorld world;
  serverless::KeepAliveSpec hybrid;
  hybrid.policy = serverless::KeepAliveKind::hybrid;
  ServerlessRun run{function_world(world, PlatformKind::container, 1, hybrid)};
  run.submit_at(10_s);
  run.submit_at(10_s);
  for (int k = 1; k <= 20; ++k)
    run.submit_at(sim::Time::from_s(10 + 30 * k));
  run.submit_at(sim::Time::from_s(10 + 30 * 21));
  run.submit_at(sim::Time::from_s(10 + 30 * 21));
  run.sim.run_until(sim::Time::from_s(10 + 30 * 21 + 20));
  REQUIRE(run.done.size() == 24);
  CHECK(run.done[0].cold_start);
  CHECK(run.done[1].cold_start);
  int cold_later = 0;
  for (std::size_t k = 2; k < run.done.size(); ++k)
    cold_later += run.done[k].cold_start;
  CHECK(cold_later == 0);
  const auto st = run.cluster.function_stats(0, run.sim.now());
  CHECK(st.instances_started == 2);
  CHECK(st.expiries == 0);
  // After the last execution the function is idle for longer than 66 s: both are unloaded.
  run.sim.run_until(sim::Time::from_s(10 + 30 * 21 + 200));
  CHECK(run.cluster.function_stats(0, run.sim.now()).expiries == 2);
}

TEST_CASE("the hybrid policy learns one idle time per invocation, 0 for one that overlaps an "
          "execution") {
  // Pairs of simultaneous requests every 5 minutes (concurrency 2: one instance serves both).
  // Of each pair the first sees about 5 min of idle time (bin 4) and the second an execution
  // in progress (0, bin 0). Half the samples in bin 0 put the head (5th percentile) in bin 0:
  // no pre-warm window, the function is kept until the tail, 5 min x 1.1 = 330 s, and every
  // pair after the first is warm. Were the overlapping invocations not sampled, every sample
  // would be in bin 4 and the function would be unloaded and pre-warmed at 216 s instead.
  const ClusterWorld world;
  serverless::KeepAliveSpec hybrid;
  hybrid.policy = serverless::KeepAliveKind::hybrid;
  ServerlessRun run{function_world(world, PlatformKind::container, 2, hybrid)};
  for (int k = 0; k < 8; ++k) {
    run.submit_at(sim::Time::from_s(10 + 300 * k));
    run.submit_at(sim::Time::from_s(10 + 300 * k));
  }
  run.sim.run_until(sim::Time::from_s(10 + 300 * 7 + 20));
  REQUIRE(run.done.size() == 16);
  int cold = 0;
  for (const auto& o : run.done)
    cold += o.cold_start;
  CHECK(cold == 2);  // the first pair, waiting for the first instance
  const auto st = run.cluster.function_stats(0, run.sim.now());
  CHECK(st.prewarms == 0);
  CHECK(st.instances_started == 1);
  CHECK(st.expiries == 0);
}
