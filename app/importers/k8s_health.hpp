#pragma once
// The health parts of a Kubernetes manifest: a container's probes and PodDisruptionBudget
// documents (the types and rules: k8s_manifest.hpp, K8sProbe and K8sDisruptionBudget). Used by
// the manifest importer's walker; errors are located InputErrors, as the rest of the manifest's.
#include <optional>
#include <string>

#include "app/importers/k8s_walker.hpp"

namespace vmcsim::app::importers {

// The container's probe `key` (readinessProbe, livenessProbe, startupProbe), nullopt if absent.
std::optional<K8sProbe> read_k8s_probe(const K8sWalker& walk, const YAML::Node& container,
                                       const std::string& path, const char* key);

// A PodDisruptionBudget document (its apiVersion, name and namespace already read).
K8sDisruptionBudget read_k8s_disruption_budget(const K8sWalker& walk, const YAML::Node& doc,
                                               const std::string& api, const std::string& name,
                                               const std::string& ns);

// "readinessProbe httpGet, periodSeconds 5 (API defaults for the rest)": the fields given.
std::string describe(const K8sProbe& probe, const char* key);
// "minAvailable 2", "maxUnavailable 25%", or "neither minAvailable nor maxUnavailable".
std::string describe(const models::failures::DisruptionBudget& budget);
// The summary lines of a workload's probes and of the manifest's budgets (empty when none).
std::string summarize_health(const K8sWorkload& workload);
std::string summarize_budgets(const K8sManifest& manifest);

}  // namespace vmcsim::app::importers
