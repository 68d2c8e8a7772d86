#pragma once
// TransferNetwork: bulk data transfers (image layer downloads) as fluid flows over links that
// share their bandwidth max-min fairly.
//
// A flow crosses a path of links (registry egress -> host NIC) and moves `amount` bytes. Rates
// are recomputed by progressive filling only when a flow starts or ends, so a transfer's time
// follows from the bandwidth it actually gets while others compete with it.
//
// Invariants: the sum of the rates of the flows on a link never exceeds its capacity; every
// flow has a positive rate while it is active; flows complete in (time, start order).
//
// This is a stand-in with the same semantics as models-host's FlowModel (not merged when this
// was written); the image layer only needs start() and a completion callback, so it can be
// swapped for FlowModel without changing the pull logic.
#include <cstdint>
#include <map>
#include <string>
#include <vector>
#include "sim/simulation.hpp"
#include "sim/units.hpp"

namespace vmcsim::models {

class TransferNetwork {
 public:
  using LinkId = std::uint32_t;
  using FlowId = std::uint64_t;

  explicit TransferNetwork(sim::Simulation& sim) : sim_(sim) {}
  TransferNetwork(const TransferNetwork&) = delete;
  TransferNetwork& operator=(const TransferNetwork&) = delete;

  LinkId add_link(std::string name, sim::DataRate capacity);
  const std::string& link_name(LinkId id) const { return links_.at(id).name; }
  sim::DataRate link_capacity(LinkId id) const { return links_.at(id).capacity; }

  // Starts moving `amount` over `path`; on_done runs when the last byte arrived. A zero amount
  // completes at the current time (as a scheduled event, never re-entrantly).
  FlowId start(std::vector<LinkId> path, sim::Bytes amount, sim::Callback on_done);
  // The flow's current rate (zero once it finished).
  sim::DataRate rate(FlowId id) const;
  std::size_t active_flows() const { return flows_.size(); }

 private:
  struct Link {
    std::string name;
    sim::DataRate capacity;
  };
  struct Flow {
    std::vector<LinkId> path;
    double remaining = 0.0;  // bytes
    double rate = 0.0;       // bytes per second
    sim::Callback on_done;
  };
  void advance_to_now();
  void reallocate();
  void schedule_next_completion();
  void on_completion();

  sim::Simulation& sim_;
  std::vector<Link> links_;
  std::map<FlowId, Flow> flows_;  // ordered by start: completions are deterministic
  FlowId next_id_ = 0;
  sim::Time last_update_;
  sim::EventId next_event_;
};

}  // namespace vmcsim::models
