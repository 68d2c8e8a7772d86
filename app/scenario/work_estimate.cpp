#include "app/scenario/work_estimate.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

namespace vmcsim::app::scenario {

namespace {

constexpr double kEventsPerRequest = 4;
constexpr double kEventsPerInstance = 20;
constexpr double kSetupEvents = 1e4;
constexpr double kBytesPerReplica = 16 * 1024;
constexpr double kBytesPerHost = 8 * 1024;
constexpr double kBytesPerPod = 4 * 1024;

double file_size(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0.0 : static_cast<double>(n);
}

// The highest arrival rate a workload reaches outside bursts, and the key that sets it.
std::pair<double, std::string> peak_rate(const Workload& w, const std::string& at) {
  switch (w.kind) {
    case WorkloadKind::poisson:
    case WorkloadKind::onoff:
      return {w.rate, at + ".rate"};
    case WorkloadKind::diurnal:
      return {w.rate * (1 + w.amplitude), at + ".rate"};
    case WorkloadKind::mmpp: {
      double r = 0;
      for (const auto& st : w.states)
        r = std::max(r, st.rate);
      return {r, at + ".states"};
    }
    case WorkloadKind::step: {
      double r = 0;
      for (const auto& st : w.steps)
        r = std::max(r, st.rate);
      return {r, at + ".steps"};
    }
    case WorkloadKind::trace:
    case WorkloadKind::pod_trace:
      break;
  }
  return {0, at};
}

// Adds to the per-run events and remembers the largest contribution.
struct Tally {
  double events = 0;
  double largest = 0;
  std::string driver, reason;
  void add(double n, const std::string& key, std::string why) {
    events += n;
    if (n > largest) largest = n, driver = key, reason = std::move(why);
  }
};

void tally_workloads(const Scenario& s, Tally& t, WorkEstimate& e) {
  const double seconds = s.duration.seconds();
  for (std::size_t i = 0; i < s.workloads.size(); ++i) {
    const Workload& w = s.workloads[i];
    const std::string at = fmt::format("workloads[{}]", i);
    if (w.kind == WorkloadKind::pod_trace) {
      // The replay stops at max_pods or at the file's end, whichever comes first: a max_pods far
      // beyond the file (10000001) is bounded by the file, not refused.
      const double in_file = file_size(w.trace->file) / 20;
      const bool capped = w.max_pods && static_cast<double>(*w.max_pods) < in_file;
      const double pods = capped ? static_cast<double>(*w.max_pods) : in_file;
      e.instances += pods;
      e.memory_bytes += pods * kBytesPerPod;
      t.add(kEventsPerInstance * pods, at + (capped ? ".max_pods" : ".trace.file"),
            fmt::format("{:.3g} pods", pods));
      continue;
    }
    if (w.kind == WorkloadKind::trace) {
      const double requests = file_size(w.trace->file) / 16;
      t.add(kEventsPerRequest * requests, at + ".trace.file",
            fmt::format("up to {:.3g} requests in the trace", requests));
      continue;
    }
    const auto [rate, key] = peak_rate(w, at);
    t.add(kEventsPerRequest * rate * seconds, key,
          fmt::format("{:.3g} requests per second for {}", rate, s.duration));
    for (std::size_t b = 0; b < w.bursts.size(); ++b) {
      const Burst& burst = w.bursts[b];
      const double extra = rate * (burst.multiplier - 1) * burst.duration.seconds();
      t.add(kEventsPerRequest * extra, fmt::format("{}.bursts[{}].multiplier", at, b),
            fmt::format("a {}x burst for {}", burst.multiplier, burst.duration));
    }
  }
}

void tally_services(const Scenario& s, Tally& t, WorkEstimate& e, std::string& largest_key) {
  const double seconds = s.duration.seconds();
  double largest = 0;
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    const Service& sv = s.services[i];
    const Autoscaling& a = sv.autoscaling;
    const bool scales = a.kind != AutoscalerKind::none;
    const double n = std::max<double>(sv.replicas, scales ? a.max_replicas : 0);
    const std::string key = fmt::format(
        "services[{}].{}", i,
        scales && a.max_replicas > sv.replicas ? "autoscaling.max_replicas" : "replicas");
    e.instances += n;
    e.memory_bytes += n * kBytesPerReplica;
    if (n > largest) largest = n, largest_key = key;
    t.add(kEventsPerInstance * n, key, fmt::format("{:.3g} replicas", n));
    if (!scales) continue;
    const double period = a.sync_period > sim::Time::zero() ? a.sync_period.seconds()
                          : a.kind == AutoscalerKind::hpa   ? 15.0
                                                            : 60.0;
    t.add(seconds / period,
          a.sync_period > sim::Time::zero() ? fmt::format("services[{}].autoscaling.sync_period", i)
                                            : "duration",
          fmt::format("an autoscaler decision every {}s for {}", period, s.duration));
  }
}

}  // namespace

WorkEstimate estimate_work(const Scenario& s) {
  WorkEstimate e;
  double points = 1;
  for (const auto& p : s.sweep)
    points *= static_cast<double>(std::max<std::size_t>(1, p.values.size()));
  e.runs = static_cast<double>(s.replications) * static_cast<double>(s.variants.size()) * points;
  Tally t;
  t.add(kSetupEvents, "replications", "set-up");
  tally_workloads(s, t, e);
  std::string replicas_key;
  tally_services(s, t, e, replicas_key);
  for (std::size_t i = 0; i < s.hosts.size(); ++i) {
    const double n = s.hosts[i].count;
    e.hosts += n;
    e.memory_bytes += n * kBytesPerHost;
    t.add(kEventsPerInstance * n, fmt::format("hosts[{}].count", i),
          fmt::format("{:.3g} hosts", n));
  }
  for (std::size_t i = 0; i < s.variants.size(); ++i)
    if (const auto& ca = s.variants[i].cluster_autoscaler) {
      const double scan = ca->scan_interval > sim::Time::zero() ? ca->scan_interval.seconds() : 10;
      t.add(s.duration.seconds() / scan,
            fmt::format("variants[{}].cluster_autoscaler.scan_interval", i),
            fmt::format("a cluster-autoscaler scan every {}s", scan));
    }
  e.events = t.events * e.runs;
  e.driver = t.driver;
  e.driver_reason = t.reason;
  return e;
}

std::string over_budget(WorkEstimate& e, const Scenario& s, const WorkBudget& budget) {
  if (e.hosts > budget.max_hosts) {
    std::size_t largest = 0;
    for (std::size_t i = 0; i < s.hosts.size(); ++i)
      if (s.hosts[i].count > s.hosts[largest].count) largest = i;
    e.driver = fmt::format("hosts[{}].count", largest);
    return fmt::format("the scenario simulates {:.3g} hosts, more than the budget of {:.3g}",
                       e.hosts, budget.max_hosts);
  }
  if (e.instances > budget.max_instances) {
    WorkEstimate again;
    Tally t;
    std::string key;
    tally_services(s, t, again, key);
    if (again.instances * 2 < e.instances || key.empty()) {  // pods drive it
      for (std::size_t i = 0; i < s.workloads.size(); ++i)
        if (s.workloads[i].kind == WorkloadKind::pod_trace)
          key = fmt::format("workloads[{}].{}", i,
                            s.workloads[i].max_pods &&
                                    static_cast<double>(*s.workloads[i].max_pods) <
                                        file_size(s.workloads[i].trace->file) / 20
                                ? "max_pods"
                                : "trace.file");
    }
    e.driver = key;
    return fmt::format(
        "the scenario starts up to {:.3g} replicas or pods per run, more than the budget of {:.3g}",
        e.instances, budget.max_instances);
  }
  if (e.memory_bytes > budget.max_memory_bytes)
    return fmt::format(
        "the model state of one run is about {:.3g} GiB, more than the budget of "
        "{:.3g} GiB",
        e.memory_bytes / (1LL << 30), budget.max_memory_bytes / (1LL << 30));
  if (e.events > budget.max_events) {
    // Replications (and variants and sweep points) multiply a run that alone fits.
    if (e.events / e.runs <= budget.max_events && s.replications > 1) {
      e.driver = "replications";
      e.driver_reason = fmt::format("{} runs", e.runs);
    }
    return fmt::format(
        "the scenario needs about {:.3g} simulation events ({}), more than the "
        "budget of {:.3g}",
        e.events, e.driver_reason, budget.max_events);
  }
  return {};
}

std::string to_string(const WorkEstimate& e) {
  return fmt::format(
      "about {:.3g} events over {:.3g} run{}, up to {:.3g} replicas and pods and "
      "{:.3g} hosts per run, ~{:.3g} MiB of model state per run",
      e.events, e.runs, e.runs == 1 ? "" : "s", e.instances, e.hosts, e.memory_bytes / (1 << 20));
}

}  // namespace vmcsim::app::scenario
