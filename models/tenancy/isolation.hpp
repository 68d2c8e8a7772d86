#pragma once
// Tenants and the isolation policy: what two tenants' instances may share.
//
// Levels, from most to least shared (Share is ordered that way, so "allows at least" is >=):
//   kernel   plain containers (runc) of both on one node share its kernel;
//   vm_node  both on one VM node, but not in one kernel (at least one in a sandbox);
//   host     both on one physical host, but not on one VM node (separate VMs, VM nodes, or
//            sandboxes on a bare-metal host);
//   nothing  no common host (dedicated hosts, as EC2 Dedicated Hosts).
// A sandboxed runtime (gVisor, Kata, Firecracker) and a VM run their own kernel: two instances
// share a kernel only when both are plain containers on the same node.
//
// Rules: a tenant may say the most it shares with any other tenant (`set_tenant`), a pair may
// say what the two share (`set_pair`, symmetric); a pair rule wins over the tenants' own rules
// (it is the explicit statement about those two), otherwise the stricter of the two tenants'
// rules and the default applies. Instances of one tenant always share everything, and an
// instance without a tenant (empty name: a shared node VM, a system pod) neither counts nor is
// checked. The default between tenants without rules is `kernel` (no isolation), as in a
// cluster that has none.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vmcsim::models::tenancy {

enum class Share { nothing = 0, host = 1, vm_node = 2, kernel = 3 };

// "kernel", "vm-node", "host", "nothing" (and back; nullopt for anything else).
std::string_view to_string(Share share);
std::optional<Share> parse_share(std::string_view text);
// Every spelling parse_share() accepts, for error messages.
const std::vector<std::string>& share_names();
// What breaking a level means, for messages: "share a kernel", "share a VM node", "share a host".
std::string_view sharing_phrase(Share level);

class IsolationPolicy {
 public:
  void set_default(Share share) { default_ = share; }
  void set_tenant(std::string tenant, Share share) { tenant_[std::move(tenant)] = share; }
  void set_pair(const std::string& a, const std::string& b, Share share);

  // The most tenants a and b may share (kernel when a == b or either is empty).
  Share allowed(std::string_view a, std::string_view b) const;
  // True when no rule restricts anything (every pair may share a kernel).
  bool unrestricted() const;
  // The most restrictive level any rule gives `tenant` against another tenant: when it is
  // kernel, nothing `tenant` does is ever refused.
  Share strictest_for(std::string_view tenant) const;

 private:
  Share default_ = Share::kernel;
  std::map<std::string, Share, std::less<>> tenant_;
  std::map<std::pair<std::string, std::string>, Share, std::less<>> pair_;  // (min, max) name
};

}  // namespace vmcsim::models::tenancy
