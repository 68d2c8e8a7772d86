// Reading an autoscaling/v2 HorizontalPodAutoscaler manifest into an HpaSpec.
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "models/autoscaling/hpa.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::models::autoscaling {

namespace {

struct Reader {
  std::string_view source;

  [[noreturn]] void fail(const YAML::Node& n, std::string_view field, std::string_view what) const {
    const int line = n.IsDefined() ? n.Mark().line + 1 : 0;
    throw sim::ParseError(fmt::format("{}:{}: {}: {}", source, line, field, what));
  }
  template <class T>
  T get(const YAML::Node& n, std::string_view field) const {
    try {
      return n.as<T>();
    } catch (const YAML::Exception&) {
      fail(n, field, "not a valid number");
    }
  }
  double quantity(const YAML::Node& n, std::string_view field) const {
    // Kubernetes quantities: "4", "500m" (milli-units).
    const std::string text = get<std::string>(n, field);
    try {
      std::size_t used = 0;
      double v = std::stod(text, &used);
      if (used == text.size()) return v;
      if (used + 1 == text.size() && text.back() == 'm') return v / 1000.0;
    } catch (const std::exception&) {
    }
    fail(n, field, fmt::format("'{}' is not a quantity such as 4 or 500m", text));
  }

  HpaScalingRules rules(const YAML::Node& n, std::string_view field, HpaScalingRules r) const {
    if (!n) return r;
    if (const auto w = n["stabilizationWindowSeconds"])
      r.stabilization_window =
          sim::Time::from_s(get<int>(w, fmt::format("{}.stabilizationWindowSeconds", field)));
    if (const auto s = n["selectPolicy"]) {
      const auto v = get<std::string>(s, fmt::format("{}.selectPolicy", field));
      if (v == "Max")
        r.select = SelectPolicy::max;
      else if (v == "Min")
        r.select = SelectPolicy::min;
      else if (v == "Disabled")
        r.select = SelectPolicy::disabled;
      else
        fail(s, fmt::format("{}.selectPolicy", field),
             fmt::format("'{}': expected Max, Min or Disabled", v));
    }
    if (const auto ps = n["policies"]) {
      r.policies.clear();
      for (std::size_t i = 0; i < ps.size(); ++i) {
        const std::string f = fmt::format("{}.policies[{}]", field, i);
        const auto type = get<std::string>(ps[i]["type"], f + ".type");
        HpaScalingPolicy p;
        if (type == "Pods")
          p.type = HpaPolicyType::pods;
        else if (type == "Percent")
          p.type = HpaPolicyType::percent;
        else
          fail(ps[i]["type"], f + ".type", fmt::format("'{}': expected Pods or Percent", type));
        p.value = get<int>(ps[i]["value"], f + ".value");
        p.period = sim::Time::from_s(get<int>(ps[i]["periodSeconds"], f + ".periodSeconds"));
        r.policies.push_back(p);
      }
    }
    return r;
  }
};

}  // namespace

HpaSpec hpa_spec_from_yaml(const YAML::Node& doc, std::string_view source) {
  const Reader rd{source};
  if (!doc["kind"] || doc["kind"].as<std::string>() != "HorizontalPodAutoscaler")
    rd.fail(doc, "kind", "expected HorizontalPodAutoscaler");
  const YAML::Node spec = doc["spec"];
  if (!spec) rd.fail(doc, "spec", "missing");
  HpaSpec out;
  if (spec["minReplicas"]) out.min_replicas = rd.get<int>(spec["minReplicas"], "spec.minReplicas");
  if (!spec["maxReplicas"]) rd.fail(spec, "spec.maxReplicas", "missing (required)");
  out.max_replicas = rd.get<int>(spec["maxReplicas"], "spec.maxReplicas");
  const YAML::Node metrics = spec["metrics"];
  if (!metrics || metrics.size() == 0)
    rd.fail(spec, "spec.metrics", "missing: vmcsim needs one metric");
  const YAML::Node m = metrics[0];
  const std::string type = rd.get<std::string>(m["type"], "spec.metrics[0].type");
  std::string key = type;
  key[0] = static_cast<char>(std::tolower(key[0]));  // Resource -> resource, Pods -> pods
  const YAML::Node target = m[key]["target"];
  if (!target) rd.fail(m, fmt::format("spec.metrics[0].{}.target", key), "missing");
  if (target["averageUtilization"]) {
    out.target = rd.get<double>(target["averageUtilization"], "target.averageUtilization");
  } else if (target["averageValue"]) {
    out.target = rd.quantity(target["averageValue"], "target.averageValue");
  } else if (target["value"]) {
    out.target = rd.quantity(target["value"], "target.value");
  } else {
    rd.fail(target, "target", "needs averageUtilization, averageValue or value");
  }
  if (out.target <= 0) rd.fail(target, "target", "must be positive");
  const YAML::Node behavior = spec["behavior"];
  if (behavior) {
    out.scale_up = rd.rules(behavior["scaleUp"], "behavior.scaleUp", out.scale_up);
    out.scale_down = rd.rules(behavior["scaleDown"], "behavior.scaleDown", out.scale_down);
  }
  return out;
}

}  // namespace vmcsim::models::autoscaling
