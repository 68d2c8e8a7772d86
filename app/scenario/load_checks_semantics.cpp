#include "app/scenario/load_checks_semantics.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "app/scenario/request_trace.hpp"
#include "models/placement/fargate.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::app::scenario {

namespace {

using sim::Bytes;
using sim::Millicores;

[[noreturn]] void fail(const SourceLocation& where, const std::string& field,
                       const std::string& message) {
  throw InputError(where, field, message);
}

void check_service(const Service& sv) {
  const bool k8s = !sv.kubernetes.empty();
  if (!k8s && (sv.cpu_request == Millicores{} || sv.memory_request == Bytes{}))
    fail(sv.where, "cpu",
         fmt::format("service '{}': no CPU or memory request (give cpu and memory, or a task "
                     "definition that sets them)",
                     sv.name));
  if (sv.image.empty())
    fail(sv.where, "image",
         fmt::format("service '{}' names no image (give `image:`, or a container image in {})",
                     sv.name, k8s ? sv.kubernetes : sv.ecs_task_definition));
  if (sv.autoscaling.kind != AutoscalerKind::none && sv.cpu_request == Millicores{})
    fail(sv.where, "autoscaling",
         fmt::format("service '{}': {} scales on CPU utilization relative to the CPU request, and "
                     "the service requests none ({}): give `cpu:`",
                     sv.name, to_string(sv.autoscaling.kind),
                     sv.qos_class.empty() ? "no request" : sv.qos_class));
}

void check_workload(Workload& w) {
  using K = WorkloadKind;
  if (!w.bursts.empty() && (w.kind == K::onoff || w.kind == K::mmpp))
    fail(
        w.bursts_where, "workloads.bursts",
        fmt::format("workload of '{}': bursts on {} workloads are not modelled yet (poisson, step, "
                    "diurnal and azure-functions-2019 take bursts)",
                    w.service, to_string(w.kind)));
  if (!w.bursts.empty() && w.kind == K::trace && w.trace->format != "azure-functions-2019")
    fail(w.bursts_where, "workloads.bursts",
         fmt::format("workload of '{}': a replayed trace cannot have bursts", w.service));
  read_request_trace(w);
}

// The capacity a service's replica may use on one node VM of `type` run by `node`.
void check_fits_node(const Variant& v, const Service& sv, const models::InstanceType& type,
                     const models::PlatformProfile& node, const models::PlatformProfile& runtime) {
  const Millicores cpu = Millicores::cores(type.vcpus);
  const Bytes guest = node.guest_memory(type.max_pods);
  const Bytes memory = type.memory > guest ? type.memory - guest : Bytes{};
  // A container reserves its memory request on the node (the limit only caps its use).
  const Bytes needs = sv.memory_request + runtime.runtime_overhead.value;
  if (sv.cpu_request > cpu || needs > memory)
    fail(sv.where, "services",
         fmt::format("service '{}' ({} CPU, {}) fits no node of variant '{}': a {} node has {} "
                     "CPU and {} for pods ({} minus {} for its guest OS, agent and reserved "
                     "memory)",
                     sv.name, sv.cpu_request, needs, v.name, type.name, cpu, memory, type.memory,
                     guest));
}

void check_vm_size(const Variant& v, const Service& sv, const models::PlatformProfile& p) {
  if (sv.cpu_request == Millicores{} || sv.memory_request == Bytes{})
    fail(sv.where, "services",
         fmt::format("service '{}' requests no {} ({}), but variant '{}' sizes a {} for each "
                     "replica from its request: give `cpu:` and `memory:`",
                     sv.name, sv.cpu_request == Millicores{} ? "CPU" : "memory", sv.qos_class,
                     v.name, to_string(v.platform)));
  const Bytes memory = std::max(sv.memory_limit, sv.memory_request);
  if (p.fargate_task_sizes.value) {
    const auto fit =
        models::placement::fargate_round_up(std::max(sv.cpu_limit, sv.cpu_request), memory);
    if (!fit)
      fail(v.where, "variants",
           fmt::format("variant '{}': service '{}' ({} CPU, {}) is larger than any Fargate task "
                       "size (16 vCPU, 120GB)",
                       v.name, sv.name, std::max(sv.cpu_limit, sv.cpu_request), memory));
  }
}

void check_variant(const Scenario& s, const Variant& v, const models::Catalog& catalog) {
  const models::PlatformProfile profile = variant_profile(v, catalog);
  const bool in_vm = v.platform == PlatformKind::container_in_vm;
  std::optional<models::PlatformProfile> runtime;
  if (in_vm) runtime = container_runtime_profile(v, profile, catalog);
  const auto& runs = in_vm ? *runtime : profile;
  if (!s.services.empty() && runs.find_boot_phase("image_pull") != nullptr &&
      s.registry.bandwidth.bytes_per_second() <= 0)
    fail(v.where, "registry",
         fmt::format("variant '{}': {} pulls each service's image from the registry, and the "
                     "scenario has no `registry:` (give its bandwidth and latency, e.g. "
                     "`registry: {{bandwidth: 1Gbps, latency: 20ms}}`)",
                     v.name, runs.name));
  for (const auto& sv : s.services) {
    // A service that never has a replica (0 and no autoscaler) places nothing.
    const bool placed = sv.replicas > 0 || sv.autoscaling.kind != AutoscalerKind::none;
    if (placed && sv.gpus > 0)
      fail(sv.where, "services",
           fmt::format("service '{}' requests {} GPU{} per replica, but no node of variant '{}' "
                       "has a GPU ({}): vmcsim models GPUs only for pod_trace placement",
                       sv.name, sv.gpus, sv.gpus == 1 ? "" : "s", v.name,
                       in_vm ? v.node_instance_type + " nodes" : "the scenario's hosts"));
    if (in_vm && placed) {
      check_fits_node(v, sv, catalog.instance_type(v.node_instance_type), profile, *runtime);
    } else if (v.platform == PlatformKind::vm || v.platform == PlatformKind::microvm) {
      check_vm_size(v, sv, profile);
    }
  }
}

}  // namespace

models::PlatformProfile variant_profile(const Variant& v, const models::Catalog& catalog) {
  models::PlatformProfile p;
  try {
    p = catalog.profile(v.profile);
  } catch (const std::out_of_range& e) {
    fail(v.where, "profile",
         fmt::format("variant '{}': unknown profile '{}': {}", v.name, v.profile, e.what()));
  }
  // The flattened entries ("boot.kernel.median" -> "1.5s") grouped back into one YAML tree per
  // field or phase, in the catalog's layout (boot: {<phase>: ...}; the older "<phase>.boot"
  // spelling is turned round). Each group is applied on its own so an error points at the
  // group's first entry.
  struct Group {
    YAML::Node tree = YAML::Node(YAML::NodeType::Map);
    SourceLocation where;
    std::string path;
  };
  std::map<std::string, Group> groups;
  for (const auto& [path, value] : v.overrides) {
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
      const auto dot = path.find('.', start);
      parts.push_back(path.substr(start, dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    const auto pipeline = [](const std::string& x) { return x == "boot" || x == "stop"; };
    if (parts.size() >= 2 && pipeline(parts[1]) && !pipeline(parts[0]))
      std::swap(parts[0], parts[1]);
    const std::string key =
        pipeline(parts[0]) && parts.size() >= 2 ? parts[0] + "." + parts[1] : parts[0];
    Group& g = groups[key];
    if (g.path.empty()) {
      g.where = value.where;
      g.path = path;
    }
    try {
      std::vector<YAML::Node> chain{g.tree};
      for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        YAML::Node next = chain.back()[parts[i]];
        if (!next.IsMap()) next = YAML::Node(YAML::NodeType::Map);
        chain.back()[parts[i]] = next;
        chain.push_back(chain.back()[parts[i]]);
      }
      chain.back()[parts.back()] = YAML::Load(value.text);
    } catch (const YAML::Exception& e) {
      fail(value.where, "overrides." + path,
           fmt::format("variant '{}': override {}: {}", v.name, path, e.what()));
    }
  }
  // Not a structured binding: clang 14 cannot capture one in the lambda below (the fuzz build).
  for (const auto& entry : groups) {
    const Group& g = entry.second;
    const auto at_override = [&](const char* what) {
      fail(g.where, "overrides." + g.path,
           fmt::format("variant '{}': override {}: {}", v.name, g.path, what));
    };
    try {
      models::apply_overrides(p, g.tree);
    } catch (const models::CatalogError& e) {
      at_override(e.what());
    } catch (const YAML::Exception& e) {
      at_override(e.what());
    } catch (const sim::ParseError& e) {
      at_override(e.what());
    }
  }
  return p;
}

models::PlatformProfile container_runtime_profile(const Variant& v,
                                                  const models::PlatformProfile& node,
                                                  const models::Catalog& catalog) {
  const std::string runtime =
      node.container_runtime.value.empty() ? std::string{"runc"} : node.container_runtime.value;
  // A bad runtime is placed at the override that named it, if one did.
  const auto o = v.overrides.find("container_runtime");
  const SourceLocation& where = o != v.overrides.end() ? o->second.where : v.where;
  models::PlatformProfile p;
  try {
    p = catalog.profile(runtime);
  } catch (const std::out_of_range& e) {
    fail(where, "overrides.container_runtime",
         fmt::format("variant '{}': node profile '{}' runs containers with '{}', which is no "
                     "catalog profile: {}",
                     v.name, v.profile, runtime, e.what()));
  }
  if (p.kind != models::PlatformKind::container)
    fail(where, "overrides.container_runtime",
         fmt::format("variant '{}': node profile '{}' runs containers with '{}', a {} profile, "
                     "not a container runtime",
                     v.name, v.profile, runtime, to_string(p.kind)));
  return p;
}

void check_world(Scenario& s, const models::Catalog& catalog) {
  for (const auto& sv : s.services)
    check_service(sv);
  for (auto& w : s.workloads)
    check_workload(w);
  for (const auto& v : s.variants)
    check_variant(s, v, catalog);
}

}  // namespace vmcsim::app::scenario
