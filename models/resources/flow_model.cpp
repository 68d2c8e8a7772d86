#include "models/resources/flow_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "models/resources/indexed_heap.hpp"

namespace vmcsim::models {

namespace {
void check_capacity(const std::string& name, double capacity) {
  if (!(capacity >= 0.0) || std::isinf(capacity))
    throw std::invalid_argument("FlowModel: resource '" + name +
                                "' needs a finite capacity >= 0, got " + std::to_string(capacity));
}
}  // namespace

FlowModel::FlowModel(sim::Simulation& sim) : sim_{sim} {}

FlowModel::~FlowModel() {
  sim_.cancel(pending_);
}

ResourceId FlowModel::add_resource(std::string name, double capacity) {
  check_capacity(name, capacity);
  Resource r;
  r.capacity = capacity;
  r.busy_updated_at = sim_.now();
  resources_.push_back(std::move(r));
  names_.push_back(std::move(name));
  return ResourceId{static_cast<std::uint32_t>(resources_.size() - 1)};
}

FlowModel::Resource& FlowModel::resource_at(ResourceId id) {
  if (id.index >= resources_.size())
    throw std::invalid_argument("FlowModel: unknown resource id " + std::to_string(id.index));
  return resources_[id.index];
}

const FlowModel::Resource& FlowModel::resource_at(ResourceId id) const {
  return const_cast<FlowModel*>(this)->resource_at(id);
}

void FlowModel::set_capacity(ResourceId resource, double capacity) {
  Resource& r = resource_at(resource);
  check_capacity(names_[resource.index], capacity);
  if (r.group != kNone) group_dissolve(r.group, sim_.now());
  // Close the busy integral under the old utilization before it changes.
  r.busy_seconds = busy_seconds(resource, sim_.now());
  r.busy_updated_at = sim_.now();
  r.capacity = capacity;
  seeds_.assign(1, resource.index);
  recompute(seeds_, kNone, false, kNone);
}

FlowId FlowModel::start_flow(std::span<const ResourceId> path, double amount, double rate_cap,
                             sim::Callback on_done) {
  if (!(amount >= 0.0) || std::isinf(amount))
    throw std::invalid_argument("FlowModel::start_flow: amount must be finite and >= 0, got " +
                                std::to_string(amount));
  if (!(rate_cap > 0.0))
    throw std::invalid_argument("FlowModel::start_flow: rate cap must be > 0, got " +
                                std::to_string(rate_cap));
  if (path.empty() && std::isinf(rate_cap))
    throw std::invalid_argument("FlowModel::start_flow: a flow with an empty path needs a cap");
  if (!on_done) throw std::invalid_argument("FlowModel::start_flow: empty callback");
  for (std::size_t i = 0; i < path.size(); ++i) {
    resource_at(path[i]);  // validates
    for (std::size_t j = 0; j < i; ++j)
      if (path[j] == path[i])
        throw std::invalid_argument("FlowModel::start_flow: resource '" +
                                    names_[path[i].index] + "' twice in one path");
  }

  const std::uint32_t idx = take_slot(flows_, free_flow_);
  Flow& f = flows_[idx];
  f.on_done = std::move(on_done);
  f.next_free = kNone;
  f.active = true;
  ++active_count_;
  const FlowId id{idx, f.generation};

  const std::uint32_t c = find_or_make_class(path, rate_cap);
  if (!path.empty() && !groups_.empty()) {
    const std::uint32_t g = group_for(c, sim_.now());
    if (g != kNone) {
      group_join(g, c, idx, amount);
      return id;
    }
  }
  settle(classes_[c], sim_.now());
  add_member(c, idx, amount);
  if (path.empty()) {
    classes_[c].rate = rate_cap;
    refinish(c, true, idx);
    reschedule();
  } else {
    seeds_.clear();
    for (ResourceId r : path)
      seeds_.push_back(r.index);
    recompute(seeds_, idx, true, c);
  }
  return id;
}

// Flows share a class when they cross the same resources in the same order under the same cap;
// a class is looked up among those crossing its first resource (a handful: a replica's limit, a
// node's disk). A pure delay (empty path) gets a class of its own.
std::uint32_t FlowModel::find_or_make_class(std::span<const ResourceId> path, double cap) {
  if (!path.empty()) {
    for (std::uint32_t c : resources_[path.front().index].classes) {
      const FlowClass& k = classes_[c];
      if (k.cap != cap || k.path.size() != path.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < path.size() && same; ++i)
        same = k.path[i].resource == path[i].index;
      if (same) return c;
    }
  }
  const std::uint32_t c = take_slot(classes_, free_class_);
  if (heap_pos_.size() < classes_.size()) heap_pos_.push_back(kNone);
  FlowClass& k = classes_[c];
  k.path.clear();
  k.members.clear();
  k.cap = cap;
  k.rate = 0.0;
  k.previous_rate = 0.0;
  k.served = 0.0;
  k.updated_at = sim_.now();
  k.finish = sim::Time::max();
  heap_pos_[c] = kNone;
  k.next_free = kNone;
  k.large = false;
  k.top_changed = false;
  k.grouped = false;
  k.anchor = false;
  k.group = kNone;
  k.tag_pos = kNone;
  k.lim_pos = kNone;
  for (ResourceId r : path) {
    auto& list = resources_[r.index].classes;
    k.path.push_back(PathStep{r.index, static_cast<std::uint32_t>(list.size())});
    list.push_back(c);
  }
  return c;
}

void FlowModel::free_class(std::uint32_t c) {
  if (classes_[c].group != kNone && !classes_[c].anchor) group_drop(c);
  FlowClass& k = classes_[c];
  for (const PathStep& s : k.path) {
    auto& list = resources_[s.resource].classes;
    const std::uint32_t moved = list.back();
    list[s.slot] = moved;
    list.pop_back();
    if (moved != c) {
      for (PathStep& ms : classes_[moved].path)
        if (ms.resource == s.resource) ms.slot = s.slot;
    }
  }
  k.path.clear();
  class_heap_remove(c);
  k.next_free = free_class_;
  free_class_ = c;
}

bool FlowModel::member_less(std::uint32_t a, std::uint32_t b) const {
  const double wa = flows_[a].work, wb = flows_[b].work;
  return wa != wb ? wa < wb : a < b;
}

// The class must be settled to now.
void FlowModel::add_member(std::uint32_t c, std::uint32_t flow, double amount) {
  FlowClass& k = classes_[c];
  Flow& f = flows_[flow];
  f.cls = c;
  for (const PathStep& s : k.path)
    ++resources_[s.resource].flow_count;
  f.pos = static_cast<std::uint32_t>(k.members.size());
  if (!k.large && f.pos < kExactClassSize) {
    k.members.push_back(flow);
    k.slots[f.pos].work = amount;
    k.slots[f.pos].end = sim::Time::max();
    return;
  }
  if (!k.large) {  // the ninth flow: every flow's work left becomes its tag
    for (std::uint32_t i = 0; i < f.pos; ++i)
      flows_[k.members[i]].work = k.slots[i].work;
    f.work = amount;
    k.members.push_back(flow);
    make_large(k);
    return;
  }
  k.members.push_back(flow);
  f.work = k.served + amount;
  detail::heap_sift(
      k.members, f.pos, [this](auto a, auto b) { return member_less(a, b); },
      [this](std::uint32_t m, std::uint32_t p) { flows_[m].pos = p; });
  if (f.pos == 0) k.top_changed = true;
}

// Removes a flow from its class (which must be settled to now), freeing the class if it empties.
void FlowModel::remove_member(std::uint32_t flow) {
  Flow& f = flows_[flow];
  const std::uint32_t c = f.cls;
  FlowClass& k = classes_[c];
  for (const PathStep& s : k.path)
    --resources_[s.resource].flow_count;
  if (!k.large) {
    if (k.slots[f.pos].end <= k.finish) k.top_changed = true;
    const auto last = static_cast<std::uint32_t>(k.members.size() - 1);
    const std::uint32_t moved = k.members[last];
    k.members[f.pos] = moved;
    k.slots[f.pos].work = k.slots[last].work;
    k.slots[f.pos].end = k.slots[last].end;
    flows_[moved].pos = f.pos;
    k.members.pop_back();
  } else {
    if (f.pos == 0) k.top_changed = true;
    detail::heap_erase(
        k.members, f.pos, [this](auto a, auto b) { return member_less(a, b); },
        [this](std::uint32_t m, std::uint32_t p) { flows_[m].pos = p; });
    if (k.members.size() <= kExactClassSize) make_small(k);
  }
  f.cls = kNone;
  f.pos = kNone;
  if (k.members.empty()) free_class(c);
}

// Small -> large: a flow's work left becomes its tag (virtual time restarts at 0); the caller
// has copied each flow's work left into its Flow.
void FlowModel::make_large(FlowClass& k) {
  k.large = true;
  k.served = 0.0;
  // A sorted array is a heap.
  std::sort(k.members.begin(), k.members.end(),
            [this](std::uint32_t a, std::uint32_t b) { return member_less(a, b); });
  for (std::uint32_t i = 0; i < k.members.size(); ++i)
    flows_[k.members[i]].pos = i;
  k.top_changed = true;
}

// Large -> small: tags become work left, and every flow its own finish time.
void FlowModel::make_small(FlowClass& k) {
  k.large = false;
  for (std::uint32_t i = 0; i < k.members.size(); ++i) {
    k.slots[i].work = std::max(0.0, flows_[k.members[i]].work - k.served);
    k.slots[i].end = finish_of(k, k.slots[i].work);
  }
  k.served = 0.0;
  k.top_changed = true;
}

void FlowModel::release_flow(std::uint32_t idx) {
  Flow& f = flows_[idx];
  f.active = false;
  f.work = 0.0;
  ++f.generation;
  f.next_free = free_flow_;
  free_flow_ = idx;
  --active_count_;
}

const FlowModel::Flow* FlowModel::live(FlowId id) const {
  if (!id.valid() || id.index >= flows_.size()) return nullptr;
  const Flow& f = flows_[id.index];
  return (f.active && f.generation == id.generation) ? &f : nullptr;
}

bool FlowModel::is_active(FlowId flow) const {
  return live(flow) != nullptr;
}

bool FlowModel::cancel_flow(FlowId flow) {
  if (!live(flow)) return false;
  Flow& f = flows_[flow.index];
  if (classes_[f.cls].group != kNone) {
    group_cancel(flow.index);
    return true;
  }
  FlowClass& k = classes_[f.cls];
  settle(k, sim_.now());
  seeds_.clear();
  for (const PathStep& s : k.path)
    seeds_.push_back(s.resource);
  const std::uint32_t c = f.cls;
  const bool emptied = k.members.size() == 1;
  remove_member(flow.index);
  f.on_done.reset();
  release_flow(flow.index);
  if (!seeds_.empty()) {
    recompute(seeds_, kNone, true, emptied ? kNone : c);
  } else {
    reschedule();  // a pure delay's class was its own and is gone
  }
  return true;
}

double FlowModel::rate(FlowId flow) const {
  const Flow* f = live(flow);
  if (!f) return 0.0;
  const FlowClass& k = classes_[f->cls];
  return k.grouped ? groups_[k.group].level : k.rate;
}

double FlowModel::flow_work_left(const FlowClass& k, const Flow& f) const {
  return k.large ? f.work - k.served : k.slots[f.pos].work;
}

sim::Time FlowModel::flow_finish(const FlowClass& k, const Flow& f) const {
  return k.large ? finish_of(k, std::max(0.0, flow_work_left(k, f))) : k.slots[f.pos].end;
}

double FlowModel::remaining(FlowId flow) const {
  const Flow* f = live(flow);
  if (!f) return 0.0;
  const FlowClass& k = classes_[f->cls];
  if (k.grouped) {
    const Group& g = groups_[k.group];
    return std::max(0.0, flow_work_left(k, *f) - (group_clock_at(g, sim_.now()) - k.v_join));
  }
  const double left = flow_work_left(k, *f) - k.rate * (sim_.now() - k.updated_at).seconds();
  return std::max(0.0, left);
}

sim::Time FlowModel::expected_finish(FlowId flow) const {
  const Flow* f = live(flow);
  if (!f) return sim::Time::max();
  const FlowClass& k = classes_[f->cls];
  if (k.grouped) {
    const Group& g = groups_[k.group];
    const double left = flow_work_left(k, *f) - (g.clock - k.v_join);
    return finish_at(g.updated_at, g.level, std::max(0.0, left));
  }
  return flow_finish(k, *f);
}

double FlowModel::utilization(ResourceId resource) const {
  const Resource& r = resource_at(resource);
  return r.capacity > 0.0 ? allocated(resource) / r.capacity : 0.0;
}

double FlowModel::allocated(ResourceId resource) const {
  const Resource& r = resource_at(resource);
  if (const FlowClass* k = clocked_class(resource.index)) {
    const double level = groups_[k->group].level;
    const auto n = static_cast<std::uint32_t>(k->members.size());
    if (n > kExactClassSize) return level * n;
    double sum = 0.0;
    for (std::uint32_t i = 0; i < n; ++i)
      sum += level;
    return sum;
  }
  return r.allocated;
}
double FlowModel::capacity(ResourceId resource) const {
  return resource_at(resource).capacity;
}
std::size_t FlowModel::active_flows(ResourceId resource) const {
  return resource_at(resource).flow_count;
}
const std::string& FlowModel::name(ResourceId resource) const {
  resource_at(resource);  // validates
  return names_[resource.index];
}

double FlowModel::busy_seconds(ResourceId resource, sim::Time now) const {
  const Resource& r = resource_at(resource);
  if (now < r.busy_updated_at)
    throw std::invalid_argument("FlowModel::busy_seconds: " + now.to_string() +
                                " is before the last change of '" + names_[resource.index] + "'");
  if (const FlowClass* k = clocked_class(resource.index)) {
    // n flows at the level since the class was last settled: n x the clock's advance.
    const double advance = group_clock_at(groups_[k->group], now) - k->v_join;
    return r.capacity > 0.0 ? r.busy_seconds + k->members.size() * advance / r.capacity
                            : r.busy_seconds;
  }
  const double u = r.capacity > 0.0 ? r.allocated / r.capacity : 0.0;
  return r.busy_seconds + u * (now - r.busy_updated_at).seconds();
}

// Closes the resource's busy integral under its old allocation (as busy_seconds computes it)
// before the allocation changes.
void FlowModel::set_allocated(Resource& r, double allocated, sim::Time now) {
  const double u = r.capacity > 0.0 ? r.allocated / r.capacity : 0.0;
  r.busy_seconds = r.busy_seconds + u * (now - r.busy_updated_at).seconds();
  r.busy_updated_at = now;
  r.allocated = allocated;
}

// A small class settles each flow (the oracle's arithmetic, operation for operation); a large
// one advances its virtual time only.
void FlowModel::settle(FlowClass& k, sim::Time now) {
  if (now == k.updated_at) return;
  const double dt = (now - k.updated_at).seconds();
  if (k.large) {
    k.served += k.rate * dt;
  } else {
    const auto n = static_cast<std::uint32_t>(k.members.size());
    for (std::uint32_t i = 0; i < n; ++i)
      k.slots[i].work = std::max(0.0, k.slots[i].work - k.rate * dt);
  }
  k.updated_at = now;
}


// new_flow: a flow that just joined (its finish is set even if its class's rate is unchanged).
// changed: with local, the one class whose flows changed (its path is seed_resources), or kNone
// if it emptied and is gone.
void FlowModel::recompute(std::span<const std::uint32_t> seed_resources, std::uint32_t new_flow,
                          bool local, std::uint32_t changed) {
  const sim::Time now = sim_.now();
  ++recomputes_;
  // A local change neither collects nor settles the component: the callers settled the changed
  // class, and the others keep their rates, so their progress can wait for their next settle.
  if (local && fill_shortcuts_) {
    if (changed != kNone) classes_[changed].previous_rate = classes_[changed].rate;
    if (local_fill(seed_resources, changed)) {
      ++local_recomputes_;
      finish_local(seed_resources, changed, new_flow, now);
      return;
    }
  }
  collect_component(seed_resources);
  for (std::uint32_t c : comp_classes_) {
    settle(classes_[c], now);
    classes_[c].previous_rate = classes_[c].rate;
  }
  fill();

  old_allocated_.clear();
  for (std::uint32_t ri : comp_resources_) {
    Resource& r = resources_[ri];
    // The same sum as local_fill's, written out in both: one shared function (tried 2026-12-03)
    // was not inlined by GCC 12 and cost 8.3-9.0 CPU s against 6.6-7.2 s at 1,000 hosts.
    double sum = 0.0;
    for (std::uint32_t c : r.classes) {
      const FlowClass& k = classes_[c];
      const auto n = static_cast<std::uint32_t>(k.members.size());
      if (n <= kExactClassSize) {
        for (std::uint32_t i = 0; i < n; ++i)
          sum += k.rate;
      } else {
        sum += k.rate * n;
      }
    }
    old_allocated_.push_back(r.allocated);
    if (sum != r.allocated) set_allocated(r, sum, now);
  }
  // A saturated resource at the centre of a star gets one clock (flow_model_group.cpp); its
  // grouped classes leave the class heap.
  const bool formed = !classes_.empty() && try_form_group(now);
  // A class whose rate did not change keeps its flows' finish times (and its place in the heap).
  for (std::uint32_t c : comp_classes_) {
    if (formed && classes_[c].grouped) continue;
    refinish(c, classes_[c].rate != classes_[c].previous_rate, new_flow);
  }
  reschedule();

  if (!on_utilization_change.has_observers()) return;
  for (std::size_t i = 0; i < comp_resources_.size(); ++i) {
    const std::uint32_t ri = comp_resources_[i];
    if (resources_[ri].allocated != old_allocated_[i])
      on_utilization_change.emit(ResourceId{ri}, utilization(ResourceId{ri}));
  }
}

// A change confined to one class's flows (class c joined, lost or finished flows, or emptied:
// c == kNone) when every resource of its path that another class crosses keeps room to spare
// (1e-9 margin) before and after: max-min rates then do not depend on those resources, so no
// other class's rate changes, and c's rate is its cap or the lowest capacity / flows of the
// resources it crosses alone. In progressive filling those roomy resources never saturate
// (their level stays above the next event's by the margin), so they never decide a freeze and
// the loop freezes every other class at the same double, in the same order on every resource
// that does saturate, and c at min(cap, capacity / flows) of its own resources. On success,
// c's rate is set and local_sums_ holds the path's new allocations.
bool FlowModel::local_fill(std::span<const std::uint32_t> path, std::uint32_t c) {
  constexpr double kRoom = 1.0 - 1e-9;
  double rate = c == kNone ? 0.0 : classes_[c].cap;
  for (std::uint32_t ri : path) {
    const Resource& r = resources_[ri];
    if (c != kNone && r.classes.size() == 1) {  // c alone (c crosses every path resource)
      rate = std::min(rate, r.capacity / r.flow_count);
    } else if (!r.classes.empty() && !(r.capacity > 0.0 && r.allocated <= r.capacity * kRoom)) {
      return false;  // shared, and saturated (or nearly) before the change
    }
  }
  if (std::isinf(rate)) return false;  // uncapped, bottlenecked on a shared resource
  local_sums_.clear();
  for (std::uint32_t ri : path) {
    const Resource& r = resources_[ri];
    // The allocation sum as recompute adds it (class order, a small class's rate n times; kept
    // a copy of recompute's for speed, see there).
    double sum = 0.0;
    for (std::uint32_t k : r.classes) {
      const double kr = k == c ? rate : classes_[k].rate;
      const auto n = static_cast<std::uint32_t>(classes_[k].members.size());
      if (n <= kExactClassSize) {
        for (std::uint32_t i = 0; i < n; ++i)
          sum += kr;
      } else {
        sum += kr * n;
      }
    }
    const bool alone = c != kNone && r.classes.size() == 1;
    if (!alone && !r.classes.empty() && !(sum <= r.capacity * kRoom)) return false;
    local_sums_.push_back(sum);
  }
  if (c != kNone) classes_[c].rate = rate;
  return true;
}

// After local_fill: only the path's allocations and c's finishes can have changed.
void FlowModel::finish_local(std::span<const std::uint32_t> path, std::uint32_t c,
                             std::uint32_t new_flow, sim::Time now) {
  old_allocated_.clear();
  for (std::size_t i = 0; i < path.size(); ++i) {
    Resource& r = resources_[path[i]];
    old_allocated_.push_back(r.allocated);
    if (local_sums_[i] != r.allocated) set_allocated(r, local_sums_[i], now);
  }
  if (c != kNone) refinish(c, classes_[c].rate != classes_[c].previous_rate, new_flow);
  reschedule();
  if (!on_utilization_change.has_observers()) return;
  // In the order recompute emits them: the seeds come first in comp_resources_.
  for (std::size_t i = 0; i < path.size(); ++i)
    if (resources_[path[i]].allocated != old_allocated_[i])
      on_utilization_change.emit(ResourceId{path[i]}, utilization(ResourceId{path[i]}));
}

sim::Time FlowModel::finish_of(const FlowClass& k, double work) const {
  return finish_at(k.updated_at, k.rate, work);
}

sim::Time FlowModel::finish_at(sim::Time from, double rate, double work) {
  if (work <= 0.0) return from;
  if (rate <= 0.0) return sim::Time::max();
  const double ns = work / rate * 1e9;
  // Round up so the flow is really through when the event fires, but do not let a
  // floating-point hair above an exact nanosecond push it one nanosecond late.
  const double near = std::nearbyint(ns);
  const double whole = std::abs(ns - near) < 1e-3 ? near : std::ceil(ns);
  const double limit = static_cast<double>((sim::Time::max() - from).ns());
  return whole >= limit ? sim::Time::max()
                        : from + sim::Time::from_ns(static_cast<std::int64_t>(whole));
}

// Brings a (settled) class's finish up to date: a small class keeps one finish per flow, set
// when the flow starts or its rate changes (as the oracle does); a large class derives its
// earliest flow's from that flow's tag.
void FlowModel::refinish(std::uint32_t c, bool rate_changed, std::uint32_t new_flow) {
  FlowClass& k = classes_[c];
  if (k.large) {
    if (!rate_changed && !k.top_changed && heap_pos_[c] != kNone) return;
    const Flow& top = flows_[k.members.front()];
    k.finish = finish_of(k, std::max(0.0, top.work - k.served));
  } else {
    sim::Time best = sim::Time::max();
    const auto n = static_cast<std::uint32_t>(k.members.size());
    if (rate_changed) {
      for (std::uint32_t i = 0; i < n; ++i) {
        k.slots[i].end = finish_of(k, k.slots[i].work);
        best = std::min(best, k.slots[i].end);
      }
    } else {
      if (new_flow != kNone && flows_[new_flow].cls == c) {
        const std::uint32_t p = flows_[new_flow].pos;
        k.slots[p].end = finish_of(k, k.slots[p].work);
      } else if (!k.top_changed && heap_pos_[c] != kNone) {
        return;
      }
      for (std::uint32_t i = 0; i < n; ++i)
        best = std::min(best, k.slots[i].end);
    }
    k.finish = best;
  }
  k.top_changed = false;
  class_heap_update(c);
}

}  // namespace vmcsim::models
