#pragma once
// LaunchServer: a control plane's launch path as a server on the simulated clock.
//
// Launch requests queue FIFO; the head is granted once every limiter on the path has the tokens
// it needs, then takes them all at that instant. Limiters are token buckets (token_bucket.hpp):
// Fargate's per-account launch bucket, the RunTask API's call bucket (1/10 of a call per task at
// 10 tasks per call), kube-controller-manager's and kube-scheduler's API client qps/burst, EC2
// RunInstances' resource bucket for node VMs. A limiter with rate 0 is absent.
//
//   LaunchServer fargate{sim, "fargate", {{"fargate launch bucket", 100, 20, 1.0}}};
//   fargate.request([&] { place(replica); });   // runs from an event when granted
//
// The wait (request to grant) is the caller's "wait_control_plane" phase; the server also sums
// it per limiter that was last to have its tokens (the one that bound the grant), so a report
// can say which limit dominated. Order: FIFO; grants at one instant run in request order.
// A request cannot be withdrawn: the caller ignores a grant it no longer needs (the tokens are
// spent, as an API call already made is).
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "models/control_plane/token_bucket.hpp"
#include "sim/simulation.hpp"

namespace vmcsim::models::control_plane {

struct LimiterSpec {
  std::string name;
  double burst = 0.0;              // bucket capacity, tokens
  double rate = 0.0;               // tokens per second; 0: no limit
  double tokens_per_launch = 1.0;  // e.g. 0.1 for an API call that launches 10
};

class LaunchServer {
 public:
  // Throws std::invalid_argument for a limiter with rate > 0 and a burst below what one launch
  // takes, or a non-positive tokens_per_launch.
  LaunchServer(sim::Simulation& sim, std::string name, std::vector<LimiterSpec> limiters);
  LaunchServer(const LaunchServer&) = delete;
  LaunchServer& operator=(const LaunchServer&) = delete;
  ~LaunchServer();

  // Queues a launch; `granted` runs from an event at the time it is granted (now at the
  // earliest).
  void request(sim::Callback granted);

  const std::string& name() const { return name_; }
  bool limited() const { return !limiters_.empty(); }
  std::size_t queued() const { return queue_.size(); }
  std::uint64_t granted() const { return granted_; }
  sim::Time total_wait() const { return total_wait_; }
  // Per limiter (in the order given, rate-0 ones left out): its name and the wait it bound.
  struct Binding {
    std::string name;
    sim::Time wait;
    std::uint64_t launches = 0;
  };
  const std::vector<Binding>& bindings() const { return bindings_; }

 private:
  struct Waiting {
    sim::Time since;
    sim::Callback granted;
  };
  void serve();

  sim::Simulation& sim_;
  std::string name_;
  std::vector<TokenBucket> buckets_;
  std::vector<double> costs_;
  std::vector<LimiterSpec> limiters_;
  std::vector<Binding> bindings_;
  std::deque<Waiting> queue_;
  sim::EventId wake_;
  bool wake_pending_ = false;
  std::size_t last_binding_ = SIZE_MAX;  // the limiter the last sleep waited for
  std::uint64_t granted_ = 0;
  sim::Time total_wait_;
};

}  // namespace vmcsim::models::control_plane
