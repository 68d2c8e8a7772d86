#include "app/importers/k8s_manifest.hpp"

#include <array>
#include <limits>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "app/importers/k8s_health.hpp"
#include "app/importers/k8s_walker.hpp"
#include "app/importers/source_file.hpp"
#include "app/yaml/documents.hpp"
#include "models/placement/resources.hpp"
#include "sim/detail/decimal.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::app::importers {

using sim::detail::Uint128;

std::int64_t parse_k8s_quantity(std::string_view text, int decimal_scale) {
  const std::string original{text};
  auto fail = [&](const std::string& why) {
    return sim::ParseError{fmt::format(
        "invalid quantity '{}': {} (write e.g. 100m, 0.5, 128Mi, 1Gi, 1e3)", original, why)};
  };
  sim::detail::Decimal number;
  if (!sim::detail::read_decimal(text, number)) throw fail("expected a number");
  if (number.negative && number.digits != 0) throw fail("negative");
  int pow10 = 0;
  int pow2 = 0;
  // "E" alone is exa and "Ei" exbi; an exponent is e/E followed by a sign or digit.
  if (text.size() > 1 && (text[0] == 'e' || text[0] == 'E') &&
      (text[1] == '-' || text[1] == '+' || (text[1] >= '0' && text[1] <= '9'))) {
    std::string_view rest = text.substr(1);
    sim::detail::Decimal exponent;
    if (!sim::detail::read_decimal(rest, exponent) || exponent.fraction_digits != 0 ||
        !rest.empty() || exponent.digits > 1000)
      throw fail("bad exponent");
    pow10 = static_cast<int>(exponent.digits) * (exponent.negative ? -1 : 1);
    text = rest;
  } else if (!text.empty()) {
    struct Suffix {
      std::string_view name;
      int pow10, pow2;
    };
    static constexpr std::array<Suffix, 13> kSuffixes{{{"m", -3, 0},
                                                       {"k", 3, 0},
                                                       {"M", 6, 0},
                                                       {"G", 9, 0},
                                                       {"T", 12, 0},
                                                       {"P", 15, 0},
                                                       {"E", 18, 0},
                                                       {"Ki", 0, 10},
                                                       {"Mi", 0, 20},
                                                       {"Gi", 0, 30},
                                                       {"Ti", 0, 40},
                                                       {"Pi", 0, 50},
                                                       {"Ei", 0, 60}}};
    const Suffix* found = nullptr;
    for (const auto& s : kSuffixes)
      if (text == s.name) found = &s;
    if (found == nullptr) throw fail("unknown suffix '" + std::string{text} + "'");
    pow10 = found->pow10;
    pow2 = found->pow2;
  }
  // value = digits x 10^(pow10 - fraction) x 2^pow2; we want ceil(value x 10^scale).
  const int k = pow10 + decimal_scale - number.fraction_digits;
  constexpr Uint128 kMax = std::numeric_limits<std::int64_t>::max();
  Uint128 n = number.digits;
  auto times = [&](Uint128 factor) {
    if (n != 0 && n > kMax * 1000 / factor) throw fail("too large");
    n *= factor;
  };
  for (int b = 0; b < pow2; ++b)
    times(2);
  for (int d = 0; d < k; ++d)
    times(10);
  if (k < 0) {
    Uint128 den = 1;
    for (int d = 0; d < -k && den <= kMax * 10; ++d)
      den *= 10;
    n = (n + den - 1) / den;  // round up, as Kubernetes does for milli-units
  }
  if (n > kMax) throw fail("too large");
  return static_cast<std::int64_t>(n);
}

sim::Millicores parse_k8s_cpu(std::string_view text) {
  return sim::Millicores{parse_k8s_quantity(text, 3)};
}

sim::Bytes parse_k8s_memory(std::string_view text) {
  return sim::Bytes{parse_k8s_quantity(text, 0)};
}

sim::Millicores K8sContainer::cpu() const {
  return cpu_request ? *cpu_request : cpu_limit.value_or(sim::Millicores{});
}

sim::Bytes K8sContainer::memory() const {
  return memory_request ? *memory_request : memory_limit.value_or(sim::Bytes{});
}

std::string K8sWorkload::qos_class() const {
  bool any = false, guaranteed = true;
  for (const auto& c : containers) {
    any = any || c.cpu_request || c.cpu_limit || c.memory_request || c.memory_limit;
    guaranteed = guaranteed && c.cpu_limit && c.memory_limit &&
                 (!c.cpu_request || *c.cpu_request == *c.cpu_limit) &&
                 (!c.memory_request || *c.memory_request == *c.memory_limit);
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

int K8sWorkload::gpus() const {
  int sum = 0;
  for (const auto& c : containers)
    sum += c.gpus.value_or(0);
  return sum;
}

sim::Millicores K8sWorkload::cpu() const {
  sim::Millicores sum;
  for (const auto& c : containers)
    sum += c.cpu();
  return sum;
}

sim::Bytes K8sWorkload::memory() const {
  sim::Bytes sum;
  for (const auto& c : containers)
    sum += c.memory();
  return sum;
}

std::optional<int> K8sHpa::target_cpu_utilization() const {
  for (const auto& m : metrics)
    if (m.type == "Resource" && m.name == "cpu" && m.average_utilization)
      return m.average_utilization;
  return std::nullopt;
}

models::placement::LabelSelector to_label_selector(const K8sLabelSelector& in) {
  models::placement::LabelSelector out;
  out.match_labels.insert(in.match_labels.begin(), in.match_labels.end());
  out.match_expressions = in.match_expressions;
  return out;
}

const K8sWorkload* K8sManifest::target_of(const K8sHpa& hpa) const {
  for (const auto& w : workloads)
    if (w.kind == hpa.target_kind && w.name == hpa.target_name &&
        w.namespace_name == hpa.namespace_name)
      return &w;
  return nullptr;
}

namespace {

// Extended resources for whole GPUs (device plugins): Kubernetes takes the limit as the request
// and never overcommits them.
constexpr std::array<const char*, 2> kGpuResources{"nvidia.com/gpu", "amd.com/gpu"};

// Walks one document, turning yaml-cpp nodes into the structs above with located errors.
class Walker : public K8sWalker {
 public:
  using K8sWalker::K8sWalker;

  template <typename T, typename Parse>
  std::optional<T> quantity(const YAML::Node& map, const std::string& path, const char* key,
                            Parse parse) const {
    const YAML::Node v = child(map, path, key);
    if (!v || v.IsNull()) return std::nullopt;
    const std::string p = join(path, key);
    try {
      return parse(scalar(v, p));
    } catch (const sim::ParseError& e) {
      fail(v, p, e.what());
    }
  }

  K8sContainer container(const YAML::Node& node, const std::string& path) const {
    K8sContainer c;
    c.where = at(node);
    c.name = string(node, path, "name", true);
    c.image = string(node, path, "image", false);
    const YAML::Node resources = child(node, path, "resources");
    if (resources && !resources.IsNull()) {
      const std::string rp = join(path, "resources");
      for (const char* which : {"requests", "limits"}) {
        const YAML::Node r = child(resources, rp, which);
        if (!r || r.IsNull()) continue;
        const std::string p = join(rp, which);
        const auto cpu = quantity<sim::Millicores>(r, p, "cpu", parse_k8s_cpu);
        const auto memory = quantity<sim::Bytes>(r, p, "memory", parse_k8s_memory);
        (std::string_view{which} == "requests" ? c.cpu_request : c.cpu_limit) = cpu;
        (std::string_view{which} == "requests" ? c.memory_request : c.memory_limit) = memory;
        for (const char* gpu : kGpuResources) {
          const auto n = integer(r, p, gpu, 0, 1'000'000);
          if (!n) continue;
          if (c.gpus && *c.gpus != *n)  // set by requests, now the limits
            fail(r[gpu], join(p, gpu), "a GPU request must equal its limit");
          c.gpus = n;
        }
      }
      if (c.cpu_request && c.cpu_limit && *c.cpu_request > *c.cpu_limit)
        fail(resources, rp, "the cpu request exceeds the cpu limit");
      if (c.memory_request && c.memory_limit && *c.memory_request > *c.memory_limit)
        fail(resources, rp, "the memory request exceeds the memory limit");
    }
    c.readiness = read_k8s_probe(*this, node, path, "readinessProbe");
    c.liveness = read_k8s_probe(*this, node, path, "livenessProbe");
    c.startup = read_k8s_probe(*this, node, path, "startupProbe");
    return c;
  }

  K8sAffinityTerm term(const YAML::Node& node, const std::string& path, bool required) const {
    K8sAffinityTerm t;
    t.required = required;
    t.topology_key = string(node, path, "topologyKey", true);
    t.selector = selector(node, path);
    return t;
  }

  // podAffinity or podAntiAffinity: required and preferred terms.
  std::vector<K8sAffinityTerm> terms(const YAML::Node& affinity, const std::string& path,
                                     const char* kind) const {
    std::vector<K8sAffinityTerm> out;
    const YAML::Node node = child(affinity, path, kind);
    if (!node || node.IsNull()) return out;
    const std::string ap = join(path, kind);
    const YAML::Node req = sequence(node, ap, "requiredDuringSchedulingIgnoredDuringExecution");
    for (std::size_t i = 0; i < req.size(); ++i)
      out.push_back(
          term(req[i], fmt::format("{}.requiredDuringSchedulingIgnoredDuringExecution[{}]", ap, i),
               true));
    const YAML::Node pref = sequence(node, ap, "preferredDuringSchedulingIgnoredDuringExecution");
    for (std::size_t i = 0; i < pref.size(); ++i) {
      const std::string p =
          fmt::format("{}.preferredDuringSchedulingIgnoredDuringExecution[{}]", ap, i);
      auto t = term(require(pref[i], p, "podAffinityTerm"), join(p, "podAffinityTerm"), false);
      const auto weight = integer(pref[i], p, "weight", 1, 100);
      if (!weight) fail(pref[i], p, "missing required 'weight'");
      t.weight = *weight;
      out.push_back(std::move(t));
    }
    return out;
  }

  K8sSpreadConstraint spread(const YAML::Node& node, const std::string& path) const {
    K8sSpreadConstraint c;
    const auto skew = integer(node, path, "maxSkew", 1, std::numeric_limits<int>::max());
    if (!skew) fail(node, path, "missing required 'maxSkew'");
    c.max_skew = *skew;
    c.topology_key = string(node, path, "topologyKey", true);
    c.when_unsatisfiable = string(node, path, "whenUnsatisfiable", true);
    if (c.when_unsatisfiable != "DoNotSchedule" && c.when_unsatisfiable != "ScheduleAnyway")
      fail(node["whenUnsatisfiable"], join(path, "whenUnsatisfiable"),
           fmt::format("'{}' is not DoNotSchedule or ScheduleAnyway", c.when_unsatisfiable));
    c.selector = selector(node, path);
    return c;
  }

  // spec is the pod spec (spec.template.spec, or spec of a Pod).
  void pod_spec(const YAML::Node& spec, const std::string& path, K8sWorkload& w) const {
    const YAML::Node containers = sequence(spec, path, "containers");
    if (containers.size() == 0) fail(spec, path, "a pod needs at least one container");
    for (std::size_t i = 0; i < containers.size(); ++i)
      w.containers.push_back(container(containers[i], fmt::format("{}.containers[{}]", path, i)));
    const YAML::Node spread_constraints = sequence(spec, path, "topologySpreadConstraints");
    for (std::size_t i = 0; i < spread_constraints.size(); ++i)
      w.topology_spread.push_back(
          spread(spread_constraints[i], fmt::format("{}.topologySpreadConstraints[{}]", path, i)));
    const YAML::Node affinity = child(spec, path, "affinity");
    if (!affinity || affinity.IsNull()) return;
    const std::string ap = join(path, "affinity");
    w.affinity = terms(affinity, ap, "podAffinity");
    w.anti_affinity = terms(affinity, ap, "podAntiAffinity");
  }

  K8sWorkload workload(const YAML::Node& doc, const std::string& kind, const std::string& name,
                       const std::string& ns) const {
    K8sWorkload w;
    w.kind = kind;
    w.name = name;
    w.namespace_name = ns;
    w.where = at(doc);
    const YAML::Node spec = require(doc, "", "spec");
    if (kind == "Pod") {
      w.labels = labels(child(doc["metadata"], "metadata", "labels"), "metadata.labels");
      pod_spec(spec, "spec", w);
      return w;
    }
    const auto replicas = integer(spec, "spec", "replicas", 0, 1'000'000);
    w.replicas = replicas.value_or(1);
    w.replicas_given = replicas.has_value();
    const YAML::Node tmpl = require(spec, "spec", "template");
    const YAML::Node meta = child(tmpl, "spec.template", "metadata");
    if (meta && !meta.IsNull())
      w.labels =
          labels(child(meta, "spec.template.metadata", "labels"), "spec.template.metadata.labels");
    pod_spec(require(tmpl, "spec.template", "spec"), "spec.template.spec", w);
    return w;
  }

  K8sScalingRules rules(const YAML::Node& node, const std::string& path) const {
    K8sScalingRules r;
    if (const auto s = integer(node, path, "stabilizationWindowSeconds", 0, 3600))
      r.stabilization_window = sim::Time::from_s(*s);
    r.select_policy = string(node, path, "selectPolicy", false);
    if (!r.select_policy.empty() && r.select_policy != "Max" && r.select_policy != "Min" &&
        r.select_policy != "Disabled")
      fail(node["selectPolicy"], join(path, "selectPolicy"),
           fmt::format("'{}' is not Max, Min or Disabled", r.select_policy));
    const YAML::Node policies = sequence(node, path, "policies");
    for (std::size_t i = 0; i < policies.size(); ++i) {
      const std::string p = fmt::format("{}.policies[{}]", path, i);
      K8sScalingPolicy policy;
      policy.type = string(policies[i], p, "type", true);
      if (policy.type != "Pods" && policy.type != "Percent")
        fail(policies[i]["type"], join(p, "type"),
             fmt::format("'{}' is not Pods or Percent", policy.type));
      const auto value = integer(policies[i], p, "value", 1, 1'000'000);
      if (!value) fail(policies[i], p, "missing required 'value'");
      policy.value = *value;
      const auto period = integer(policies[i], p, "periodSeconds", 1, 1800);
      if (!period) fail(policies[i], p, "missing required 'periodSeconds'");
      policy.period = sim::Time::from_s(*period);
      r.policies.push_back(std::move(policy));
    }
    return r;
  }

  K8sHpaMetric metric(const YAML::Node& node, const std::string& path) const {
    K8sHpaMetric m;
    m.type = string(node, path, "type", true);
    // The metric's own block is named after its type, in lowerCamelCase.
    static const std::map<std::string, std::string> kBlocks{
        {"Resource", "resource"},
        {"ContainerResource", "containerResource"},
        {"Pods", "pods"},
        {"Object", "object"},
        {"External", "external"}};
    const auto block = kBlocks.find(m.type);
    if (block == kBlocks.end())
      fail(node["type"], join(path, "type"),
           fmt::format(
               "unknown metric type '{}' (Resource, ContainerResource, Pods, Object, External)",
               m.type));
    const std::string bp = join(path, block->second);
    const YAML::Node b = require(node, path, block->second.c_str());
    if (m.type == "Resource" || m.type == "ContainerResource") {
      m.name = string(b, bp, "name", true);
    } else {
      m.name = string(require(b, bp, "metric"), join(bp, "metric"), "name", true);
    }
    const std::string tp = join(bp, "target");
    const YAML::Node target = require(b, bp, "target");
    m.target_type = string(target, tp, "type", true);
    if (m.target_type == "Utilization") {
      m.average_utilization = integer(target, tp, "averageUtilization", 1, 1'000'000);
      if (!m.average_utilization) fail(target, tp, "missing required 'averageUtilization'");
    } else if (m.target_type == "AverageValue" || m.target_type == "Value") {
      const char* key = m.target_type == "Value" ? "value" : "averageValue";
      m.target_value = string(target, tp, key, true);
      try {
        parse_k8s_quantity(m.target_value, 3);
      } catch (const sim::ParseError& e) {
        fail(target[key], join(tp, key), e.what());
      }
    } else {
      fail(target["type"], join(tp, "type"),
           fmt::format("'{}' is not Utilization, AverageValue or Value", m.target_type));
    }
    return m;
  }

  K8sHpa hpa(const YAML::Node& doc, const std::string& api, const std::string& name,
             const std::string& ns) const {
    K8sHpa h;
    h.name = name;
    h.namespace_name = ns;
    h.api_version = api;
    h.where = at(doc);
    const YAML::Node spec = require(doc, "", "spec");
    const YAML::Node ref = require(spec, "spec", "scaleTargetRef");
    h.target_kind = string(ref, "spec.scaleTargetRef", "kind", true);
    h.target_name = string(ref, "spec.scaleTargetRef", "name", true);
    const auto min = integer(spec, "spec", "minReplicas", 1, 1'000'000);
    h.min_replicas = min.value_or(1);
    h.min_replicas_given = min.has_value();
    const auto max = integer(spec, "spec", "maxReplicas", 1, 1'000'000);
    if (!max) fail(spec, "spec", "missing required 'maxReplicas'");
    h.max_replicas = *max;
    if (h.min_replicas > h.max_replicas)
      fail(spec["minReplicas"], "spec.minReplicas", "minReplicas exceeds maxReplicas");
    if (api == "autoscaling/v1") {
      if (const auto cpu = integer(spec, "spec", "targetCPUUtilizationPercentage", 1, 1'000'000))
        h.metrics.push_back({"Resource", "cpu", "Utilization", cpu, {}});
      return h;
    }
    if (api != "autoscaling/v2" && api != "autoscaling/v2beta2")
      fail(doc["apiVersion"], "apiVersion",
           fmt::format("unsupported '{}' for a HorizontalPodAutoscaler (use autoscaling/v2 or v1)",
                       api));
    const YAML::Node metrics = sequence(spec, "spec", "metrics");
    for (std::size_t i = 0; i < metrics.size(); ++i)
      h.metrics.push_back(metric(metrics[i], fmt::format("spec.metrics[{}]", i)));
    const YAML::Node behavior = child(spec, "spec", "behavior");
    if (behavior && !behavior.IsNull()) {
      if (const YAML::Node up = child(behavior, "spec.behavior", "scaleUp"); up && !up.IsNull())
        h.scale_up = rules(up, "spec.behavior.scaleUp");
      if (const YAML::Node down = child(behavior, "spec.behavior", "scaleDown");
          down && !down.IsNull())
        h.scale_down = rules(down, "spec.behavior.scaleDown");
    }
    return h;
  }

  void document(const YAML::Node& doc, K8sManifest& out) const {
    if (!doc || doc.IsNull()) return;  // an empty document ("---" at the end)
    if (!doc.IsMap()) fail(doc, "", "a Kubernetes object is a mapping");
    const std::string kind = string(doc, "", "kind", true);
    if (kind == "List") {
      const YAML::Node items = sequence(doc, "", "items");
      for (std::size_t i = 0; i < items.size(); ++i)
        document(items[i], out);
      return;
    }
    const std::string api = string(doc, "", "apiVersion", true);
    const YAML::Node meta = require(doc, "", "metadata");
    const std::string name = string(meta, "metadata", "name", true);
    const std::string ns = string(meta, "metadata", "namespace", false);
    if (kind == "Deployment" || kind == "StatefulSet" || kind == "ReplicaSet" ||
        kind == "ReplicationController" || kind == "Pod") {
      out.workloads.push_back(workload(doc, kind, name, ns));
    } else if (kind == "HorizontalPodAutoscaler") {
      out.autoscalers.push_back(hpa(doc, api, name, ns));
    } else if (kind == "PodDisruptionBudget") {
      out.budgets.push_back(read_k8s_disruption_budget(*this, doc, api, name, ns));
    } else {
      out.ignored.push_back({kind, name, at(doc)});
    }
  }
};

}  // namespace

// A bound on hostile structure: kubectl applies files of a few dozen objects; ten thousand is far
// beyond any real manifest and still cheap to refuse.
constexpr std::size_t kMaxManifestDocuments = 10000;

K8sManifest parse_k8s_manifests(std::string_view text, const std::string& file) {
  K8sManifest out;
  out.files.push_back(file);
  std::vector<YAML::Node> docs;
  try {
    docs = yaml::load_documents(std::string{text}, kMaxManifestDocuments);
  } catch (const YAML::ParserException& e) {
    throw InputError({file, e.mark.line + 1, e.mark.column + 1}, "", "invalid YAML: " + e.msg);
  }
  const Walker walker(file);
  for (const auto& doc : docs)
    walker.document(doc, out);
  return out;
}

K8sManifest load_k8s_manifests(const std::string& path) {
  return parse_k8s_manifests(read_source_file(path), path);
}

K8sManifest load_k8s_manifests(const std::vector<std::string>& paths) {
  K8sManifest all;
  for (const auto& path : paths) {
    K8sManifest one = load_k8s_manifests(path);
    all.files.push_back(path);
    for (auto& w : one.workloads)
      all.workloads.push_back(std::move(w));
    for (auto& h : one.autoscalers)
      all.autoscalers.push_back(std::move(h));
    for (auto& b : one.budgets)
      all.budgets.push_back(std::move(b));
    for (auto& i : one.ignored)
      all.ignored.push_back(std::move(i));
  }
  return all;
}

std::string scoring_defaults_note(const K8sWorkload& w) {
  const bool cpu = w.cpu() == sim::Millicores{}, memory = w.memory() == sim::Bytes{};
  if (!cpu && !memory) return {};
  return fmt::format(
      ": fitted with {} request, scored as {} by k8s placement (kube-scheduler's default)",
      cpu && memory ? "no" : (cpu ? "no CPU" : "no memory"),
      cpu && memory ? fmt::format("{} CPU, {}", models::placement::kDefaultScoringCpu.to_string(),
                                  models::placement::kDefaultScoringMemory.to_string())
                    : (cpu ? models::placement::kDefaultScoringCpu.to_string() + " CPU"
                           : models::placement::kDefaultScoringMemory.to_string()));
}

std::string summarize(const K8sManifest& manifest) {
  std::size_t pods = 0;
  sim::Millicores cpu;
  sim::Bytes memory;
  for (const auto& w : manifest.workloads) {
    pods += static_cast<std::size_t>(w.replicas);
    cpu += w.cpu() * w.replicas;
    memory += w.memory() * w.replicas;
  }
  std::string out = fmt::format(
      "Kubernetes manifests: {} workload{}, {} pods requesting cpu {}, memory {}; {} autoscaler{}, "
      "{}{} ignored\n",
      manifest.workloads.size(), manifest.workloads.size() == 1 ? "" : "s", pods, cpu.to_string(),
      memory.to_string(), manifest.autoscalers.size(), manifest.autoscalers.size() == 1 ? "" : "s",
      manifest.budgets.empty()  // (the line of files without budgets stays as it was)
          ? ""
          : fmt::format("{} disruption budget{}, ", manifest.budgets.size(),
                        manifest.budgets.size() == 1 ? "" : "s"),
      manifest.ignored.size());
  for (const auto& w : manifest.workloads) {
    out += fmt::format(
        "  {} {}: {} replica{} x {} container{} (cpu {}, memory {}{}, {}{}){}\n", w.kind, w.name,
        w.replicas, w.replicas == 1 ? "" : "s", w.containers.size(),
        w.containers.size() == 1 ? "" : "s", w.cpu().to_string(), w.memory().to_string(),
        w.gpus() > 0 ? fmt::format(", {} GPU{}", w.gpus(), w.gpus() == 1 ? "" : "s") : "",
        w.qos_class(), scoring_defaults_note(w),
        w.affinity.empty() && w.anti_affinity.empty() && w.topology_spread.empty()
            ? ""
            : ", inter-pod constraints");
    out += summarize_health(w);
  }
  out += summarize_budgets(manifest);
  for (const auto& h : manifest.autoscalers)
    out += fmt::format("  HorizontalPodAutoscaler {}: {} {} in {}..{} replicas, {} metric{}{}\n",
                       h.name, h.target_kind, h.target_name, h.min_replicas, h.max_replicas,
                       h.metrics.size(), h.metrics.size() == 1 ? "" : "s",
                       manifest.target_of(h) ? "" : " (target not in these files)");
  for (const auto& i : manifest.ignored)
    out += fmt::format("  ignored {} {}\n", i.kind, i.name);
  return out;
}

}  // namespace vmcsim::app::importers
