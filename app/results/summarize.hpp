#pragma once
// Helpers that turn measurements into the summary types of run_results.hpp, on top of
// sim/statistics.hpp (Student-t intervals, quantile sketch): the runner calls these, so every
// Estimate in a RunResults is computed the same way.

#include <span>
#include <string>

#include "app/results/run_results.hpp"
#include "sim/statistics.hpp"

namespace vmcsim::app {

/// Mean and 95% CI over one value per replication. With fewer than two values the interval
/// cannot be estimated: half_width is 0 and n says why.
Estimate estimate_from_replications(std::span<const double> per_replication);

/// Quantiles of the pooled samples of all replications (via sim::QuantileSketch, 1% relative
/// error) and the 95% CI of the mean over per-replication means. Samples must be >= 0.
Quantiles quantiles_from_samples(std::span<const double> pooled_samples,
                                 std::span<const double> replication_means);

/// Paired difference a - b of a metric measured per replication in two variants run under
/// common random numbers. Throws std::invalid_argument if a and b differ in length.
PairedDifference paired_difference(std::string metric, std::string variant_a, std::string variant_b,
                                   std::span<const double> a, std::span<const double> b);

}  // namespace vmcsim::app
