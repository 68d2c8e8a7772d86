#pragma once
// Request arrival processes: the workload generators of the models layer.
//
// An ArrivalProcess, once started on a Simulation with a RandomStream and a sink, delivers
// Requests to the sink at their arrival times until a horizon. It keeps exactly one pending
// event (the next arrival), never the whole future, so a day of traffic costs O(1) memory.
//
//   Poisson web{"web", Rate{50.0}, RequestShape{LogNormal::from_median_p95(0.02, 0.2), ...}};
//   web.start(sim, stream, [&](const Request& r) { service.handle(r); }, 1_h);
//
// Kinds: Poisson (constant rate); OnOff (Poisson at an on rate and an off rate, alternating
// with on/off durations from any distribution); Mmpp (a Markov-modulated Poisson process:
// k states, a rate per state, transition rates); RateProfile (any rate function of time by
// Lewis-Shedler thinning: Diurnal sinusoid, StepRate steps, Burst "baseline x multiplier
// between onset and end"); TraceReplay (the caller's records, replayed exactly).
//
// Each arrival carries a Request: the service name, the arrival time, the CPU work and the
// I/O volume, the last two drawn from the process's RequestShape (trace replay takes them from
// the records). Invariants: arrivals are non-decreasing in time and never after the horizon;
// the same stream (seed, replication, name) gives the same arrivals; the process object must
// outlive the simulation run, and the sink must not destroy it.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/distributions.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::models {

// An arrival rate in requests per second (an intensity, not a time or a size).
struct Rate {
  double per_second = 0.0;
};

struct Request {
  std::string_view service;  // points into the process (or trace) that produced it
  sim::Time arrival;
  sim::Time cpu_time;   // CPU work at one core
  sim::Bytes io_bytes;  // disk and network I/O it causes
};

// What each generated request costs: CPU seconds and I/O bytes, both drawn per request
// (negative draws are clamped to zero).
struct RequestShape {
  sim::Distribution cpu_seconds = sim::Constant{0.0};
  sim::Distribution io_bytes = sim::Constant{0.0};
};

using RequestSink = std::function<void(const Request&)>;

class ArrivalProcess {
 public:
  virtual ~ArrivalProcess() = default;
  ArrivalProcess(const ArrivalProcess&) = delete;
  ArrivalProcess& operator=(const ArrivalProcess&) = delete;

  // Schedules the first arrival after sim.now(); each arrival schedules the next, up to and
  // including horizon. The stream is used (by reference) for every draw of this process.
  void start(sim::Simulation& sim, sim::RandomStream& stream, RequestSink sink, sim::Time horizon);
  // Cancels the pending arrival; start() may be called again.
  void stop();

  std::uint64_t arrivals() const { return arrivals_; }
  // The long-run mean rate this process is configured for (for checks and reports).
  virtual Rate mean_rate() const = 0;

 protected:
  explicit ArrivalProcess(std::string service, RequestShape shape = {});
  // The next arrival strictly after (or at) now, or Time::max() if there is none.
  virtual sim::Time next_arrival(sim::Time now, sim::RandomStream& stream) = 0;
  // A request arriving now; trace replay overrides it to use its record.
  virtual Request make_request(sim::Time now, sim::RandomStream& stream);
  // Resets per-run state (modulating state, trace position) when start() is called.
  virtual void reset(sim::Time /*now*/, sim::RandomStream& /*stream*/) {}

  const std::string& service() const { return service_; }
  // Arrivals after this time are never scheduled (search loops stop past it).
  sim::Time horizon() const { return horizon_; }

 private:
  void schedule_next();
  void fire();

  std::string service_;
  RequestShape shape_;
  sim::Simulation* sim_ = nullptr;
  sim::RandomStream* stream_ = nullptr;
  RequestSink sink_;
  sim::Time horizon_;
  sim::EventId pending_;
  std::uint64_t arrivals_ = 0;
  bool running_ = false;
};

class Poisson final : public ArrivalProcess {
 public:
  Poisson(std::string service, Rate rate, RequestShape shape = {});
  Rate mean_rate() const override { return rate_; }

 private:
  sim::Time next_arrival(sim::Time now, sim::RandomStream& stream) override;
  Rate rate_;
};

// A Poisson process whose rate switches between states that last random durations; between
// switches it is Poisson, so the next arrival is exact (memorylessness), not approximated.
class ModulatedPoisson : public ArrivalProcess {
 protected:
  using ArrivalProcess::ArrivalProcess;
  struct State {
    Rate rate;
    sim::Time duration;
  };
  // Enters the next modulating state (the initial one when first) and says how long it lasts.
  virtual State enter_next_state(sim::RandomStream& stream, bool first) = 0;

 private:
  sim::Time next_arrival(sim::Time now, sim::RandomStream& stream) override;
  void reset(sim::Time now, sim::RandomStream& stream) override;
  void begin_state(sim::Time at, sim::RandomStream& stream, bool first);

  Rate rate_;
  sim::Time state_end_;
};

// On periods at on_rate and off periods at off_rate (often 0), starting with an on period.
class OnOff final : public ModulatedPoisson {
 public:
  OnOff(std::string service, Rate on_rate, Rate off_rate, sim::Distribution on_seconds,
        sim::Distribution off_seconds, RequestShape shape = {});
  Rate mean_rate() const override;

 private:
  State enter_next_state(sim::RandomStream& stream, bool first) override;
  Rate on_rate_, off_rate_;
  sim::Distribution on_seconds_, off_seconds_;
  bool on_ = false;
};

// Markov-modulated Poisson process: in state i arrivals are Poisson(rates[i]); the state jumps
// to j at rate transitions[i][j] per second (diagonal ignored). Starts in initial_state.
class Mmpp final : public ModulatedPoisson {
 public:
  Mmpp(std::string service, std::vector<Rate> rates,
       std::vector<std::vector<double>> transitions_per_second, RequestShape shape = {},
       std::size_t initial_state = 0);
  // pi . lambda, with pi the stationary distribution of the state chain (solved with Eigen).
  Rate mean_rate() const override;
  std::vector<double> stationary_distribution() const;

 private:
  State enter_next_state(sim::RandomStream& stream, bool first) override;
  std::vector<Rate> rates_;
  std::vector<std::vector<double>> q_;
  std::size_t initial_;
  std::size_t state_ = 0;
};

// Any bounded rate function of time, sampled by thinning (Lewis and Shedler 1979): candidates
// at the peak rate, each kept with probability rate(t) / peak.
class RateProfile : public ArrivalProcess {
 public:
  virtual Rate rate_at(sim::Time t) const = 0;
  virtual Rate peak_rate() const = 0;

 protected:
  using ArrivalProcess::ArrivalProcess;

 private:
  sim::Time next_arrival(sim::Time now, sim::RandomStream& stream) override;
};

// mean * (1 + amplitude * sin(2 pi (t - phase) / period)), amplitude in [0, 1].
class Diurnal final : public RateProfile {
 public:
  Diurnal(std::string service, Rate mean, double amplitude, sim::Time period, sim::Time phase = {},
          RequestShape shape = {});
  Rate rate_at(sim::Time t) const override;
  Rate peak_rate() const override { return Rate{mean_.per_second * (1 + amplitude_)}; }
  Rate mean_rate() const override { return mean_; }

 private:
  Rate mean_;
  double amplitude_;
  sim::Time period_, phase_;
};

// A piecewise-constant rate: steps[i].rate from steps[i].from until the next step's time.
// The rate before the first step is 0. Times must increase.
class StepRate final : public RateProfile {
 public:
  struct Step {
    sim::Time from;
    Rate rate;
  };
  StepRate(std::string service, std::vector<Step> steps, RequestShape shape = {});
  Rate rate_at(sim::Time t) const override;
  Rate peak_rate() const override { return peak_; }
  // The time average over [first step, last step] (the last step's rate if there is one step).
  Rate mean_rate() const override;

 private:
  std::vector<Step> steps_;
  Rate peak_;
};

// The "20x I/O burst": baseline rate, multiplied by multiplier between onset and end.
struct Burst {
  Rate baseline;
  double multiplier = 1.0;
  sim::Time onset, end;
  std::vector<StepRate::Step> steps() const;
};

struct TraceRecord {
  sim::Time arrival;
  std::string service;
  sim::Time cpu_time;
  sim::Bytes io_bytes;
};

// Replays records supplied by the caller (parsing trace files is the app layer's job), exactly:
// same times, services, CPU and I/O. Records must be sorted by arrival (std::invalid_argument
// otherwise); those before sim.now() at start() are skipped.
class TraceReplay final : public ArrivalProcess {
 public:
  explicit TraceReplay(std::vector<TraceRecord> records);
  Rate mean_rate() const override;

 private:
  sim::Time next_arrival(sim::Time now, sim::RandomStream& stream) override;
  Request make_request(sim::Time now, sim::RandomStream& stream) override;
  void reset(sim::Time now, sim::RandomStream& stream) override;
  std::vector<TraceRecord> records_;
  std::size_t next_ = 0;
};

}  // namespace vmcsim::models
