#include "app/importers/scenario_fragment.hpp"

#include <fmt/format.h>

namespace vmcsim::app::importers {

namespace {

void set_resources(YAML::Node& s, sim::Millicores cpu, sim::Bytes memory,
                   std::optional<sim::Millicores> cpu_limit,
                   std::optional<sim::Bytes> memory_limit) {
  // Zero means "not given": the scenario loader then takes it from the source file.
  if (cpu > sim::Millicores{}) s["cpu"] = cpu.to_string();
  if (cpu_limit && *cpu_limit > cpu) s["cpu_limit"] = cpu_limit->to_string();
  if (memory > sim::Bytes{}) s["memory"] = memory.to_string();
  if (memory_limit && *memory_limit > memory) s["memory_limit"] = memory_limit->to_string();
}

// Limits count only when every container has one (else the pod is unbounded).
template <typename T, typename Get>
std::optional<T> sum_of_limits(const K8sWorkload& w, Get get) {
  T sum{};
  for (const auto& c : w.containers) {
    const auto limit = get(c);
    if (!limit) return std::nullopt;
    sum += *limit;
  }
  return sum;
}

}  // namespace

std::string platform_hint(const EcsTaskDefinition& task) {
  return task.fargate() ? "fargate" : "ec2";
}

ScenarioFragment scenario_fragment(const EcsTaskDefinition& task) {
  ScenarioFragment out;
  out.services = YAML::Node(YAML::NodeType::Sequence);
  YAML::Node s;
  s["name"] = task.family;
  s["ecs_task_definition"] = task.file;
  set_resources(s, task.total_cpu(), task.total_memory(), std::nullopt, std::nullopt);
  s["replicas"] = 1;
  if (!task.placement_constraints.empty()) {
    YAML::Node constraints(YAML::NodeType::Sequence);
    for (const auto& pc : task.placement_constraints)
      constraints.push_back(pc.type == "memberOf" ? fmt::format("memberOf({})", pc.expression)
                                                  : pc.type);
    s["placement_constraints"] = constraints;
  }
  out.services.push_back(s);
  out.platform_hints[task.family] = platform_hint(task);
  out.notes.push_back(fmt::format(
      "service '{}': a task definition has no desired count; replicas 1 until the ECS service says",
      task.family));
  return out;
}

ScenarioFragment scenario_fragment(const K8sManifest& manifest) {
  ScenarioFragment out;
  out.services = YAML::Node(YAML::NodeType::Sequence);
  for (const auto& w : manifest.workloads) {
    YAML::Node s;
    s["name"] = w.name;
    s["kubernetes"] = w.where.file;
    set_resources(
        s, w.cpu(), w.memory(),
        sum_of_limits<sim::Millicores>(w, [](const K8sContainer& c) { return c.cpu_limit; }),
        sum_of_limits<sim::Bytes>(w, [](const K8sContainer& c) { return c.memory_limit; }));
    s["replicas"] = w.replicas;
    for (const auto& h : manifest.autoscalers) {
      if (manifest.target_of(h) != &w) continue;
      const auto target = h.target_cpu_utilization();
      if (!target) {
        out.notes.push_back(fmt::format(
            "service '{}': HorizontalPodAutoscaler '{}' scales on metrics vmcsim does not model "
            "(only Resource cpu Utilization); not imported",
            w.name, h.name));
        continue;
      }
      YAML::Node a;
      a["kind"] = "hpa";
      a["min_replicas"] = h.min_replicas;
      a["max_replicas"] = h.max_replicas;
      a["target_cpu_utilization"] = static_cast<double>(*target) / 100.0;
      if (h.scale_down && h.scale_down->stabilization_window)
        a["scale_down_stabilization"] = h.scale_down->stabilization_window->to_string();
      if (h.scale_up || (h.scale_down && !h.scale_down->policies.empty()))
        out.notes.push_back(fmt::format(
            "service '{}': HPA '{}' scaling policies are not part of the scenario format", w.name,
            h.name));
      s["autoscaling"] = a;
    }
    for (const auto& t : w.anti_affinity) {
      // Required one-per-node spreading against the workload's own pods is ECS distinctInstance.
      bool own = !t.match_labels.empty();
      for (const auto& [k, v] : t.match_labels) {
        const auto it = w.labels.find(k);
        own = own && it != w.labels.end() && it->second == v;
      }
      if (t.required && own && t.topology_key == "kubernetes.io/hostname") {
        s["placement_constraints"] = YAML::Load("[distinctInstance]");
      } else {
        out.notes.push_back(
            fmt::format("service '{}': {} pod anti-affinity on '{}' is not expressible as a "
                        "placement constraint",
                        w.name, t.required ? "required" : "preferred", t.topology_key));
      }
    }
    out.services.push_back(s);
  }
  for (const auto& h : manifest.autoscalers)
    if (manifest.target_of(h) == nullptr)
      out.notes.push_back(
          fmt::format("HorizontalPodAutoscaler '{}': target {} '{}' is not in these files", h.name,
                      h.target_kind, h.target_name));
  return out;
}

std::string ScenarioFragment::to_yaml() const {
  std::string out;
  for (const auto& [service, hint] : platform_hints)
    out +=
        fmt::format("# service '{}': platform hint {} (choose it in a variant)\n", service, hint);
  for (const auto& note : notes)
    out += "# " + note + "\n";
  YAML::Emitter e;
  YAML::Node root;
  root["services"] = services;
  e << root;
  return out + e.c_str() + "\n";
}

}  // namespace vmcsim::app::importers
