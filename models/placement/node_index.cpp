#include "models/placement/node_index.hpp"

#include <algorithm>
#include <limits>

namespace vmcsim::models::placement {

FitTree::Room FitTree::room_of(const NodeView& node) {
  Room r{};
  const ResourceVector free = node.free();
  for (std::size_t d = 0; d < kDimensions; ++d)
    r[d] = free.amount(kAllDimensions[d]);
  r[kDimensions] = static_cast<double>(node.max_tasks - node.tasks);
  return r;
}

void FitTree::assign(std::span<const NodeView> nodes) {
  size_ = nodes.size();
  leaves_ = 1;
  while (leaves_ < size_)
    leaves_ *= 2;
  Room empty;
  empty.fill(-std::numeric_limits<double>::infinity());
  max_.assign(2 * leaves_, empty);
  for (std::size_t i = 0; i < size_; ++i)
    max_[leaves_ + i] = room_of(nodes[i]);
  for (std::size_t k = leaves_ - 1; k >= 1; --k)
    for (std::size_t d = 0; d < max_[k].size(); ++d)
      max_[k][d] = std::max(max_[2 * k][d], max_[2 * k + 1][d]);
}

void FitTree::update(NodeIndex i, const NodeView& node) {
  std::size_t k = leaves_ + i;
  max_[k] = room_of(node);
  for (k /= 2; k >= 1; k /= 2) {
    Room m;
    for (std::size_t d = 0; d < m.size(); ++d)
      m[d] = std::max(max_[2 * k][d], max_[2 * k + 1][d]);
    if (m == max_[k]) break;  // nothing above changes either
    max_[k] = m;
  }
}

std::optional<NodeIndex> FitTree::first_fit(const ResourceVector& demand, NodeIndex from) const {
  if (from >= size_) return std::nullopt;
  Room need{};
  for (std::size_t d = 0; d < kDimensions; ++d)
    need[d] = demand.amount(kAllDimensions[d]);
  need[kDimensions] = 1.0;  // one task slot
  return descend(1, 0, leaves_, need, from);
}

std::optional<NodeIndex> FitTree::descend(std::size_t k, std::size_t lo, std::size_t hi,
                                          const Room& need, NodeIndex from) const {
  if (hi <= from) return std::nullopt;
  const Room& m = max_[k];
  for (std::size_t d = 0; d < need.size(); ++d)
    if (m[d] < need[d]) return std::nullopt;
  if (k >= leaves_) return lo;
  const std::size_t mid = lo + (hi - lo) / 2;
  if (auto left = descend(2 * k, lo, mid, need, from)) return left;
  return descend(2 * k + 1, mid, hi, need, from);
}

std::size_t OrderedNodes::group_of(const ResourceVector& allocatable) {
  std::array<double, kDimensions> shape{};
  if (!by_shape_) {
    if (groups_.empty()) groups_.push_back({{}, {}});
    return 0;
  }
  for (std::size_t d = 0; d < kDimensions; ++d)
    shape[d] = allocatable.amount(kAllDimensions[d]);
  const auto [it, added] = group_by_shape_.try_emplace(shape, groups_.size());
  if (added) groups_.push_back({allocatable, {}});
  return it->second;
}

void OrderedNodes::assign(std::span<const NodeView> nodes) {
  groups_.clear();
  group_by_shape_.clear();
  entries_.assign(nodes.size(), {});
  for (NodeIndex i = 0; i < nodes.size(); ++i) {
    Entry& e = entries_[i];
    e.group = group_of(nodes[i].allocatable());
    e.key = key_(nodes[i]);
    groups_[e.group].order.emplace(e.key, i);
  }
}

void OrderedNodes::update(NodeIndex i, const NodeView& node) {
  Entry& e = entries_[i];
  const std::size_t group = group_of(node.allocatable());
  const double key = key_(node);
  if (group == e.group && key == e.key) return;
  groups_[e.group].order.erase({e.key, i});
  e = {group, key};
  groups_[group].order.emplace(key, i);
}

}  // namespace vmcsim::models::placement
