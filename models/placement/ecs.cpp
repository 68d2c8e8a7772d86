// ECS placement strategies chained as ECS chains them: each strategy keeps only the candidates
// tied for its best value, the next one breaks the tie. Source: Amazon ECS API reference,
// PlacementStrategy; developer guide "Amazon ECS task placement strategies".
#include <algorithm>
#include <limits>
#include <map>

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

class EcsPolicy : public PlacementPolicy {
 public:
  EcsPolicy(std::vector<Strategy> chain, std::string spec)
      : chain_{std::move(chain)}, spec_{std::move(spec)} {}
  std::string_view name() const override { return spec_; }

  std::optional<NodeIndex> choose(const PlacementRequest& request, std::span<const NodeView> nodes,
                                  sim::RandomStream& stream) override {
    std::vector<NodeIndex> candidates = feasible_nodes(request, nodes);
    for (const Strategy& s : chain_) {
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

 private:
  std::vector<Strategy> chain_;
  std::string spec_;
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
