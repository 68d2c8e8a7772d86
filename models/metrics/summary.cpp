#include "models/metrics/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>

#include "models/metrics/descriptors.hpp"
#include "sim/statistics.hpp"

namespace vmcsim::models::metrics {

namespace {

Estimate from_interval(const sim::ConfidenceInterval& ci) {
  Estimate e;
  e.n = static_cast<std::int64_t>(ci.n);
  if (ci.n == 0) return e;
  e.mean = ci.mean;
  e.half_width = ci.n >= 2 ? ci.half_width : 0.0;
  return e;
}

std::vector<double> finite(std::span<const double> values) {
  std::vector<double> out;
  for (double v : values)
    if (!std::isnan(v)) out.push_back(v);
  return out;
}

Quantiles pooled_quantiles(const sim::QuantileSketch& pooled, double pooled_mean,
                           std::span<const double> replication_means) {
  Quantiles q;
  q.ci95 = estimate(replication_means);
  if (pooled.empty()) return q;
  q.mean = pooled_mean;
  q.p50 = pooled.quantile(0.50);
  q.p95 = pooled.quantile(0.95);
  q.p99 = pooled.quantile(0.99);
  return q;
}

// Pooled quantiles of startup samples and phases of one group over all replications.
void summarize_startup(std::span<const VariantRunMetrics> runs,
                       const StartupSamples VariantRunMetrics::*group, Quantiles& total,
                       std::vector<PhaseSummary>& phases, std::vector<double>* pooled_out) {
  sim::QuantileSketch pooled;
  sim::RunningStats all;
  std::vector<double> means;
  std::vector<std::string> order;
  for (const auto& r : runs) {
    const StartupSamples& g = r.*group;
    sim::RunningStats mine;
    for (double x : g.total_ms) {
      pooled.add(x);
      all.add(x);
      mine.add(x);
      if (pooled_out) pooled_out->push_back(x);
    }
    means.push_back(mine.mean());
    for (const auto& p : g.phases)
      if (std::find(order.begin(), order.end(), p.name) == order.end()) order.push_back(p.name);
  }
  total = pooled_quantiles(pooled, all.mean(), means);
  for (const auto& name : order) {
    sim::QuantileSketch sketch;
    sim::RunningStats stats;
    for (const auto& r : runs)
      if (const PhaseSamples* p = (r.*group).phase(name))
        for (double x : p->ms) {
          sketch.add(x);
          stats.add(x);
        }
    phases.push_back(PhaseSummary{name, stats.mean(), sketch.quantile(0.95)});
  }
}

template <class F>
Estimate over_runs(std::span<const VariantRunMetrics> runs, F value) {
  std::vector<double> v;
  v.reserve(runs.size());
  for (const auto& r : runs)
    v.push_back(static_cast<double>(std::invoke(value, r)));
  return estimate(v);
}

void summarize_reasons(std::span<const VariantRunMetrics> runs, VariantEstimates& e) {
  std::map<std::string, std::uint64_t> reasons;
  for (const auto& r : runs)
    for (const auto& [reason, n] : r.instances_accounting.reasons)
      reasons[reason] += n;
  for (const auto& [reason, n] : reasons)
    e.not_ready_reasons.push_back({reason, n});
  std::stable_sort(
      e.not_ready_reasons.begin(), e.not_ready_reasons.end(),
      [](const ReasonCount& a, const ReasonCount& b) { return a.instances > b.instances; });
}

// The runs of one variant by replication index.
std::map<std::uint64_t, const VariantRunMetrics*> by_replication(
    std::span<const VariantRunMetrics> runs) {
  std::map<std::uint64_t, const VariantRunMetrics*> out;
  for (const auto& r : runs)
    if (!out.emplace(r.replication, &r).second)
      throw std::invalid_argument(fmt::format(
          "paired differences: variant '{}' has replication {} twice", r.variant, r.replication));
  return out;
}

}  // namespace

Estimate estimate(std::span<const double> per_replication) {
  const std::vector<double> values = finite(per_replication);
  return from_interval(sim::confidence_interval_95(values));
}

Quantiles quantiles(std::span<const double> pooled_samples,
                    std::span<const double> replication_means) {
  sim::QuantileSketch sketch;
  sim::RunningStats stats;
  for (double x : pooled_samples) {
    sketch.add(x);
    stats.add(x);
  }
  return pooled_quantiles(sketch, stats.mean(), replication_means);
}

PairedDifference paired_difference(std::string metric, std::string variant_a, std::string variant_b,
                                   std::span<const double> a, std::span<const double> b) {
  PairedDifference d{std::move(metric),
                     std::move(variant_a),
                     std::move(variant_b),
                     0.0,
                     0.0,
                     static_cast<std::int64_t>(a.size())};
  const sim::ConfidenceInterval ci = sim::paired_difference(a, b);
  if (ci.n == 0) return d;
  d.mean = ci.mean;
  d.half_width = ci.n >= 2 ? ci.half_width : 0.0;
  return d;
}

VariantEstimates summarize(std::span<const VariantRunMetrics> runs) {
  if (runs.empty()) throw std::invalid_argument("summarize: no runs");
  for (const auto& r : runs)
    if (r.variant != runs.front().variant)
      throw std::invalid_argument(fmt::format("summarize: runs of variants '{}' and '{}' mixed",
                                              runs.front().variant, r.variant));
  VariantEstimates e;
  e.name = runs.front().variant;
  e.replications = static_cast<std::int64_t>(runs.size());
  // Every metric aggregated as one value per replication, as its descriptor says.
  for (const MetricDescriptor& d : metric_descriptors())
    if (d.aggregation == Aggregation::mean_ci) e.*(d.estimate) = over_runs(runs, d.per_run);
  summarize_reasons(runs, e);
  summarize_startup(runs, &VariantRunMetrics::startup, e.startup_ms, e.startup_phases_ms,
                    &e.startup_samples_ms);
  summarize_startup(runs, &VariantRunMetrics::node_startup, e.node_startup_ms,
                    e.node_startup_phases_ms, nullptr);

  for (const auto& r : runs)
    for (const auto& c : r.time_to_capacity)
      if (!c.delay) ++e.time_to_capacity_not_reached;

  sim::QuantileSketch latency(runs.front().request_latency_ms.relative_accuracy());
  sim::RunningStats latency_all;
  std::vector<double> latency_means;
  for (const auto& r : runs) {
    latency.merge(r.request_latency_ms);
    latency_all.merge(r.request_latency_stats);
    latency_means.push_back(r.request_latency_stats.mean());
  }
  e.request_latency_ms = pooled_quantiles(latency, latency_all.mean(), latency_means);
  e.working_set_estimated = std::all_of(
      runs.begin(), runs.end(), [](const VariantRunMetrics& r) { return r.working_set_estimated; });
  sim::QuantileSketch pending(runs.front().pending_ms.relative_accuracy());
  sim::QuantileSketch decision_us(runs.front().placement_decision_us.relative_accuracy());
  sim::RunningStats decision_all;
  sim::RunningStats pending_all;
  std::vector<double> pending_means;
  for (const auto& r : runs) {
    pending.merge(r.pending_ms);
    pending_all.merge(r.pending_ms_stats);
    pending_means.push_back(r.pending_ms_stats.count() > 0
                                ? r.pending_ms_stats.mean()
                                : std::numeric_limits<double>::quiet_NaN());
    decision_us.merge(r.placement_decision_us);
    decision_all.merge(r.placement_decision_us_stats);
  }
  e.pending_ms = pooled_quantiles(pending, pending_all.mean(), pending_means);
  if (!decision_us.empty()) {
    e.placement_decision_us_mean = decision_all.mean();
    e.placement_decision_us_p99 = decision_us.quantile(0.99);
  }
  for (const auto& r : runs)
    e.events += r.events_processed;
  // [fn] per function, summed over replications
  for (const auto& r : runs)
    for (std::size_t k = 0; k < r.functions.per_function.size(); ++k) {
      const auto& f = r.functions.per_function[k];
      if (e.per_function.size() <= k) e.per_function.push_back({f.name, 0, 0, 0.0, {}});
      e.per_function[k].requests += f.requests;
      e.per_function[k].cold_starts += f.cold_starts;
      e.per_function[k].idle_gib_seconds += f.idle_gib_seconds;
      e.per_function[k].keep_alive += f.keep_alive;
    }
  return e;
}

SloVerdict startup_p99_verdict(const VariantEstimates& v, sim::Time target) {
  SloVerdict out;
  out.objective = "startup_p99";
  out.target = target.milliseconds();
  std::vector<double> all = v.startup_samples_ms;
  const auto not_ready = static_cast<std::size_t>(
      std::llround(v.instances_not_ready.mean * static_cast<double>(v.instances_not_ready.n)));
  all.insert(all.end(), not_ready, std::numeric_limits<double>::infinity());
  out.n = static_cast<std::int64_t>(all.size());
  if (all.empty()) {
    out.met = true;
    return out;
  }
  // Nearest rank: the smallest value with at least 99% of the instances at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(all.size())));
  std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(rank - 1), all.end());
  out.value = all[rank - 1];
  out.met = out.value <= out.target;
  return out;
}

std::vector<PairedDifference> paired_differences(std::span<const VariantRunMetrics> a,
                                                 std::span<const VariantRunMetrics> b) {
  if (a.empty() || b.empty()) throw std::invalid_argument("paired differences: no runs");
  const auto ra = by_replication(a);
  const auto rb = by_replication(b);
  for (const auto& [rep, run] : ra)
    if (!rb.count(rep))
      throw std::invalid_argument(
          fmt::format("paired differences: replication {} of '{}' has no partner in '{}'", rep,
                      run->variant, b.front().variant));
  if (ra.size() != rb.size())
    throw std::invalid_argument(fmt::format("paired differences: '{}' has {} replications, '{}' {}",
                                            a.front().variant, ra.size(), b.front().variant,
                                            rb.size()));
  std::vector<PairedDifference> out;
  const bool failures = a.front().failures_modelled || b.front().failures_modelled;
  for (const MetricDescriptor& d : metric_descriptors()) {
    if (!d.compared() || (d.failures_only && !failures)) continue;
    // [fn] function metrics are compared only between runs that had functions
    if (d.functions_only && !(a.front().functions.measured && b.front().functions.measured))
      continue;
    std::vector<double> xa, xb;
    for (const auto& [rep, run] : ra) {
      const double va = d.per_run(*run), vb = d.per_run(*rb.at(rep));
      if (std::isnan(va) || std::isnan(vb)) continue;
      xa.push_back(va);
      xb.push_back(vb);
    }
    out.push_back(
        paired_difference(std::string(d.key), a.front().variant, b.front().variant, xa, xb));
  }
  return out;
}

}  // namespace vmcsim::models::metrics
