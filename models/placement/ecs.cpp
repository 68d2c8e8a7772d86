// ECS placement strategies chained as ECS chains them: each strategy keeps only the candidates
// tied for its best value, the next one breaks the tie. Source: Amazon ECS API reference,
// PlacementStrategy; developer guide "Amazon ECS task placement strategies".
#include <algorithm>
#include <limits>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "models/placement/detail/policies.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::models::placement::detail {

namespace {

struct Strategy {
  enum class Type { binpack, spread, random } type;
  Dimension dimension = Dimension::memory;
  std::string field;
};

// ECS allows at most five strategies per service or task.
constexpr std::size_t kMaxStrategies = 5;

Strategy parse_strategy(const std::string& text, std::string_view spec) {
  const auto open = text.find('(');
  const std::string type = text.substr(0, open);
  std::string arg;
  if (open != std::string::npos) {
    if (text.back() != ')')
      throw sim::ParseError(fmt::format("placement '{}': strategy '{}' lacks ')'", spec, text));
    arg = text.substr(open + 1, text.size() - open - 2);
  }
  if (type == "binpack") {
    if (arg != "cpu" && arg != "memory")
      throw sim::ParseError(fmt::format(
          "placement '{}': binpack needs cpu or memory, as in binpack(memory); got '{}'", spec,
          text));
    return {Strategy::Type::binpack, parse_dimension(arg), {}};
  }
  if (type == "spread") {
    if (arg != "instanceId" && arg != "host" && !arg.starts_with("attribute:"))
      throw sim::ParseError(
          fmt::format("placement '{}': spread needs instanceId, host or attribute:NAME, as in "
                      "spread(attribute:ecs.availability-zone); got '{}'",
                      spec, text));
    return {Strategy::Type::spread, Dimension::memory, arg};
  }
  if (type == "random" && arg.empty()) return {Strategy::Type::random, Dimension::memory, {}};
  throw sim::ParseError(
      fmt::format("placement '{}': unknown ECS strategy '{}': expected binpack(cpu|memory), "
                  "spread(instanceId|host|attribute:NAME) or random",
                  spec, text));
}

// Tracked (PlacementPolicy::track), a chain that starts with binpack(R) finds the feasible
// nodes tied for the least R left through OrderedNodes keyed by free R: from the first node
// whose free R holds the demand, the first feasible one has the least, and its ties follow it
// in index order. The rest of the chain then runs on those candidates as usual.
class EcsPolicy : public PlacementPolicy {
 public:
  EcsPolicy(std::vector<Strategy> chain, std::string spec)
      : chain_{std::move(chain)}, spec_{std::move(spec)} {}
  std::string_view name() const override { return spec_; }

  std::optional<NodeIndex> choose(const PlacementRequest& request, std::span<const NodeView> nodes,
                                  sim::RandomStream& stream) override {
    std::size_t first = 0;  // the first strategy still to apply
    std::vector<NodeIndex> candidates;
    const DomainCounts domains = tracking_.domains(request, nodes);
    if (binpack_ && tracking_.covers(nodes)) {
      candidates = least_left(request, nodes, domains);
      first = 1;
    } else {
      candidates = feasible_nodes(request, nodes, domains);
    }
    for (std::size_t k = first; k < chain_.size(); ++k) {
      const Strategy& s = chain_[k];
      if (candidates.size() <= 1) break;
      if (s.type == Strategy::Type::random) {
        candidates = {candidates[stream.below(candidates.size())]};
        break;
      }
      // Spread: tasks of this service per field value, counted once over all nodes (a node
      // without the field counts under "absent").
      std::map<std::optional<std::string_view>, int> per_value;
      if (s.type == Strategy::Type::spread) {
        for (const NodeView& n : nodes)
          per_value[n.attribute(s.field)] += n.tasks_of(request.service);
      }
      std::vector<double> key(candidates.size());
      for (std::size_t k = 0; k < candidates.size(); ++k) {
        const NodeView& n = nodes[candidates[k]];
        key[k] = s.type == Strategy::Type::binpack
                     ? n.free().amount(s.dimension) - request.demand.amount(s.dimension)
                     : static_cast<double>(per_value[n.attribute(s.field)]);
      }
      const double best = *std::min_element(key.begin(), key.end());
      std::vector<NodeIndex> kept;
      for (std::size_t k = 0; k < candidates.size(); ++k) {
        if (key[k] == best) kept.push_back(candidates[k]);
      }
      candidates = std::move(kept);
    }
    if (candidates.empty()) return std::nullopt;
    return candidates.front();
  }
  void track(std::span<const NodeView> nodes) override {
    if (chain_.front().type != Strategy::Type::binpack) return;
    const Dimension d = chain_.front().dimension;
    binpack_.emplace([d](const NodeView& n) { return n.free().amount(d); }, false);
    binpack_->assign(nodes);
    tracking_.track(nodes);
  }
  void node_changed(std::span<const NodeView> nodes, NodeIndex i) override {
    tracking_.node_changed(nodes, i);
    if (binpack_ && tracking_.covers(nodes)) binpack_->update(i, nodes[i]);
  }

 private:
  // The feasible nodes with the least of the first binpack's resource left, in index order.
  std::vector<NodeIndex> least_left(const PlacementRequest& request,
                                    std::span<const NodeView> nodes,
                                    const DomainCounts& domains) const {
    std::vector<NodeIndex> tied;
    if (binpack_->groups().empty()) return tied;
    const auto& order = binpack_->groups().front().order;
    double least = 0.0;
    for (auto it = order.lower_bound({request.demand.amount(chain_.front().dimension), 0});
         it != order.end(); ++it) {
      const auto [free, i] = *it;
      if (!tied.empty() && free != least) break;
      if (!feasible(request, nodes[i], domains)) continue;
      least = free;
      tied.push_back(i);
    }
    return tied;
  }

  std::vector<Strategy> chain_;
  std::string spec_;
  Tracking tracking_;
  std::optional<OrderedNodes> binpack_;  // keyed by free R of a leading binpack(R), one group
};

}  // namespace

std::unique_ptr<PlacementPolicy> make_ecs(std::span<const std::string> strategies,
                                          std::string_view spec) {
  if (strategies.empty() || (strategies.size() == 1 && strategies[0].empty()))
    throw sim::ParseError(fmt::format("placement '{}': no ECS strategy given", spec));
  if (strategies.size() > kMaxStrategies)
    throw sim::ParseError(fmt::format("placement '{}': {} strategies, ECS allows at most {}", spec,
                                      strategies.size(), kMaxStrategies));
  std::vector<Strategy> chain;
  for (const std::string& s : strategies)
    chain.push_back(parse_strategy(s, spec));
  return std::make_unique<EcsPolicy>(std::move(chain), std::string(spec));
}

}  // namespace vmcsim::models::placement::detail
