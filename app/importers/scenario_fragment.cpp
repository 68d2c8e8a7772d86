#include "app/importers/scenario_fragment.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/placement/resources.hpp"

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

models::placement::LabelSelector selector_of(const K8sLabelSelector& in) {
  models::placement::LabelSelector out;
  out.match_labels.insert(in.match_labels.begin(), in.match_labels.end());
  out.match_expressions = in.match_expressions;
  return out;
}

// The topology key as nodes carry it, or nullopt with a note on what was not imported.
std::optional<std::string> resolved_key(const std::string& key, const std::string& what,
                                        std::vector<std::string>& notes) {
  auto resolved = models::placement::topology_key(key);
  if (!resolved)
    notes.push_back(fmt::format("{}: nodes carry no such attribute (known: {}); not imported", what,
                                fmt::join(models::placement::topology_keys(), ", ")));
  return resolved;
}

template <class Map>
YAML::Node string_map(const Map& m) {
  YAML::Node n(YAML::NodeType::Map);
  for (const auto& [k, v] : m)
    n[k] = v;
  return n;
}

// match_labels and match_expressions as the scenario format spells them.
void write_selector(YAML::Node& n, const models::placement::LabelSelector& sel) {
  // An empty selector matches every pod: written as match_labels: {}.
  if (!sel.match_labels.empty() || sel.match_expressions.empty())
    n["match_labels"] = string_map(sel.match_labels);
  if (sel.match_expressions.empty()) return;
  YAML::Node list(YAML::NodeType::Sequence);
  for (const auto& r : sel.match_expressions) {
    YAML::Node e;
    e["key"] = r.key;
    e["operator"] = std::string(models::placement::to_string(r.op));
    if (!r.values.empty()) {
      YAML::Node values(YAML::NodeType::Sequence);
      for (const auto& v : r.values)
        values.push_back(v);
      e["values"] = values;
    }
    list.push_back(e);
  }
  n["match_expressions"] = list;
}

// What a Kubernetes workload's pods are given for requests the manifest does not write: a
// missing request defaults to the limit; with none at all the pod is fitted with zero and
// kube-scheduler scores it at its default non-zero request; a missing spec.replicas is 1.
std::vector<ImportedAssumption> request_assumptions(const K8sWorkload& w) {
  std::vector<ImportedAssumption> out;
  for (const auto& c : w.containers) {
    if (!c.cpu_request && c.cpu_limit)
      out.push_back({"cpu", c.cpu_limit->to_string(),
                     fmt::format("container '{}' gives limits.cpu only: Kubernetes uses the limit "
                                 "as its request",
                                 c.name),
                     c.where});
    if (!c.memory_request && c.memory_limit)
      out.push_back({"memory", c.memory_limit->to_string(),
                     fmt::format("container '{}' gives limits.memory only: Kubernetes uses the "
                                 "limit as its request",
                                 c.name),
                     c.where});
  }
  if (w.cpu() == sim::Millicores{})
    out.push_back({"cpu", "0",
                   fmt::format("{} pod: no container requests CPU; fitted as 0, scored as {} by "
                               "k8s placement, kube-scheduler's default non-zero request",
                               w.qos_class(), models::placement::kDefaultScoringCpu.to_string()),
                   w.where});
  if (w.memory() == sim::Bytes{})
    out.push_back({"memory", "0",
                   fmt::format("{} pod: no container requests memory; fitted as 0, scored as {} "
                               "by k8s placement, kube-scheduler's default non-zero request",
                               w.qos_class(), models::placement::kDefaultScoringMemory.to_string()),
                   w.where});
  if (w.kind != "Pod" && !w.replicas_given)
    out.push_back({"replicas", "1",
                   fmt::format("the {} gives no spec.replicas, Kubernetes' default", w.kind),
                   w.where});
  return out;
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
  s.memory_limit = task.memory_hard_limit();
  s.gpus = task.total_gpus();
  for (const auto& pc : task.placement_constraints)
    s.placement_constraints.push_back(
        pc.type == "memberOf" ? fmt::format("memberOf({})", pc.expression) : pc.type);
  out.services.push_back(std::move(s));
  out.platform_hints[task.family] = platform_hint(task);
  out.services.back().assumptions.push_back(
      {"replicas", "1", "a task definition has no desired count; the ECS service sets it", {}});
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
    s.gpus = w.gpus();
    s.qos_class = w.qos_class();
    s.assumptions = request_assumptions(w);
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
      if (!h.min_replicas_given)
        s.assumptions.push_back(
            {"autoscaling.min_replicas", "1",
             fmt::format("HorizontalPodAutoscaler '{}' gives no minReplicas, Kubernetes' default",
                         h.name),
             h.where});
      if (h.scale_up || (h.scale_down && !h.scale_down->policies.empty()))
        out.notes.push_back(fmt::format(
            "service '{}': HPA '{}' scaling policies are not part of the scenario format", w.name,
            h.name));
      s.autoscaling = a;
    }
    s.labels = w.labels;
    // A term or constraint without a labelSelector matches no pod: it would change nothing
    // (anti-affinity, spread) or block every node (affinity), so it is noted, not imported.
    const auto terms = [&](const std::vector<K8sAffinityTerm>& in, const char* kind) {
      std::vector<models::placement::PodAffinityTerm> terms_out;
      for (const auto& t : in) {
        const auto what = fmt::format("service '{}': {} pod {} on '{}'", w.name,
                                      t.required ? "required" : "preferred", kind, t.topology_key);
        if (!t.selector) {
          out.notes.push_back(what + " has no labelSelector; not imported");
        } else if (const auto key = resolved_key(t.topology_key, what, out.notes)) {
          terms_out.push_back(
              {selector_of(*t.selector), *key, t.required, t.required ? 1 : t.weight});
        }
      }
      return terms_out;
    };
    s.affinity = terms(w.affinity, "affinity");
    s.anti_affinity = terms(w.anti_affinity, "anti-affinity");
    for (const auto& c : w.topology_spread) {
      const auto what =
          fmt::format("service '{}': topology spread constraint on '{}'", w.name, c.topology_key);
      if (!c.selector) {
        out.notes.push_back(what + " has no labelSelector; not imported");
      } else if (const auto key = resolved_key(c.topology_key, what, out.notes)) {
        s.topology_spread.push_back(
            {c.max_skew, *key, c.when_unsatisfiable == "DoNotSchedule", selector_of(*c.selector)});
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
    if (!sv.labels.empty()) s["labels"] = string_map(sv.labels);
    for (const auto& [key, terms] :
         {std::pair{"affinity", &sv.affinity}, std::pair{"anti_affinity", &sv.anti_affinity}}) {
      if (terms->empty()) continue;
      YAML::Node list(YAML::NodeType::Sequence);
      for (const auto& t : *terms) {
        YAML::Node n;
        n["type"] = t.required ? "required" : "preferred";
        if (!t.required) n["weight"] = t.weight;
        n["topology_key"] = t.topology_key;
        write_selector(n, t.selector);
        list.push_back(n);
      }
      s[key] = list;
    }
    if (!sv.topology_spread.empty()) {
      YAML::Node list(YAML::NodeType::Sequence);
      for (const auto& c : sv.topology_spread) {
        YAML::Node n;
        n["max_skew"] = c.max_skew;
        n["topology_key"] = c.topology_key;
        n["when_unsatisfiable"] = c.do_not_schedule ? "DoNotSchedule" : "ScheduleAnyway";
        write_selector(n, c.selector);
        list.push_back(n);
      }
      s["topology_spread"] = list;
    }
    out.services.push_back(s);
  }
  out.platform_hints = imported.platform_hints;
  out.notes = imported.notes;
  for (const auto& sv : imported.services) {
    if (sv.gpus > 0)
      out.notes.push_back(
          fmt::format("service '{}': requests {} GPU{} per replica (taken from {}; only nodes with "
                      "GPUs fit it)",
                      sv.name, sv.gpus, sv.gpus == 1 ? "" : "s", sv.file));
    if (sv.qos_class == "BestEffort")
      out.notes.push_back(fmt::format(
          "service '{}': BestEffort (no requests): fitted as 0, scored by k8s placement as {} CPU "
          "and {} per pod (kube-scheduler's defaults)",
          sv.name, models::placement::kDefaultScoringCpu.to_string(),
          models::placement::kDefaultScoringMemory.to_string()));
  }
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
