#pragma once
// Indexes over a vector of NodeViews that let placement policies skip nodes that cannot win,
// so a decision at 10,000 nodes costs O(log n) plus the nodes actually examined instead of a
// scan. They are kept up to date by the caller (update(i) after node i changed), never rebuilt
// per decision. Both are *filters of candidates*: a policy still checks feasible() and computes
// its own score on every node an index hands it, so the choice equals the full scan's.
//
//   FitTree       a segment tree over node order holding, per subtree, the largest free amount
//                 of every dimension and the most task slots left. first_fit(demand, from)
//                 descends left first into subtrees whose maxima could hold the demand: the
//                 lowest index >= from whose free() holds `demand` in every dimension and that
//                 has a task slot. (Each dimension's max may come from a different node, so a
//                 subtree can pass the test and hold no fit: the descent backtracks; typically
//                 O(log n), O(n) in the worst case.)
//   OrderedNodes  nodes grouped by their allocatable vector ("shape"; or all in one group),
//                 each group ordered by a double key the policy defines (key, then index).
//                 Policies walk a group from a lower bound and stop at a bound of their own.
//
// Invariants: size() equals the size of the span last given to assign(); the stored state of
// node i is what node i looked like at its last assign()/update().
#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <utility>
#include <vector>

#include "models/placement/node_view.hpp"

namespace vmcsim::models::placement {

class FitTree {
 public:
  void assign(std::span<const NodeView> nodes);
  void update(NodeIndex i, const NodeView& node);
  std::size_t size() const { return size_; }
  // The lowest index i in [from, size()) whose free() holds `demand` in every dimension and
  // with tasks < max_tasks; nullopt when there is none. Constraints are not looked at.
  std::optional<NodeIndex> first_fit(const ResourceVector& demand, NodeIndex from) const;

 private:
  // Free amount per dimension (ResourceVector::amount) and task slots left.
  using Room = std::array<double, kDimensions + 1>;
  static Room room_of(const NodeView& node);
  std::optional<NodeIndex> descend(std::size_t node, std::size_t lo, std::size_t hi,
                                   const Room& need, NodeIndex from) const;

  std::size_t size_ = 0;
  std::size_t leaves_ = 0;  // a power of two >= size_
  std::vector<Room> max_;   // heap layout: 1 is the root, leaves at [leaves_, 2 * leaves_)
};

class OrderedNodes {
 public:
  // The key of a node; must depend only on the node's own view.
  using Key = std::function<double(const NodeView&)>;
  // by_shape = false: one group for all nodes (its allocatable is left zero).
  explicit OrderedNodes(Key key, bool by_shape = true)
      : key_{std::move(key)}, by_shape_{by_shape} {}

  void assign(std::span<const NodeView> nodes);
  void update(NodeIndex i, const NodeView& node);
  std::size_t size() const { return entries_.size(); }

  using Order = std::set<std::pair<double, NodeIndex>>;
  struct Group {
    ResourceVector allocatable;  // of every node in the group
    Order order;                 // (key, index), ascending
  };
  // Groups in order of their first node (deterministic: no pointer or hash order).
  const std::vector<Group>& groups() const { return groups_; }

 private:
  struct Entry {
    std::size_t group = 0;
    double key = 0.0;
  };
  std::size_t group_of(const ResourceVector& allocatable);

  Key key_;
  bool by_shape_;
  std::vector<Group> groups_;
  std::map<std::array<double, kDimensions>, std::size_t> group_by_shape_;
  std::vector<Entry> entries_;
};

}  // namespace vmcsim::models::placement
