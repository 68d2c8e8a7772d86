#pragma once
// Keep-alive policies for scale-to-zero services (functions): how long an instance that went
// idle is kept warm, and whether the function is unloaded at once and pre-warmed later.
//
//   fixed   keep every idle instance for `keep_alive` (AWS Lambda and Azure Functions keep an
//           idle instance about 10 and 20 minutes: Shahrad et al., "Serverless in the Wild",
//           USENIX ATC'20, section 4.1);
//   none    stop an instance as soon as it is idle (every request after a gap is cold);
//   hybrid  the hybrid histogram policy of Shahrad et al. (ATC'20, section 4.2), its three
//           cases (HybridCase), per function (the windows are the function's: per_function()):
//           a range-limited histogram of idle times (one sample per invocation: the time from
//           the end of the function's last execution to the invocation, 0 when an execution
//           is still in service or queued; 1-minute bins up to 4 h).
//           - histogram: when it is representative (the coefficient of variation of its bin
//             counts is at least 2), the pre-warm window is its head (5th percentile) less a
//             10% margin and the function is kept until its tail (99th percentile) plus a 10%
//             margin after the idle start;
//           - range: when it is not (no sample yet, or a flat CV < 2), the fixed keep-alive of
//             the histogram's range, with no pre-warming;
//           - arima: when at least half the idle times were beyond the range, the next idle
//             time F is forecast by auto-ARIMA (sim/arima.hpp) on the function's most recent
//             idle times (at most arima_history), pre-warming at F (1 - 15%) and keeping the
//             function for 2 x 15% of F, i.e. until F (1 + 15%);
//           - arima_fallback: that case without a usable forecast (too few idle times, no
//             admissible fit, a non-finite or non-positive forecast): the range keep-alive,
//             counted apart (decisions()) so that no fallback passes unseen.
//           The constants (range 4 h, 1-min bins, 5th/99th percentile, 10% margin, CV 2, 50%
//           out of bounds) are the paper's; the open-source dslab-faas simulator's
//           hybrid_histogram policy uses the same ones. For the ARIMA case (whose text in the
//           paper vmcsim's authors could not consult while writing this), the 15% margin and
//           the windows F (1 - m) and 2 m F are those of the three public implementations
//           read, which agree: dslab-faas hybrid_histogram.rs (arima_margin 0.15),
//           OpenDC-Serverless HybridHistogramPolicy.kt ("forecast - forecast * margin",
//           "(forecast * margin) * 2") and a pmdarima reproduction (ARIMA_MARGIN 0.15); all
//           fit every idle time of the function. The history bound (100) and the minimum of 5
//           idle times are vmcsim's: they bound the cost of a fit (docs/serverless.md).
// A policy object belongs to one function (the hybrid one learns that function's histogram).
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/arima.hpp"
#include "sim/time.hpp"

namespace vmcsim::models::serverless {

// What to do once an instance (or, per_function(), the function) went idle at t0: with
// prewarm == 0, keep the instances warm for arrivals in [t0, t0 + keep_alive); with
// prewarm > 0, stop them at once and load one instance at t0 + prewarm, kept warm until
// t0 + prewarm + keep_alive.
struct Windows {
  sim::Time prewarm;
  sim::Time keep_alive;
  friend bool operator==(const Windows&, const Windows&) = default;
};

struct HybridParams {
  sim::Time range = sim::Time::from_s(4 * 3600);  // histogram range (paper: 4 hours)
  sim::Time bin = sim::Time::from_s(60);          // bin width (paper: 1 minute)
  double head = 0.05;                             // pre-warm percentile
  double tail = 0.99;                             // keep-alive percentile
  double margin = 0.10;                           // head lowered, tail raised by it
  double cv_threshold = 2.0;                      // representative when CV >= this
  double out_of_bounds_threshold = 0.5;           // at or beyond: the ARIMA case
  double arima_margin = 0.15;                     // pre-warm at F (1 - m), keep for 2 m F
  std::size_t arima_history = 100;                // most recent idle times the ARIMA fits
  std::size_t arima_min_samples = 5;              // fewer: the ARIMA case falls back
  // How auto-ARIMA picks the order: AIC, pmdarima's default; BIC is consistent and overfits
  // less (sim/arima.hpp). Named in registry::arima_criteria().
  sim::InformationCriterion arima_criterion = sim::InformationCriterion::aic;
};

enum class KeepAliveKind { fixed, none, hybrid };

struct KeepAliveSpec {
  KeepAliveKind policy = KeepAliveKind::fixed;  // named in registry::keep_alive_policies()
  sim::Time keep_alive = sim::Time::from_s(600);
  HybridParams hybrid;
};

// Idle times in fixed-width bins over [0, range); longer ones are counted out of bounds.
class IdleHistogram {
 public:
  IdleHistogram(sim::Time range, sim::Time bin);
  void add(sim::Time idle);
  std::uint64_t samples() const { return in_range_; }
  std::uint64_t out_of_bounds() const { return out_of_bounds_; }
  // Population coefficient of variation of the bin counts (0 with no sample).
  double cv() const;
  // The first bin whose cumulative count reaches fraction p of the in-range samples.
  std::size_t percentile_bin(double p) const;
  sim::Time bin_width() const { return bin_; }

 private:
  sim::Time bin_;
  std::vector<std::uint32_t> counts_;
  std::uint64_t in_range_ = 0;
  std::uint64_t out_of_bounds_ = 0;
};

// Which of the hybrid policy's cases a decision took (see the top of this file).
enum class HybridCase : std::uint8_t { range, histogram, arima, arima_fallback };

// How many windows a policy decided, by case (the hybrid policy's; zeros for the others).
struct KeepAliveDecisions {
  std::uint64_t range = 0;
  std::uint64_t histogram = 0;
  std::uint64_t arima = 0;
  std::uint64_t arima_fallback = 0;
  std::uint64_t total() const { return range + histogram + arima + arima_fallback; }
  KeepAliveDecisions& operator+=(const KeepAliveDecisions& o) {
    range += o.range;
    histogram += o.histogram;
    arima += o.arima;
    arima_fallback += o.arima_fallback;
    return *this;
  }
  friend bool operator==(const KeepAliveDecisions&, const KeepAliveDecisions&) = default;
};

class KeepAlivePolicy {
 public:
  virtual ~KeepAlivePolicy() = default;
  // One idle time of this function observed (the hybrid policy learns from it).
  virtual void observe_idle(sim::Time idle) { static_cast<void>(idle); }
  // The windows to apply from an idle start now.
  virtual Windows windows() = 0;
  // Where the windows count from. false (fixed, none): per instance, from the moment that
  // instance went idle, as a Lambda execution environment is kept after its own last request.
  // true (hybrid): per function, as the paper models an application: from the end of the
  // function's last execution (nothing in service or queued), and they govern all its
  // instances; while any execution runs, its idle instances stay loaded.
  virtual bool per_function() const { return false; }
  // The decisions windows() took so far, by case.
  virtual KeepAliveDecisions decisions() const { return {}; }
};

std::unique_ptr<KeepAlivePolicy> make_keep_alive(const KeepAliveSpec& spec);

// The hybrid policy's windows (exposed for tests and the report).
struct HybridDecision {
  Windows windows;
  HybridCase kind = HybridCase::range;
  bool representative = false;  // the histogram case
  bool out_of_bounds = false;   // the ARIMA case (kind arima or arima_fallback)
  // The ARIMA case only: why the forecast is missing (ok when it is there) and the forecast,
  // in seconds (NaN when none; a non-positive one falls back with status ok).
  sim::ArimaStatus arima_status = sim::ArimaStatus::ok;
  double forecast_s = std::numeric_limits<double>::quiet_NaN();
  sim::ArimaOrder arima_order;
};
// recent_idle_s: the function's most recent idle times in seconds, oldest first (what the ARIMA
// case fits; empty makes that case fall back).
HybridDecision hybrid_windows(const IdleHistogram& h, const HybridParams& p,
                              std::span<const double> recent_idle_s = {});

}  // namespace vmcsim::models::serverless
