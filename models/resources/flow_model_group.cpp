// FlowModel, part three: one virtual clock per saturated resource.
//
// Why. A node CPU that first-fit oversubscribes is crossed by many classes (one per busy
// replica: [replica's limit, node CPU] at a one-core cap). Max-min gives every class not held
// by its own limit the same rate, the node's water level L; without a clock every join or leave
// on the node re-rates all of them: collect the component, settle, fill, refinish each class
// whose rate changed (one sift of the class heap each). With a clock the change costs O(log n).
//
// What. A group forms (try_form_group, after a full recompute whose fill decided the rates) on
// a resource R when R is the only resource that any two classes of its component share (every
// other resource of a class's path is its own: a replica's limit) and fill left at least two
// classes below their own limits at one common level L. Each class has an own limit m (its cap,
// and its own resources' capacity / its flows), and max-min on such a star is: grouped classes
// (m > L) run at L = (capacity(R) - sum of the below classes' n m) / (grouped flows), the below
// classes (m <= L) at m. The group keeps:
//  - a clock V (work per grouped flow, V += L dt), and per grouped class v_join, the clock when
//    the class was last settled, so a grouped class's work left is its class-frame work left
//    minus (V - v_join) (small classes keep their slots, large ones their tags; nothing changes
//    in how a class stores its flows);
//  - the grouped classes in a heap by earliest tag (v_join + least work left), and the group's
//    one entry (an anchor class) in the model's class heap: finish = now + (tag - V) / L;
//  - the grouped classes by own limit (min first) and the below ones by own limit (max first):
//    after a change, a class leaves the group when its limit falls to L or below, and enters
//    when L falls below its limit (group_rebalance, water-filling one class at a time).
// A join, leave or completion in the group touches only its class: O(log classes) for the
// group's heaps and one sift of the class heap for the anchor. The own resources of grouped
// classes are not touched at all: their allocation is n L and their busy integral n (V - v_join)
// / capacity, both read through the clock (allocated(), busy_seconds()).
// The group dissolves (back to per-class rates and finishes, then a full recompute, which may
// form it again) when no class is left below the level, when a class that does not fit the star
// touches its resources, or when a capacity of R or of a member's own resource changes. Groups
// form only with fill's shortcuts on and no observer of on_utilization_change (whose contract
// would need every own resource's allocation change emitted).
//
// Exactness: rates are L computed in one division instead of the fill's sequence (they agree to
// rounding, checked at a relative 1e-12 against the oracle), and a grouped flow's work left is
// one subtraction of the clock's advance instead of one per rate change (completion times agree
// to the 2 ns the virtual-time classes already allow).
#include <algorithm>
#include <cmath>

#include "models/resources/flow_model.hpp"
#include "models/resources/indexed_heap.hpp"

namespace vmcsim::models {

namespace {
template <class Heap, class SetPos>
void keyed_insert(Heap& heap, double key, std::uint32_t item, SetPos set_pos) {
  heap.push_back({key, item});
  detail::keyed_sift(heap, static_cast<std::uint32_t>(heap.size() - 1), set_pos);
}
template <class Heap, class SetPos>
void keyed_rekey(Heap& heap, std::uint32_t pos, double key, SetPos set_pos) {
  heap[pos].key = key;
  detail::keyed_sift(heap, pos, set_pos);
}
// The sum recompute adds for a class's flows on a resource (a small class's rate n times).
double class_sum(double rate, std::uint32_t n, std::uint32_t exact) {
  if (n > exact) return rate * n;
  double sum = 0.0;
  for (std::uint32_t i = 0; i < n; ++i)
    sum += rate;
  return sum;
}
}  // namespace

double FlowModel::own_limit(const FlowClass& k, std::uint32_t shared) const {
  double m = k.cap;
  const auto n = static_cast<double>(k.members.size());
  for (const PathStep& s : k.path)
    if (s.resource != shared) m = std::min(m, resources_[s.resource].capacity / n);
  return m;
}

double FlowModel::class_tag(const FlowClass& k) const {
  double least;
  if (k.large) {
    least = flows_[k.members.front()].work - k.served;
  } else {
    least = k.slots[0].work;
    for (std::uint32_t i = 1; i < k.members.size(); ++i)
      least = std::min(least, k.slots[i].work);
  }
  return k.v_join + least;
}

double FlowModel::group_clock_at(const Group& g, sim::Time now) const {
  return now == g.updated_at ? g.clock : g.clock + g.level * (now - g.updated_at).seconds();
}

// A resource that a grouped class crosses alone: its allocation and busy time follow the clock.
const FlowModel::FlowClass* FlowModel::clocked_class(std::uint32_t ri) const {
  const Resource& r = resources_[ri];
  if (r.group == kNone || groups_[r.group].resource == ri || r.classes.empty()) return nullptr;
  const FlowClass& k = classes_[r.classes.front()];
  return k.grouped ? &k : nullptr;
}

void FlowModel::group_settle(Group& g, sim::Time now) {
  if (now == g.updated_at) return;
  g.clock += g.level * (now - g.updated_at).seconds();
  g.updated_at = now;
}

// Brings a grouped class (its group settled to now) into its own frame at now: its flows ran at
// the level since v_join. Its own resources' busy integrals close at now, under n flows at L.
void FlowModel::settle_grouped(std::uint32_t c, sim::Time now) {
  FlowClass& k = classes_[c];
  const Group& g = groups_[k.group];
  const double delta = g.clock - k.v_join;
  const auto n = static_cast<std::uint32_t>(k.members.size());
  if (delta != 0.0) {
    if (k.large) {
      k.served += delta;
    } else {
      for (std::uint32_t i = 0; i < n; ++i)
        k.slots[i].work = std::max(0.0, k.slots[i].work - delta);
    }
  }
  for (const PathStep& s : k.path) {
    if (s.resource == g.resource) continue;
    Resource& r = resources_[s.resource];
    if (r.capacity > 0.0) r.busy_seconds += n * delta / r.capacity;
    r.busy_updated_at = now;
    r.allocated = class_sum(g.level, n, kExactClassSize);
  }
  k.v_join = g.clock;
  k.updated_at = now;
  k.rate = g.level;
}

// A class's own resources carry n flows at `rate` (recompute's sum).
void FlowModel::set_own_allocations(std::uint32_t c, double rate, sim::Time now) {
  const FlowClass& k = classes_[c];
  const std::uint32_t shared = groups_[k.group].resource;
  const double sum = class_sum(rate, static_cast<std::uint32_t>(k.members.size()), kExactClassSize);
  for (const PathStep& s : k.path) {
    if (s.resource == shared) continue;
    Resource& r = resources_[s.resource];
    if (r.allocated != sum) set_allocated(r, sum, now);
  }
}

// Which group takes class c's new flow: c's own group, or the group of the one saturated
// resource its path crosses if c is new and its other resources are its own. Any group whose
// resources c touches otherwise dissolves (its star would break), and the caller recomputes.
std::uint32_t FlowModel::group_for(std::uint32_t c, sim::Time now) {
  const FlowClass& k = classes_[c];
  if (k.group != kNone) return k.group;
  bool fits = k.members.empty();
  std::uint32_t g = kNone;
  for (const PathStep& s : k.path) {
    const Resource& r = resources_[s.resource];
    if (r.group != kNone && groups_[r.group].resource == s.resource && g == kNone) {
      g = r.group;
    } else if (r.group != kNone || r.classes.size() != 1) {
      fits = false;
    }
  }
  if (g != kNone && fits) return g;
  for (const PathStep& s : classes_[c].path)
    if (resources_[s.resource].group != kNone) group_dissolve(resources_[s.resource].group, now);
  return kNone;
}

// Before a change to class c's flows: settle it and take its flows out of the group's sums.
void FlowModel::group_touch_begin(std::uint32_t gi, std::uint32_t c, sim::Time now) {
  Group& g = groups_[gi];
  FlowClass& k = classes_[c];
  const auto n = static_cast<std::uint32_t>(k.members.size());
  if (k.grouped) {
    settle_grouped(c, now);
    g.grouped_flows -= n;
  } else {
    settle(k, now);
    g.below_alloc -= k.rate * n;
  }
  k.previous_rate = k.rate;
}

// After the change: its flows back into the sums, its keys updated (unless it emptied and is
// gone). A new class starts below, at its own limit; group_rebalance moves it if need be.
void FlowModel::group_touch_end(std::uint32_t gi, std::uint32_t c, sim::Time now,
                                std::uint32_t new_flow) {
  FlowClass& k = classes_[c];
  if (k.members.empty()) return;  // freed (group_drop took it out)
  Group& g = groups_[gi];
  const auto n = static_cast<std::uint32_t>(k.members.size());
  k.limit = own_limit(k, g.resource);
  if (k.grouped) {
    g.grouped_flows += n;
    const auto set_lim = [this](std::uint32_t x, std::uint32_t p) { classes_[x].lim_pos = p; };
    const auto set_tag = [this](std::uint32_t x, std::uint32_t p) { classes_[x].tag_pos = p; };
    keyed_rekey(g.limits, k.lim_pos, k.limit, set_lim);
    keyed_rekey(g.tags, k.tag_pos, class_tag(k), set_tag);
    return;
  }
  const auto set_lim = [this](std::uint32_t x, std::uint32_t p) { classes_[x].lim_pos = p; };
  if (k.lim_pos == kNone) {
    keyed_insert(g.below, -k.limit, c, set_lim);
  } else {
    keyed_rekey(g.below, k.lim_pos, -k.limit, set_lim);
  }
  k.rate = k.limit;
  g.below_alloc += k.rate * n;
  set_own_allocations(c, k.rate, now);
  refinish(c, k.rate != k.previous_rate, new_flow);
}

// free_class of a member: out of the group's heaps, its own resources no longer the group's.
void FlowModel::group_drop(std::uint32_t c) {
  FlowClass& k = classes_[c];
  Group& g = groups_[k.group];
  const auto set_lim = [this](std::uint32_t x, std::uint32_t p) { classes_[x].lim_pos = p; };
  const auto set_tag = [this](std::uint32_t x, std::uint32_t p) { classes_[x].tag_pos = p; };
  if (k.grouped) {
    detail::keyed_erase(g.tags, k.tag_pos, set_tag);
    detail::keyed_erase(g.limits, k.lim_pos, set_lim);
  } else if (k.lim_pos != kNone) {
    detail::keyed_erase(g.below, k.lim_pos, set_lim);
  }
  for (const PathStep& s : k.path) {
    if (s.resource == g.resource) continue;
    Resource& r = resources_[s.resource];
    r.group = kNone;
    if (r.allocated != 0.0) set_allocated(r, 0.0, sim_.now());  // its last flow is gone
  }
  k.group = kNone;
  k.grouped = false;
  k.tag_pos = kNone;
  k.lim_pos = kNone;
}

// A grouped class whose own limit fell to the level: it runs at its limit from now on.
void FlowModel::group_lower(std::uint32_t gi, std::uint32_t c, sim::Time now) {
  settle_grouped(c, now);
  Group& g = groups_[gi];
  FlowClass& k = classes_[c];
  const auto set_lim = [this](std::uint32_t x, std::uint32_t p) { classes_[x].lim_pos = p; };
  const auto set_tag = [this](std::uint32_t x, std::uint32_t p) { classes_[x].tag_pos = p; };
  detail::keyed_erase(g.tags, k.tag_pos, set_tag);
  detail::keyed_erase(g.limits, k.lim_pos, set_lim);
  k.tag_pos = kNone;
  const auto n = static_cast<std::uint32_t>(k.members.size());
  g.grouped_flows -= n;
  k.grouped = false;
  k.rate = k.limit;
  g.below_alloc += k.rate * n;
  keyed_insert(g.below, -k.limit, c, set_lim);
  set_own_allocations(c, k.rate, now);
  refinish(c, true, kNone);
  ++group_moves_;
}

// A below class whose own limit the level fell under: it runs at the level from now on.
void FlowModel::group_raise(std::uint32_t gi, std::uint32_t c, sim::Time now) {
  FlowClass& k = classes_[c];
  settle(k, now);
  class_heap_remove(c);
  Group& g = groups_[gi];
  const auto set_lim = [this](std::uint32_t x, std::uint32_t p) { classes_[x].lim_pos = p; };
  const auto set_tag = [this](std::uint32_t x, std::uint32_t p) { classes_[x].tag_pos = p; };
  detail::keyed_erase(g.below, k.lim_pos, set_lim);
  const auto n = static_cast<std::uint32_t>(k.members.size());
  g.below_alloc -= k.rate * n;
  // Close its own resources' busy integrals under their allocation so far; the clock takes over.
  for (const PathStep& s : k.path)
    if (s.resource != g.resource) set_allocated(resources_[s.resource], resources_[s.resource].allocated, now);
  k.grouped = true;
  k.v_join = g.clock;
  g.grouped_flows += n;
  keyed_insert(g.limits, k.limit, c, set_lim);
  keyed_insert(g.tags, class_tag(k), c, set_tag);
  ++group_moves_;
}

// Water-filling one class at a time: the level the grouped flows share, with every grouped
// class's own limit above it and every below class's at or under it. False when no grouped
// flow is left (the resource is no longer the bottleneck) or it does not settle.
bool FlowModel::group_rebalance(std::uint32_t gi, sim::Time now) {
  const std::size_t guard = 4 * (groups_[gi].limits.size() + groups_[gi].below.size()) + 4;
  for (std::size_t step = 0; step < guard; ++step) {
    Group& g = groups_[gi];
    if (g.grouped_flows == 0) return false;
    const double level = (resources_[g.resource].capacity - g.below_alloc) / g.grouped_flows;
    if (!(level > 0.0)) return false;
    if (g.limits.front().key <= level) {
      group_lower(gi, g.limits.front().item, now);
      continue;
    }
    if (!g.below.empty() && -g.below.front().key > level) {
      group_raise(gi, g.below.front().item, now);
      continue;
    }
    g.level = level;
    return true;
  }
  return false;
}

// The resource's allocation and the anchor's finish after the level changed.
void FlowModel::group_publish(std::uint32_t gi, sim::Time now) {
  Group& g = groups_[gi];
  Resource& r = resources_[g.resource];
  const double sum = g.level * g.grouped_flows + g.below_alloc;
  if (sum != r.allocated) set_allocated(r, sum, now);
  const double work = std::max(0.0, g.tags.front().key - g.clock);
  classes_[g.anchor].finish = finish_at(now, g.level, work);
  class_heap_update(g.anchor);
}

// After a change inside group g: the new level, or dissolve and recompute. True if the group
// took it.
bool FlowModel::group_commit(std::uint32_t gi, sim::Time now, std::uint32_t new_flow) {
  if (group_rebalance(gi, now)) {
    group_publish(gi, now);
    ++group_updates_;
    return true;
  }
  const std::uint32_t shared = groups_[gi].resource;
  group_dissolve(gi, now);
  seeds_.assign(1, shared);
  recompute(seeds_, new_flow, false, kNone);
  return false;
}

void FlowModel::group_join(std::uint32_t gi, std::uint32_t c, std::uint32_t flow, double amount) {
  const sim::Time now = sim_.now();
  group_settle(groups_[gi], now);
  FlowClass& k = classes_[c];
  if (k.group == kNone) {  // a new class on the resource: its other resources become the group's
    k.group = gi;
    k.grouped = false;
    k.tag_pos = kNone;
    k.lim_pos = kNone;
    k.previous_rate = 0.0;
    for (const PathStep& s : k.path)
      resources_[s.resource].group = gi;
  } else {
    group_touch_begin(gi, c, now);
  }
  add_member(c, flow, amount);
  group_touch_end(gi, c, now, flow);
  if (group_commit(gi, now, flow)) reschedule();
}

void FlowModel::group_cancel(std::uint32_t flow) {
  const sim::Time now = sim_.now();
  Flow& f = flows_[flow];
  const std::uint32_t c = f.cls;
  const std::uint32_t gi = classes_[c].group;
  group_settle(groups_[gi], now);
  group_touch_begin(gi, c, now);
  remove_member(flow);
  f.on_done.reset();
  release_flow(flow);
  group_touch_end(gi, c, now, kNone);
  if (group_commit(gi, now, kNone)) reschedule();
}

// A class of a group popped from the class heap at now: the anchor (grouped flows due) or a
// below class. Takes the due flows out into finished_; groups_commit settles the groups after.
void FlowModel::group_completed(std::uint32_t c, sim::Time now) {
  const std::uint32_t gi = classes_[c].group;
  if (!groups_[gi].touched) {
    groups_[gi].touched = true;
    touched_groups_.push_back(gi);
    group_settle(groups_[gi], now);
  }
  const std::size_t seeds = seeds_.size();
  if (!classes_[c].anchor) {
    group_touch_begin(gi, c, now);
    finished_in(c, now);
    group_touch_end(gi, c, now, kNone);
    seeds_.resize(seeds);
    return;
  }
  while (!groups_[gi].tags.empty()) {
    const Group& g = groups_[gi];
    const std::uint32_t d = g.tags.front().item;
    if (finish_at(now, g.level, std::max(0.0, g.tags.front().key - g.clock)) > now) break;
    group_touch_begin(gi, d, now);
    FlowClass& k = classes_[d];
    if (!k.large)
      for (std::uint32_t i = 0; i < k.members.size(); ++i)
        k.slots[i].end = finish_of(k, k.slots[i].work);
    const std::size_t before = finished_.size();
    finished_in(d, now);
    group_touch_end(gi, d, now, kNone);
    if (finished_.size() == before) break;  // rounding: nothing due after all
  }
  seeds_.resize(seeds);
}

// After a completion event's pops: each touched group settles its level (or dissolves, and its
// resource becomes a seed of the recompute that follows).
void FlowModel::groups_commit(sim::Time now) {
  for (std::uint32_t gi : touched_groups_) {
    groups_[gi].touched = false;
    if (group_rebalance(gi, now)) {
      group_publish(gi, now);
      ++group_updates_;
    } else {
      seeds_.push_back(groups_[gi].resource);
      group_dissolve(gi, now);
    }
  }
  touched_groups_.clear();
}

// Back to per-class rates and finishes: every grouped class settles and runs at the level
// until the recompute that follows.
void FlowModel::group_dissolve(std::uint32_t gi, sim::Time now) {
  group_settle(groups_[gi], now);
  const std::uint32_t shared = groups_[gi].resource;
  for (std::uint32_t c : resources_[shared].classes) {
    FlowClass& k = classes_[c];
    if (k.group != gi) continue;
    if (k.grouped) {
      settle_grouped(c, now);
      k.grouped = false;
      refinish(c, true, kNone);
    }
    for (const PathStep& s : k.path)
      resources_[s.resource].group = kNone;
    k.group = kNone;
    k.tag_pos = kNone;
    k.lim_pos = kNone;
  }
  Group& g = groups_[gi];
  resources_[shared].group = kNone;
  g.tags.clear();
  g.limits.clear();
  g.below.clear();
  g.touched = false;
  const std::uint32_t anchor = g.anchor;
  classes_[anchor].group = kNone;
  classes_[anchor].anchor = false;
  free_class(anchor);
  g.next_free = free_group_;
  free_group_ = gi;
  ++groups_dissolved_;
}

// After a full recompute's fill and allocations: forms a group on the component if it is a
// star around one resource and fill left at least two classes below their own limits at one
// level. Rates stay fill's. True if formed.
bool FlowModel::try_form_group(sim::Time now) {
  if (!clocks_ || !fill_shortcuts_ || on_utilization_change.has_observers()) return false;
  if (comp_classes_.size() < 2) return false;
  std::uint32_t shared = kNone;
  for (std::uint32_t ri : comp_resources_) {
    if (resources_[ri].classes.size() < 2) continue;
    if (shared != kNone) return false;
    shared = ri;
  }
  if (shared == kNone || resources_[shared].classes.size() != comp_classes_.size() ||
      !(resources_[shared].capacity > 0.0))
    return false;
  double level = -1.0;
  std::uint32_t grouped = 0;
  for (std::uint32_t c : comp_classes_) {
    FlowClass& k = classes_[c];
    k.limit = own_limit(k, shared);
    if (k.rate < k.limit) {
      if (grouped > 0 && k.rate != level) return false;
      level = k.rate;
      ++grouped;
    } else if (k.rate != k.limit) {
      return false;
    }
  }
  if (grouped < 2 || !(level > 0.0)) return false;

  const std::uint32_t gi = take_slot(groups_, free_group_);
  const std::uint32_t anchor = find_or_make_class({}, kUncapped);
  classes_[anchor].anchor = true;
  classes_[anchor].group = gi;
  Group& g = groups_[gi];
  g.resource = shared;
  g.anchor = anchor;
  g.next_free = kNone;
  g.grouped_flows = 0;
  g.touched = false;
  g.level = level;
  g.clock = 0.0;
  g.below_alloc = 0.0;
  g.updated_at = now;
  resources_[shared].group = gi;
  const auto set_lim = [this](std::uint32_t x, std::uint32_t p) { classes_[x].lim_pos = p; };
  const auto set_tag = [this](std::uint32_t x, std::uint32_t p) { classes_[x].tag_pos = p; };
  for (std::uint32_t c : comp_classes_) {
    FlowClass& k = classes_[c];
    const auto n = static_cast<std::uint32_t>(k.members.size());
    k.group = gi;
    k.tag_pos = kNone;
    for (const PathStep& s : k.path)
      resources_[s.resource].group = gi;
    if (k.rate < k.limit) {
      k.grouped = true;
      k.v_join = 0.0;
      class_heap_remove(c);
      g.grouped_flows += n;
      keyed_insert(g.limits, k.limit, c, set_lim);
      keyed_insert(g.tags, class_tag(k), c, set_tag);
      for (const PathStep& s : k.path) {  // the clock carries their busy time from now
        Resource& r = resources_[s.resource];
        if (s.resource != shared) set_allocated(r, r.allocated, now);
      }
    } else {
      k.grouped = false;
      g.below_alloc += k.rate * n;
      keyed_insert(g.below, -k.limit, c, set_lim);
    }
  }
  group_publish(gi, now);
  ++groups_formed_;
  return true;
}

}  // namespace vmcsim::models
