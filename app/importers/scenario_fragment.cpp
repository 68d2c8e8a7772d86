#include "app/importers/scenario_fragment.hpp"

#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/importers/k8s_health.hpp"
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

// The container the service stands for: the first essential one (whose image it runs).
const EcsContainer* ecs_main_container(const EcsTaskDefinition& task) {
  for (const auto& c : task.containers)
    if (c.essential) return &c;
  return task.containers.empty() ? nullptr : &task.containers.front();
}

std::string ecs_image(const EcsTaskDefinition& task) {
  const EcsContainer* c = ecs_main_container(task);
  return c == nullptr ? std::string{} : c->image;
}

// Something the file says that the model does not take: in the notes (the fragment's comments)
// and among the service's assumptions under `field` (validate, results.json), never dropped.
void not_modelled(ImportedServices& out, ImportedService& s, const std::string& field,
                  const std::string& what, const SourceLocation& where) {
  out.notes.push_back(fmt::format("service '{}': {}", s.name, what));
  s.assumptions.push_back({field, "not modelled", what, where});
}

// The ECS containers' health checks. The model has one check per service, watching the
// service's process: the check of the container the service stands for (its first essential
// one). ECS marks a task UNHEALTHY when any essential container is, so another essential
// container's check would also replace the task, but on a hang of a process the model does not
// have; a non-essential container's check does not affect the task's health at all. Both are
// reported, not modelled.
void ecs_health(const EcsTaskDefinition& task, ImportedServices& out, ImportedService& s) {
  const EcsContainer* main = ecs_main_container(task);
  for (const auto& c : task.containers) {
    if (!c.health_check) continue;
    const EcsHealthCheck& h = *c.health_check;
    const std::string what = fmt::format("container '{}' {}", c.name, describe(h));
    if (&c != main) {
      not_modelled(out, s, "health_check",
                   what + (c.essential ? ": an essential container other than the one the service "
                                         "runs; its check is not modelled (one check per service)"
                                       : ": a non-essential container's check does not affect the "
                                         "task's health (ECS); not modelled"),
                   h.where);
      continue;
    }
    if (h.disabled()) continue;  // NONE: no check, as if none were written
    ImportedProbe p;
    p.source = fmt::format("container '{}' healthCheck", c.name);
    if (h.interval) p.period = sim::Time::from_s(*h.interval);
    if (h.retries) p.failure_threshold = *h.retries;
    if (h.start_period) p.initial_delay = sim::Time::from_s(*h.start_period);
    if (h.timeout) p.timeout = sim::Time::from_s(*h.timeout);
    s.health.health_check = p;
  }
}

ImportedProbe imported_probe(const K8sProbe& p, const std::string& source) {
  ImportedProbe out;
  out.source = source;
  if (p.initial_delay_seconds) out.initial_delay = sim::Time::from_s(*p.initial_delay_seconds);
  if (p.period_seconds) out.period = sim::Time::from_s(*p.period_seconds);
  if (p.timeout_seconds) out.timeout = sim::Time::from_s(*p.timeout_seconds);
  out.failure_threshold = p.failure_threshold;
  out.success_threshold = p.success_threshold;
  return out;
}

// A Kubernetes workload's probes. The model has one readiness, one liveness and one startup
// probe per service, for the process it runs: the first container's (whose image it takes). The
// pod is Ready only when every container is, so another container's probes could make it Ready
// later or restart a sidecar: reported, not modelled.
void k8s_probes(const K8sWorkload& w, ImportedServices& out, ImportedService& s) {
  for (std::size_t i = 0; i < w.containers.size(); ++i) {
    const K8sContainer& c = w.containers[i];
    for (const auto& [probe, key, field] :
         {std::tuple{&c.readiness, "readinessProbe", "probes.readiness"},
          std::tuple{&c.liveness, "livenessProbe", "probes.liveness"},
          std::tuple{&c.startup, "startupProbe", "probes.startup"}}) {
      if (!*probe) continue;
      const std::string what = fmt::format("container '{}' {}", c.name, describe(**probe, key));
      if (i > 0) {
        not_modelled(out, s, field,
                     what +
                         ": not the pod's first container, whose probes the service takes "
                         "(one probe of each kind per service)",
                     (*probe)->where);
        continue;
      }
      const std::string_view k{key};
      auto& slot = k == "readinessProbe"  ? s.health.readiness
                   : k == "livenessProbe" ? s.health.liveness
                                          : s.health.startup;
      slot = imported_probe(**probe, fmt::format("container '{}' {}", c.name, key));
    }
  }
}

// The PodDisruptionBudget over a workload's pods. Two or more: the eviction API refuses such
// a pod ("This pod has more than one PodDisruptionBudget, which the eviction subresource does
// not support", HTTP 500, pkg/registry/core/pod/storage/eviction.go), so no drain ever evicts
// it: modelled as max_unavailable 0 (kubectl drain itself stops with that error; vmcsim keeps
// retrying, each retry counted refused). A budget over several workloads is applied to each
// one's pods: the model keeps a budget per service, where Kubernetes counts the pods together.
void k8s_budget(const K8sManifest& m, const K8sWorkload& w, ImportedServices& out,
                ImportedService& s) {
  const auto budgets = m.budgets_of(w);
  if (budgets.empty()) return;
  using Kind = models::failures::DisruptionBudget::Kind;
  if (budgets.size() > 1) {
    std::string names;
    for (const auto* b : budgets)
      names += fmt::format("{}'{}'", names.empty() ? "" : ", ", b->name);
    s.health.budget = models::failures::DisruptionBudget{Kind::max_unavailable, 0.0, false};
    s.health.budget_source = "PodDisruptionBudgets " + names;
    const std::string why = fmt::format(
        "its pods are selected by PodDisruptionBudgets {}: the eviction API refuses to evict a "
        "pod with more than one (HTTP 500), so drains never evict them; modelled as "
        "max_unavailable 0, each retry counted refused (kubectl drain would stop with the error)",
        names);
    out.notes.push_back(fmt::format("service '{}': {}", s.name, why));
    s.assumptions.push_back({"disruption_budget", "{max_unavailable: 0}", why, budgets[1]->where});
    return;
  }
  const K8sDisruptionBudget& b = *budgets.front();
  if (b.budget.kind == Kind::none) {
    not_modelled(out, s, "disruption_budget",
                 fmt::format("PodDisruptionBudget '{}' sets neither minAvailable nor "
                             "maxUnavailable: no budget imported",
                             b.name),
                 b.where);
    return;
  }
  s.health.budget = b.budget;
  s.health.budget_source = fmt::format("PodDisruptionBudget '{}'", b.name);
  std::size_t selected = 0;
  for (const auto& other : m.workloads)
    selected += b.selects(other) ? 1 : 0;
  if (selected > 1) {
    const std::string why = fmt::format(
        "PodDisruptionBudget '{}' ({}) selects {} workloads: applied to this one's pods alone "
        "(a budget per service); Kubernetes counts the pods of all of them together",
        b.name, describe(b.budget), selected);
    out.notes.push_back(fmt::format("service '{}': {}", s.name, why));
    s.assumptions.push_back({"disruption_budget", describe(b.budget), why, b.where});
  }
}

// A probe (Kubernetes keys) or ECS health check (its keys) with the fields the file gives.
YAML::Node probe_node(const ImportedProbe& p, bool ecs) {
  YAML::Node n(YAML::NodeType::Map);
  if (ecs) {  // in the order of the ECS API's HealthCheck
    if (p.period) n["interval"] = p.period->to_string();
    if (p.timeout) n["timeout"] = p.timeout->to_string();
    if (p.failure_threshold) n["retries"] = *p.failure_threshold;
    if (p.initial_delay) n["start_period"] = p.initial_delay->to_string();
    return n;
  }
  if (p.initial_delay) n["initial_delay"] = p.initial_delay->to_string();
  if (p.period) n["period"] = p.period->to_string();
  if (p.timeout) n["timeout"] = p.timeout->to_string();
  if (p.failure_threshold) n["failure_threshold"] = *p.failure_threshold;
  if (p.success_threshold) n["success_threshold"] = *p.success_threshold;
  return n;
}

// `2` or `"25%"`, as a disruption_budget value.
YAML::Node budget_value(const models::failures::DisruptionBudget& b) {
  if (b.percent) return YAML::Node(fmt::format("{}%", b.value));
  return YAML::Node(static_cast<long long>(b.value));
}

void write_health(YAML::Node& s, const ImportedHealth& h) {
  if (h.readiness || h.liveness || h.startup) {
    YAML::Node probes(YAML::NodeType::Map);
    if (h.readiness) probes["readiness"] = probe_node(*h.readiness, false);
    if (h.liveness) probes["liveness"] = probe_node(*h.liveness, false);
    if (h.startup) probes["startup"] = probe_node(*h.startup, false);
    s["probes"] = probes;
  }
  if (h.health_check) s["health_check"] = probe_node(*h.health_check, true);
  if (const auto& b = h.budget) {
    using Kind = models::failures::DisruptionBudget::Kind;
    if (b->kind == Kind::none) return;
    YAML::Node n;
    n[b->kind == Kind::min_available ? "min_available" : "max_unavailable"] = budget_value(*b);
    s["disruption_budget"] = n;
  }
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
  ecs_health(task, out, s);
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
    k8s_probes(w, out, s);
    k8s_budget(manifest, w, out, s);
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
              {to_label_selector(*t.selector), *key, t.required, t.required ? 1 : t.weight});
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
        s.topology_spread.push_back({c.max_skew, *key, c.when_unsatisfiable == "DoNotSchedule",
                                     to_label_selector(*c.selector)});
      }
    }
    out.services.push_back(std::move(s));
  }
  for (const auto& b : manifest.budgets) {
    bool any = false;
    for (const auto& w : manifest.workloads)
      any = any || b.selects(w);
    if (!any)
      out.notes.push_back(fmt::format(
          "PodDisruptionBudget '{}' selects no workload in these files ({}{}); not imported",
          b.name,
          b.namespace_name.empty() ? "no namespace"
                                   : fmt::format("namespace '{}'", b.namespace_name),
          b.selector ? "" : ", no selector: it selects no pod"));
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
    write_health(s, sv.health);
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
