// Bounded memory (issue 15): peak resident memory of a whole run (load, simulate, write every
// result file) as the number of requests grows, everything else the same.
//
// A plain executable, not Google Benchmark: each size runs in a child process (fork), so its
// peak RSS (getrusage ru_maxrss) is its own, and the figure is the ratio between the largest
// and the smallest size measured in the same run, never an absolute bound.
//
//   memory_bench [--rates 100,1000] [--minutes 10] [--out DIR]
//   memory_bench --replications 1,16 [--replicas 2000] [--rates 10] [--minutes 2]
//   memory_bench --instances 2000,8000,32000 [--rates 10] [--minutes 2]
//
// The world: 8 hosts of m5.2xlarge, one service of 32 fixed replicas (cpu 500m, limit 1 core,
// 256 MiB; CPU time lognormal, median 2 ms, p95 6 ms; I/O exponential, mean 16 KiB; no
// autoscaler, so the instances are the same at every rate), one Poisson workload at the given
// rate, one variant (runc containers, first-fit), one replication. At 1000 req/s the replicas
// are busy about a fifth of the time, so no queue builds: what the requests in flight hold is
// about the same at every rate, and a run with 10x the requests (the rate 10x) may only grow by
// what grows with requests.
//
// Reported per rate: requests (expected arrivals, rate x duration), events, CPU seconds, peak RSS;
// then the ratio of the peak RSS at the largest rate to that at the smallest. Flat means close to
// 1: per-request observations go into sketches and counters (sim::QuantileSketch), not lists.
//
// A second measurement, `--replications 1,16 [--replicas 2000]`: peak RSS against the number of
// replications, at the first rate, with `--replicas` replicas (so that many instance records per
// replication) on enough hosts to place them all (12 per host). Only the replications change, so
// the instances listed in instances.csv grow with them; the records stream to disk as instances
// end (app/results/instance_stream.hpp), so what grows is each replication's summaries
// (sketches, startup samples, timeseries), not its records.
//
// A third measurement, `--instances 2000,8000,32000`: one replication of that many fixed
// replicas (so that many instance records), each size run twice in the same run: with the records
// streamed to the spool in chunks of 4,096 as instances end (app/results/instance_stream.hpp),
// and with every record held until the replication ends (RunOptions::instance_chunk_rows = 0,
// the path before). The difference is what the records held; what both grow by is the model's
// own state per instance (the runtime's instances, the cluster's replicas, the startup samples).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/bench_support.hpp"

#include "app/report/write_all.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"

using namespace vmcsim;

namespace {

struct Args {
  std::vector<int> rates{100, 1000};
  int minutes = 10;
  std::vector<int> replications{};  // the second measurement, when given
  std::vector<int> instances{};     // the third measurement, when given
  int replicas = 32;
  std::string out = "";
};

Args parse(int argc, char** argv) {
  Args a;
  bench::parse_options(
      argc, argv,
      {{"--rates", [&](const std::string& v) { a.rates = bench::int_list(v); }},
       {"--minutes", [&](const std::string& v) { a.minutes = std::stoi(v); }},
       {"--replications", [&](const std::string& v) { a.replications = bench::int_list(v); }},
       {"--replicas", [&](const std::string& v) { a.replicas = std::stoi(v); }},
       {"--instances", [&](const std::string& v) { a.instances = bench::int_list(v); }},
       {"--out", [&](const std::string& v) { a.out = v; }}});
  return a;
}

std::string scenario_text(int rate, int minutes, int replicas) {
  return fmt::format(
      "name: memory-bench\nseed: 3\nreplications: 1\nduration: {}m\n"
      "hosts:\n  - {{name: m5, count: {}, instance_type: m5.2xlarge}}\n"
      "registry: {{bandwidth: 1Gbps, latency: 20ms}}\n"
      "images:\n  app: {{size: 60MiB, layers: 2}}\n"
      "services:\n  - name: web\n    image: app\n    cpu: 500m\n    cpu_limit: \"1\"\n"
      "    memory: 256MiB\n    replicas: {}\n"
      "    work:\n      cpu_time: {{dist: lognormal, median: 2ms, p95: 6ms}}\n"
      "      io_bytes: {{dist: exponential, mean: 16KiB}}\n"
      "workloads:\n  - {{service: web, kind: poisson, rate: {}}}\n"
      "variants:\n  - {{name: container, platform: container, profile: runc, "
      "placement: first_fit}}\n",
      minutes, std::max(8, (replicas + 11) / 12), replicas, rate);
}

struct Row {
  int rate = 0;
  double requests = 0, events = 0, cpu_s = 0, rss_mib = 0;
  int replications = 1;
  double instances = 0;  // instance records listed (instances.csv rows)
};

Row run_size(const Args& a, int rate, int replications, int replicas_override = 0,
             std::size_t chunk_rows = 4096) {
  Row r;
  r.rate = rate;
  r.replications = replications;
  const int replicas = replicas_override > 0    ? replicas_override
                       : a.replications.empty() ? 32
                                                : a.replicas;
  const auto scenario = app::scenario::load_scenario_text(scenario_text(rate, a.minutes, replicas),
                                                          fmt::format("memory-{}.yaml", rate));
  app::runner::RunOptions o;
  o.jobs = 1;
  o.replications = replications;
  o.instance_chunk_rows = chunk_rows;
  const double c0 = bench::cpu_seconds();
  const auto results = app::runner::run_scenario(scenario, o);
  const std::filesystem::path folder =
      a.out.empty() ? std::filesystem::temp_directory_path() /
                          fmt::format("vmcsim-memory-bench-{}-{}", ::getpid(), rate)
                    : std::filesystem::path{a.out} / fmt::format("rate-{}", rate);
  app::report::write_all(results, folder);
  r.cpu_s = bench::cpu_seconds() - c0;
  if (a.out.empty()) std::filesystem::remove_all(folder);
  const auto& v = results.variants.at(0);
  r.requests = static_cast<double>(rate) * 60.0 * a.minutes;  // expected arrivals
  r.events = static_cast<double>(v.events);
  r.instances = static_cast<double>(app::instance_count(results));
  r.rss_mib = bench::peak_rss_mib();
  return r;
}

Row run_child(const Args& a, int rate, int replications = 1, int replicas = 0,
              std::size_t chunk_rows = 4096) {
  return bench::run_in_child<Row>(
      "memory_bench",
      fmt::format("the run at {} req/s, {} replications, {} replicas, chunks of {}", rate,
                  replications, replicas, chunk_rows),
      [&] { return run_size(a, rate, replications, replicas, chunk_rows); });
}

}  // namespace

// The third measurement: peak RSS of one replication against its instances (see the top).
void by_instances(const Args& a) {
  struct Pair {
    Row streamed, held;
  };
  std::vector<Pair> rows;
  for (const int n : a.instances) {
    rows.push_back(
        {run_child(a, a.rates.front(), 1, n, 4096), run_child(a, a.rates.front(), 1, n, 0)});
    const Pair& p = rows.back();
    fmt::print("{} instances: streamed {:.1f} MiB ({:.2f} CPU s), held {:.1f} MiB ({:.2f} CPU s)\n",
               p.streamed.instances, p.streamed.rss_mib, p.streamed.cpu_s, p.held.rss_mib,
               p.held.cpu_s);
    std::fflush(stdout);
  }
  fmt::print(
      "\n| instance records | streamed: peak RSS MiB | held: peak RSS MiB | held - streamed "
      "MiB | CPU s streamed / held |\n|---:|---:|---:|---:|---:|\n");
  for (const Pair& p : rows)
    fmt::print("| {:.0f} | {:.1f} | {:.1f} | {:.1f} | {:.2f} / {:.2f} |\n", p.streamed.instances,
               p.streamed.rss_mib, p.held.rss_mib, p.held.rss_mib - p.streamed.rss_mib,
               p.streamed.cpu_s, p.held.cpu_s);
}

// The second measurement: peak RSS against replications (see the top).
void by_replications(const Args& a) {
  std::vector<Row> rows;
  for (const int n : a.replications) {
    rows.push_back(run_child(a, a.rates.front(), n));
    const Row& r = rows.back();
    fmt::print("{} replications: {:.0f} instance records, {:.2f} CPU s, {:.1f} MiB\n",
               r.replications, r.instances, r.cpu_s, r.rss_mib);
    std::fflush(stdout);
  }
  fmt::print(
      "\n| replications | instance records | CPU s | peak RSS MiB |\n"
      "|---:|---:|---:|---:|\n");
  for (const Row& r : rows)
    fmt::print("| {} | {:.0f} | {:.2f} | {:.1f} |\n", r.replications, r.instances, r.cpu_s,
               r.rss_mib);
  if (rows.size() >= 2)
    fmt::print("\npeak RSS x{:.3f} for instance records x{:.1f}\n",
               rows.back().rss_mib / rows.front().rss_mib,
               rows.back().instances / rows.front().instances);
}

int main(int argc, char** argv) try {
  const Args a = parse(argc, argv);
  if (!a.replications.empty()) {
    by_replications(a);
    return 0;
  }
  if (!a.instances.empty()) {
    by_instances(a);
    return 0;
  }
  std::vector<Row> rows;
  for (int rate : a.rates) {
    rows.push_back(run_child(a, rate));
    const Row& r = rows.back();
    fmt::print("{} req/s: {:.0f} requests, {:.0f} events, {:.2f} CPU s, {:.1f} MiB\n", r.rate,
               r.requests, r.events, r.cpu_s, r.rss_mib);
    std::fflush(stdout);
  }
  fmt::print(
      "\n| rate req/s | requests | events | CPU s | peak RSS MiB |\n|---:|---:|---:|---:|---:|\n");
  for (const Row& r : rows)
    fmt::print("| {} | {:.0f} | {:.0f} | {:.2f} | {:.1f} |\n", r.rate, r.requests, r.events,
               r.cpu_s, r.rss_mib);
  if (rows.size() >= 2)
    fmt::print("\npeak RSS x{:.3f} for requests x{:.1f}\n",
               rows.back().rss_mib / rows.front().rss_mib,
               rows.back().requests / rows.front().requests);
  return 0;
} catch (const std::exception& e) {
  std::cerr << "memory_bench: " << e.what() << '\n';
  return 1;
}
