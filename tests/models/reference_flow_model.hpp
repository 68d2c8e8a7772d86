#pragma once
// The flow model's algorithm before it became incremental (issue 15), kept as the test oracle:
// every change recomputes the whole connected component flow by flow (progressive filling over
// individual flows, each flow settled and its finish time recomputed on its own). The property
// test in flow_model_incremental_test.cpp checks that models::FlowModel gives the same shares
// and completion times. Test-only: never linked into the simulator.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/resources/flow_model.hpp"
#include "sim/signal.hpp"
#include "sim/simulation.hpp"
#include "sim/time.hpp"

namespace vmcsim::models::reference {

using models::FlowId;
using models::kUncapped;
using models::ResourceId;

class ReferenceFlowModel {
 public:
  explicit ReferenceFlowModel(sim::Simulation& sim);
  // An identity: the pending completion event points at it.
  ReferenceFlowModel(const ReferenceFlowModel&) = delete;
  ReferenceFlowModel& operator=(const ReferenceFlowModel&) = delete;
  // Cancels the pending completion event: the simulation must outlive the model.
  ~ReferenceFlowModel();

  // capacity in units per second, >= 0 (throws std::invalid_argument otherwise).
  ResourceId add_resource(std::string name, double capacity);
  // Takes effect now: the rates of the flows crossing the resource are recomputed.
  void set_capacity(ResourceId resource, double capacity);

  // Starts a flow of `amount` units (>= 0) over `path` (distinct resources) at a rate of at
  // most rate_cap (> 0, kUncapped for none). An empty path needs a finite cap (a pure delay
  // at rate_cap). on_done runs when the last unit is through. Throws std::invalid_argument on
  // bad input.
  FlowId start_flow(std::span<const ResourceId> path, double amount, double rate_cap,
                    sim::Callback on_done);
  // Stops a flow without running its callback. Returns false if it already finished or was
  // cancelled.
  bool cancel_flow(FlowId flow);
  bool is_active(FlowId flow) const;

  // Current rate, units/s (0 for a finished flow).
  double rate(FlowId flow) const;
  // Work left now, units (0 for a finished flow).
  double remaining(FlowId flow) const;
  // When the flow finishes if no rate changes (Time::max() if it is stalled or finished).
  sim::Time expected_finish(FlowId flow) const;

  // allocated / capacity, in 0..1 (0 for a zero-capacity resource).
  double utilization(ResourceId resource) const;
  // Sum of the rates of the flows crossing the resource.
  double allocated(ResourceId resource) const;
  double capacity(ResourceId resource) const;
  std::size_t active_flows(ResourceId resource) const;
  const std::string& name(ResourceId resource) const;
  std::size_t resource_count() const { return resources_.size(); }
  // Integral of utilization over time since the resource was added, up to `now` (>= the last
  // change): utilization is piecewise constant, so this is exact (energy, mean utilization).
  double busy_seconds(ResourceId resource, sim::Time now) const;

  sim::Time now() const { return sim_.now(); }
  // All flows in progress, over all resources.
  std::size_t active_flow_count() const { return active_count_; }

  // Emitted after a recompute for each resource of the touched component whose allocation
  // changed: (resource, new utilization). For time-weighted metrics.
  sim::Signal<ResourceId, double> on_utilization_change;

 private:
  struct PathStep {
    std::uint32_t resource;
    std::uint32_t slot;  // where this flow sits in the resource's flow list
  };
  struct Flow {
    std::vector<PathStep> path;
    double cap = kUncapped;
    double rate = 0.0;
    double previous_rate = 0.0;  // before the running recompute
    double remaining = 0.0;      // as of updated_at
    sim::Time updated_at;
    sim::Time finish = sim::Time::max();
    sim::Callback on_done;
    std::uint32_t generation = 0;
    std::uint32_t heap_pos = kNone;
    std::uint32_t mark = 0;
    std::uint32_t next_free = kNone;
    bool active = false;
  };
  struct Resource {
    std::string name;
    double capacity = 0.0;
    double allocated = 0.0;
    double busy_seconds = 0.0;  // as of busy_updated_at
    sim::Time busy_updated_at;
    std::vector<std::uint32_t> flows;  // active flows crossing it
    std::uint32_t mark = 0;
    // Progressive-filling scratch.
    double spare = 0.0;
    std::uint32_t unfrozen = 0;
    std::uint32_t version = 0;
  };
  static constexpr std::uint32_t kNone = UINT32_MAX;

  const Flow* live(FlowId id) const;
  Resource& resource_at(ResourceId id);
  const Resource& resource_at(ResourceId id) const;
  void detach(std::uint32_t flow);
  void recompute(std::span<const std::uint32_t> seed_resources);
  void collect_component(std::span<const std::uint32_t> seed_resources);
  void fill();
  void settle(Flow& f, sim::Time now) const;
  void set_finish(std::uint32_t flow);
  void reschedule();
  void on_completion_event();
  // Indexed min-heap of flows by (finish, index).
  bool heap_less(std::uint32_t a, std::uint32_t b) const;
  void heap_place(std::uint32_t pos, std::uint32_t flow);
  void heap_up(std::uint32_t pos);
  void heap_down(std::uint32_t pos);
  void heap_update(std::uint32_t flow);
  void heap_remove(std::uint32_t flow);

  sim::Simulation& sim_;
  std::vector<Resource> resources_;
  std::vector<Flow> flows_;
  std::uint32_t free_head_ = kNone;
  std::size_t active_count_ = 0;
  std::vector<std::uint32_t> heap_;
  sim::EventId pending_;
  sim::Time pending_at_ = sim::Time::max();
  // Scratch, reused across recomputes.
  std::uint32_t epoch_ = 0;
  std::vector<std::uint32_t> comp_resources_;
  std::vector<std::uint32_t> comp_flows_;
  std::vector<std::uint32_t> by_cap_;
  struct Level {
    double level;
    std::uint32_t resource;
    std::uint32_t version;
  };
  std::vector<Level> levels_;
  std::vector<std::uint32_t> seeds_;
  std::vector<double> old_allocated_;
  std::vector<sim::Callback> done_;
};

}  // namespace vmcsim::models::reference
