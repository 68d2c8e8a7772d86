#include "models/workload/arrivals.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace vmcsim::models {

using sim::Time;

namespace {

// An exponential gap of the given rate, or Time::max() for a zero rate.
Time exponential_gap(double per_second, sim::RandomStream& stream) {
  if (per_second <= 0) return Time::max();
  return Time::from_seconds(sim::Exponential{1.0 / per_second}.sample(stream));
}

Time saturating_add(Time a, Time b) {
  return b >= Time::max() - a ? Time::max() : a + b;
}

void check_rate(Rate r, const char* what) {
  if (!(r.per_second >= 0) || !std::isfinite(r.per_second))
    throw std::invalid_argument(std::string{what} + ": rate must be finite and >= 0");
}

}  // namespace

// --- ArrivalProcess ---------------------------------------------------------------------------

ArrivalProcess::ArrivalProcess(std::string service, RequestShape shape)
    : service_{std::move(service)}, shape_{std::move(shape)} {}

void ArrivalProcess::start(sim::Simulation& sim, sim::RandomStream& stream, RequestSink sink,
                           Time horizon) {
  if (!sink) throw std::invalid_argument("ArrivalProcess::start: empty sink");
  stop();
  sim_ = &sim;
  stream_ = &stream;
  sink_ = std::move(sink);
  horizon_ = horizon;
  arrivals_ = 0;
  running_ = true;
  reset(sim.now(), stream);
  schedule_next();
}

void ArrivalProcess::stop() {
  if (sim_ != nullptr) sim_->cancel(pending_);
  pending_ = {};
  running_ = false;
}

Request ArrivalProcess::make_request(Time now, sim::RandomStream& stream) {
  const double cpu = std::max(0.0, shape_.cpu_seconds.sample(stream));
  const double io = std::max(0.0, shape_.io_bytes.sample(stream));
  return Request{service_, now, Time::from_seconds(cpu), sim::Bytes{std::llround(io)}};
}

void ArrivalProcess::schedule_next() {
  pending_ = {};
  const Time t = next_arrival(sim_->now(), *stream_);
  if (t == Time::max() || t > horizon_) return;
  pending_ = sim_->schedule_at(t, [this] { fire(); });
}

void ArrivalProcess::fire() {
  pending_ = {};
  ++arrivals_;
  sink_(make_request(sim_->now(), *stream_));
  if (running_) schedule_next();  // the sink may have called stop()
}

// --- Poisson ----------------------------------------------------------------------------------

Poisson::Poisson(std::string service, Rate rate, RequestShape shape)
    : ArrivalProcess{std::move(service), std::move(shape)}, rate_{rate} {
  check_rate(rate, "Poisson");
}

Time Poisson::next_arrival(Time now, sim::RandomStream& stream) {
  return saturating_add(now, exponential_gap(rate_.per_second, stream));
}

// --- ModulatedPoisson -------------------------------------------------------------------------

void ModulatedPoisson::begin_state(Time at, sim::RandomStream& stream, bool first) {
  const State s = enter_next_state(stream, first);
  rate_ = s.rate;
  state_end_ = saturating_add(at, s.duration);
}

void ModulatedPoisson::reset(Time now, sim::RandomStream& stream) {
  begin_state(now, stream, true);
}

Time ModulatedPoisson::next_arrival(Time now, sim::RandomStream& stream) {
  Time t = now;
  for (;;) {
    // Memorylessness: a gap that overshoots the state's end is discarded and redrawn at the
    // new rate from the switch time, which gives exactly the modulated process.
    const Time candidate = saturating_add(t, exponential_gap(rate_.per_second, stream));
    if (candidate < state_end_) return candidate;
    if (state_end_ == Time::max() || state_end_ > horizon()) return Time::max();
    t = state_end_;
    begin_state(t, stream, false);
  }
}

// --- OnOff ------------------------------------------------------------------------------------

OnOff::OnOff(std::string service, Rate on_rate, Rate off_rate, sim::Distribution on_seconds,
             sim::Distribution off_seconds, RequestShape shape)
    : ModulatedPoisson{std::move(service), std::move(shape)},
      on_rate_{on_rate},
      off_rate_{off_rate},
      on_seconds_{std::move(on_seconds)},
      off_seconds_{std::move(off_seconds)} {
  check_rate(on_rate, "OnOff on_rate");
  check_rate(off_rate, "OnOff off_rate");
  if (!(on_seconds_.mean() + off_seconds_.mean() > 0))
    throw std::invalid_argument("OnOff: on and off durations must not both be zero");
}

Rate OnOff::mean_rate() const {
  const double on = on_seconds_.mean(), off = off_seconds_.mean();
  return Rate{(on_rate_.per_second * on + off_rate_.per_second * off) / (on + off)};
}

ModulatedPoisson::State OnOff::enter_next_state(sim::RandomStream& stream, bool first) {
  on_ = first ? true : !on_;
  const sim::Distribution& d = on_ ? on_seconds_ : off_seconds_;
  return State{on_ ? on_rate_ : off_rate_, Time::from_seconds(std::max(0.0, d.sample(stream)))};
}

// --- Mmpp -------------------------------------------------------------------------------------

Mmpp::Mmpp(std::string service, std::vector<Rate> rates,
           std::vector<std::vector<double>> transitions_per_second, RequestShape shape,
           std::size_t initial_state)
    : ModulatedPoisson{std::move(service), std::move(shape)},
      rates_{std::move(rates)},
      q_{std::move(transitions_per_second)},
      initial_{initial_state} {
  const std::size_t k = rates_.size();
  if (k == 0) throw std::invalid_argument("Mmpp: needs at least one state");
  if (q_.size() != k) throw std::invalid_argument("Mmpp: transitions must be a k x k matrix");
  if (initial_ >= k) throw std::invalid_argument("Mmpp: initial_state out of range");
  for (std::size_t i = 0; i < k; ++i) {
    check_rate(rates_[i], "Mmpp state");
    if (q_[i].size() != k) throw std::invalid_argument("Mmpp: transitions must be a k x k matrix");
    for (std::size_t j = 0; j < k; ++j)
      if (i != j && !(q_[i][j] >= 0 && std::isfinite(q_[i][j])))
        throw std::invalid_argument("Mmpp: transition rates must be finite and >= 0");
  }
}

std::vector<double> Mmpp::stationary_distribution() const {
  const auto k = static_cast<Eigen::Index>(rates_.size());
  // pi Q = 0 with sum(pi) = 1: transpose, and replace one (redundant) balance equation by
  // the normalization.
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(k, k);
  for (Eigen::Index i = 0; i < k; ++i)
    for (Eigen::Index j = 0; j < k; ++j)
      if (i != j) {
        const double q = q_[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
        a(j, i) += q;
        a(i, i) -= q;
      }
  a.row(k - 1).setOnes();
  Eigen::VectorXd b = Eigen::VectorXd::Zero(k);
  b(k - 1) = 1.0;
  const Eigen::VectorXd pi = a.fullPivLu().solve(b);
  return {pi.data(), pi.data() + k};
}

Rate Mmpp::mean_rate() const {
  const std::vector<double> pi = stationary_distribution();
  double rate = 0;
  for (std::size_t i = 0; i < pi.size(); ++i)
    rate += pi[i] * rates_[i].per_second;
  return Rate{rate};
}

ModulatedPoisson::State Mmpp::enter_next_state(sim::RandomStream& stream, bool first) {
  const std::size_t k = rates_.size();
  if (first) {
    state_ = initial_;
  } else {
    // Leave state_ for j with probability q[state_][j] / (total rate out of state_).
    double out = 0;
    for (std::size_t j = 0; j < k; ++j)
      if (j != state_) out += q_[state_][j];
    double u = stream.uniform01() * out;
    std::size_t next = state_;
    for (std::size_t j = 0; j < k; ++j) {
      if (j == state_ || q_[state_][j] <= 0) continue;
      next = j;
      if (u < q_[state_][j]) break;
      u -= q_[state_][j];
    }
    state_ = next;
  }
  double out = 0;
  for (std::size_t j = 0; j < k; ++j)
    if (j != state_) out += q_[state_][j];
  return State{rates_[state_], exponential_gap(out, stream)};
}

// --- RateProfile ------------------------------------------------------------------------------

Time RateProfile::next_arrival(Time now, sim::RandomStream& stream) {
  const double peak = peak_rate().per_second;
  Time t = now;
  for (;;) {
    t = saturating_add(t, exponential_gap(peak, stream));
    if (t == Time::max() || t > horizon()) return Time::max();
    if (stream.uniform01() * peak < rate_at(t).per_second) return t;
  }
}

Diurnal::Diurnal(std::string service, Rate mean, double amplitude, Time period, Time phase,
                 RequestShape shape)
    : RateProfile{std::move(service), std::move(shape)},
      mean_{mean},
      amplitude_{amplitude},
      period_{period},
      phase_{phase} {
  check_rate(mean, "Diurnal mean");
  if (!(amplitude >= 0 && amplitude <= 1))
    throw std::invalid_argument("Diurnal: amplitude must be in [0, 1]");
  if (period <= Time{}) throw std::invalid_argument("Diurnal: period must be > 0");
}

Rate Diurnal::rate_at(Time t) const {
  const double angle = 2 * std::numbers::pi * ((t - phase_) / period_);
  return Rate{mean_.per_second * (1 + amplitude_ * std::sin(angle))};
}

StepRate::StepRate(std::string service, std::vector<Step> steps, RequestShape shape)
    : RateProfile{std::move(service), std::move(shape)}, steps_{std::move(steps)} {
  if (steps_.empty()) throw std::invalid_argument("StepRate: needs at least one step");
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    check_rate(steps_[i].rate, "StepRate step");
    if (i > 0 && !(steps_[i - 1].from < steps_[i].from))
      throw std::invalid_argument("StepRate: step " + std::to_string(i) +
                                  " does not start after the previous one");
    peak_.per_second = std::max(peak_.per_second, steps_[i].rate.per_second);
  }
}

Rate StepRate::rate_at(Time t) const {
  const auto it = std::upper_bound(steps_.begin(), steps_.end(), t,
                                   [](Time x, const Step& s) { return x < s.from; });
  return it == steps_.begin() ? Rate{} : std::prev(it)->rate;
}

Rate StepRate::mean_rate() const {
  if (steps_.size() == 1) return steps_.front().rate;
  double area = 0;
  for (std::size_t i = 0; i + 1 < steps_.size(); ++i)
    area += steps_[i].rate.per_second * (steps_[i + 1].from - steps_[i].from).seconds();
  return Rate{area / (steps_.back().from - steps_.front().from).seconds()};
}

std::vector<StepRate::Step> Burst::steps() const {
  if (!(onset < end)) throw std::invalid_argument("Burst: onset must be before end");
  if (!(multiplier >= 0)) throw std::invalid_argument("Burst: multiplier must be >= 0");
  std::vector<StepRate::Step> s;
  if (Time{} < onset) s.push_back({Time{}, baseline});
  s.push_back({onset, Rate{baseline.per_second * multiplier}});
  s.push_back({end, baseline});
  return s;
}

// --- TraceReplay ------------------------------------------------------------------------------

TraceReplay::TraceReplay(std::vector<TraceRecord> records)
    : ArrivalProcess{"trace"}, records_{std::move(records)} {
  for (std::size_t i = 1; i < records_.size(); ++i)
    if (records_[i].arrival < records_[i - 1].arrival)
      throw std::invalid_argument("TraceReplay: record " + std::to_string(i) + " (arrival " +
                                  records_[i].arrival.to_string() +
                                  ") is earlier than the one before it");
}

Rate TraceReplay::mean_rate() const {
  if (records_.size() < 2) return Rate{};
  const double span = (records_.back().arrival - records_.front().arrival).seconds();
  return Rate{span > 0 ? static_cast<double>(records_.size() - 1) / span : 0.0};
}

void TraceReplay::reset(Time now, sim::RandomStream&) {
  next_ = static_cast<std::size_t>(
      std::lower_bound(records_.begin(), records_.end(), now,
                       [](const TraceRecord& r, Time t) { return r.arrival < t; }) -
      records_.begin());
}

Time TraceReplay::next_arrival(Time, sim::RandomStream&) {
  return next_ < records_.size() ? records_[next_].arrival : Time::max();
}

Request TraceReplay::make_request(Time now, sim::RandomStream&) {
  const TraceRecord& r = records_[next_++];
  return Request{r.service, now, r.cpu_time, r.io_bytes};
}

}  // namespace vmcsim::models
