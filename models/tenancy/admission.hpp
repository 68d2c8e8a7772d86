#pragma once
// Namespaces with ResourceQuota and LimitRange, and pod admission as the API server's LimitRanger
// and ResourceQuota admission plugins do it (kubernetes plugin/pkg/admission/limitranger
// admission.go, plugin/pkg/admission/resourcequota controller.go; docs: "Resource Quotas" and
// "Limit Ranges", kubernetes.io/docs/concepts/policy/).
//
// A pod here has one container (a service instance). Admission, in the API server's order:
//  1. defaulting (core/v1 SetDefaults_Pod): a resource with a limit and no request gets the
//     limit as its request;
//  2. LimitRanger (type Container): a missing limit takes `default`, a missing request
//     `default_request` (which defaults to `default`, and `default` to `max`, as
//     SetDefaults_LimitRangeItem does), then min/max are checked: "minimum cpu usage per
//     Container is 100m, but request is 50m", "maximum memory usage per Container is 1Gi, but
//     limit is 2Gi" (and "... No request is specified" / "No limit is specified");
//  3. ResourceQuota, for each quota of the namespace: a quota tracking requests.R or limits.R
//     needs the pod to give it ("failed quota: NAME: must specify requests.cpu"); if used +
//     requested exceeds hard for some tracked resource: "exceeded quota: NAME, requested:
//     requests.cpu=500m, used: requests.cpu=1500m, limited: requests.cpu=2" (the exceeded
//     resources only, sorted by name, comma separated). `cpu` and `memory` in a quota mean
//     requests.cpu and requests.memory.
// A rejected pod is never created: the reason is returned with the API server's prefix
// (`pods "NAME" is forbidden: `) and counted per namespace. An admitted pod charges its quota
// usage until release() (the pod terminated).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/units.hpp"

namespace vmcsim::models::tenancy {

// A container's requests and limits as given (absent: not specified).
struct PodResources {
  std::optional<sim::Millicores> cpu_request, cpu_limit;
  std::optional<sim::Bytes> memory_request, memory_limit;
  friend bool operator==(const PodResources&, const PodResources&) = default;
};

// The quota-tracked resources.
enum class QuotaResource { pods, requests_cpu, requests_memory, limits_cpu, limits_memory };
// "pods", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory" (and "cpu",
// "memory" as the API server's aliases for the requests); nullopt for anything else.
std::optional<QuotaResource> parse_quota_resource(std::string_view text);
std::string_view to_string(QuotaResource r);
const std::vector<std::string>& quota_resource_names();

struct ResourceQuota {
  std::string name;
  // Hard limits: pods as a count, cpu in millicores, memory in bytes.
  std::map<QuotaResource, std::int64_t> hard;
};

// One LimitRange item of type Container.
struct LimitRange {
  std::string name;
  std::optional<sim::Millicores> default_cpu, default_request_cpu, min_cpu, max_cpu;
  std::optional<sim::Bytes> default_memory, default_request_memory, min_memory, max_memory;
};

struct Namespace {
  std::string name;
  std::string tenant;  // the tenant that owns it (may be empty)
  std::vector<ResourceQuota> quotas;
  std::vector<LimitRange> limit_ranges;
};

// Kubernetes' canonical spelling of a quantity: cpu "500m" / "2", memory "512Mi" / "1Gi" /
// bytes, pods a count.
std::string format_quantity(QuotaResource r, std::int64_t value);
std::string format_quantity(sim::Millicores cpu);
std::string format_quantity(sim::Bytes memory);

class Admission {
 public:
  explicit Admission(std::vector<Namespace> namespaces);

  struct Result {
    bool admitted = false;
    PodResources pod;    // after defaulting (what the quota charged)
    std::string reason;  // rejected: `pods "NAME" is forbidden: ...`
  };
  // Admits a pod named `pod_name` into `ns` (an unknown namespace is rejected with the API
  // server's `namespaces "NS" not found`).
  Result admit(std::string_view ns, std::string_view pod_name, const PodResources& pod);
  // The pod admitted as `admitted` (Result::pod) has terminated: its usage is returned.
  void release(std::string_view ns, const PodResources& admitted);

  // Quota usage of `quota` in `ns` for `r` (0 if untracked).
  std::int64_t used(std::string_view ns, std::string_view quota, QuotaResource r) const;
  std::uint64_t admitted_count(std::string_view ns) const;
  std::uint64_t rejected_count(std::string_view ns) const;
  const std::vector<Namespace>& namespaces() const { return namespaces_; }
  const Namespace* find(std::string_view ns) const;

 private:
  struct State {
    std::map<std::string, std::map<QuotaResource, std::int64_t>, std::less<>> used;  // per quota
    std::uint64_t admitted = 0;
    std::uint64_t rejected = 0;
  };
  std::vector<Namespace> namespaces_;
  std::map<std::string, State, std::less<>> state_;
};

// LimitRanger defaulting and min/max of one LimitRange: the defaulted pod, or the error.
struct LimitRangeResult {
  PodResources pod;
  std::optional<std::string> error;
};
LimitRangeResult apply_limit_range(const LimitRange& range, PodResources pod);

}  // namespace vmcsim::models::tenancy
