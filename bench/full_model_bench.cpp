// The full model at datacenter scale (issue 15): requests, fluid CPU/disk/network sharing
// (FlowModel), HPA autoscaling and startup phases, through the normal scenario path (a generated
// scenario loaded by app::scenario::load_scenario_text and run by app::runner::run_scenario),
// against the bare engine's hold model measured in the same process.
//
// A plain executable, not Google Benchmark: one run is the measurement (at 10,000 hosts it is
// minutes long). Each size runs in a child process (fork), so its peak RSS is its own.
//
//   full_model_bench [--hosts 100,1000] [--minutes 30] [--hold-events 20000000]
//
// The synthetic world: N hosts of m5.2xlarge (catalog), N/10 services of one image (cpu 500m,
// limit 1 core, 512 MiB, 2 replicas, HPA 2..20 at 60 % CPU), each hit by a Poisson stream of
// 20 req/s (CPU time lognormal, median 16 ms, p95 40 ms; I/O exponential, mean 64 KiB) with a
// 5x burst from minute 10 to minute 15 (a third and a half of the way in when --minutes
// shortens the run, for profiles); an image registry of 1 Gbps per 100 hosts; one variant
// (runc containers, first-fit); one
// replication. Reported per size: simulation events (the engine's count), CPU seconds of the
// run (getrusage, user + system, loading excluded), events per CPU second, the ratio to the
// hold model's rate, and peak RSS; then the growth exponent of CPU time per event against the
// number of hosts (least squares on the log-log points). Also the engine's peak number of
// pending events (sim::Simulation::peak_pending, read through the runner's progress reports),
// to compare with the hold model's 10,000.
//
// The hold model: the engine (sim::Simulation) with 10,000 pending events, each of which
// schedules its successor an exponential time later (mean 1 ms, truncated to whole ns), as in
// event_queue_bench. It runs before and after the sizes; the ratio uses their mean.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/bench_support.hpp"

#include "app/process/huge_pages.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"
#include "sim/distributions.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using bench::cpu_seconds;
using bench::peak_rss_mib;

namespace {

struct Args {
  std::vector<int> hosts{100, 1000};
  int minutes = 30;
  std::uint64_t hold_events = 20'000'000;
};

Args parse(int argc, char** argv) {
  Args a;
  bench::parse_options(
      argc, argv,
      {{"--hosts", [&](const std::string& v) { a.hosts = bench::int_list(v); }},
       {"--minutes", [&](const std::string& v) { a.minutes = std::stoi(v); }},
       {"--hold-events", [&](const std::string& v) { a.hold_events = std::stoull(v); }}});
  return a;
}

// The registry grows with the cluster, 1 Gbps per 100 hosts (a mirror per 100 hosts), so that
// every size is the same workload per host. With one 1 Gbps registry at every size, the 125 hosts
// that first-fit fills at 10,000 hosts pulled 22 GiB through it for 3.2 minutes, during which
// 3.8 million requests queued for replicas that were not up yet (271 MiB of the 10,000-host
// run's peak RSS): a different regime from 100 hosts, where the pulls take 3 s.
int registry_gbps(int hosts) { return std::max(1, hosts / 100); }

std::string scenario_text(int hosts, int minutes) {
  const int services = std::max(1, hosts / 10);
  std::string s = fmt::format(
      "name: full-model-bench\nseed: 11\nreplications: 1\nduration: {}m\n"
      "hosts:\n  - {{name: m5, count: {}, instance_type: m5.2xlarge}}\n"
      "registry: {{bandwidth: {}Gbps, latency: 20ms}}\n"
      "images:\n  app: {{size: 180MiB, layers: 5}}\nservices:\n",
      minutes, hosts, registry_gbps(hosts));
  for (int i = 0; i < services; ++i)
    s += fmt::format(
        "  - name: s{}\n    image: app\n    cpu: 500m\n    cpu_limit: \"1\"\n    memory: 512MiB\n"
        "    replicas: 2\n"
        "    work:\n      cpu_time: {{dist: lognormal, median: 16ms, p95: 40ms}}\n"
        "      io_bytes: {{dist: exponential, mean: 64KiB}}\n"
        "    autoscaling: {{kind: hpa, min_replicas: 2, max_replicas: 20, "
        "target_cpu_utilization: 0.6}}\n",
        i);
  s += "workloads:\n";
  for (int i = 0; i < services; ++i)
    s += fmt::format(
        "  - service: s{}\n    kind: poisson\n    rate: 20\n"
        "    bursts: [{{at: {}s, duration: {}s, multiplier: 5}}]\n",
        i, minutes * 20, minutes * 10);
  s += "variants:\n  - {name: container, platform: container, profile: runc, placement: "
       "first_fit}\n";
  return s;
}

// The engine alone: events per CPU second of the hold model with 10,000 pending events.
double hold_rate(std::uint64_t events) {
  constexpr int kPending = 10'000;
  sim::Simulation sim;
  sim::RandomStream rng{42, 0, "bench/hold"};
  const sim::Exponential gap{1e-3};
  std::uint64_t left = events;
  struct Fire {
    sim::Simulation* sim;
    sim::RandomStream* rng;
    const sim::Exponential* gap;
    std::uint64_t* left;
    void operator()() const {
      if (*left == 0) return;
      --*left;
      sim->schedule_in(sim::Time::from_ns(static_cast<std::int64_t>(gap->sample(*rng) * 1e9)),
                       *this);
    }
  };
  for (int i = 0; i < kPending; ++i)
    sim.schedule_in(sim::Time::from_ns(static_cast<std::int64_t>(gap.sample(rng) * 1e9)),
                    Fire{&sim, &rng, &gap, &left});
  const double c0 = cpu_seconds();
  sim.run();
  return static_cast<double>(sim.events_processed()) / (cpu_seconds() - c0);
}

struct Row {
  int hosts = 0;
  double events = 0, cpu_s = 0, wall_s = 0, rss_mib = 0, load_s = 0;
  double peak_pending = 0;  // the engine's most pending events at once
};

// Runs one size (in a child process: bench::run_in_child).
Row run_size(int hosts, int minutes) {
  Row r;
  r.hosts = hosts;
  const double c0 = cpu_seconds();
  const auto scenario = app::scenario::load_scenario_text(scenario_text(hosts, minutes),
                                                          fmt::format("bench-{}.yaml", hosts));
  r.load_s = cpu_seconds() - c0;
  app::runner::RunOptions o;
  o.jobs = 1;
  // Only reads the engine's counters between hundredths of the run: the same events run.
  std::size_t peak_pending = 0;
  o.progress = [&](const app::runner::JobProgress& p) {
    peak_pending = std::max(peak_pending, p.peak_pending);
  };
  const auto t0 = std::chrono::steady_clock::now();
  const double c1 = cpu_seconds();
  const auto results = app::runner::run_scenario(scenario, o);
  r.cpu_s = cpu_seconds() - c1;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.events = static_cast<double>(results.variants.at(0).events);
  r.rss_mib = peak_rss_mib();
  r.peak_pending = static_cast<double>(peak_pending);
  return r;
}

// Least-squares slope of log(y) on log(x).
double loglog_slope(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += std::log(x[i]);
    my += std::log(y[i]);
  }
  mx /= static_cast<double>(x.size());
  my /= static_cast<double>(x.size());
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (std::log(x[i]) - mx) * (std::log(y[i]) - my);
    sxx += (std::log(x[i]) - mx) * (std::log(x[i]) - mx);
  }
  return sxx > 0 ? sxy / sxx : 0.0;
}

}  // namespace

int main(int argc, char** argv) try {
  app::use_huge_pages(argv);  // as vmcsim runs: the hold model and every size alike
  const Args a = parse(argc, argv);
  const double hold_before = hold_rate(a.hold_events);
  fmt::print("hold model (engine alone, 1e4 pending): {:.2f} M events/CPU s\n", hold_before / 1e6);
  std::vector<Row> rows;
  for (int h : a.hosts) {
    rows.push_back(bench::run_in_child<Row>("full_model_bench", fmt::format("{} hosts", h),
                                            [&] { return run_size(h, a.minutes); }));
    const Row& r = rows.back();
    fmt::print(
        "{} hosts: {:.0f} events, {:.2f} CPU s ({:.2f} s wall, load {:.2f} CPU s), "
        "{:.0f} MiB, at most {:.0f} events pending\n",
        r.hosts, r.events, r.cpu_s, r.wall_s, r.load_s, r.rss_mib, r.peak_pending);
    std::fflush(stdout);
  }
  const double hold_after = hold_rate(a.hold_events);
  const double hold = 0.5 * (hold_before + hold_after);
  fmt::print("hold model after: {:.2f} M events/CPU s (mean {:.2f})\n\n", hold_after / 1e6,
             hold / 1e6);
  fmt::print(
      "| hosts | services | events | CPU s | M events/CPU s | / hold model | peak RSS MiB | "
      "peak pending events |\n"
      "|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::vector<double> xs, ys;
  for (const Row& r : rows) {
    const double rate = r.events / r.cpu_s;
    fmt::print("| {} | {} | {:.0f} | {:.2f} | {:.3f} | {:.3f} | {:.0f} | {:.0f} |\n", r.hosts,
               std::max(1, r.hosts / 10), r.events, r.cpu_s, rate / 1e6, rate / hold, r.rss_mib,
               r.peak_pending);
    xs.push_back(r.hosts);
    ys.push_back(r.cpu_s / r.events);
  }
  if (rows.size() >= 2) {
    const double first = rows.front().events / rows.front().cpu_s;
    const double last = rows.back().events / rows.back().cpu_s;
    fmt::print(
        "\ngrowth exponent of CPU time per event vs hosts: {:.3f}; rate at {} / rate at {}: "
        "{:.3f}\n",
        loglog_slope(xs, ys), rows.back().hosts, rows.front().hosts, last / first);
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "full_model_bench: " << e.what() << '\n';
  return 1;
}
