#include "models/tenancy/admission.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace vmcsim::models::tenancy {

namespace {

constexpr std::array<std::pair<QuotaResource, std::string_view>, 5> kResources{{
    {QuotaResource::limits_cpu, "limits.cpu"},
    {QuotaResource::limits_memory, "limits.memory"},
    {QuotaResource::pods, "pods"},
    {QuotaResource::requests_cpu, "requests.cpu"},
    {QuotaResource::requests_memory, "requests.memory"},
}};  // sorted by name: the order the API server prints them in

// What the pod asks of `r` (pods: 1), or nullopt when it does not say.
std::optional<std::int64_t> amount(const PodResources& pod, QuotaResource r) {
  switch (r) {
    case QuotaResource::pods:
      return 1;
    case QuotaResource::requests_cpu:
      if (pod.cpu_request) return pod.cpu_request->value();
      break;
    case QuotaResource::limits_cpu:
      if (pod.cpu_limit) return pod.cpu_limit->value();
      break;
    case QuotaResource::requests_memory:
      if (pod.memory_request) return pod.memory_request->count();
      break;
    case QuotaResource::limits_memory:
      if (pod.memory_limit) return pod.memory_limit->count();
      break;
  }
  return std::nullopt;
}

std::string forbidden(std::string_view pod, std::string_view why) {
  return fmt::format("pods \"{}\" is forbidden: {}", pod, why);
}

// One resource's min/max check of LimitRanger (minConstraint / maxConstraint).
template <class Q>
void check_range(std::string_view resource, const std::optional<Q>& min,
                 const std::optional<Q>& max, const std::optional<Q>& request,
                 const std::optional<Q>& limit, std::vector<std::string>& errors) {
  if (min) {
    if (!request) {
      errors.push_back(fmt::format("minimum {} usage per Container is {}.  No request is specified",
                                   resource, format_quantity(*min)));
    } else if (*request < *min) {
      errors.push_back(fmt::format("minimum {} usage per Container is {}, but request is {}",
                                   resource, format_quantity(*min), format_quantity(*request)));
    } else if (limit && *limit < *min) {
      errors.push_back(fmt::format("minimum {} usage per Container is {}, but limit is {}",
                                   resource, format_quantity(*min), format_quantity(*limit)));
    }
  }
  if (max) {
    if (!limit) {
      errors.push_back(fmt::format("maximum {} usage per Container is {}.  No limit is specified",
                                   resource, format_quantity(*max)));
    } else if (*limit > *max) {
      errors.push_back(fmt::format("maximum {} usage per Container is {}, but limit is {}",
                                   resource, format_quantity(*max), format_quantity(*limit)));
    } else if (request && *request > *max) {
      errors.push_back(fmt::format("maximum {} usage per Container is {}, but request is {}",
                                   resource, format_quantity(*max), format_quantity(*request)));
    }
  }
}

}  // namespace

std::string format_quantity(sim::Millicores cpu) {
  return cpu.to_string();
}

std::string format_quantity(sim::Bytes memory) {
  const std::int64_t b = memory.count();
  constexpr std::array<std::string_view, 6> kSuffix{"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  if (b == 0) return "0";
  int unit = -1;
  std::int64_t v = b;
  while (unit + 1 < static_cast<int>(kSuffix.size()) && v % 1024 == 0) {
    v /= 1024;
    ++unit;
  }
  return unit < 0 ? fmt::format("{}", b) : fmt::format("{}{}", v, kSuffix[unit]);
}

std::optional<QuotaResource> parse_quota_resource(std::string_view text) {
  if (text == "cpu") return QuotaResource::requests_cpu;
  if (text == "memory") return QuotaResource::requests_memory;
  for (const auto& [r, name] : kResources)
    if (name == text) return r;
  return std::nullopt;
}

std::string_view to_string(QuotaResource r) {
  for (const auto& [q, name] : kResources)
    if (q == r) return name;
  return "?";
}

const std::vector<std::string>& quota_resource_names() {
  static const std::vector<std::string> names{
      "pods", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "cpu", "memory"};
  return names;
}

std::string format_quantity(QuotaResource r, std::int64_t value) {
  switch (r) {
    case QuotaResource::requests_cpu:
    case QuotaResource::limits_cpu:
      return format_quantity(sim::Millicores{value});
    case QuotaResource::requests_memory:
    case QuotaResource::limits_memory:
      return format_quantity(sim::Bytes{value});
    case QuotaResource::pods:
      break;
  }
  return fmt::format("{}", value);
}

LimitRangeResult apply_limit_range(const LimitRange& range, PodResources pod) {
  // SetDefaults_LimitRangeItem: default <- max, default_request <- default, then <- min.
  const auto def_cpu = range.default_cpu ? range.default_cpu : range.max_cpu;
  const auto def_mem = range.default_memory ? range.default_memory : range.max_memory;
  auto def_req_cpu = range.default_request_cpu ? range.default_request_cpu : def_cpu;
  if (!def_req_cpu) def_req_cpu = range.min_cpu;
  auto def_req_mem = range.default_request_memory ? range.default_request_memory : def_mem;
  if (!def_req_mem) def_req_mem = range.min_memory;
  // LimitRanger's mergeContainerResources: only what the container leaves unset.
  if (!pod.cpu_limit && def_cpu) pod.cpu_limit = def_cpu;
  if (!pod.cpu_request && def_req_cpu) pod.cpu_request = def_req_cpu;
  if (!pod.memory_limit && def_mem) pod.memory_limit = def_mem;
  if (!pod.memory_request && def_req_mem) pod.memory_request = def_req_mem;
  std::vector<std::string> errors;
  check_range("cpu", range.min_cpu, range.max_cpu, pod.cpu_request, pod.cpu_limit, errors);
  check_range("memory", range.min_memory, range.max_memory, pod.memory_request, pod.memory_limit,
              errors);
  LimitRangeResult out{pod, std::nullopt};
  if (errors.size() == 1) out.error = errors.front();
  if (errors.size() > 1) out.error = fmt::format("[{}]", fmt::join(errors, ", "));
  return out;
}

Admission::Admission(std::vector<Namespace> namespaces) : namespaces_{std::move(namespaces)} {
  for (const Namespace& ns : namespaces_) {
    State& s = state_[ns.name];
    for (const ResourceQuota& q : ns.quotas)
      s.used[q.name];  // every quota starts at zero usage
  }
}

const Namespace* Admission::find(std::string_view ns) const {
  for (const Namespace& n : namespaces_)
    if (n.name == ns) return &n;
  return nullptr;
}

Admission::Result Admission::admit(std::string_view ns, std::string_view pod_name,
                                   const PodResources& requested) {
  Result out;
  const Namespace* space = find(ns);
  if (space == nullptr) {
    out.reason = fmt::format("namespaces \"{}\" not found", ns);
    return out;
  }
  State& state = state_.find(ns)->second;
  const auto reject = [&](std::string why) {
    ++state.rejected;
    out.reason = forbidden(pod_name, why);
    return out;
  };
  // Defaulting: a limit without a request makes the request.
  PodResources pod = requested;
  if (pod.cpu_limit && !pod.cpu_request) pod.cpu_request = pod.cpu_limit;
  if (pod.memory_limit && !pod.memory_request) pod.memory_request = pod.memory_limit;
  for (const LimitRange& range : space->limit_ranges) {
    LimitRangeResult r = apply_limit_range(range, pod);
    if (r.error) return reject(*r.error);
    pod = r.pod;
  }
  // Pod validation: a request above its limit is invalid.
  if (pod.cpu_request && pod.cpu_limit && *pod.cpu_request > *pod.cpu_limit)
    return reject(
        fmt::format("spec.containers[0].resources.requests: Invalid value: \"{}\": "
                    "must be less than or equal to cpu limit of {}",
                    format_quantity(*pod.cpu_request), format_quantity(*pod.cpu_limit)));
  if (pod.memory_request && pod.memory_limit && *pod.memory_request > *pod.memory_limit)
    return reject(
        fmt::format("spec.containers[0].resources.requests: Invalid value: \"{}\": "
                    "must be less than or equal to memory limit of {}",
                    format_quantity(*pod.memory_request), format_quantity(*pod.memory_limit)));
  // ResourceQuota: constraints of every quota, then the usage of each.
  for (const ResourceQuota& q : space->quotas) {
    std::vector<std::string> missing;
    for (const auto& [r, name] : kResources)
      if (q.hard.contains(r) && !amount(pod, r))
        missing.push_back(fmt::format("{} for: {}", name, pod_name));
    if (!missing.empty())
      return reject(
          fmt::format("failed quota: {}: must specify {}", q.name, fmt::join(missing, "; ")));
  }
  for (const ResourceQuota& q : space->quotas) {
    const auto& used = state.used[q.name];
    std::vector<std::string> req, use, lim;
    for (const auto& [r, name] : kResources) {
      const auto h = q.hard.find(r);
      if (h == q.hard.end()) continue;
      const std::int64_t want = *amount(pod, r);
      if (want == 0) continue;
      const auto u = used.find(r);
      const std::int64_t have = u == used.end() ? 0 : u->second;
      if (have + want <= h->second) continue;
      req.push_back(fmt::format("{}={}", name, format_quantity(r, want)));
      use.push_back(fmt::format("{}={}", name, format_quantity(r, have)));
      lim.push_back(fmt::format("{}={}", name, format_quantity(r, h->second)));
    }
    if (!req.empty())
      return reject(fmt::format("exceeded quota: {}, requested: {}, used: {}, limited: {}", q.name,
                                fmt::join(req, ","), fmt::join(use, ","), fmt::join(lim, ",")));
  }
  for (const ResourceQuota& q : space->quotas) {
    auto& used = state.used[q.name];
    for (const auto& [r, hard] : q.hard)
      used[r] += *amount(pod, r);
  }
  ++state.admitted;
  out.admitted = true;
  out.pod = pod;
  return out;
}

void Admission::release(std::string_view ns, const PodResources& admitted) {
  const Namespace* space = find(ns);
  if (space == nullptr) return;
  State& state = state_.find(ns)->second;
  for (const ResourceQuota& q : space->quotas) {
    auto& used = state.used[q.name];
    for (const auto& [r, hard] : q.hard)
      if (const auto a = amount(admitted, r)) used[r] = std::max<std::int64_t>(0, used[r] - *a);
  }
}

std::int64_t Admission::used(std::string_view ns, std::string_view quota, QuotaResource r) const {
  const auto s = state_.find(ns);
  if (s == state_.end()) return 0;
  const auto q = s->second.used.find(quota);
  if (q == s->second.used.end()) return 0;
  const auto u = q->second.find(r);
  return u == q->second.end() ? 0 : u->second;
}

std::uint64_t Admission::admitted_count(std::string_view ns) const {
  const auto s = state_.find(ns);
  return s == state_.end() ? 0 : s->second.admitted;
}

std::uint64_t Admission::rejected_count(std::string_view ns) const {
  const auto s = state_.find(ns);
  return s == state_.end() ? 0 : s->second.rejected;
}

}  // namespace vmcsim::models::tenancy
