#include "models/metrics/run_metrics.hpp"

#include <limits>

namespace vmcsim::models::metrics {

const PhaseSamples* StartupSamples::phase(std::string_view name) const {
  for (const auto& p : phases)
    if (p.name == name) return &p;
  return nullptr;
}

double VariantRunMetrics::startup_mean_ms() const {
  sim::RunningStats s;
  for (double x : startup.total_ms)
    s.add(x);
  return s.mean();
}

double VariantRunMetrics::time_to_capacity_mean_s() const {
  sim::RunningStats s;
  for (const auto& c : time_to_capacity)
    if (c.delay) s.add(c.delay->seconds());
  return s.mean();
}

double VariantRunMetrics::time_to_detect_mean_s() const {
  sim::RunningStats s;
  for (const auto& f : failure_log)
    if (f.replicas_lost > 0 && f.detected) s.add((*f.detected - f.at).seconds());
  return s.mean();
}

std::uint64_t VariantRunMetrics::evictions_refused() const {
  std::uint64_t n = 0;
  for (const auto& f : failure_log)
    n += f.evictions_refused;
  return n;
}

double VariantRunMetrics::drain_duration_mean_s() const {
  sim::RunningStats s;
  for (const auto& f : failure_log)
    if (f.drained) s.add((*f.drained - f.at).seconds());
  return s.mean();
}

double VariantRunMetrics::time_to_recover_mean_s() const {
  sim::RunningStats s;
  for (const auto& f : failure_log)
    if (f.replicas_lost > 0 && f.recovered) s.add((*f.recovered - f.at).seconds());
  return s.mean();
}

std::optional<sim::Time> time_to_capacity(std::span<const Sample> samples,
                                          const BurstWindow& burst) {
  for (const Sample& s : samples) {
    if (s.t < burst.onset) continue;
    if (s.t > burst.end) break;
    if (s.capacity_rps >= burst.demand_rps) return s.t - burst.onset;
  }
  return std::nullopt;
}

}  // namespace vmcsim::models::metrics
