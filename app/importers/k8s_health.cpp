#include "app/importers/k8s_health.hpp"

#include <array>
#include <limits>

#include <fmt/format.h>

namespace vmcsim::app::importers {

namespace {

// Probe fields are int32 in the API; this bound keeps every conversion to sim::Time exact.
constexpr int kMaxProbeValue = std::numeric_limits<std::int32_t>::max();

// minAvailable / maxUnavailable: an IntOrString, an integer >= 0 or a string "N%" with N at most
// 100 (apimachinery ValidatePositiveIntOrPercent and IsNotMoreThan100Percent).
void read_budget_value(const K8sWalker& walk, const YAML::Node& node, const std::string& path,
                       models::failures::DisruptionBudget& b) {
  const std::string text = walk.scalar(node, path);
  const bool percent = !text.empty() && text.back() == '%';
  const std::string digits = percent ? text.substr(0, text.size() - 1) : text;
  long long n = -1;
  std::size_t used = 0;
  try {
    n = std::stoll(digits, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != digits.size() || n < 0 || digits[0] == '-' || digits[0] == '+')
    walk.fail(node, path,
              fmt::format("'{}' is not a non-negative integer or a percent (\"25%\")", text));
  if (percent && n > 100) walk.fail(node, path, fmt::format("'{}' is more than 100%", text));
  if (!percent && n > kMaxProbeValue) walk.fail(node, path, fmt::format("{} is too large", n));
  b.value = static_cast<double>(n);
  b.percent = percent;
}

}  // namespace

std::optional<K8sProbe> read_k8s_probe(const K8sWalker& walk, const YAML::Node& container,
                                       const std::string& path, const char* key) {
  const YAML::Node node = walk.child(container, path, key);
  if (!node || node.IsNull()) return std::nullopt;
  const std::string p = K8sWalker::join(path, key);
  if (!node.IsMap()) walk.fail(node, p, "expected a mapping");
  K8sProbe probe;
  probe.where = walk.at(node);
  for (const char* handler : {"exec", "httpGet", "tcpSocket", "grpc"}) {
    const YAML::Node h = node[handler];
    if (!h || h.IsNull()) continue;
    if (!probe.handler.empty())
      walk.fail(
          h, K8sWalker::join(p, handler),
          fmt::format("may not specify more than 1 handler type (already {})", probe.handler));
    probe.handler = handler;
  }
  if (probe.handler.empty())
    walk.fail(node, p, "must specify a handler type (exec, httpGet, tcpSocket or grpc)");
  probe.initial_delay_seconds = walk.integer(node, p, "initialDelaySeconds", 0, kMaxProbeValue);
  probe.period_seconds = walk.integer(node, p, "periodSeconds", 1, kMaxProbeValue);
  probe.timeout_seconds = walk.integer(node, p, "timeoutSeconds", 1, kMaxProbeValue);
  probe.success_threshold = walk.integer(node, p, "successThreshold", 1, kMaxProbeValue);
  probe.failure_threshold = walk.integer(node, p, "failureThreshold", 1, kMaxProbeValue);
  if (std::string_view{key} != "readinessProbe" && probe.success_threshold.value_or(1) != 1)
    walk.fail(node["successThreshold"], K8sWalker::join(p, "successThreshold"),
              fmt::format("must be 1 for a {} (Kubernetes API, Probe.successThreshold)", key));
  return probe;
}

K8sDisruptionBudget read_k8s_disruption_budget(const K8sWalker& walk, const YAML::Node& doc,
                                               const std::string& api, const std::string& name,
                                               const std::string& ns) {
  if (api != "policy/v1" && api != "policy/v1beta1")
    walk.fail(doc["apiVersion"], "apiVersion",
              fmt::format("unsupported '{}' for a PodDisruptionBudget (use policy/v1)", api));
  K8sDisruptionBudget pdb;
  pdb.name = name;
  pdb.namespace_name = ns;
  pdb.api_version = api;
  pdb.where = walk.at(doc);
  const YAML::Node spec = walk.require(doc, "", "spec");
  const YAML::Node min = walk.child(spec, "spec", "minAvailable");
  const YAML::Node max = walk.child(spec, "spec", "maxUnavailable");
  const bool has_min = min && !min.IsNull(), has_max = max && !max.IsNull();
  using Kind = models::failures::DisruptionBudget::Kind;
  if (has_min && has_max)
    walk.fail(max, "spec", "minAvailable and maxUnavailable cannot be both set");
  if (has_min) {
    pdb.budget.kind = Kind::min_available;
    read_budget_value(walk, min, "spec.minAvailable", pdb.budget);
  } else if (has_max) {
    pdb.budget.kind = Kind::max_unavailable;
    read_budget_value(walk, max, "spec.maxUnavailable", pdb.budget);
  }
  pdb.selector = walk.selector(spec, "spec", "selector");
  return pdb;
}

bool K8sDisruptionBudget::selects(const K8sWorkload& w) const {
  if (!selector || w.namespace_name != namespace_name) return false;
  const bool empty = selector->match_labels.empty() && selector->match_expressions.empty();
  if (empty) return api_version != "policy/v1beta1";
  return to_label_selector(*selector).matches(
      models::placement::Labels(w.labels.begin(), w.labels.end()));
}

std::vector<const K8sDisruptionBudget*> K8sManifest::budgets_of(const K8sWorkload& w) const {
  std::vector<const K8sDisruptionBudget*> out;
  for (const auto& b : budgets)
    if (b.selects(w)) out.push_back(&b);
  return out;
}

std::string describe(const K8sProbe& p, const char* key) {
  std::string out = fmt::format("{} {}", key, p.handler);
  const auto field = [&](const char* name, const std::optional<int>& v) {
    if (v) out += fmt::format(", {} {}", name, *v);
  };
  field("initialDelaySeconds", p.initial_delay_seconds);
  field("periodSeconds", p.period_seconds);
  field("timeoutSeconds", p.timeout_seconds);
  field("successThreshold", p.success_threshold);
  field("failureThreshold", p.failure_threshold);
  if (!p.initial_delay_seconds || !p.period_seconds || !p.timeout_seconds || !p.success_threshold ||
      !p.failure_threshold)
    out += " (API defaults for the rest)";
  return out;
}

std::string describe(const models::failures::DisruptionBudget& b) {
  using Kind = models::failures::DisruptionBudget::Kind;
  if (b.kind == Kind::none) return "neither minAvailable nor maxUnavailable";
  return fmt::format("{} {}{}", b.kind == Kind::min_available ? "minAvailable" : "maxUnavailable",
                     b.value, b.percent ? "%" : "");
}

std::string summarize_health(const K8sWorkload& w) {
  std::string out;
  for (const auto& c : w.containers)
    for (const auto& [probe, key] :
         {std::pair{&c.readiness, "readinessProbe"}, std::pair{&c.liveness, "livenessProbe"},
          std::pair{&c.startup, "startupProbe"}})
      if (*probe) out += fmt::format("    container {}: {}\n", c.name, describe(**probe, key));
  return out;
}

std::string summarize_budgets(const K8sManifest& m) {
  std::string out;
  for (const auto& b : m.budgets) {
    std::string selected;
    for (const auto& w : m.workloads)
      if (b.selects(w))
        selected += fmt::format("{}{} {}", selected.empty() ? "" : ", ", w.kind, w.name);
    out += fmt::format(
        "  PodDisruptionBudget {}: {}, {}\n", b.name, describe(b.budget),
        selected.empty() ? "selects no workload in these files" : "selects " + selected);
  }
  return out;
}

}  // namespace vmcsim::app::importers
