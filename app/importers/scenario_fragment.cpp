#include "app/importers/scenario_fragment.hpp"

#include <fmt/format.h>

namespace vmcsim::app::importers {

namespace {

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

std::string ecs_image(const EcsTaskDefinition& task) {
  for (const auto& c : task.containers)
    if (c.essential) return c.image;
  return task.containers.empty() ? std::string{} : task.containers.front().image;
}

}  // namespace

std::string platform_hint(const EcsTaskDefinition& task) {
  return task.fargate() ? "fargate" : "ec2";
}

ImportedServices imported_services(const EcsTaskDefinition& task) {
  ImportedServices out;
  ImportedService s;
  s.name = task.family;
  s.file = task.file;
  s.ecs = true;
  s.image = ecs_image(task);
  s.cpu = task.total_cpu();
  // Task-level cpu is a hard limit; container-level cpu units alone are only shares.
  s.cpu_limit = task.cpu;
  s.memory = task.total_memory();
  for (const auto& pc : task.placement_constraints)
    s.placement_constraints.push_back(
        pc.type == "memberOf" ? fmt::format("memberOf({})", pc.expression) : pc.type);
  out.services.push_back(std::move(s));
  out.platform_hints[task.family] = platform_hint(task);
  out.notes.push_back(fmt::format(
      "service '{}': a task definition has no desired count; replicas 1 until the ECS service says",
      task.family));
  return out;
}

ImportedServices imported_services(const K8sManifest& manifest) {
  ImportedServices out;
  for (const auto& w : manifest.workloads) {
    ImportedService s;
    s.name = w.name;
    s.file = w.where.file;
    s.image = w.containers.empty() ? std::string{} : w.containers.front().image;
    s.cpu = w.cpu();
    s.memory = w.memory();
    s.cpu_limit =
        sum_of_limits<sim::Millicores>(w, [](const K8sContainer& c) { return c.cpu_limit; });
    s.memory_limit =
        sum_of_limits<sim::Bytes>(w, [](const K8sContainer& c) { return c.memory_limit; });
    s.replicas = w.replicas;
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
      ImportedAutoscaling a;
      a.hpa = h.name;
      a.min_replicas = h.min_replicas;
      a.max_replicas = h.max_replicas;
      a.target_cpu_utilization = static_cast<double>(*target) / 100.0;
      if (h.scale_down) a.scale_down_stabilization = h.scale_down->stabilization_window;
      if (h.scale_up || (h.scale_down && !h.scale_down->policies.empty()))
        out.notes.push_back(fmt::format(
            "service '{}': HPA '{}' scaling policies are not part of the scenario format", w.name,
            h.name));
      s.autoscaling = a;
    }
    for (const auto& t : w.anti_affinity) {
      // Required one-per-node spreading against the workload's own pods is ECS distinctInstance.
      bool own = !t.match_labels.empty();
      for (const auto& [k, v] : t.match_labels) {
        const auto it = w.labels.find(k);
        own = own && it != w.labels.end() && it->second == v;
      }
      if (t.required && own && t.topology_key == "kubernetes.io/hostname") {
        s.placement_constraints = {"distinctInstance"};
      } else {
        out.notes.push_back(
            fmt::format("service '{}': {} pod anti-affinity on '{}' is not expressible as a "
                        "placement constraint",
                        w.name, t.required ? "required" : "preferred", t.topology_key));
      }
    }
    out.services.push_back(std::move(s));
  }
  for (const auto& h : manifest.autoscalers)
    if (manifest.target_of(h) == nullptr)
      out.notes.push_back(
          fmt::format("HorizontalPodAutoscaler '{}': target {} '{}' is not in these files", h.name,
                      h.target_kind, h.target_name));
  return out;
}

ScenarioFragment scenario_fragment(const ImportedServices& imported) {
  ScenarioFragment out;
  out.services = YAML::Node(YAML::NodeType::Sequence);
  for (const auto& sv : imported.services) {
    YAML::Node s;
    s["name"] = sv.name;
    s[sv.ecs ? "ecs_task_definition" : "kubernetes"] = sv.file;
    // Zero means "not given": the scenario loader then takes it from the source file.
    if (sv.cpu > sim::Millicores{}) s["cpu"] = sv.cpu.to_string();
    if (!sv.cpu_limit) {
      if (sv.cpu > sim::Millicores{}) s["cpu_limit"] = "none";  // `cpu` alone would cap it
    } else if (*sv.cpu_limit > sv.cpu) {
      s["cpu_limit"] = sv.cpu_limit->to_string();
    }
    if (sv.memory > sim::Bytes{}) s["memory"] = sv.memory.to_string();
    if (sv.memory_limit && *sv.memory_limit > sv.memory)
      s["memory_limit"] = sv.memory_limit->to_string();
    s["replicas"] = sv.replicas.value_or(1);
    if (const auto& a = sv.autoscaling) {
      YAML::Node n;
      n["kind"] = "hpa";
      n["min_replicas"] = a->min_replicas;
      n["max_replicas"] = a->max_replicas;
      n["target_cpu_utilization"] = a->target_cpu_utilization;
      if (a->scale_down_stabilization)
        n["scale_down_stabilization"] = a->scale_down_stabilization->to_string();
      s["autoscaling"] = n;
    }
    if (!sv.placement_constraints.empty()) {
      YAML::Node constraints(YAML::NodeType::Sequence);
      for (const auto& c : sv.placement_constraints)
        constraints.push_back(c);
      s["placement_constraints"] = constraints;
    }
    out.services.push_back(s);
  }
  out.platform_hints = imported.platform_hints;
  out.notes = imported.notes;
  return out;
}

ScenarioFragment scenario_fragment(const EcsTaskDefinition& task) {
  return scenario_fragment(imported_services(task));
}

ScenarioFragment scenario_fragment(const K8sManifest& manifest) {
  return scenario_fragment(imported_services(manifest));
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
