#pragma once
// Importer for Kubernetes manifests (YAML, several documents separated by "---", and kind: List).
//
// Modelled kinds:
//   Deployment, StatefulSet, ReplicaSet, ReplicationController (spec.replicas, default 1;
//   spec.template), Pod (one replica) -> K8sWorkload: pod labels, containers with
//   resources.requests/limits (cpu, memory, and whole GPUs as nvidia.com/gpu or amd.com/gpu), pod
//   affinity and anti-affinity (required and preferred terms: topologyKey, labelSelector with
//   matchLabels and matchExpressions), topologySpreadConstraints (maxSkew, topologyKey,
//   whenUnsatisfiable, labelSelector). Init containers, namespaces of terms and node affinity are
//   not modelled. HorizontalPodAutoscaler -> K8sHpa: autoscaling/v2 (and v2beta2, same shape):
//   scaleTargetRef, min/maxReplicas, metrics (Resource, ContainerResource, Pods, Object, External
//   with targets Utilization/AverageValue/Value), behavior.scaleUp/scaleDown
//   (stabilizationWindowSeconds, selectPolicy, policies {type Pods|Percent, value, periodSeconds});
//   autoscaling/v1 targetCPUUtilizationPercentage becomes a Resource cpu Utilization metric.
//   Containers' readinessProbe, livenessProbe and startupProbe -> K8sProbe (k8s_health.cpp).
//   PodDisruptionBudget (policy/v1, v1beta1) -> K8sDisruptionBudget.
// Every other kind (Service, Ingress, ConfigMap, DaemonSet, Job, ...) is listed in `ignored`
// (kind + name), not an error.
//
// Quantities follow Kubernetes' grammar (k8s.io/apimachinery resource.Quantity):
//   <number><suffix>, number = [+-]digits[.digits]; suffix = decimal SI (m, "", k, M, G, T, P, E),
//   binary SI (Ki, Mi, Gi, Ti, Pi, Ei) or a decimal exponent (e3, E-2). CPU is rounded up to
//   whole millicores and memory up to whole bytes, as Kubernetes does.
//
// Errors are InputErrors at yaml-cpp's mark (line+1, column+1) naming the field path, e.g.
// "spec.template.spec.containers[0].resources.requests.cpu".
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/diagnostic.hpp"
#include "models/failures/failures.hpp"
#include "models/placement/affinity.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::app::importers {

// ceil(quantity x 10^decimal_scale) as an integer; throws sim::ParseError on bad text, a
// negative value or overflow. parse_k8s_cpu = scale 3 (millicores), parse_k8s_memory = scale 0.
std::int64_t parse_k8s_quantity(std::string_view text, int decimal_scale);
sim::Millicores parse_k8s_cpu(std::string_view text);
sim::Bytes parse_k8s_memory(std::string_view text);

// A container's readinessProbe, livenessProbe or startupProbe (core/v1 Probe). Seconds and
// counts as written; nullopt: not given, the API's default applies (initialDelaySeconds 0,
// periodSeconds 10, timeoutSeconds 1, successThreshold 1, failureThreshold 3). Checked as the
// API server checks them (Kubernetes API reference, Probe: "Minimum value is 1" for
// periodSeconds, timeoutSeconds, successThreshold and failureThreshold; successThreshold "Must
// be 1 for liveness and startup"; initialDelaySeconds not negative) and exactly one handler of
// exec, httpGet, tcpSocket and grpc ("may not specify more than 1 handler type").
struct K8sProbe {
  std::string handler;  // exec, httpGet, tcpSocket or grpc
  std::optional<int> initial_delay_seconds;
  std::optional<int> period_seconds;
  std::optional<int> timeout_seconds;
  std::optional<int> success_threshold;
  std::optional<int> failure_threshold;
  SourceLocation where;
};

struct K8sContainer {
  std::string name;
  std::string image;
  std::optional<sim::Millicores> cpu_request;
  std::optional<sim::Millicores> cpu_limit;
  std::optional<sim::Bytes> memory_request;
  std::optional<sim::Bytes> memory_limit;
  // Whole GPUs (nvidia.com/gpu or amd.com/gpu): the limit, which is also the request.
  std::optional<int> gpus;
  std::optional<K8sProbe> readiness;  // readinessProbe
  std::optional<K8sProbe> liveness;   // livenessProbe
  std::optional<K8sProbe> startup;    // startupProbe
  SourceLocation where;               // the container's entry
  // What the scheduler reserves: the request, else the limit (Kubernetes defaults a missing
  // request to the limit), else zero.
  sim::Millicores cpu() const;
  sim::Bytes memory() const;
};

// metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist).
struct K8sLabelSelector {
  std::map<std::string, std::string> match_labels;
  std::vector<models::placement::LabelRequirement> match_expressions;
};

// The same selector as the placement model matches it.
models::placement::LabelSelector to_label_selector(const K8sLabelSelector& selector);

// A podAffinity or podAntiAffinity term; namespaces and namespaceSelector are not modelled.
struct K8sAffinityTerm {
  bool required = false;  // requiredDuringScheduling... (else preferred)
  int weight = 0;         // 1..100 for preferred terms, 0 for required ones
  std::string topology_key;
  std::optional<K8sLabelSelector> selector;  // nullopt: no labelSelector (matches no pod)
};

// A topologySpreadConstraints entry (minDomains, matchLabelKeys and the node policies are not
// modelled).
struct K8sSpreadConstraint {
  int max_skew = 1;
  std::string topology_key;
  std::string when_unsatisfiable;  // DoNotSchedule or ScheduleAnyway
  std::optional<K8sLabelSelector> selector;
};

struct K8sWorkload {
  std::string kind;  // Deployment, StatefulSet, ReplicaSet, ReplicationController, Pod
  std::string name;
  std::string namespace_name;  // empty: not given
  int replicas = 1;
  bool replicas_given = false;  // spec.replicas was written (else Kubernetes' default 1)
  std::map<std::string, std::string> labels;  // the pods' labels
  std::vector<K8sContainer> containers;
  std::vector<K8sAffinityTerm> affinity;       // podAffinity
  std::vector<K8sAffinityTerm> anti_affinity;  // podAntiAffinity
  std::vector<K8sSpreadConstraint> topology_spread;
  SourceLocation where;         // the document
  sim::Millicores cpu() const;  // per pod: sum over containers (0: no container requests any)
  sim::Bytes memory() const;
  int gpus() const;
  // The pod's QoS class as Kubernetes derives it: BestEffort (no container requests or limits
  // CPU or memory), Guaranteed (every container has CPU and memory limits equal to its
  // requests), else Burstable.
  std::string qos_class() const;
};

struct K8sHpaMetric {
  std::string type;                        // Resource, ContainerResource, Pods, Object, External
  std::string name;                        // resource name (cpu, memory) or metric name
  std::string target_type;                 // Utilization, AverageValue, Value
  std::optional<int> average_utilization;  // percent, for Utilization
  std::string target_value;                // quantity as written, for AverageValue/Value
};

struct K8sScalingPolicy {
  std::string type;  // Pods, Percent
  int value = 0;
  sim::Time period;
};

struct K8sScalingRules {
  std::optional<sim::Time> stabilization_window;
  std::string select_policy;  // Max, Min, Disabled; empty: not given (Kubernetes uses Max)
  std::vector<K8sScalingPolicy> policies;
};

struct K8sHpa {
  std::string name;
  std::string namespace_name;
  std::string api_version;
  std::string target_kind;
  std::string target_name;
  int min_replicas = 1;
  bool min_replicas_given = false;  // spec.minReplicas was written (else Kubernetes' default 1)
  int max_replicas = 1;
  std::vector<K8sHpaMetric> metrics;
  std::optional<K8sScalingRules> scale_up;
  std::optional<K8sScalingRules> scale_down;
  SourceLocation where;
  // The Resource cpu Utilization target in percent, if there is one.
  std::optional<int> target_cpu_utilization() const;
};

// A PodDisruptionBudget (policy/v1, and policy/v1beta1 of the same shape): minAvailable or
// maxUnavailable, an integer or "N%" (not both: "minAvailable and maxUnavailable cannot be both
// set", as the API server says; a percent at most 100%), over the pods `selector` selects in its
// namespace. policy/v1: a missing selector selects no pod, an empty one every pod of the
// namespace; policy/v1beta1: an empty selector selects no pod either (Kubernetes docs,
// "Specifying a Disruption Budget for your Application").
struct K8sDisruptionBudget {
  std::string name;
  std::string namespace_name;
  std::string api_version;
  models::failures::DisruptionBudget budget;  // kind none: neither field given
  std::optional<K8sLabelSelector> selector;
  SourceLocation where;
  // Whether it selects the pods of `workload` (same namespace, labels matched).
  bool selects(const K8sWorkload& workload) const;
};

struct K8sIgnoredObject {
  std::string kind;
  std::string name;
  SourceLocation where;
};

struct K8sManifest {
  std::vector<std::string> files;
  std::vector<K8sWorkload> workloads;
  std::vector<K8sHpa> autoscalers;
  std::vector<K8sDisruptionBudget> budgets;
  std::vector<K8sIgnoredObject> ignored;
  // The workload an autoscaler scales, if it is in this manifest.
  const K8sWorkload* target_of(const K8sHpa& hpa) const;
  // The PodDisruptionBudgets that select the workload's pods, in file order.
  std::vector<const K8sDisruptionBudget*> budgets_of(const K8sWorkload& workload) const;
};

K8sManifest parse_k8s_manifests(std::string_view text, const std::string& file);
K8sManifest load_k8s_manifests(const std::string& path);
// Several files into one manifest (so an HPA finds its Deployment in another file).
K8sManifest load_k8s_manifests(const std::vector<std::string>& paths);

// For a workload requesting no CPU or memory: what fitting and kube-scheduler's scoring use
// (empty when it requests both).
std::string scoring_defaults_note(const K8sWorkload& workload);
std::string summarize(const K8sManifest& manifest);

}  // namespace vmcsim::app::importers
