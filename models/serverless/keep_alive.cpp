#include "models/serverless/keep_alive.hpp"

#include <algorithm>
#include <boost/circular_buffer.hpp>
#include <cmath>
#include <stdexcept>

namespace vmcsim::models::serverless {

IdleHistogram::IdleHistogram(sim::Time range, sim::Time bin) : bin_(bin) {
  if (bin <= sim::Time::zero() || range < bin)
    throw std::invalid_argument("idle histogram: bin must be > 0 and not above the range");
  counts_.assign(static_cast<std::size_t>(range.ns() / bin.ns()), 0);
}

void IdleHistogram::add(sim::Time idle) {
  const std::int64_t k = std::max<std::int64_t>(0, idle.ns()) / bin_.ns();
  if (k >= static_cast<std::int64_t>(counts_.size())) {
    ++out_of_bounds_;
    return;
  }
  ++counts_[static_cast<std::size_t>(k)];
  ++in_range_;
}

double IdleHistogram::cv() const {
  if (in_range_ == 0) return 0.0;
  const double n = static_cast<double>(counts_.size());
  const double mean = static_cast<double>(in_range_) / n;
  double ss = 0.0;
  for (const auto c : counts_)
    ss += (c - mean) * (c - mean);
  return std::sqrt(ss / n) / mean;
}

std::size_t IdleHistogram::percentile_bin(double p) const {
  if (in_range_ == 0) return 0;
  const double need = p * static_cast<double>(in_range_);
  std::uint64_t sum = 0;
  for (std::size_t k = 0; k < counts_.size(); ++k) {
    sum += counts_[k];
    if (static_cast<double>(sum) >= need) return k;
  }
  return counts_.size() - 1;
}

namespace {

// The ARIMA case: windows around the forecast F of the next idle time, [F (1 - m), F (1 + m)],
// or the range keep-alive (with its reason) when there is no usable forecast.
void arima_windows(HybridDecision& d, const HybridParams& p, std::span<const double> idle_s) {
  d.out_of_bounds = true;
  d.kind = HybridCase::arima_fallback;
  sim::AutoArimaOptions options;
  options.min_length = p.arima_min_samples;
  options.criterion = p.arima_criterion;
  const sim::ArimaForecast f = sim::auto_arima(idle_s, options);
  d.arima_status = f.status;
  d.arima_order = f.order;
  if (!f.ok()) return;
  d.forecast_s = f.value;
  if (!(f.value > 0.0)) return;  // an idle time is positive: no window to place
  const sim::Time forecast = sim::Time::from_seconds(f.value);
  d.windows = {forecast * (1.0 - p.arima_margin), forecast * (2.0 * p.arima_margin)};
  d.kind = HybridCase::arima;
}

}  // namespace

HybridDecision hybrid_windows(const IdleHistogram& h, const HybridParams& p,
                              std::span<const double> recent_idle_s) {
  HybridDecision d;
  d.windows = {sim::Time::zero(), p.range};
  const std::uint64_t all = h.samples() + h.out_of_bounds();
  if (all > 0 && static_cast<double>(h.out_of_bounds()) / static_cast<double>(all) >=
                     p.out_of_bounds_threshold) {
    arima_windows(d, p, recent_idle_s);
    return d;
  }
  if (h.samples() == 0 || h.cv() < p.cv_threshold) return d;
  d.representative = true;
  d.kind = HybridCase::histogram;
  // Head: the lower edge of its bin, lowered by the margin; tail: the upper edge of its bin,
  // raised by the margin. The instance is kept until the tail, counted from the idle start.
  const sim::Time head = h.bin_width() * static_cast<std::int64_t>(h.percentile_bin(p.head));
  const sim::Time tail = h.bin_width() * static_cast<std::int64_t>(h.percentile_bin(p.tail) + 1);
  const sim::Time prewarm = head * (1.0 - p.margin);
  const sim::Time until = tail * (1.0 + p.margin);
  d.windows = {prewarm, until - prewarm};
  return d;
}

namespace {

class Fixed final : public KeepAlivePolicy {
 public:
  explicit Fixed(sim::Time t) : t_(t) {}
  Windows windows() override { return {sim::Time::zero(), t_}; }

 private:
  sim::Time t_;
};

// Keeps the function's histogram and its most recent idle times (a ring of arima_history
// seconds: bounded memory), and decides again only after a new idle time (the same inputs give
// the same decision, so the ARIMA fit runs at most once per idle time).
class Hybrid final : public KeepAlivePolicy {
 public:
  explicit Hybrid(const HybridParams& p)
      : p_(p), h_(p.range, p.bin), recent_(std::max<std::size_t>(1, p.arima_history)) {}
  void observe_idle(sim::Time idle) override {
    h_.add(idle);
    recent_.push_back(std::max(0.0, idle.seconds()));
    stale_ = true;
  }
  Windows windows() override {
    if (stale_) {
      series_.assign(recent_.begin(), recent_.end());
      decision_ = hybrid_windows(h_, p_, series_);
      stale_ = false;
    }
    count(decision_.kind);
    return decision_.windows;
  }
  bool per_function() const override { return true; }
  KeepAliveDecisions decisions() const override { return decisions_; }

 private:
  void count(HybridCase kind) {
    switch (kind) {
      case HybridCase::range:
        ++decisions_.range;
        return;
      case HybridCase::histogram:
        ++decisions_.histogram;
        return;
      case HybridCase::arima:
        ++decisions_.arima;
        return;
      case HybridCase::arima_fallback:
        ++decisions_.arima_fallback;
        return;
    }
  }

  HybridParams p_;
  IdleHistogram h_;
  boost::circular_buffer<double> recent_;  // idle seconds, oldest first
  std::vector<double> series_;             // recent_ laid out for the fit
  HybridDecision decision_;
  bool stale_ = true;
  KeepAliveDecisions decisions_;
};

}  // namespace

std::unique_ptr<KeepAlivePolicy> make_keep_alive(const KeepAliveSpec& spec) {
  switch (spec.policy) {
    case KeepAliveKind::none:
      return std::make_unique<Fixed>(sim::Time::zero());
    case KeepAliveKind::fixed:
      return std::make_unique<Fixed>(spec.keep_alive);
    case KeepAliveKind::hybrid:
      return std::make_unique<Hybrid>(spec.hybrid);
  }
  throw std::invalid_argument("unknown keep-alive policy");
}

}  // namespace vmcsim::models::serverless
