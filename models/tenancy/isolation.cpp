#include "models/tenancy/isolation.hpp"

#include <algorithm>
#include <array>

namespace vmcsim::models::tenancy {

namespace {
constexpr std::array<std::pair<Share, std::string_view>, 4> kNames{{
    {Share::kernel, "kernel"},
    {Share::vm_node, "vm-node"},
    {Share::host, "host"},
    {Share::nothing, "nothing"},
}};
}  // namespace

std::string_view to_string(Share share) {
  for (const auto& [s, name] : kNames)
    if (s == share) return name;
  return "?";
}

std::optional<Share> parse_share(std::string_view text) {
  for (const auto& [s, name] : kNames)
    if (name == text) return s;
  return std::nullopt;
}

const std::vector<std::string>& share_names() {
  static const std::vector<std::string> names{"kernel", "vm-node", "host", "nothing"};
  return names;
}

std::string_view sharing_phrase(Share level) {
  switch (level) {
    case Share::kernel:
      return "share a kernel";
    case Share::vm_node:
      return "share a VM node";
    case Share::host:
    case Share::nothing:
      return "share a host";
  }
  return "share";
}

void IsolationPolicy::set_pair(const std::string& a, const std::string& b, Share share) {
  pair_[std::minmax(a, b)] = share;
}

Share IsolationPolicy::allowed(std::string_view a, std::string_view b) const {
  if (a.empty() || b.empty() || a == b) return Share::kernel;
  const auto key =
      a < b ? std::pair{std::string(a), std::string(b)} : std::pair{std::string(b), std::string(a)};
  if (const auto it = pair_.find(key); it != pair_.end()) return it->second;
  Share s = default_;
  for (const std::string_view t : {a, b})
    if (const auto it = tenant_.find(t); it != tenant_.end()) s = std::min(s, it->second);
  return s;
}

bool IsolationPolicy::unrestricted() const {
  if (default_ != Share::kernel) return false;
  for (const auto& [t, s] : tenant_)
    if (s != Share::kernel) return false;
  for (const auto& [p, s] : pair_)
    if (s != Share::kernel) return false;
  return true;
}

Share IsolationPolicy::strictest_for(std::string_view tenant) const {
  Share s = default_;
  if (const auto it = tenant_.find(tenant); it != tenant_.end()) s = std::min(s, it->second);
  // Other tenants' own rules bind this one too (the stricter of the two applies).
  for (const auto& [t, level] : tenant_)
    if (t != tenant) s = std::min(s, level);
  for (const auto& [p, level] : pair_)
    if (p.first == tenant || p.second == tenant) s = std::min(s, level);
  return s;
}

}  // namespace vmcsim::models::tenancy
