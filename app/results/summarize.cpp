#include "app/results/summarize.hpp"

#include <cmath>

namespace vmcsim::app {
namespace {

// sim's interval is infinitely wide below two replications; results files carry 0 and n.
double finite_half_width(const sim::ConfidenceInterval& ci) {
  return std::isfinite(ci.half_width) ? ci.half_width : 0.0;
}

}  // namespace

Estimate estimate_from_replications(std::span<const double> per_replication) {
  const auto ci = sim::confidence_interval_95(per_replication);
  return {ci.n ? ci.mean : 0.0, finite_half_width(ci), static_cast<std::int64_t>(ci.n)};
}

Quantiles quantiles_from_samples(std::span<const double> pooled_samples,
                                 std::span<const double> replication_means) {
  Quantiles q;
  q.ci95 = estimate_from_replications(replication_means);
  if (pooled_samples.empty()) return q;
  sim::QuantileSketch sketch;
  sim::RunningStats stats;
  for (double x : pooled_samples) {
    sketch.add(x);
    stats.add(x);
  }
  q.mean = stats.mean();
  q.p50 = sketch.quantile(0.50);
  q.p95 = sketch.quantile(0.95);
  q.p99 = sketch.quantile(0.99);
  return q;
}

PairedDifference paired_difference(std::string metric, std::string variant_a, std::string variant_b,
                                   std::span<const double> a, std::span<const double> b) {
  const auto ci = sim::paired_difference(a, b);
  return {std::move(metric),    std::move(variant_a),  std::move(variant_b),
          ci.n ? ci.mean : 0.0, finite_half_width(ci), static_cast<std::int64_t>(ci.n)};
}

}  // namespace vmcsim::app
