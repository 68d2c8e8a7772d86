#pragma once
// FlowModel: fluid resources shared max-min fairly among flows.
//
// A FlowModel owns resources, each with a capacity in units per second (bytes/s for disks and
// links, millicores for a CPU), and flows. A flow has an amount of work (bytes, or
// millicore-seconds), an optional cap on its rate (a VM's vCPUs, a container's CPU limit, a
// per-connection limit) and a path: the resources it crosses (one for a host's CPU or disk;
// several for an image pull: registry egress -> zone link -> host NIC). Processor sharing of a
// CPU is the same thing with one resource whose capacity is the host's millicores.
//
//   FlowModel flows{sim};
//   auto disk = flows.add_resource("h1/disk", 500e6);               // 500 MB/s
//   flows.start_flow(std::array{disk}, 1e9, kUncapped, [&] { ... }); // 1 GB, done at 2 s if alone
//
// Invariants (checked by the property test in tests/models/flow_model_test.cpp):
//  - rates are the max-min fair allocation honouring the caps (progressive filling): every
//    flow either runs at its cap or crosses a saturated resource on which no other flow gets
//    a higher rate; no rate is negative; no resource is allocated more than its capacity;
//  - rates change only when a flow starts, ends or is cancelled, or a capacity changes; in
//    between, every flow progresses linearly, so a flow's completion time is exact up to the
//    rounding of its finish up to the next nanosecond;
//  - the completion of the earliest flow is the model's one pending simulation event; it is
//    rescheduled when a recompute moves the earliest finish;
//  - a cancelled flow's callback never runs; a finished flow's callback runs once, after the
//    rates of the remaining flows have been updated (so it may start or cancel flows).
//
// Cost: max-min allocation decomposes over connected components of the flow/resource graph, and
// flows with the same path and cap always get the same rate, so the model keeps flows in
// classes (one per distinct path and cap: a replica's requests, a disk's transfers) and a change
// recomputes only the component it touches, class by class: O(C P log R) for C classes with
// paths of length P over R resources in that component, however many flows they hold.
// Within a class, progress is tracked in virtual time (processor sharing: a class's flows all
// advance by the same amount, so a flow keeps a finish tag and the class a heap of tags), so a
// single-resource processor-sharing queue of n flows costs O(log n) per arrival or departure.
// Classes of at most kExactClassSize flows instead settle each flow as the model did before
// (tests/models/reference_flow_model.hpp keeps that algorithm as the oracle): there rates and
// completion times are bit for bit the old ones; in larger classes completion times agree with
// it to within floating-point rounding (a few ns, see tests/models/flow_model_incremental_test.cpp).
// A change confined to one class (a flow joins, leaves or finishes) whose path's shared
// resources keep room before and after cannot change another class's rate: it updates that
// class and its path's allocations only, O(P x classes per resource), without collecting the
// component; the other classes settle at their next change instead of at this one (their work
// left may differ from the oracle's in the last bits; finish times, set when a rate changes and
// rounded up to whole ns, have matched it bit for bit in the tests and the shipped goldens).
// One clock per saturated resource (flow_model_group.cpp): when one resource is the only one
// any two classes of its component share (a node CPU under its replicas' CPU limits) and it
// holds at least two classes below their own limits, those classes run at one level L and their
// flows advance by one virtual clock (V += L dt), so a join, leave or completion there costs
// O(log classes) with no walk over the node's classes; classes enter and leave the level as
// their own limits cross it, and the group dissolves into a full recompute when the resource
// stops being the bottleneck, a capacity changes or a class breaks the star. Its rates and
// completion times agree with the oracle's within rounding (relative 1e-12, 2 ns).
// Classes' finish times live in an indexed 4-ary heap that keeps them inline, O(log n) per
// update. State is plain
// (vectors + free lists); slots, their vectors and all scratch space are reused, so a model that
// has reached its peak number of flows and classes no longer allocates.
//
// Observers of on_utilization_change must not start or cancel flows from inside the signal.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "models/resources/indexed_heap.hpp"
#include "sim/signal.hpp"
#include "sim/simulation.hpp"
#include "sim/time.hpp"

namespace vmcsim::models {

// No cap on a flow's rate.
inline constexpr double kUncapped = std::numeric_limits<double>::infinity();

struct ResourceId {
  std::uint32_t index = UINT32_MAX;
  bool valid() const { return index != UINT32_MAX; }
  friend bool operator==(ResourceId, ResourceId) = default;
};

// Names one flow; stays safe to use (as "done") after the flow finished or was cancelled.
struct FlowId {
  std::uint32_t index = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return index != UINT32_MAX; }
  friend bool operator==(FlowId, FlowId) = default;
};

class FlowModel {
 public:
  explicit FlowModel(sim::Simulation& sim);
  // An identity: the pending completion event points at it.
  FlowModel(const FlowModel&) = delete;
  FlowModel& operator=(const FlowModel&) = delete;
  // Cancels the pending completion event: the simulation must outlive the model.
  ~FlowModel();

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

  // Progressive filling takes shortcuts (one class; every class at its cap; one bottleneck) in
  // the components where they give the general loop's very doubles. Off: always the loop. For
  // the test that checks that claim; results are the same either way.
  void use_fill_shortcuts(bool on) { fill_shortcuts_ = on; }
  // Recomputes so far, and how many of them a change confined to one class settled locally
  // (with the shortcuts on: see local_fill). For tests and benchmarks.
  std::uint64_t recomputes() const { return recomputes_; }
  std::uint64_t local_recomputes() const { return local_recomputes_; }
  // One virtual clock per saturated resource (flow_model_group.cpp): on by default, and only
  // with the fill's shortcuts. Off: every change on such a resource recomputes its component.
  // The counters say how often a group formed, how many changes it absorbed without a
  // recompute, and how often it dissolved. For tests and benchmarks.
  void use_resource_clocks(bool on) { clocks_ = on; }
  std::uint64_t groups_formed() const { return groups_formed_; }
  std::uint64_t group_updates() const { return group_updates_; }
  std::uint64_t groups_dissolved() const { return groups_dissolved_; }
  // Classes that entered or left a group's level (their own limit crossed it).
  std::uint64_t group_moves() const { return group_moves_; }

  // Classes of at most this many flows settle flow by flow (exactly the oracle's arithmetic);
  // larger ones use virtual time.
  static constexpr std::uint32_t kExactClassSize = 8;

 private:
  struct PathStep {
    std::uint32_t resource;
    std::uint32_t slot;  // where this class sits in the resource's class list
  };
  struct Flow {
    // Large class only: finish tag in the class's virtual time (served + amount at the start).
    // A small class keeps its flows' work left and finish inline (FlowClass::slots).
    double work = 0.0;
    sim::Callback on_done;
    std::uint32_t cls = kNone;
    std::uint32_t pos = kNone;  // index in the class's members (a heap in a large class)
    std::uint32_t generation = 0;
    std::uint32_t next_free = kNone;
    bool active = false;
  };
  // Laid out for locality (a full recompute walks every class of a node's CPU): the first
  // cache line holds what collecting a component reads (the path inline for paths of up to
  // three steps, and the mark), the second the rate, cap, times and the member count, then the
  // member ids, and a small class's flows' work left and finish times (four flows a line), so
  // settling and refinishing a small class reads no Flow. classes_ is aligned so a class
  // starts a line.
  struct alignas(64) FlowClass {
    boost::container::small_vector<PathStep, 3> path;
    std::uint32_t mark = 0;
    std::uint32_t next_free = kNone;
    bool large = false;
    bool top_changed = false;  // its earliest flow may have changed since its finish was set
    // Resource clocks: the group of the saturated resource it crosses (kNone: none); grouped:
    // it runs at the group's level (its flows progress by the group's clock), else at its own
    // limit; anchor: not a class but the group's entry in the class heap.
    bool grouped = false;
    bool anchor = false;
    std::uint32_t group = kNone;
    std::uint32_t tag_pos = kNone;  // in the group's tag heap (grouped only)
    std::uint32_t lim_pos = kNone;  // in the group's limit heap (grouped) or below heap
    double limit = 0.0;             // own limit: min(cap, own resources' capacity / flows)
    double v_join = 0.0;            // the group's clock when this class was last settled
    double cap = kUncapped;
    double rate = 0.0;
    double previous_rate = 0.0;  // before the running recompute
    double served = 0.0;         // virtual time (work per flow) since the last rebase; large only
    sim::Time updated_at;
    sim::Time finish = sim::Time::max();  // of its earliest flow
    // Its flows; a heap by (tag, index) when large.
    boost::container::small_vector<std::uint32_t, kExactClassSize> members;
    // Small class only, by position in members: work left as of updated_at, and finish time,
    // side by side (settle reads the one, refinish then writes the other).
    struct Slot {
      double work;
      sim::Time end;
    };
    alignas(64) std::array<Slot, kExactClassSize> slots;
  };
  // Its name is in names_. The first cache line holds what recompute and collecting a
  // component read (the class list inline for up to two classes: a replica's CPU limit and a
  // node's disk have one), the second the busy integral and the fill's spare capacity.
  struct alignas(64) Resource {
    double capacity = 0.0;
    double allocated = 0.0;
    std::uint32_t flow_count = 0;
    std::uint32_t mark = 0;
    boost::container::small_vector<std::uint32_t, 2> classes;  // classes with flows crossing it
    // Progressive-filling scratch.
    std::uint32_t unfrozen = 0;
    std::uint32_t version = 0;
    double spare = 0.0;
    double busy_seconds = 0.0;  // as of busy_updated_at
    sim::Time busy_updated_at;
    // The group of the saturated resource this is, or of the class this resource serves alone.
    std::uint32_t group = kNone;
  };
  // One clock per saturated resource R (flow_model_group.cpp). Every class crossing R belongs
  // to the group, and R is the only resource any two of them share (their other resources are
  // their own). Classes whose own limit is above the water level L are grouped: each of their
  // flows runs at L, so the group keeps one clock (work per flow, clock += L dt) and a heap of
  // the grouped classes by their earliest flow's tag (clock at its start + amount); the group's
  // anchor stands for them in the class heap. The others (below) run at their own limit.
  struct Group {
    std::uint32_t resource = kNone;
    std::uint32_t anchor = kNone;
    std::uint32_t next_free = kNone;
    std::uint32_t grouped_flows = 0;
    bool touched = false;
    double level = 0.0;        // L
    double clock = 0.0;        // as of updated_at
    double below_alloc = 0.0;  // sum of the below classes' flows' rates
    sim::Time updated_at;
    std::vector<detail::KeyedEntry<double>> tags;    // grouped classes by earliest tag
    std::vector<detail::KeyedEntry<double>> limits;  // grouped classes by own limit
    std::vector<detail::KeyedEntry<double>> below;   // below classes by -own limit
  };
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // A slot of `slots` off its free list (linked through next_free), or a new one at the end.
  template <class Slot>
  static std::uint32_t take_slot(std::vector<Slot>& slots, std::uint32_t& free_head) {
    if (free_head != kNone) {
      const std::uint32_t i = free_head;
      free_head = slots[i].next_free;
      return i;
    }
    slots.emplace_back();
    return static_cast<std::uint32_t>(slots.size() - 1);
  }

  const Flow* live(FlowId id) const;
  Resource& resource_at(ResourceId id);
  const Resource& resource_at(ResourceId id) const;
  // Classes.
  std::uint32_t find_or_make_class(std::span<const ResourceId> path, double cap);
  void free_class(std::uint32_t c);
  void add_member(std::uint32_t c, std::uint32_t flow, double amount);
  void remove_member(std::uint32_t flow);
  void make_large(FlowClass& c);
  void make_small(FlowClass& c);
  double flow_work_left(const FlowClass& c, const Flow& f) const;
  sim::Time flow_finish(const FlowClass& c, const Flow& f) const;
  sim::Time finish_of(const FlowClass& c, double work) const;
  static sim::Time finish_at(sim::Time from, double rate, double work);
  void settle(FlowClass& c, sim::Time now);
  void set_allocated(Resource& r, double allocated, sim::Time now);
  void refinish(std::uint32_t c, bool rate_changed, std::uint32_t new_flow);
  void release_flow(std::uint32_t flow);
  // Progressive filling over a component of classes.
  void recompute(std::span<const std::uint32_t> seed_resources, std::uint32_t new_flow,
                 bool local, std::uint32_t changed);
  bool local_fill(std::span<const std::uint32_t> path, std::uint32_t c);
  void finish_local(std::span<const std::uint32_t> path, std::uint32_t c, std::uint32_t new_flow,
                    sim::Time now);
  void collect_component(std::span<const std::uint32_t> seed_resources);
  void fill();
  void freeze(std::uint32_t c, double rate);
  void reschedule();
  void on_completion_event();
  void finished_in(std::uint32_t c, sim::Time now);
  // Indexed heaps: classes by (finish, index) (keys inline); a large class's members by (tag, index).
  bool member_less(std::uint32_t a, std::uint32_t b) const;
  void class_heap_update(std::uint32_t c);
  void class_heap_remove(std::uint32_t c);
  // Resource clocks (flow_model_group.cpp).
  std::uint32_t group_for(std::uint32_t c, sim::Time now);
  void group_join(std::uint32_t g, std::uint32_t c, std::uint32_t flow, double amount);
  void group_cancel(std::uint32_t flow);
  void group_completed(std::uint32_t c, sim::Time now);
  void groups_commit(sim::Time now);
  bool group_commit(std::uint32_t g, sim::Time now, std::uint32_t new_flow);
  bool try_form_group(sim::Time now);
  void group_dissolve(std::uint32_t g, sim::Time now);
  void group_settle(Group& g, sim::Time now);
  void settle_grouped(std::uint32_t c, sim::Time now);
  void group_touch_begin(std::uint32_t g, std::uint32_t c, sim::Time now);
  void group_touch_end(std::uint32_t g, std::uint32_t c, sim::Time now, std::uint32_t new_flow);
  void group_drop(std::uint32_t c);
  void group_lower(std::uint32_t g, std::uint32_t c, sim::Time now);
  void group_raise(std::uint32_t g, std::uint32_t c, sim::Time now);
  bool group_rebalance(std::uint32_t g, sim::Time now);
  void group_publish(std::uint32_t g, sim::Time now);
  void set_own_allocations(std::uint32_t c, double rate, sim::Time now);
  double own_limit(const FlowClass& k, std::uint32_t shared) const;
  double class_tag(const FlowClass& k) const;
  const FlowClass* clocked_class(std::uint32_t resource) const;
  double group_clock_at(const Group& g, sim::Time now) const;

  sim::Simulation& sim_;
  std::vector<Resource> resources_;
  std::vector<std::string> names_;  // by resource index
  std::vector<Flow> flows_;
  std::vector<FlowClass> classes_;
  std::uint32_t free_flow_ = kNone;
  std::uint32_t free_class_ = kNone;
  std::size_t active_count_ = 0;
  // Classes with flows by (finish, index), and each class's position in it (kNone: not in it).
  using HeapEntry = detail::KeyedEntry<sim::Time>;
  std::vector<HeapEntry> heap_;
  std::vector<std::uint32_t> heap_pos_;
  bool fill_shortcuts_ = true;
  std::uint64_t recomputes_ = 0;
  std::uint64_t local_recomputes_ = 0;
  bool clocks_ = true;
  std::vector<Group> groups_;
  std::uint32_t free_group_ = kNone;
  std::vector<std::uint32_t> touched_groups_;
  std::uint64_t groups_formed_ = 0;
  std::uint64_t group_updates_ = 0;
  std::uint64_t groups_dissolved_ = 0;
  std::uint64_t group_moves_ = 0;
  sim::EventId pending_;
  sim::Time pending_at_ = sim::Time::max();
  // Scratch, reused across recomputes.
  std::uint32_t epoch_ = 0;
  std::vector<std::uint32_t> comp_resources_;
  std::vector<std::uint32_t> comp_classes_;
  std::vector<std::uint32_t> by_cap_;
  struct Level {
    double level;
    std::uint32_t resource;
    std::uint32_t version;
  };
  std::vector<Level> levels_;
  std::vector<std::uint32_t> seeds_;
  std::vector<double> old_allocated_;
  std::vector<double> local_sums_;
  std::vector<std::uint32_t> finished_;
  std::vector<sim::Callback> done_;
};

}  // namespace vmcsim::models
