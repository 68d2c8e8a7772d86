#pragma once
// A test-only M/M/c/K queue on the engine, for the determinism test and the analytical
// validation: Poisson arrivals, exponential service, c servers, FIFO, at most K customers in
// the system (K = 0: unlimited; an arrival that finds K customers is blocked and lost).
//
// Each replication draws from its own named streams, (seed, replication, "queue/arrivals") and
// (seed, replication, "queue/service"). Statistics cover only what happens after the warm-up:
// waits of customers who arrive after it, blocking of arrivals after it, and the time-average
// number in the system from it on (warm-up deletion).
#include <cmath>
#include <cstdint>
#include <deque>
#include <string>

#include <fmt/format.h>

#include "sim/distributions.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"
#include "sim/statistics.hpp"

namespace vmcsim::test {

struct QueueConfig {
  double arrival_rate = 1.0;  // per second
  double service_rate = 1.0;  // per second, per server
  int servers = 1;
  int capacity = 0;  // K, customers in the system including those in service; 0 = unlimited
  sim::Time warm_up;
  sim::Time horizon;  // the run ends here
  std::uint64_t seed = 1;
  std::uint64_t replication = 0;
};

struct QueueResult {
  sim::RunningStats waits;      // seconds in the queue before service, per customer after warm-up
  std::uint64_t waited = 0;     // customers after warm-up who found every server busy
  std::uint64_t arrivals = 0;   // after warm-up
  std::uint64_t blocked = 0;    // after warm-up
  double mean_in_system = 0.0;  // time average over [warm_up, horizon]
  double wait_probability() const {
    return static_cast<double>(waited) / static_cast<double>(waits.count());
  }
  double blocking() const { return static_cast<double>(blocked) / static_cast<double>(arrivals); }
};

class QueueModel {
 public:
  // trace, if given, receives one line per event: "<ns> <what> <customer>\n".
  QueueModel(const QueueConfig& config, std::string* trace = nullptr)
      : config_{config},
        trace_{trace},
        arrivals_stream_{config.seed, config.replication, "queue/arrivals"},
        service_stream_{config.seed, config.replication, "queue/service"},
        interarrival_{1.0 / config.arrival_rate},
        service_{1.0 / config.service_rate} {}

  QueueResult run() {
    sim_.schedule_in(draw(interarrival_, arrivals_stream_), [this] { arrive(); });
    sim_.schedule_at(config_.warm_up, [this] {
      in_system_avg_.reset(sim_.now());
      counting_ = true;
    });
    sim_.run_until(config_.horizon);
    result_.mean_in_system = in_system_avg_.mean(config_.horizon);
    return result_;
  }

 private:
  struct Waiting {
    sim::Time arrived;
    std::uint64_t id;
  };

  static sim::Time draw(const sim::Exponential& d, sim::RandomStream& s) {
    return sim::Time::from_seconds(d.sample(s));
  }

  void trace_event(const char* what, std::uint64_t id) {
    if (trace_) *trace_ += fmt::format("{} {} {}\n", sim_.now().ns(), what, id);
  }

  void arrive() {
    const std::uint64_t id = next_id_++;
    sim_.schedule_in(draw(interarrival_, arrivals_stream_), [this] { arrive(); });
    if (counting_) ++result_.arrivals;
    if (config_.capacity > 0 && in_system_ == config_.capacity) {
      if (counting_) ++result_.blocked;
      trace_event("blocked", id);
      return;
    }
    trace_event("arrive", id);
    set_in_system(in_system_ + 1);
    if (busy_ < config_.servers) {
      ++busy_;
      start_service(Waiting{sim_.now(), id});
    } else {
      queue_.push_back(Waiting{sim_.now(), id});
    }
  }

  void start_service(Waiting w) {
    if (w.arrived >= config_.warm_up) {
      result_.waits.add((sim_.now() - w.arrived).seconds());
      if (sim_.now() > w.arrived) ++result_.waited;
    }
    trace_event("start", w.id);
    const std::uint64_t id = w.id;
    sim_.schedule_in(draw(service_, service_stream_), [this, id] { depart(id); });
  }

  void depart(std::uint64_t id) {
    trace_event("depart", id);
    set_in_system(in_system_ - 1);
    if (queue_.empty()) {
      --busy_;
      return;
    }
    const Waiting next = queue_.front();
    queue_.pop_front();
    start_service(next);
  }

  void set_in_system(int n) {
    in_system_ = n;
    in_system_avg_.record(sim_.now(), n);
  }

  QueueConfig config_;
  std::string* trace_;
  sim::Simulation sim_;
  sim::RandomStream arrivals_stream_, service_stream_;
  sim::Exponential interarrival_, service_;
  std::deque<Waiting> queue_;
  int busy_ = 0;
  int in_system_ = 0;
  bool counting_ = false;
  std::uint64_t next_id_ = 0;
  sim::TimeWeightedAverage in_system_avg_;
  QueueResult result_;
};

// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load
// a = lambda / mu < c, through the numerically stable Erlang B recursion
// B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), and C = c B / (c - a (1 - B)).
inline double erlang_c(int servers, double offered_load) {
  double b = 1.0;
  for (int k = 1; k <= servers; ++k)
    b = offered_load * b / (k + offered_load * b);
  return servers * b / (servers - offered_load * (1.0 - b));
}

// Mean wait in the queue of M/M/c: C(c, a) / (c mu - lambda).
inline double mmc_mean_wait(int servers, double arrival_rate, double service_rate) {
  return erlang_c(servers, arrival_rate / service_rate) / (servers * service_rate - arrival_rate);
}

}  // namespace vmcsim::test
