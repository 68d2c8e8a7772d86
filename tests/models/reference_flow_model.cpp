#include "models/reference_flow_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace vmcsim::models::reference {

namespace {
// Unfrozen flows carry a negative rate while progressive filling runs.
constexpr double kUnfrozen = -1.0;

void check_capacity(const std::string& name, double capacity) {
  if (!(capacity >= 0.0) || std::isinf(capacity))
    throw std::invalid_argument("FlowModel: resource '" + name +
                                "' needs a finite capacity >= 0, got " + std::to_string(capacity));
}
}  // namespace

ReferenceFlowModel::ReferenceFlowModel(sim::Simulation& sim) : sim_{sim} {}

ReferenceFlowModel::~ReferenceFlowModel() {
  sim_.cancel(pending_);
}

ResourceId ReferenceFlowModel::add_resource(std::string name, double capacity) {
  check_capacity(name, capacity);
  Resource r;
  r.name = std::move(name);
  r.capacity = capacity;
  r.busy_updated_at = sim_.now();
  resources_.push_back(std::move(r));
  return ResourceId{static_cast<std::uint32_t>(resources_.size() - 1)};
}

ReferenceFlowModel::Resource& ReferenceFlowModel::resource_at(ResourceId id) {
  if (id.index >= resources_.size())
    throw std::invalid_argument("FlowModel: unknown resource id " + std::to_string(id.index));
  return resources_[id.index];
}

const ReferenceFlowModel::Resource& ReferenceFlowModel::resource_at(ResourceId id) const {
  return const_cast<ReferenceFlowModel*>(this)->resource_at(id);
}

void ReferenceFlowModel::set_capacity(ResourceId resource, double capacity) {
  Resource& r = resource_at(resource);
  check_capacity(r.name, capacity);
  // Close the busy integral under the old utilization before it changes.
  r.busy_seconds = busy_seconds(resource, sim_.now());
  r.busy_updated_at = sim_.now();
  r.capacity = capacity;
  seeds_.assign(1, resource.index);
  recompute(seeds_);
}

FlowId ReferenceFlowModel::start_flow(std::span<const ResourceId> path, double amount,
                                      double rate_cap, sim::Callback on_done) {
  if (!(amount >= 0.0) || std::isinf(amount))
    throw std::invalid_argument(
        "ReferenceFlowModel::start_flow: amount must be finite and >= 0, got " +
        std::to_string(amount));
  if (!(rate_cap > 0.0))
    throw std::invalid_argument("ReferenceFlowModel::start_flow: rate cap must be > 0, got " +
                                std::to_string(rate_cap));
  if (path.empty() && std::isinf(rate_cap))
    throw std::invalid_argument(
        "ReferenceFlowModel::start_flow: a flow with an empty path needs a cap");
  if (!on_done) throw std::invalid_argument("ReferenceFlowModel::start_flow: empty callback");
  for (std::size_t i = 0; i < path.size(); ++i) {
    resource_at(path[i]);  // validates
    for (std::size_t j = 0; j < i; ++j)
      if (path[j] == path[i])
        throw std::invalid_argument("ReferenceFlowModel::start_flow: resource '" +
                                    resources_[path[i].index].name + "' twice in one path");
  }

  std::uint32_t idx;
  if (free_head_ != kNone) {
    idx = free_head_;
    free_head_ = flows_[idx].next_free;
  } else {
    idx = static_cast<std::uint32_t>(flows_.size());
    flows_.emplace_back();
  }
  Flow& f = flows_[idx];
  f.path.clear();
  for (ResourceId r : path) {
    auto& list = resources_[r.index].flows;
    f.path.push_back(PathStep{r.index, static_cast<std::uint32_t>(list.size())});
    list.push_back(idx);
  }
  f.cap = rate_cap;
  f.rate = path.empty() ? rate_cap : 0.0;
  f.remaining = amount;
  f.updated_at = sim_.now();
  f.on_done = std::move(on_done);
  f.next_free = kNone;
  f.active = true;
  ++active_count_;
  const FlowId id{idx, f.generation};

  if (path.empty()) {
    set_finish(idx);
    reschedule();
  } else {
    seeds_.clear();
    for (ResourceId r : path)
      seeds_.push_back(r.index);
    recompute(seeds_);
  }
  return id;
}

const ReferenceFlowModel::Flow* ReferenceFlowModel::live(FlowId id) const {
  if (!id.valid() || id.index >= flows_.size()) return nullptr;
  const Flow& f = flows_[id.index];
  return (f.active && f.generation == id.generation) ? &f : nullptr;
}

bool ReferenceFlowModel::is_active(FlowId flow) const {
  return live(flow) != nullptr;
}

bool ReferenceFlowModel::cancel_flow(FlowId flow) {
  if (!live(flow)) return false;
  Flow& f = flows_[flow.index];
  seeds_.clear();
  for (const PathStep& s : f.path)
    seeds_.push_back(s.resource);
  detach(flow.index);
  f.on_done.reset();
  if (!seeds_.empty()) {
    recompute(seeds_);
  } else {
    reschedule();
  }
  return true;
}

// Removes a flow from its resources, the finish heap and the active set; frees its slot.
void ReferenceFlowModel::detach(std::uint32_t idx) {
  Flow& f = flows_[idx];
  for (const PathStep& s : f.path) {
    auto& list = resources_[s.resource].flows;
    const std::uint32_t moved = list.back();
    list[s.slot] = moved;
    list.pop_back();
    if (moved != idx) {
      for (PathStep& ms : flows_[moved].path)
        if (ms.resource == s.resource) ms.slot = s.slot;
    }
  }
  f.path.clear();
  heap_remove(idx);
  f.active = false;
  f.rate = 0.0;
  f.remaining = 0.0;
  ++f.generation;
  f.next_free = free_head_;
  free_head_ = idx;
  --active_count_;
}

double ReferenceFlowModel::rate(FlowId flow) const {
  const Flow* f = live(flow);
  return f ? f->rate : 0.0;
}

double ReferenceFlowModel::remaining(FlowId flow) const {
  const Flow* f = live(flow);
  if (!f) return 0.0;
  const double left = f->remaining - f->rate * (sim_.now() - f->updated_at).seconds();
  return std::max(0.0, left);
}

sim::Time ReferenceFlowModel::expected_finish(FlowId flow) const {
  const Flow* f = live(flow);
  return f ? f->finish : sim::Time::max();
}

double ReferenceFlowModel::utilization(ResourceId resource) const {
  const Resource& r = resource_at(resource);
  return r.capacity > 0.0 ? r.allocated / r.capacity : 0.0;
}

double ReferenceFlowModel::allocated(ResourceId resource) const {
  return resource_at(resource).allocated;
}
double ReferenceFlowModel::capacity(ResourceId resource) const {
  return resource_at(resource).capacity;
}
std::size_t ReferenceFlowModel::active_flows(ResourceId resource) const {
  return resource_at(resource).flows.size();
}
const std::string& ReferenceFlowModel::name(ResourceId resource) const {
  return resource_at(resource).name;
}

double ReferenceFlowModel::busy_seconds(ResourceId resource, sim::Time now) const {
  const Resource& r = resource_at(resource);
  if (now < r.busy_updated_at)
    throw std::invalid_argument("ReferenceFlowModel::busy_seconds: " + now.to_string() +
                                " is before the last change of '" + r.name + "'");
  const double u = r.capacity > 0.0 ? r.allocated / r.capacity : 0.0;
  return r.busy_seconds + u * (now - r.busy_updated_at).seconds();
}

void ReferenceFlowModel::settle(Flow& f, sim::Time now) const {
  if (now == f.updated_at) return;
  f.remaining = std::max(0.0, f.remaining - f.rate * (now - f.updated_at).seconds());
  f.updated_at = now;
}

void ReferenceFlowModel::collect_component(std::span<const std::uint32_t> seed_resources) {
  if (++epoch_ == 0) {  // wrapped: old marks could alias the new epoch
    for (Resource& r : resources_)
      r.mark = 0;
    for (Flow& f : flows_)
      f.mark = 0;
    epoch_ = 1;
  }
  comp_resources_.clear();
  comp_flows_.clear();
  for (std::uint32_t r : seed_resources) {
    if (resources_[r].mark == epoch_) continue;
    resources_[r].mark = epoch_;
    comp_resources_.push_back(r);
  }
  // Breadth-first over resource -> flows crossing it -> their other resources.
  for (std::size_t i = 0; i < comp_resources_.size(); ++i) {
    for (std::uint32_t fi : resources_[comp_resources_[i]].flows) {
      Flow& f = flows_[fi];
      if (f.mark == epoch_) continue;
      f.mark = epoch_;
      comp_flows_.push_back(fi);
      for (const PathStep& s : f.path) {
        Resource& r = resources_[s.resource];
        if (r.mark == epoch_) continue;
        r.mark = epoch_;
        comp_resources_.push_back(s.resource);
      }
    }
  }
}

// Progressive filling over the collected component: all unfrozen flows rise together; a flow
// freezes at its cap, or when a resource it crosses runs out of spare capacity.
void ReferenceFlowModel::fill() {
  // Min-heap of resources by the level at which they saturate; stale entries are skipped.
  const auto later = [](const Level& a, const Level& b) {
    return a.level != b.level ? a.level > b.level : a.resource > b.resource;
  };
  levels_.clear();
  for (std::uint32_t ri : comp_resources_) {
    Resource& r = resources_[ri];
    r.spare = r.capacity;
    r.unfrozen = static_cast<std::uint32_t>(r.flows.size());
    ++r.version;
    if (r.unfrozen > 0) levels_.push_back(Level{r.spare / r.unfrozen, ri, r.version});
  }
  std::make_heap(levels_.begin(), levels_.end(), later);

  by_cap_.clear();
  for (std::uint32_t fi : comp_flows_) {
    flows_[fi].rate = kUnfrozen;
    if (!std::isinf(flows_[fi].cap)) by_cap_.push_back(fi);
  }
  std::sort(by_cap_.begin(), by_cap_.end(), [&](std::uint32_t a, std::uint32_t b) {
    return flows_[a].cap != flows_[b].cap ? flows_[a].cap < flows_[b].cap : a < b;
  });

  const auto freeze = [&](std::uint32_t fi, double rate) {
    Flow& f = flows_[fi];
    f.rate = rate;
    for (const PathStep& s : f.path) {
      Resource& r = resources_[s.resource];
      r.spare = std::max(0.0, r.spare - rate);
      --r.unfrozen;
      ++r.version;
      if (r.unfrozen > 0) {
        // Levels never go down as filling proceeds; max() keeps rounding from breaking that.
        levels_.push_back(Level{std::max(rate, r.spare / r.unfrozen), s.resource, r.version});
        std::push_heap(levels_.begin(), levels_.end(), later);
      }
    }
  };

  std::size_t unfrozen = comp_flows_.size();
  std::size_t cap_pos = 0;
  while (unfrozen > 0) {
    while (cap_pos < by_cap_.size() && flows_[by_cap_[cap_pos]].rate != kUnfrozen)
      ++cap_pos;
    while (!levels_.empty()) {
      const Level& top = levels_.front();
      const Resource& r = resources_[top.resource];
      if (top.version == r.version && r.unfrozen > 0) break;
      std::pop_heap(levels_.begin(), levels_.end(), later);
      levels_.pop_back();
    }
    const double cap_level = cap_pos < by_cap_.size() ? flows_[by_cap_[cap_pos]].cap : kUncapped;
    const double res_level = levels_.empty() ? kUncapped : levels_.front().level;
    if (cap_pos < by_cap_.size() && cap_level <= res_level) {
      freeze(by_cap_[cap_pos], cap_level);
      --unfrozen;
      continue;
    }
    if (levels_.empty()) break;  // unreachable: every component flow crosses a resource
    const std::uint32_t ri = levels_.front().resource;
    std::pop_heap(levels_.begin(), levels_.end(), later);
    levels_.pop_back();
    // freeze() changes counters only, never the flow list being walked.
    for (std::uint32_t fi : resources_[ri].flows) {
      if (flows_[fi].rate != kUnfrozen) continue;
      freeze(fi, res_level);
      --unfrozen;
    }
  }
}

void ReferenceFlowModel::recompute(std::span<const std::uint32_t> seed_resources) {
  const sim::Time now = sim_.now();
  collect_component(seed_resources);
  for (std::uint32_t fi : comp_flows_) {
    settle(flows_[fi], now);
    flows_[fi].previous_rate = flows_[fi].rate;
  }
  fill();

  old_allocated_.clear();
  for (std::uint32_t ri : comp_resources_) {
    Resource& r = resources_[ri];
    double sum = 0.0;
    for (std::uint32_t fi : r.flows)
      sum += flows_[fi].rate;
    old_allocated_.push_back(r.allocated);
    if (sum != r.allocated) {
      r.busy_seconds = busy_seconds(ResourceId{ri}, now);
      r.busy_updated_at = now;
      r.allocated = sum;
    }
  }
  // A flow whose rate did not change keeps its finish time (and its place in the heap).
  for (std::uint32_t fi : comp_flows_)
    if (flows_[fi].rate != flows_[fi].previous_rate || flows_[fi].heap_pos == kNone) set_finish(fi);
  reschedule();

  if (!on_utilization_change.has_observers()) return;
  for (std::size_t i = 0; i < comp_resources_.size(); ++i) {
    const std::uint32_t ri = comp_resources_[i];
    if (resources_[ri].allocated != old_allocated_[i])
      on_utilization_change.emit(ResourceId{ri}, utilization(ResourceId{ri}));
  }
}

void ReferenceFlowModel::set_finish(std::uint32_t idx) {
  Flow& f = flows_[idx];
  if (f.remaining <= 0.0) {
    f.finish = f.updated_at;
  } else if (f.rate <= 0.0) {
    f.finish = sim::Time::max();
  } else {
    const double ns = f.remaining / f.rate * 1e9;
    // Round up so the flow is really through when the event fires, but do not let a
    // floating-point hair above an exact nanosecond push it one nanosecond late.
    const double near = std::nearbyint(ns);
    const double whole = std::abs(ns - near) < 1e-3 ? near : std::ceil(ns);
    const double limit = static_cast<double>((sim::Time::max() - f.updated_at).ns());
    f.finish = whole >= limit ? sim::Time::max()
                              : f.updated_at + sim::Time::from_ns(static_cast<std::int64_t>(whole));
  }
  heap_update(idx);
}

void ReferenceFlowModel::reschedule() {
  const sim::Time target = heap_.empty() ? sim::Time::max() : flows_[heap_.front()].finish;
  if (target == pending_at_ && sim_.is_pending(pending_)) return;
  sim_.cancel(pending_);
  pending_at_ = target;
  if (target == sim::Time::max()) return;
  pending_ = sim_.schedule_at(std::max(target, sim_.now()), [this] { on_completion_event(); });
}

void ReferenceFlowModel::on_completion_event() {
  pending_at_ = sim::Time::max();
  const sim::Time now = sim_.now();
  seeds_.clear();
  done_.clear();
  while (!heap_.empty() && flows_[heap_.front()].finish <= now) {
    const std::uint32_t idx = heap_.front();
    Flow& f = flows_[idx];
    for (const PathStep& s : f.path)
      seeds_.push_back(s.resource);
    done_.push_back(std::move(f.on_done));
    f.on_done.reset();
    detach(idx);
  }
  if (!seeds_.empty()) {
    recompute(seeds_);
  } else {
    reschedule();
  }
  // Callbacks run once the model is consistent; they may start or cancel flows, which never
  // touches done_.
  for (std::size_t i = 0; i < done_.size(); ++i)
    done_[i]();
  done_.clear();
}

bool ReferenceFlowModel::heap_less(std::uint32_t a, std::uint32_t b) const {
  const sim::Time fa = flows_[a].finish, fb = flows_[b].finish;
  return fa != fb ? fa < fb : a < b;
}

void ReferenceFlowModel::heap_place(std::uint32_t pos, std::uint32_t flow) {
  heap_[pos] = flow;
  flows_[flow].heap_pos = pos;
}

void ReferenceFlowModel::heap_up(std::uint32_t pos) {
  const std::uint32_t idx = heap_[pos];
  while (pos > 0) {
    const std::uint32_t parent = (pos - 1) / 2;
    if (!heap_less(idx, heap_[parent])) break;
    heap_place(pos, heap_[parent]);
    pos = parent;
  }
  heap_place(pos, idx);
}

void ReferenceFlowModel::heap_down(std::uint32_t pos) {
  const std::uint32_t idx = heap_[pos];
  const auto n = static_cast<std::uint32_t>(heap_.size());
  while (true) {
    std::uint32_t child = 2 * pos + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_less(heap_[child + 1], heap_[child])) ++child;
    if (!heap_less(heap_[child], idx)) break;
    heap_place(pos, heap_[child]);
    pos = child;
  }
  heap_place(pos, idx);
}

void ReferenceFlowModel::heap_update(std::uint32_t idx) {
  std::uint32_t pos = flows_[idx].heap_pos;
  if (pos == kNone) {
    pos = static_cast<std::uint32_t>(heap_.size());
    heap_.push_back(idx);
    flows_[idx].heap_pos = pos;
  }
  heap_up(pos);
  heap_down(flows_[idx].heap_pos);
}

void ReferenceFlowModel::heap_remove(std::uint32_t idx) {
  const std::uint32_t pos = flows_[idx].heap_pos;
  if (pos == kNone) return;
  flows_[idx].heap_pos = kNone;
  const std::uint32_t last = heap_.back();
  heap_.pop_back();
  if (last == idx) return;
  heap_[pos] = last;
  flows_[last].heap_pos = pos;
  heap_up(pos);
  heap_down(flows_[last].heap_pos);
}

}  // namespace vmcsim::models::reference
