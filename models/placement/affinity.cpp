#include "models/placement/affinity.hpp"

#include <algorithm>
#include <array>

namespace vmcsim::models::placement {

Labels node_attributes(std::string_view hostname,
                       const std::map<std::string, std::string>& host_labels) {
  Labels out(host_labels.begin(), host_labels.end());
  out.insert_or_assign(std::string(kHostnameKey), std::string(hostname));
  // Each host label and the well-known keys that name the same thing.
  const auto alias = [&](std::string_view label, std::initializer_list<std::string_view> keys) {
    const auto it = host_labels.find(std::string(label));
    if (it == host_labels.end()) return;
    for (const std::string_view key : keys)
      out.insert_or_assign(std::string(key), it->second);
  };
  alias("zone", {kZoneKey, kEcsZoneKey});
  alias("rack", {kRackKey});
  alias("instance_type", {kInstanceTypeKey, kEcsInstanceTypeKey});
  return out;
}

const std::vector<std::string>& topology_keys() {
  static const std::vector<std::string> keys{
      "hostname",
      "zone",
      "rack",
      std::string(kHostnameKey),
      std::string(kZoneKey),
      std::string(kRackKey),
      std::string(kInstanceTypeKey),
      std::string(kEcsZoneKey),
      std::string(kEcsInstanceTypeKey),
      "failure-domain.beta.kubernetes.io/zone",
  };
  return keys;
}

std::optional<std::string> topology_key(std::string_view name) {
  if (name == "hostname") return std::string(kHostnameKey);
  // The deprecated beta zone label names the same domains.
  if (name == "zone" || name == "failure-domain.beta.kubernetes.io/zone")
    return std::string(kZoneKey);
  if (name == "rack") return std::string(kRackKey);
  const auto& known = topology_keys();
  if (std::find(known.begin(), known.end(), name) != known.end()) return std::string(name);
  return std::nullopt;
}

namespace {
constexpr std::array<std::pair<LabelRequirement::Op, std::string_view>, 4> kOperators{{
    {LabelRequirement::Op::in, "In"},
    {LabelRequirement::Op::not_in, "NotIn"},
    {LabelRequirement::Op::exists, "Exists"},
    {LabelRequirement::Op::does_not_exist, "DoesNotExist"},
}};
}  // namespace

std::string_view to_string(LabelRequirement::Op op) {
  for (const auto& [o, name] : kOperators)
    if (o == op) return name;
  return "?";
}

std::optional<LabelRequirement::Op> parse_label_operator(std::string_view text) {
  for (const auto& [o, name] : kOperators)
    if (name == text) return o;
  return std::nullopt;
}

bool LabelSelector::matches(const Labels& labels) const {
  for (const auto& [key, value] : match_labels) {
    const auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  for (const LabelRequirement& r : match_expressions) {
    const auto it = labels.find(r.key);
    const bool present = it != labels.end();
    const bool listed =
        present && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    switch (r.op) {
      case LabelRequirement::Op::in:
        if (!listed) return false;
        break;
      case LabelRequirement::Op::not_in:
        if (listed) return false;
        break;
      case LabelRequirement::Op::exists:
        if (!present) return false;
        break;
      case LabelRequirement::Op::does_not_exist:
        if (present) return false;
        break;
    }
  }
  return true;
}

}  // namespace vmcsim::models::placement
