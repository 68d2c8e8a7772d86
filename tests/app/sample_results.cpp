#include "sample_results.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/metrics/summary.hpp"

namespace vmcsim::test {
namespace {

using namespace vmcsim::sim::literals;
using app::PlatformKind;

struct VariantSpec {
  std::string name;
  PlatformKind platform;
  std::string profile;
  std::vector<std::pair<std::string, sim::Time>> phases;  // name, typical duration
  int per_host;
};

std::vector<VariantSpec> specs() {
  return {
      {"vm",
       PlatformKind::vm,
       "kvm-ubuntu-22.04",
       {{"provision", 4_s},
        {"firmware", 2_s},
        {"kernel", 3_s},
        {"init", 6_s},
        {"agent", 2_s},
        {"app", 1500_ms}},
       2},
      {"container",
       PlatformKind::container,
       "runc",
       {{"schedule", 30_ms},
        {"image_pull", 2_s},
        {"unpack", 400_ms},
        {"sandbox", 120_ms},
        {"app_init", 600_ms}},
       4},
      {"ecs-on-ec2",
       PlatformKind::container_in_vm,
       "ecs-al2023",
       {{"schedule", 80_ms},
        {"image_pull", 2500_ms},
        {"unpack", 450_ms},
        {"sandbox", 150_ms},
        {"app_init", 600_ms}},
       3},
  };
}

constexpr int kReplications = 2;
constexpr int kInstances = 6;

// Deterministic jitter in [0.8, 1.2) from small integers: no randomness needed for a fixture.
double jitter(int a, int b, int c) {
  return 0.8 + 0.4 * ((a * 7 + b * 13 + c * 29) % 17) / 17.0;
}

double p95(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(0.95 * static_cast<double>(v.size() - 1))];
}

}  // namespace

app::RunResults sample_results() {
  app::RunResults r;
  r.vmcsim_version = "0.1.0-test";
  r.scenario_name = "burst: vm vs container";
  r.scenario_file = "scenarios/burst.yaml";
  r.resolved_scenario = {{"name", r.scenario_name}, {"seed", 42}, {"replications", kReplications}};
  r.seed = 42;
  r.replications = kReplications;
  const auto all = specs();
  std::map<std::string, std::vector<double>> startup_means;  // per variant, per replication
  for (std::size_t vi = 0; vi < all.size(); ++vi) {
    const auto& spec = all[vi];
    app::VariantSummary s;
    s.name = spec.name;
    s.platform = spec.platform;
    s.profile = spec.profile;
    std::vector<double> samples, rep_means;
    std::map<std::string, std::vector<double>> phase_ms;
    for (int rep = 0; rep < kReplications; ++rep) {
      double sum = 0;
      for (int k = 0; k < kInstances; ++k) {
        app::InstanceRecord in;
        in.variant = spec.name;
        in.replication = rep;
        in.service = k < 4 ? "web" : "worker";
        in.kind = spec.platform;
        in.profile = spec.profile;
        in.host = fmt::format("host-{}", k / spec.per_host);
        if (spec.platform == PlatformKind::container_in_vm) in.node = fmt::format("node-{}", k / 2);
        in.requested = 60_s + sim::Time::from_seconds(0.25 * k);
        sim::Time t = in.requested;
        for (std::size_t p = 0; p < spec.phases.size(); ++p) {
          const auto d = sim::Time::from_seconds(spec.phases[p].second.seconds() *
                                                 jitter(static_cast<int>(p), k, rep));
          in.phases.push_back({spec.phases[p].first, t, t + d});
          phase_ms[spec.phases[p].first].push_back(d.milliseconds());
          t = t + d;
        }
        in.ready = t;
        in.state = models::InstanceState::running;
        if (k == kInstances - 1) {
          in.stopped = t + 120_s;
          in.state = models::InstanceState::stopped;
        }
        const double ms = (t - in.requested).milliseconds();
        samples.push_back(ms);
        sum += ms;
        r.instances.push_back(std::move(in));
      }
      rep_means.push_back(sum / kInstances);
      for (int step = 0; step <= 30; ++step) {
        app::TimeseriesSample ts;
        ts.variant = spec.name;
        ts.replication = rep;
        ts.t = sim::Time::from_seconds(10.0 * step);
        ts.demand_rps = step < 6 ? 100 : 400;
        const double ready_after = 60 + rep_means.back() / 1000.0;
        ts.capacity_rps = ts.t.seconds() < ready_after ? 150 : 450 + 10 * rep;
        ts.running_instances = ts.t.seconds() < ready_after ? 2 : 2 + kInstances;
        ts.pending_instances = (step >= 6 && ts.t.seconds() < ready_after) ? kInstances : 0;
        ts.hosts_used =
            ts.t.seconds() < ready_after ? 1 : (kInstances + spec.per_host - 1) / spec.per_host;
        ts.cpu_utilization = std::min(1.0, ts.demand_rps / ts.capacity_rps);
        ts.memory_utilization = 0.3 + 0.1 * static_cast<double>(vi);
        ts.queued_requests = ts.demand_rps > ts.capacity_rps ? 250 : 0;
        r.timeseries.push_back(ts);
      }
    }
    s.startup_ms = models::metrics::quantiles(samples, rep_means);
    for (const auto& [name, d] : spec.phases) {
      const auto& v = phase_ms[name];
      double mean = 0;
      for (double x : v)
        mean += x / static_cast<double>(v.size());
      s.startup_phases_ms.push_back({name, mean, p95(v)});
    }
    const double scale = 1.0 + static_cast<double>(vi);
    const auto est = [](double a, double b) {
      const std::vector<double> v{a, b};
      return models::metrics::estimate(v);
    };
    s.time_to_capacity_s = est(rep_means[0] / 1000 + 1, rep_means[1] / 1000 + 1);
    s.request_latency_ms = models::metrics::quantiles(std::vector<double>{12, 15, 20, 80 * scale},
                                                      std::vector<double>{30, 34});
    s.slo_violation_fraction = est(0.02 * (3 - scale), 0.025 * (3 - scale));
    s.memory_overhead_gib_hours = est(vi == 0 ? 3.1 : 0.2 * scale, vi == 0 ? 3.3 : 0.25 * scale);
    s.idle_reserved_cpu_core_hours = est(1.5 / scale, 1.7 / scale);
    s.idle_reserved_memory_gib_hours = est(6.0 / scale, 6.4 / scale);
    s.fargate_rounding_waste_cpu_core_hours = est(0, 0);
    s.fargate_rounding_waste_memory_gib_hours = est(0, 0);
    s.stranded_cpu_fraction = est(0.05, 0.07);
    s.stranded_memory_fraction = est(0.10, 0.12);
    s.density_instances_per_host = est(2.0 * scale, 2.1 * scale);
    s.hosts_used_peak = est(3.0 / scale + 1, 3.0 / scale + 1);
    s.energy_kwh = est(1.2 / scale, 1.3 / scale);
    s.cost_usd = est(4.8 / scale, 5.1 / scale);
    s.events = 10'000 + 1'000 * vi;
    s.wall_seconds = 0.25;
    s.startup_samples_ms = samples;
    startup_means[spec.name] = rep_means;
    r.variants.push_back(std::move(s));
  }
  r.differences.push_back(models::metrics::paired_difference(
      "startup_ms", "container", "vm", startup_means["container"], startup_means["vm"]));
  r.differences.push_back(models::metrics::paired_difference("cost_usd", "container", "vm",
                                                             std::vector<double>{2.4, 2.55},
                                                             std::vector<double>{4.8, 5.1}));
  for (int point = 0; point < 3; ++point) {
    app::SweepPoint sp;
    const double rps = 200.0 * (1 << point);
    sp.parameters.push_back({"workload.burst.rps", fmt::format("{}", rps), rps});
    for (const auto& v : r.variants) {
      app::VariantSummary m = v;
      m.startup_samples_ms.clear();
      m.slo_violation_fraction = {v.slo_violation_fraction.mean * (1 + point), 0.01, 2};
      m.hosts_used_peak = {v.hosts_used_peak.mean * (1 + point), 0, 2};
      m.cost_usd = {v.cost_usd.mean * (1 + point), 0.1, 2};
      sp.variants.push_back(m);
    }
    r.sweep_points.push_back(sp);
  }
  return r;
}

}  // namespace vmcsim::test
