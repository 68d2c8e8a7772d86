// The simulator at the architecture's scale: 10,000 hosts and a million container starts in a
// simulated day, through the normal scenario path (a YAML scenario with a pod_trace workload,
// loaded by app::scenario::load_scenario and run by app::runner::run_placement_benchmark).
//
// A plain executable, not Google Benchmark: one run is minutes long and is the measurement
// (repetitions would multiply that on a shared 2-core machine).
//
//   scale_bench [--hosts 10000] [--pods 1000000] [--policies 'first_fit;best_fit;...']
//               [--full-scan] [--max-pods N] [--dir DIR]
//
// The synthetic world (deterministic, RandomStream "bench/scale"): four host groups of
// different shapes (16/32/64/96 cores, 4 GiB per core) in three zones; pods arrive as a Poisson
// process over 24 h, live an exponential time (mean 3 h, so the cluster runs about 70-80 %
// allocated at steady state), and ask for 0.25-8 cores and 1-8 GiB per core. --pods scales the
// arrival rate; hosts and pods are usually scaled together (1k hosts / 100k pods has the same
// load). Reported per policy: wall and CPU seconds of the replay (getrusage; on a shared machine
// the CPU time is the one to compare), pod events (arrivals + departures) per CPU second,
// decisions and their mean / p99 cost (the replay's own steady_clock timing, so wall time: on a
// loaded machine a decision that is preempted counts the other process's time slice), and the
// process's peak RSS (getrusage) after it.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/bench_support.hpp"

#include "app/runner/placement_benchmark.hpp"
#include "app/scenario/loader.hpp"
#include "sim/distributions.hpp"
#include "sim/random.hpp"

using namespace vmcsim;
using bench::cpu_seconds;
using bench::peak_rss_mib;

namespace {

struct Args {
  int hosts = 10000;
  long pods = 1000000;
  std::vector<std::string> policies{"first_fit", "best_fit", "worst_fit", "ecs:binpack(memory)",
                                    "k8s:LeastAllocated"};
  bool full_scan = false;
  std::optional<std::size_t> max_pods;  // replay only the first pods of the day (quick contrasts)
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "vmcsim-scale-bench";
};

// "a;b;c": policies are separated by ';' (a k8s spec has commas of its own).
std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find(';', start)) != std::string::npos; start = end + 1)
    out.push_back(text.substr(start, end - start));
  out.push_back(text.substr(start));
  return out;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(k + " needs a value");
      return argv[++i];
    };
    if (k == "--hosts") {
      a.hosts = std::stoi(value());
    } else if (k == "--pods") {
      a.pods = std::stol(value());
    } else if (k == "--policies") {
      a.policies = split(value());
    } else if (k == "--max-pods") {
      a.max_pods = std::stoul(value());
    } else if (k == "--full-scan") {
      a.full_scan = true;
    } else if (k == "--dir") {
      a.dir = value();
    } else {
      throw std::invalid_argument("unknown argument " + k);
    }
  }
  return a;
}

// Writes the pod list (alibaba-pods CSV) and returns the number of departures inside the day.
long write_pods(const std::filesystem::path& file, long pods) {
  constexpr double kDay = 86400.0;
  constexpr double kMeanLifetime = 3 * 3600.0;
  sim::RandomStream rng{2024, 0, "bench/scale"};
  const sim::Exponential gap{kDay / static_cast<double>(pods)};
  const sim::Exponential life{kMeanLifetime};
  std::ofstream out(file);
  out << "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,"
         "deletion_time,scheduled_time\n";
  double t = 0.0;
  long departures = 0;
  for (long i = 0; i < pods; ++i) {
    t += gap.sample(rng);
    const auto created = static_cast<long>(t);
    const auto deleted = created + 1 + static_cast<long>(life.sample(rng));
    if (deleted < kDay) ++departures;
    // 250m .. 8 cores, log-uniform; 1 .. 8 GiB per core.
    const auto cpu = static_cast<long>(250.0 * std::pow(32.0, rng.uniform01()));
    const auto mem = static_cast<long>(static_cast<double>(cpu) * (1.0 + 7.0 * rng.uniform01()) *
                                       1024.0 / 1000.0);
    out << fmt::format("pod-{},{},{},0,0,,LS,Running,{},{},{}\n", i, cpu, mem, created, deleted,
                       created);
  }
  return departures;
}

std::string scenario_text(const Args& a, const std::filesystem::path& pods) {
  std::string s = fmt::format(
      "name: scale-bench\nseed: 7\nduration: 24h\nhosts:\n"
      "  - {{name: small, count: {}, cpu: \"16\", memory: 64GiB, zone: a}}\n"
      "  - {{name: medium, count: {}, cpu: \"32\", memory: 128GiB, zone: b}}\n"
      "  - {{name: large, count: {}, cpu: \"64\", memory: 256GiB, zone: c}}\n"
      "  - {{name: xlarge, count: {}, cpu: \"96\", memory: 384GiB, zone: a}}\n"
      "workloads:\n  - kind: pod_trace\n    trace: {{file: \"{}\", format: alibaba-pods}}\n"
      "    lifetimes: trace\nvariants:\n",
      a.hosts * 4 / 10, a.hosts * 3 / 10, a.hosts * 2 / 10,
      a.hosts - a.hosts * 4 / 10 - a.hosts * 3 / 10 - a.hosts * 2 / 10, pods.string());
  for (std::size_t i = 0; i < a.policies.size(); ++i)
    s += fmt::format("  - {{name: v{}, platform: container, profile: runc, placement: \"{}\"}}\n",
                     i, a.policies[i]);
  return s;
}

}  // namespace

int main(int argc, char** argv) try {
  const Args a = parse(argc, argv);
  std::filesystem::create_directories(a.dir);
  const auto pods_file = a.dir / fmt::format("pods-{}.csv", a.pods);
  const long departures = write_pods(pods_file, a.pods);
  const auto yaml = a.dir / "scale.yaml";
  std::ofstream(yaml) << scenario_text(a, pods_file);

  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  const app::scenario::Scenario s = app::scenario::load_scenario(yaml);
  const double load_s = std::chrono::duration<double>(clock::now() - t0).count();
  fmt::print(
      "scale_bench: {} hosts, {} pods ({} departures in the day), {}; load {:.2f} s, "
      "peak RSS {:.0f} MiB\n",
      a.hosts, a.pods, departures, a.full_scan ? "full scan" : "indexed", load_s, peak_rss_mib());
  fmt::print("{:<34} {:>8} {:>8} {:>12} {:>9} {:>10} {:>9} {:>9} {:>8}\n", "policy", "wall s",
             "CPU s", "events/CPU s", "placed", "decisions", "mean us", "p99 us", "RSS MiB");
  for (std::size_t i = 0; i < a.policies.size(); ++i) {
    app::runner::PlacementBenchmarkOptions o;
    o.variants = {fmt::format("v{}", i)};
    o.use_index = !a.full_scan;
    o.max_pods = a.max_pods;
    const auto t1 = clock::now();
    const double c1 = cpu_seconds();
    const auto rows = app::runner::run_placement_benchmark(s, o);
    const double wall = std::chrono::duration<double>(clock::now() - t1).count();
    const double cpu = cpu_seconds() - c1;
    const auto& r = rows.at(0).result;
    // Departures inside the day, of the pods replayed (all of them without --max-pods).
    const double share = static_cast<double>(r.pods_total) / static_cast<double>(a.pods);
    const double events =
        static_cast<double>(r.pods_total) + share * static_cast<double>(departures);
    fmt::print("{:<34} {:>8.2f} {:>8.2f} {:>12.0f} {:>9} {:>10} {:>9.2f} {:>9.2f} {:>8.0f}\n",
               a.policies[i], wall, cpu, events / cpu, r.pods_placed, r.timing.decisions,
               r.timing.mean_us, r.timing.p99_us, peak_rss_mib());
    std::fflush(stdout);
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "scale_bench: " << e.what() << '\n';
  return 1;
}
