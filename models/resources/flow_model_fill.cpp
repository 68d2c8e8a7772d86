// FlowModel, part two: progressive filling (max-min over a collected component) and the
// shortcuts that give its very doubles more cheaply. flow_model.cpp has the classes, the
// flows, recompute and the completion events.
#include <algorithm>
#include <cmath>
#include <limits>

#include "models/resources/flow_model.hpp"

namespace vmcsim::models {

namespace {
// Unfrozen classes carry a negative rate while progressive filling runs.
constexpr double kUnfrozen = -1.0;

// Orders progressive filling's level heap (a min-heap by level, then resource).
constexpr auto later = [](const auto& a, const auto& b) {
  return a.level != b.level ? a.level > b.level : a.resource > b.resource;
};

// Shortcuts of FlowModel::fill that give the general loop's doubles in cheaper ways (templates:
// the class and resource types are FlowModel's private ones).

// One class (a disk's transfers, a replica's requests on an idle node): its flows all cross
// every resource of the component, so filling ends at the lowest capacity / n or at the cap,
// whichever comes first.
template <class Classes, class Resources>
bool one_class_fill(Classes& classes, const Resources& resources,
                    const std::vector<std::uint32_t>& comp_classes) {
  if (comp_classes.size() != 1) return false;
  auto& k = classes[comp_classes.front()];
  const auto n = static_cast<double>(k.members.size());
  double level = std::numeric_limits<double>::infinity();
  for (const auto& s : k.path)
    level = std::min(level, resources[s.resource].capacity / n);
  k.rate = k.cap <= level ? k.cap : level;
  return true;
}

// Every class capped, and the caps fit every resource with room to spare: filling freezes each
// class at its cap and no resource saturates. The margin keeps rounding out of it: within it
// the general loop's levels stay above every cap it reaches, so both give the same doubles.
// A resource crossed by one class only (a replica's CPU limit, whose capacity is often exactly
// its requests' cap) needs no margin: its level in the loop is capacity / flows until that class
// freezes, it changes no other resource's level, and a cap equal to the lowest level freezes by
// its cap first (ties go to caps), so the loop freezes the class at its cap iff cap <= that level.
template <class Classes, class Resources>
bool all_at_caps(Classes& classes, Resources& resources,
                 const std::vector<std::uint32_t>& comp_classes,
                 const std::vector<std::uint32_t>& comp_resources) {
  for (std::uint32_t ri : comp_resources)
    resources[ri].spare = 0.0;  // here: the sum of the caps crossing it
  for (std::uint32_t c : comp_classes) {
    const auto& k = classes[c];
    if (std::isinf(k.cap)) return false;
    const double demand = k.cap * static_cast<double>(k.members.size());
    for (const auto& s : k.path)
      resources[s.resource].spare += demand;
  }
  for (std::uint32_t ri : comp_resources) {
    const auto& r = resources[ri];
    if (r.classes.size() == 1) {
      if (!(classes[r.classes.front()].cap <= r.capacity / r.flow_count)) return false;
    } else if (!(r.spare <= r.capacity * (1.0 - 1e-9))) {
      return false;
    }
  }
  for (std::uint32_t c : comp_classes)
    classes[c].rate = classes[c].cap;
  return true;
}

// Chooses among the shortcuts with one pass over the classes and one over the resources (the
// three cheap tests share them); all_at_caps, which needs per-resource sums, runs last. Each
// gives the loop's doubles, so their order does not matter: all_at_caps and the single
// bottleneck exclude each other (the first needs every cap <= the lowest level, the second a
// level below every cap), and equal caps that fit give what all_at_caps would.
template <class Classes, class Resources>
bool shortcut_fill(Classes& classes, Resources& resources,
                   const std::vector<std::uint32_t>& comp_classes,
                   const std::vector<std::uint32_t>& comp_resources) {
  if (comp_classes.empty()) return true;  // the last class left: nothing to fill
  if (one_class_fill(classes, resources, comp_classes)) return true;
  const double first_cap = classes[comp_classes.front()].cap;
  bool equal = true;
  double min_cap = std::numeric_limits<double>::infinity();
  for (std::uint32_t k : comp_classes) {
    const double cap = classes[k].cap;
    equal = equal && cap == first_cap;
    min_cap = std::min(min_cap, cap);
  }
  std::uint32_t best = UINT32_MAX;
  double level = std::numeric_limits<double>::infinity();
  double second = std::numeric_limits<double>::infinity();
  for (std::uint32_t ri : comp_resources) {
    const auto& r = resources[ri];
    if (r.flow_count == 0) continue;
    const double l = r.capacity / r.flow_count;
    if (l < level) {
      second = level;
      level = l;
      best = ri;
    } else if (l < second) {
      second = l;
    }
  }
  // Every class capped at the same c, and no resource's first level (capacity / flows) below c:
  // the loop then freezes every class at c. Its next cap is always c, and a resource's level
  // never falls below the rate last frozen on it (the max() in freeze), so c <= every level at
  // every step and ties go to caps. Covers a node whose busy replicas' one-core caps exactly
  // fill its cores, which the margin of all_at_caps excludes.
  if (equal && !std::isinf(first_cap) && first_cap <= level) {
    for (std::uint32_t k : comp_classes)
      classes[k].rate = first_cap;
    return true;
  }
  // One resource crossed by every class whose first level is strictly below every cap and
  // every other resource's first level (a saturated node CPU under its replicas' limits): it
  // is the loop's first event, and it freezes every class at that level. Strictness keeps
  // ties, which the loop breaks by cap or by resource index, out of it.
  if (best != UINT32_MAX && level < second &&
      resources[best].classes.size() == comp_classes.size() && level < min_cap) {
    for (std::uint32_t k : comp_classes)
      classes[k].rate = level;
    return true;
  }
  return all_at_caps(classes, resources, comp_classes, comp_resources);
}
}  // namespace

void FlowModel::collect_component(std::span<const std::uint32_t> seed_resources) {
  if (++epoch_ == 0) {  // wrapped: old marks could alias the new epoch
    for (Resource& r : resources_)
      r.mark = 0;
    for (FlowClass& k : classes_)
      k.mark = 0;
    epoch_ = 1;
  }
  comp_resources_.clear();
  comp_classes_.clear();
  for (std::uint32_t r : seed_resources) {
    if (resources_[r].mark == epoch_) continue;
    resources_[r].mark = epoch_;
    comp_resources_.push_back(r);
  }
  // Breadth-first over resource -> classes crossing it -> their other resources.
  for (std::size_t i = 0; i < comp_resources_.size(); ++i) {
    for (std::uint32_t c : resources_[comp_resources_[i]].classes) {
      FlowClass& k = classes_[c];
      if (k.mark == epoch_) continue;
      k.mark = epoch_;
      comp_classes_.push_back(c);
      for (const PathStep& s : k.path) {
        Resource& r = resources_[s.resource];
        if (r.mark == epoch_) continue;
        r.mark = epoch_;
        comp_resources_.push_back(s.resource);
      }
    }
  }
}

// Freezes a class's flows at `rate`. A class of n flows takes n rates off each resource it
// crosses; a small class subtracts them one by one, as the oracle does flow by flow, so its
// levels are bit for bit the oracle's.
void FlowModel::freeze(std::uint32_t c, double rate) {
  FlowClass& k = classes_[c];
  k.rate = rate;
  const auto n = static_cast<std::uint32_t>(k.members.size());
  for (const PathStep& s : k.path) {
    Resource& r = resources_[s.resource];
    if (n <= kExactClassSize) {
      for (std::uint32_t i = 0; i < n; ++i)
        r.spare = std::max(0.0, r.spare - rate);
    } else {
      r.spare = std::max(0.0, r.spare - rate * n);
    }
    r.unfrozen -= n;
    ++r.version;
    if (r.unfrozen > 0) {
      // Levels never go down as filling proceeds; max() keeps rounding from breaking that.
      levels_.push_back(Level{std::max(rate, r.spare / r.unfrozen), s.resource, r.version});
      std::push_heap(levels_.begin(), levels_.end(), later);
    }
  }
}

// Progressive filling over the collected component: all unfrozen flows rise together; a class
// freezes at its cap, or when a resource it crosses runs out of spare capacity.
void FlowModel::fill() {
  if (fill_shortcuts_ && shortcut_fill(classes_, resources_, comp_classes_, comp_resources_))
    return;
  // Min-heap of resources by the level at which they saturate; stale entries are skipped.
  levels_.clear();
  for (std::uint32_t ri : comp_resources_) {
    Resource& r = resources_[ri];
    r.spare = r.capacity;
    r.unfrozen = r.flow_count;
    ++r.version;
    if (r.unfrozen > 0) levels_.push_back(Level{r.spare / r.unfrozen, ri, r.version});
  }
  std::make_heap(levels_.begin(), levels_.end(), later);

  by_cap_.clear();
  for (std::uint32_t c : comp_classes_) {
    classes_[c].rate = kUnfrozen;
    if (!std::isinf(classes_[c].cap)) by_cap_.push_back(c);
  }
  std::sort(by_cap_.begin(), by_cap_.end(), [&](std::uint32_t a, std::uint32_t b) {
    return classes_[a].cap != classes_[b].cap ? classes_[a].cap < classes_[b].cap : a < b;
  });

  std::size_t unfrozen = comp_classes_.size();
  std::size_t cap_pos = 0;
  while (unfrozen > 0) {
    while (cap_pos < by_cap_.size() && classes_[by_cap_[cap_pos]].rate != kUnfrozen)
      ++cap_pos;
    while (!levels_.empty()) {
      const Level& top = levels_.front();
      const Resource& r = resources_[top.resource];
      if (top.version == r.version && r.unfrozen > 0) break;
      std::pop_heap(levels_.begin(), levels_.end(), later);
      levels_.pop_back();
    }
    const double cap_level = cap_pos < by_cap_.size() ? classes_[by_cap_[cap_pos]].cap : kUncapped;
    const double res_level = levels_.empty() ? kUncapped : levels_.front().level;
    if (cap_pos < by_cap_.size() && cap_level <= res_level) {
      freeze(by_cap_[cap_pos], cap_level);
      --unfrozen;
      continue;
    }
    if (levels_.empty()) break;  // unreachable: every component class crosses a resource
    const std::uint32_t ri = levels_.front().resource;
    std::pop_heap(levels_.begin(), levels_.end(), later);
    levels_.pop_back();
    // freeze() changes counters only, never the class list being walked.
    for (std::uint32_t c : resources_[ri].classes) {
      if (classes_[c].rate != kUnfrozen) continue;
      freeze(c, res_level);
      --unfrozen;
    }
  }
}

}  // namespace vmcsim::models
