#include "models/serverless/keep_alive.hpp"

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

HybridDecision hybrid_windows(const IdleHistogram& h, const HybridParams& p) {
  HybridDecision d;
  d.windows = {sim::Time::zero(), p.range};
  const std::uint64_t all = h.samples() + h.out_of_bounds();
  if (all > 0 && static_cast<double>(h.out_of_bounds()) / static_cast<double>(all) >=
                     p.out_of_bounds_threshold) {
    d.out_of_bounds = true;
    return d;
  }
  if (h.samples() == 0 || h.cv() < p.cv_threshold) return d;
  d.representative = true;
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

class Hybrid final : public KeepAlivePolicy {
 public:
  explicit Hybrid(const HybridParams& p) : p_(p), h_(p.range, p.bin) {}
  void observe_idle(sim::Time idle) override { h_.add(idle); }
  Windows windows() override { return hybrid_windows(h_, p_).windows; }
  bool per_function() const override { return true; }

 private:
  HybridParams p_;
  IdleHistogram h_;
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
