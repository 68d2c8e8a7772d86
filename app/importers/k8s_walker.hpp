#pragma once
// Reading Kubernetes objects out of yaml-cpp nodes with located errors: the helpers the
// manifest importer's kinds share (k8s_manifest.cpp for workloads and autoscalers,
// k8s_health.cpp for probes and PodDisruptionBudgets). Every error is an InputError at
// yaml-cpp's mark (line+1, column+1) naming the field path, "spec.template.spec.containers[0]".
#include <map>
#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "app/diagnostic.hpp"
#include "app/importers/k8s_manifest.hpp"

namespace vmcsim::app::importers {

class K8sWalker {
 public:
  explicit K8sWalker(const std::string& file) : file_(file) {}

  SourceLocation at(const YAML::Node& node) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& path,
                         const std::string& message) const;
  static std::string join(const std::string& path, const std::string& key);

  // The child `key` of a map (an undefined node if absent); a non-map parent is an error.
  YAML::Node child(const YAML::Node& map, const std::string& path, const char* key) const;
  // The child, which must be there and not null.
  YAML::Node require(const YAML::Node& map, const std::string& path, const char* key) const;
  std::string scalar(const YAML::Node& node, const std::string& path) const;
  std::string string(const YAML::Node& map, const std::string& path, const char* key,
                     bool required) const;
  // An integer in [lo, hi], or nullopt when absent or null.
  std::optional<int> integer(const YAML::Node& map, const std::string& path, const char* key,
                             int lo, int hi) const;
  std::map<std::string, std::string> labels(const YAML::Node& node, const std::string& path) const;
  // A sequence (an empty one if absent).
  YAML::Node sequence(const YAML::Node& map, const std::string& path, const char* key) const;
  // A metav1.LabelSelector under `key` (labelSelector; a PodDisruptionBudget's "selector"),
  // nullopt when absent or null.
  std::optional<K8sLabelSelector> selector(const YAML::Node& parent, const std::string& path,
                                           const char* key = "labelSelector") const;

 private:
  const std::string& file_;
};

}  // namespace vmcsim::app::importers
