#include "models/placement/node_affinity.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace vmcsim::models::placement {

bool Toleration::tolerates(const Taint& taint) const {
  if (effect && *effect != taint.effect) return false;
  if (!key.empty() && key != taint.key) return false;
  return op == Op::exists || value == taint.value;
}

namespace {
constexpr std::array<std::pair<Taint::Effect, std::string_view>, 3> kEffects{{
    {Taint::Effect::no_schedule, "NoSchedule"},
    {Taint::Effect::prefer_no_schedule, "PreferNoSchedule"},
    {Taint::Effect::no_execute, "NoExecute"},
}};
constexpr std::array<std::pair<NodeSelectorRequirement::Op, std::string_view>, 6> kOps{{
    {NodeSelectorRequirement::Op::in, "In"},
    {NodeSelectorRequirement::Op::not_in, "NotIn"},
    {NodeSelectorRequirement::Op::exists, "Exists"},
    {NodeSelectorRequirement::Op::does_not_exist, "DoesNotExist"},
    {NodeSelectorRequirement::Op::gt, "Gt"},
    {NodeSelectorRequirement::Op::lt, "Lt"},
}};

bool tolerated(const Taint& taint, const std::vector<Toleration>& tolerations) {
  return std::any_of(tolerations.begin(), tolerations.end(),
                     [&](const Toleration& t) { return t.tolerates(taint); });
}

std::optional<std::int64_t> as_integer(std::string_view text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}
}  // namespace

std::string_view to_string(Taint::Effect effect) {
  for (const auto& [e, name] : kEffects)
    if (e == effect) return name;
  return "?";
}

std::optional<Taint::Effect> parse_taint_effect(std::string_view text) {
  for (const auto& [e, name] : kEffects)
    if (name == text) return e;
  return std::nullopt;
}

const Taint* untolerated_taint(const std::vector<Taint>& taints,
                               const std::vector<Toleration>& tolerations) {
  for (const Taint& t : taints) {
    if (t.effect == Taint::Effect::prefer_no_schedule) continue;
    if (!tolerated(t, tolerations)) return &t;
  }
  return nullptr;
}

int intolerable_prefer_no_schedule(const std::vector<Taint>& taints,
                                   const std::vector<Toleration>& tolerations) {
  int n = 0;
  for (const Taint& t : taints)
    if (t.effect == Taint::Effect::prefer_no_schedule && !tolerated(t, tolerations)) ++n;
  return n;
}

std::string_view to_string(NodeSelectorRequirement::Op op) {
  for (const auto& [o, name] : kOps)
    if (o == op) return name;
  return "?";
}

std::optional<NodeSelectorRequirement::Op> parse_node_selector_operator(std::string_view text) {
  for (const auto& [o, name] : kOps)
    if (name == text) return o;
  return std::nullopt;
}

bool NodeSelectorRequirement::matches(const Labels& labels) const {
  const auto it = labels.find(key);
  const bool present = it != labels.end();
  const auto listed = [&] {
    return present && std::find(values.begin(), values.end(), it->second) != values.end();
  };
  switch (op) {
    case Op::in:
      return listed();
    case Op::not_in:
      return !listed();
    case Op::exists:
      return present;
    case Op::does_not_exist:
      return !present;
    case Op::gt:
    case Op::lt: {
      if (!present || values.size() != 1) return false;
      const auto label = as_integer(it->second);
      const auto bound = as_integer(values.front());
      if (!label || !bound) return false;
      return op == Op::gt ? *label > *bound : *label < *bound;
    }
  }
  return false;
}

bool NodeSelectorTerm::matches(const Labels& labels) const {
  if (match_expressions.empty()) return false;
  return std::all_of(match_expressions.begin(), match_expressions.end(),
                     [&](const NodeSelectorRequirement& r) { return r.matches(labels); });
}

bool NodeAffinity::required_matches(const Labels& labels) const {
  for (const auto& [key, value] : node_selector) {
    const auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  if (required.empty()) return true;
  return std::any_of(required.begin(), required.end(),
                     [&](const NodeSelectorTerm& t) { return t.matches(labels); });
}

std::int64_t NodeAffinity::preferred_weight(const Labels& labels) const {
  std::int64_t sum = 0;
  for (const PreferredSchedulingTerm& p : preferred)
    if (p.preference.matches(labels)) sum += p.weight;
  return sum;
}

void default_normalize_score(std::vector<std::int64_t>& scores, bool reverse) {
  constexpr std::int64_t kMax = 100;
  std::int64_t max = 0;
  for (const std::int64_t s : scores)
    max = std::max(max, s);
  for (std::int64_t& s : scores) {
    if (max == 0) {
      s = reverse ? kMax : 0;
      continue;
    }
    s = kMax * s / max;
    if (reverse) s = kMax - s;
  }
}

}  // namespace vmcsim::models::placement
