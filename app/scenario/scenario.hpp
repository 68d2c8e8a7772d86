#pragma once
// Scenario: one experiment as the user wrote it, as plain data with strong types.
//
// A scenario is the shared world (hosts, topology, registry, images, services, workloads) plus
// the variants to compare on it side by side (vm, microvm, container, container_in_vm). It is
// produced by load_scenario (app/scenario/loader.hpp), which guarantees these invariants:
//   - every name (host group, image, service, variant) is unique within its list;
//   - every reference (service.image, workload.service, output.baseline, sweep path) resolves;
//   - sizes, counts and durations that must be positive are positive; warmup < duration;
//   - every referenced file (trace, ECS task definition, Kubernetes manifest) existed at load
//     time, and its path here is absolute or relative to the working directory;
//   - each distribution's `distribution` was built from its parameters.
// The runner reads these structs; it never re-parses the YAML. The file format is documented in
// docs/scenario-format.md and scenarios/schema.json.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/diagnostic.hpp"
#include "app/scenario/read_tenants.hpp"
#include "models/failures/failures.hpp"
#include "models/placement/affinity.hpp"
#include "models/serverless/function.hpp"
#include "models/platform/platform_kind.hpp"
#include "models/workload/arrivals.hpp"
#include "sim/distributions.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::app::scenario {

enum class DistKind {
  constant,
  uniform,
  exponential,
  normal,
  lognormal,
  pareto,
  weibull,
  empirical
};

// A distribution of a quantity Q (Time or Bytes) with its parameters as written. Only the
// parameters of `kind` are meaningful. `distribution` samples in the base unit of Q: seconds
// for Time, bytes for Bytes (sim::Distribution is unitless).
template <class Q>
struct DistributionSpec {
  DistKind kind = DistKind::constant;
  Q value{};               // constant
  Q low{}, high{};         // uniform
  Q mean{}, stddev{};      // exponential (mean), normal (mean, stddev), lognormal (mean, cv)
  Q median{}, p95{};       // lognormal (median, p95) or (median, sigma)
  double sigma = 0.0;      // lognormal
  double cv = 0.0;         // lognormal: coefficient of variation
  Q scale{};               // pareto, weibull
  double shape = 0.0;      // pareto, weibull
  std::vector<Q> samples;  // empirical
  sim::Distribution distribution;
};
using TimeDistribution = DistributionSpec<sim::Time>;
using SizeDistribution = DistributionSpec<sim::Bytes>;

struct PowerModel {
  double idle_watts = 0.0;
  double peak_watts = 0.0;
};

struct TraceRef {
  std::string file;    // resolved path
  std::string format;  // one of known_trace_formats() (hosts: alibaba-nodes; pod_trace:
                       // alibaba-pods)
};

// A group of identical hosts. Capacities come from `instance_type` (an instance type of the
// models catalog, models/catalog/instance_types.yaml) unless given explicitly; explicit values win.
// A group `from_trace` is the node list of a cluster trace instead: each node keeps its own
// capacities (read by the runner); here `count` is the number of nodes in the list and `cpu`,
// `memory` those of its largest node (so that size checks against host groups still hold).
struct HostGroup {
  std::string name;
  int count = 1;
  std::string instance_type;  // empty if the capacities are explicit
  sim::Millicores cpu;
  sim::Bytes memory;
  sim::DataRate disk_bandwidth;
  std::int64_t disk_iops = 0;  // 0: not modelled
  sim::DataRate network_bandwidth;
  std::string zone;
  std::string rack;
  std::optional<PowerModel> power;
  double price_per_hour = 0.0;  // in cost.currency
  std::optional<TraceRef> from_trace;
};

struct Link {
  sim::DataRate bandwidth;
  sim::Time latency;
};

struct TopologyGenerator {
  int zones = 1;
  int racks_per_zone = 1;
  int hosts_per_rack = 1;
  Link uplinks;  // each rack's uplink to its zone, each zone's to the registry
};

struct ExplicitLink {
  std::string from;
  std::string to;
  Link link;
};

// Either generated (zones x racks x hosts) or a list of explicit links; exactly one is set.
struct Topology {
  std::optional<TopologyGenerator> generator;
  std::vector<ExplicitLink> links;
};

struct Registry {
  sim::DataRate bandwidth;
  sim::Time latency;
  // Request rate limits (models/image/registry.hpp): per second, 0 = none; bursts 0 = one
  // second's worth. E.g. Amazon ECR: layer 3000/s (GetDownloadUrlForLayer), image 2000/s
  // (BatchGetImage).
  double layer_request_rate = 0.0;
  double layer_request_burst = 0.0;
  double image_request_rate = 0.0;
  double image_request_burst = 0.0;
};

struct Layer {
  std::string digest;  // "<image>/layer<i>" when the file gives only a count
  sim::Bytes size;
};

struct Image {
  std::string name;
  std::vector<Layer> layers;  // never empty
  // Known only by name (a task definition's or manifest's image not listed under `images:`):
  // 200MiB in 4 layers of 50MiB, a vmcsim assumption (the sources give no sizes).
  bool assumed = false;
  sim::Bytes total_size() const {
    sim::Bytes sum;
    for (const auto& l : layers)
      sum += l.size;
    return sum;
  }
};

// Per-request work a service instance performs.
struct Work {
  std::optional<TimeDistribution> cpu_time;
  std::optional<SizeDistribution> io_bytes;
};

enum class AutoscalerKind { none, hpa, target_tracking, step };

struct ScalingStep {
  double lower = 0.0;  // metric (CPU utilization fraction) lower bound, inclusive
  double upper = 0.0;  // upper bound, exclusive; +inf if omitted
  int change = 0;      // replicas to add (negative: remove)
};

struct Autoscaling {
  AutoscalerKind kind = AutoscalerKind::none;
  int min_replicas = 1;
  int max_replicas = 1;
  double target_cpu_utilization = 0.0;  // fraction in (0, 1]: hpa, target_tracking
  sim::Time sync_period;                // 0: the model's default
  double tolerance = 0.1;               // hpa
  sim::Time scale_down_stabilization;   // hpa
  sim::Time cooldown;                   // target_tracking, step
  std::vector<ScalingStep> steps;       // step
};

// A service naming an ECS task definition or a Kubernetes manifest is completed from that file
// by resolve_imported_services (app/scenario/imported_services.hpp), which load_scenario calls:
// then `image` is the file's container image (it names an entry of `images` only if the scenario
// defines one of that name), and the values the scenario wrote itself win over the file's.
struct Service {
  std::string name;
  std::string image;
  sim::Millicores cpu_request;
  // A hard cap; = request if omitted; zero: none (`cpu_limit: none`, or an imported service whose
  // source sets no CPU limit: CPU shares only).
  sim::Millicores cpu_limit;
  sim::Bytes memory_request;
  sim::Bytes memory_limit;  // = request if omitted
  int replicas = 1;
  Work work;
  // The application's own start (a JVM's 12 s), paid on every platform as the app_init phase
  // (a variant's `overrides: {boot: {app_init: ...}}` still wins on that variant). Absent: the
  // profiles' app_init (0 s).
  std::optional<TimeDistribution> app_init;
  std::string ecs_task_definition;  // resolved path, empty if none
  std::string kubernetes;           // resolved path, empty if none
  Autoscaling autoscaling;
  std::vector<std::string> placement_constraints;  // "distinctInstance", "memberOf(...)", ...
  // Kubernetes-style inter-pod placement (models/placement/affinity.hpp), topology keys resolved
  // to full keys (`zone` -> topology.kubernetes.io/zone).
  std::map<std::string, std::string> labels;
  std::vector<models::placement::PodAffinityTerm> affinity;
  std::vector<models::placement::PodAffinityTerm> anti_affinity;
  std::vector<models::placement::TopologySpreadConstraint> topology_spread;
  // Whole GPUs per replica, from an imported manifest or task definition (the scenario format
  // has no key for it).
  int gpus = 0;
  // Kubernetes imports: the pod's QoS class (BestEffort, Burstable, Guaranteed); empty
  // otherwise. Only a Kubernetes import may leave cpu_request or memory_request zero: such a
  // pod is fitted with no request and scored at kube-scheduler's defaults (k8s placement).
  std::string qos_class;
  // Whether the scenario wrote replicas and autoscaling itself (for imported services; a zero
  // cpu or memory request means "not written").
  bool replicas_written = false;
  bool autoscaling_written = false;
  // [fn] `function:`: run as a function (scale to zero, keep-alive; models/serverless), with
  // `concurrency` requests per instance (0: from the CPU size, as for other services).
  models::serverless::FunctionConfig function;
  int concurrency = 0;
  // [failures] probes, ECS health check, PodDisruptionBudget, ECS deployment configuration
  // (health_reader.cpp), catalog defaults filled in.
  models::failures::ServiceHealth health;
  SourceLocation where;  // of the service entry, for errors found later (e.g. by importers)
};

// pod_trace is not request arrivals: it replays a cluster's pods (each with its own CPU, memory
// and GPU demand, creation and deletion time) against the hosts, for the placement benchmark
// (app/runner/placement_benchmark.hpp). Its workload has no service, and a scenario with one
// has no services and no other workload.
enum class WorkloadKind { poisson, onoff, mmpp, diurnal, step, trace, pod_trace };

struct MmppState {
  double rate = 0.0;  // requests per second
  sim::Time mean_sojourn;
};

struct RateStep {
  sim::Time at;
  double rate = 0.0;  // requests per second from `at` on
};

// From `at` for `duration`, the arrival rate is multiplied by `multiplier`.
struct Burst {
  sim::Time at;
  sim::Time duration;
  double multiplier = 1.0;
};

struct Workload {
  std::string service;  // empty for pod_trace
  WorkloadKind kind = WorkloadKind::poisson;
  double rate = 0.0;  // requests per second: poisson, onoff (while on), diurnal (mean)
  std::optional<TimeDistribution> on;   // onoff
  std::optional<TimeDistribution> off;  // onoff
  std::vector<MmppState> states;        // mmpp
  double amplitude = 0.0;               // diurnal: peak = rate x (1 + amplitude)
  sim::Time period;                     // diurnal
  sim::Time peak_at;                    // diurnal
  std::vector<RateStep> steps;          // step
  std::optional<TraceRef> trace;        // trace, pod_trace
  // pod_trace `lifetimes: hold`: pods never leave (deletion times ignored), so the trace fills
  // the cluster as in Weng et al.'s experiments; `trace` (default): each pod runs for its trace
  // lifetime (deletion - creation) once placed.
  bool hold_pods = false;
  double arrival_speedup = 1.0;         // pod_trace: gaps between creations divided by this
  std::optional<sim::Time> patience;    // pod_trace: a pod waiting this long gives up
  std::optional<std::size_t> max_pods;  // pod_trace: only the first pods of the trace
  std::vector<Burst> bursts;
  SourceLocation where;         // of the workload entry
  SourceLocation bursts_where;  // of its bursts list (if any)
  // trace workloads, read once at load (app/scenario/request_trace.hpp): the requests to
  // replay (bare timestamps: trace_draws_work, each job draws their work from the service), or
  // for azure-functions-2019 the rate per minute.
  std::vector<models::TraceRecord> trace_records;
  bool trace_draws_work = false;
  std::vector<models::StepRate::Step> trace_rate;
};

// The platform kinds are the models' own (vm, microvm, container, container_in_vm).
using models::PlatformKind;

struct ClusterAutoscaler {
  bool enabled = true;
  int min_nodes = 0;
  int max_nodes = 0;
  sim::Time scan_interval;             // 0: the model's default
  sim::Time scale_down_unneeded_time;  // 0: the model's default
  double scale_down_utilization_threshold = 0.5;
};

// One override of a catalog profile value, flattened to a dotted path ("kernel.boot").
// Kept as text: the catalog knows each value's type and checks it later.
struct OverrideValue {
  std::string text;
  SourceLocation where;
};

struct Variant {
  std::string name;
  PlatformKind platform = PlatformKind::container;
  std::string profile;             // catalog profile name: "kvm-ubuntu", "firecracker", "runc"
  std::string node_instance_type;  // container_in_vm only
  std::string placement;           // "k8s:LeastAllocated", "ecs:binpack(memory)", "first_fit"
  std::optional<ClusterAutoscaler> cluster_autoscaler;
  std::map<std::string, OverrideValue> overrides;
  SourceLocation where;  // of the variant entry, for errors found later (e.g. unknown profile)
};

struct Slo {
  std::optional<sim::Time> startup_p99;
  std::optional<sim::Time> request_latency_p99;
  std::optional<sim::Time> request_latency_threshold;
};

struct Cost {
  std::string currency = "USD";
  double per_vcpu_hour = 0.0;
  double per_gib_hour = 0.0;
  double per_kwh = 0.0;
};

// One swept parameter: a path into the scenario file and the values it takes, as YAML text.
struct SweepParameter {
  std::string path;  // "services.web.replicas", "variants.*.overrides.kernel.boot"
  std::vector<std::string> values;
  SourceLocation where;                         // of the parameter's entry in the file
  std::vector<SourceLocation> value_locations;  // of each value, if listed (not a range)
};

// output.trace: what trace.json keeps (app/report/trace_json.hpp). Slices that do not overlap
// [from, to] and instances on hosts outside the sample are not written, and the trace's
// otherData says how many were left out and why. Empty: everything.
struct TraceSelection {
  std::optional<sim::Time> from;  // slices ending before this are left out
  std::optional<sim::Time> to;    // slices starting after this are left out
  // A sample of `host_count` hosts among those the run used, drawn with `host_seed`; or the
  // hosts named in `hosts` (each a host of the scenario, checked at load).
  std::optional<std::size_t> host_count;
  std::uint64_t host_seed = 1;
  std::vector<std::string> hosts;
  bool selects_hosts() const { return host_count.has_value() || !hosts.empty(); }
};

// output.instances: how instances.csv is written (app/report/csv_writers.hpp).
enum class InstancesCompression { automatic, gzip, none };

struct Output {
  std::string directory = "results";
  // table (the terminal comparison), json, csv, trace, html (report::WriteOptions::formats)
  std::vector<std::string> formats{"table", "json", "csv", "trace", "html"};
  std::string baseline;                       // a variant name; empty: the first variant
  TraceSelection trace;
  InstancesCompression instances = InstancesCompression::automatic;
};

// A value the file did not give that the loader (or an importer it calls) filled in, so that
// `validate` can list it and results can mark it as assumed: a replica count raised to the
// autoscaler's minimum, a default request for an imported container without one, ...
struct Assumption {
  std::string field;   // the path in the scenario, "services[0].replicas"
  std::string value;   // as it would be written, "4"
  std::string reason;  // why this value, "the autoscaler's min_replicas"
  SourceLocation where;
};
// The most replications a scenario may ask for, in its `replications` key or through
// `vmcsim run --replications`: one cap, so the command line cannot ask for what the file may not.
inline constexpr int kMaxReplications = 100000;

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  int replications = 1;
  sim::Time duration;
  sim::Time warmup;
  std::vector<HostGroup> hosts;
  std::optional<Topology> topology;
  Registry registry;
  std::vector<Image> images;
  std::vector<Service> services;
  std::vector<Workload> workloads;
  std::vector<Variant> variants;
  Slo slo;
  std::optional<Cost> cost;
  std::vector<SweepParameter> sweep;
  Output output;
  // Values assumed while loading, in the order they were assumed.
  std::vector<Assumption> assumptions;
  Tenancy tenancy;  // tenants, isolation, namespaces, taints... (read_tenants.hpp)
  // `failures:` (failures_reader.cpp): what breaks and when; empty: nothing fails.
  models::failures::FailureSpec failures;

  std::string source_file;  // the file it was loaded from
  std::string source_text;  // its text, for sweep expansion and for results to carry
  // For a point of an expanded sweep: each swept path and its value, in sweep order.
  std::vector<std::pair<std::string, std::string>> sweep_point;

  int host_count() const {
    int n = 0;
    for (const auto& g : hosts)
      n += g.count;
    return n;
  }
};

std::string to_string(WorkloadKind k);
std::string to_string(AutoscalerKind k);
std::string to_string(DistKind k);

}  // namespace vmcsim::app::scenario
