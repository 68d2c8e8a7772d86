#include "models/catalog/detection_catalog.hpp"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>

#include "models/catalog/catalog.hpp"

namespace vmcsim::models {

namespace {

// One platform's `{key: {value, source}}` map, each key read once and all of them required.
class Section {
 public:
  Section(const YAML::Node& parent, const std::string& name, std::set<std::string> keys)
      : name_(name), keys_(std::move(keys)) {
    node_ = parent[name];
    if (!node_ || !node_.IsMap()) fail_at(parent, "detection: needs the map '" + name + "'");
    for (const auto& kv : node_) {
      const std::string key = kv.first.as<std::string>();
      if (!keys_.contains(key)) fail_at(kv.first, fmt::format("{}: unknown key '{}'", name, key));
    }
  }

  sim::Time time(const std::string& key) const {
    const YAML::Node v = value(key);
    try {
      return sim::Time::parse(v.Scalar());
    } catch (const std::exception& e) {
      fail_at(v, fmt::format("{}.{}: {}", name_, key, e.what()));
    }
  }

  double number(const std::string& key) const {
    const YAML::Node v = value(key);
    try {
      std::size_t used = 0;
      const double d = std::stod(v.Scalar(), &used);
      if (used == v.Scalar().size() && d >= 0) return d;
    } catch (const std::exception&) {
    }
    fail_at(v, fmt::format("{}.{}: '{}' is not a number >= 0", name_, key, v.Scalar()));
  }

  int count(const std::string& key) const {
    const double d = number(key);
    if (d < 1 || d != static_cast<int>(d))
      fail_at(value(key), fmt::format("{}.{}: needs a whole number >= 1", name_, key));
    return static_cast<int>(d);
  }

 private:
  YAML::Node value(const std::string& key) const {
    const YAML::Node entry = node_[key];
    if (!entry) fail_at(node_, fmt::format("{}: needs '{}'", name_, key));
    if (!entry.IsMap() || !entry["value"] || !entry["value"].IsScalar())
      fail_at(entry, fmt::format("{}.{}: write {{value: ..., source: ...}}", name_, key));
    for (const auto& kv : entry)
      if (const std::string k = kv.first.as<std::string>(); k != "value" && k != "source")
        fail_at(kv.first, fmt::format("{}.{}: unknown key '{}'", name_, key, k));
    if (!entry["source"] || !entry["source"].IsScalar() || entry["source"].Scalar().empty())
      fail_at(entry, fmt::format("{}.{}: needs a source", name_, key));
    return entry["value"];
  }

  std::string name_;
  std::set<std::string> keys_;
  YAML::Node node_;
};

}  // namespace

failures::DetectionConfig parse_detection(const YAML::Node& root) {
  if (!root.IsMap() || root.size() != 1 || !root["detection"])
    fail_at(root, "detection.yaml holds one map, 'detection'");
  const YAML::Node d = root["detection"];
  for (const auto& kv : d)
    if (const std::string k = kv.first.as<std::string>();
        k != "kubernetes" && k != "load_balancer" && k != "ecs" && k != "vm_ha")
      fail_at(kv.first,
           "detection: unknown platform '" + k + "' (kubernetes, load_balancer, ecs, vm_ha)");
  failures::DetectionConfig c;
  const Section k8s(
      d, "kubernetes",
      {"node_monitor_grace_period", "not_ready_toleration", "probe_initial_delay", "probe_period",
       "probe_failure_threshold", "probe_success_threshold", "probe_timeout", "drain_retry"});
  c.node_monitor_grace_period = k8s.time("node_monitor_grace_period");
  c.not_ready_toleration = k8s.time("not_ready_toleration");
  c.probe = {k8s.time("probe_initial_delay"), k8s.time("probe_period"),
             k8s.count("probe_failure_threshold"), k8s.count("probe_success_threshold"),
             k8s.time("probe_timeout")};
  c.drain_retry = k8s.time("drain_retry");
  const Section lb(d, "load_balancer", {"health_check_interval", "unhealthy_threshold"});
  c.health_check_interval = lb.time("health_check_interval");
  c.unhealthy_threshold = lb.count("unhealthy_threshold");
  const Section ecs(d, "ecs",
                    {"container_health_check_interval", "container_health_check_retries",
                     "container_health_check_start_period", "container_health_check_timeout",
                     "minimum_healthy_percent", "maximum_percent"});
  c.container_health_check = {
      ecs.time("container_health_check_start_period"), ecs.time("container_health_check_interval"),
      ecs.count("container_health_check_retries"), 1, ecs.time("container_health_check_timeout")};
  c.minimum_healthy_percent = ecs.number("minimum_healthy_percent");
  c.maximum_percent = ecs.number("maximum_percent");
  const Section ha(d, "vm_ha", {"ha_detection", "supervisor_restart"});
  c.ha_detection = ha.time("ha_detection");
  c.supervisor_restart = ha.time("supervisor_restart");
  return c;
}

}  // namespace vmcsim::models
