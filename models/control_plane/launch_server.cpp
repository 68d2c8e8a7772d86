#include "models/control_plane/launch_server.hpp"

#include <stdexcept>
#include <utility>

namespace vmcsim::models::control_plane {

LaunchServer::LaunchServer(sim::Simulation& sim, std::string name,
                           std::vector<LimiterSpec> limiters)
    : sim_(sim), name_(std::move(name)) {
  for (LimiterSpec& l : limiters) {
    if (l.rate <= 0.0) continue;
    if (!(l.tokens_per_launch > 0.0) || l.burst < l.tokens_per_launch)
      throw std::invalid_argument("launch server '" + name_ + "': limiter '" + l.name +
                                  "' needs tokens_per_launch > 0 and a burst of at least that");
    buckets_.emplace_back(l.burst, l.rate, sim.now());
    costs_.push_back(l.tokens_per_launch);
    bindings_.push_back({l.name, sim::Time::zero(), 0});
    limiters_.push_back(std::move(l));
  }
}

LaunchServer::~LaunchServer() {
  if (wake_pending_) sim_.cancel(wake_);
}

void LaunchServer::request(sim::Callback granted) {
  queue_.push_back({sim_.now(), std::move(granted)});
  if (queue_.size() == 1 && !wake_pending_) serve();
}

// Grants the head while every bucket has its tokens; otherwise sleeps until the last bucket to
// refill will have them (the others keep filling meanwhile, up to their capacity).
void LaunchServer::serve() {
  wake_pending_ = false;
  const sim::Time now = sim_.now();
  while (!queue_.empty()) {
    sim::Time ready = now;
    std::size_t binding = bindings_.size();
    for (std::size_t b = 0; b < buckets_.size(); ++b) {
      const sim::Time t = buckets_[b].available_at(now, costs_[b]);
      if (t > ready) {
        ready = t;
        binding = b;
      }
    }
    if (ready > now) {
      last_binding_ = binding;
      wake_ = sim_.schedule_at(ready, [this] { serve(); });
      wake_pending_ = true;
      return;
    }
    for (std::size_t b = 0; b < buckets_.size(); ++b)
      buckets_[b].take(now, costs_[b]);
    Waiting w = std::move(queue_.front());
    queue_.pop_front();
    const sim::Time waited = now - w.since;
    total_wait_ += waited;
    ++granted_;
    if (waited > sim::Time::zero()) {
      // Charged to the limiter the server last slept for: the one that held this request up.
      if (last_binding_ < bindings_.size()) {
        bindings_[last_binding_].wait += waited;
        ++bindings_[last_binding_].launches;
      }
    }
    sim_.schedule_in(sim::Time::zero(), std::move(w.granted));
  }
}

}  // namespace vmcsim::models::control_plane
