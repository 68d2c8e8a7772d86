#include "app/report/metrics.hpp"

#include <array>
#include <cmath>

#include <fmt/format.h>

namespace vmcsim::app::report {
namespace {

Estimate percent(Estimate e) {
  e.mean *= 100;
  e.half_width *= 100;
  return e;
}

constexpr std::array kHeadline{
    HeadlineMetric{"startup_ms", "startup, mean", "ms",
                   [](const VariantSummary& v) { return v.startup_ms.ci95; }, 1},
    HeadlineMetric{"startup_ms.p95", "startup, p95", "ms",
                   [](const VariantSummary& v) {
                     return Estimate{v.startup_ms.p95, 0, v.startup_ms.ci95.n};
                   },
                   1},
    HeadlineMetric{"time_to_capacity_s", "time to capacity", "s",
                   [](const VariantSummary& v) { return v.time_to_capacity_s; }, 1},
    HeadlineMetric{"slo_violation_fraction", "SLO violations", "%",
                   [](const VariantSummary& v) { return percent(v.slo_violation_fraction); }, 2},
    HeadlineMetric{"memory_overhead_gib_hours", "memory overhead", "GiB·h",
                   [](const VariantSummary& v) { return v.memory_overhead_gib_hours; }, 2},
    HeadlineMetric{"idle_reserved_memory_gib_hours", "idle reserved memory", "GiB·h",
                   [](const VariantSummary& v) { return v.idle_reserved_memory_gib_hours; }, 2},
    HeadlineMetric{"density_instances_per_host", "density", "instances/host",
                   [](const VariantSummary& v) { return v.density_instances_per_host; }, 1},
    HeadlineMetric{"hosts_used_peak", "hosts at peak", "hosts",
                   [](const VariantSummary& v) { return v.hosts_used_peak; }, 1},
    HeadlineMetric{"energy_kwh", "energy", "kWh",
                   [](const VariantSummary& v) { return v.energy_kwh; }, 2},
    HeadlineMetric{"cost_usd", "cost", "USD", [](const VariantSummary& v) { return v.cost_usd; },
                   2},
};

constexpr std::array kPlacement{
    HeadlineMetric{"hosts_used_peak", "hosts at peak", "hosts",
                   [](const VariantSummary& v) { return v.hosts_used_peak; }, 1},
    HeadlineMetric{"nodes_peak", "node VMs at peak", "nodes",
                   [](const VariantSummary& v) { return v.nodes_peak; }, 1},
    HeadlineMetric{"packing_efficiency.cpu", "packing efficiency, CPU", "%",
                   [](const VariantSummary& v) { return percent(v.packing_efficiency_cpu); }, 1},
    HeadlineMetric{"packing_efficiency.memory", "packing efficiency, memory", "%",
                   [](const VariantSummary& v) { return percent(v.packing_efficiency_memory); }, 1},
    HeadlineMetric{"stranded_cpu_fraction", "stranded CPU", "%",
                   [](const VariantSummary& v) { return percent(v.stranded_cpu_fraction); }, 1},
    HeadlineMetric{"stranded_memory_fraction", "stranded memory", "%",
                   [](const VariantSummary& v) { return percent(v.stranded_memory_fraction); }, 1},
    HeadlineMetric{"fragmentation.cpu", "fragmented CPU", "%",
                   [](const VariantSummary& v) { return percent(v.fragmentation_cpu); }, 1},
    HeadlineMetric{"fragmentation.memory", "fragmented memory", "%",
                   [](const VariantSummary& v) { return percent(v.fragmentation_memory); }, 1},
    HeadlineMetric{"pending_time_ms", "pending time, mean", "ms",
                   [](const VariantSummary& v) { return v.pending_ms.ci95; }, 1},
    HeadlineMetric{"pending_time_ms.p99", "pending time, p99", "ms",
                   [](const VariantSummary& v) {
                     return Estimate{v.pending_ms.p99, 0, v.pending_ms.ci95.n};
                   },
                   1},
    HeadlineMetric{"placement_decisions", "placement decisions", "decisions",
                   [](const VariantSummary& v) { return v.placement_decisions; }, 0},
    HeadlineMetric{"evictions", "evictions", "instances",
                   [](const VariantSummary& v) { return v.evictions; }, 1},
};

struct Phrase {
  std::string_view metric;
  std::string_view less;  ///< verb phrase when a - b < 0
  std::string_view more;
  std::string_view unit;
  double scale;  ///< multiplies the metric's value into `unit`
};

constexpr std::array kPhrases{
    Phrase{"startup_ms", "starts {} sooner", "starts {} later", "s", 1e-3},
    Phrase{"time_to_capacity_s", "reaches capacity {} sooner", "reaches capacity {} later", "s", 1},
    Phrase{"request_latency_ms", "answers requests {} faster", "answers requests {} slower", "ms",
           1},
    Phrase{"slo_violation_fraction", "misses the latency SLO on {} fewer of its requests",
           "misses the latency SLO on {} more of its requests", "percentage points", 100},
    Phrase{"memory_overhead_gib_hours", "spends {} less memory on overhead",
           "spends {} more memory on overhead", "GiB·h", 1},
    Phrase{"hosts_used_peak", "needs {} fewer hosts at peak", "needs {} more hosts at peak",
           "hosts", 1},
    Phrase{"energy_kwh", "uses {} less energy", "uses {} more energy", "kWh", 1},
    Phrase{"cost_usd", "costs {} less", "costs {} more", "USD", 1},
};

}  // namespace

std::span<const HeadlineMetric> headline_metrics() {
  return kHeadline;
}

std::span<const HeadlineMetric> placement_metrics() {
  return kPlacement;
}

std::string count_of(std::int64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

std::string warmup_note(const RunResults& results) {
  if (results.warmup <= sim::Time::zero()) return {};
  return fmt::format(" · warm-up {} left out", results.warmup);
}

std::string format_estimate(const Estimate& estimate, int precision) {
  // No replication has a value (no burst, no request, no instance): not applicable, not zero.
  if (estimate.n == 0) return "n/a";
  if (estimate.half_width == 0) return fmt::format("{:.{}f}", estimate.mean, precision);
  return fmt::format("{:.{}f} ± {:.{}f}", estimate.mean, precision, estimate.half_width, precision);
}

std::string describe_difference(const PairedDifference& d) {
  if (d.n == 0) {
    std::string_view what = d.metric;
    for (const auto& h : kHeadline)
      if (h.key == d.metric) what = h.label;
    return fmt::format("{} and {}: {} is not applicable (no replication has it for both).",
                       d.variant_a, d.variant_b, what);
  }
  // One replication gives a difference but no spread: no interval, so no verdict either.
  const bool interval = d.n >= 2;
  const bool significant = std::abs(d.mean) > d.half_width;
  const std::string tail =
      interval ? fmt::format(" (paired over {}{}).", count_of(d.n, "replication"),
                             significant ? "" : "; not significant at 95%")
               : fmt::format(" (paired over {}: a 95% confidence interval needs at least 2).",
                             count_of(d.n, "replication"));
  const auto with_interval = [&](double value, double half_width, std::string_view unit) {
    const std::string amount =
        fmt::format("{:.{}f}{}{}", value, unit.empty() ? 3 : 2, unit.empty() ? "" : " ", unit);
    if (!interval) return amount;
    return fmt::format("{} (± {:.{}f})", amount, half_width, unit.empty() ? 3 : 2);
  };
  for (const auto& p : kPhrases) {
    if (p.metric != d.metric) continue;
    const std::string amount =
        with_interval(std::abs(d.mean) * p.scale, d.half_width * p.scale, p.unit);
    const std::string verb = fmt::format(fmt::runtime(d.mean < 0 ? p.less : p.more), amount);
    return fmt::format("{} {} than {}{}", d.variant_a, verb, d.variant_b, tail);
  }
  return fmt::format("{} minus {} in {}: {}{}", d.variant_a, d.variant_b, d.metric,
                     with_interval(d.mean, d.half_width, ""), tail);
}

}  // namespace vmcsim::app::report
