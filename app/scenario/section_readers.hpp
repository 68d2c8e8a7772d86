#pragma once
// The scenario loader's section readers, one source file per section of the format. Each file
// declares the allowed keys of the mappings it reads (a KeyTables function next to the code
// that reads them); key_tables() in loader.cpp is their union. Every reader fails with an
// InputError at the offending field. Internal to the loader (loader.hpp is the interface).
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "app/scenario/loader.hpp"
#include "app/scenario/read_context.hpp"

namespace vmcsim::app::scenario {

// hosts_reader.cpp: host_group, power.
const KeyTables& host_key_tables();
HostGroup read_host_group(ReadContext& cx, const Field& f);

// topology_reader.cpp: topology, topology_generator, link, explicit_link, registry.
const KeyTables& topology_key_tables();
Topology read_topology(ReadContext& cx, const Field& f);
Registry read_registry(ReadContext& cx, const Field& f);
// The generated topology has room for every host (the loader calls it once hosts are read).
void check_topology_holds_hosts(const Field& topology, const Scenario& s);
// Explicit links: every host group has a zone and a rack, each link end is declared (a zone,
// rack, the registry, or a switch several links join), every rack reaches the registry.
void check_explicit_links(const Field& topology, const Scenario& s);

// images_reader.cpp: image, layer.
const KeyTables& image_key_tables();
void read_images(ReadContext& cx, const Field& f, Scenario& s);

// distribution_reader.cpp: distribution. Q is sim::Time or sim::Bytes.
const KeyTables& distribution_key_tables();
template <class Q>
DistributionSpec<Q> read_distribution(const Field& f);

// services_reader.cpp: service, work.
const KeyTables& service_key_tables();
Service read_service(ReadContext& cx, const Field& f, const Scenario& s);
// A service must fit on at least one host group (CPU and memory at once); fails at `cpu` or
// `memory`.
void check_fits(const Field& cpu, const Field& memory, const Service& sv, const Scenario& s);

// affinity_reader.cpp: affinity_term, label_requirement, topology_spread.
const KeyTables& affinity_key_tables();
std::map<std::string, std::string> read_string_map(const Field& f);
models::placement::PodAffinityTerm read_affinity_term(const Field& f);
models::placement::TopologySpreadConstraint read_spread_constraint(const Field& f);

// autoscaling_reader.cpp: autoscaling, scaling_step.
const KeyTables& autoscaling_key_tables();
Autoscaling read_autoscaling(const Field& f, int replicas);

// workloads_reader.cpp: workload, mmpp_state, rate_step, trace, burst.
const KeyTables& workload_key_tables();
Workload read_workload(ReadContext& cx, const Field& f, const Scenario& s);

// functions_reader.cpp [fn]: function, keep_alive, scaling_limit, functions, functions_trace.
const KeyTables& function_key_tables();
// A service's `function:` block (scale to zero, keep-alive, concurrency per instance).
void read_function(const Field& f, Service& sv);
// The top-level `functions:` section: one service and one step workload per traced function.
void read_functions(ReadContext& cx, const Field& f, Scenario& s);

// variants_reader.cpp: variant, cluster_autoscaler.
const KeyTables& variant_key_tables();
Variant read_variant(ReadContext& cx, const Field& f, bool pod_trace);

// settings_reader.cpp: slo, cost, output.
const KeyTables& settings_key_tables();
Slo read_slo(const Field& f);
Cost read_cost(const Field& f);
Output read_output(const ReadContext& cx, const Field& f, const Scenario& s);

// sweep.cpp: sweep_parameter, range.
const KeyTables& sweep_key_tables();
// tenants, isolation, namespaces, runtime classes, taints, tolerations (read_tenants.cpp)
const KeyTables& tenancy_key_tables();
SweepParameter read_sweep_parameter(const Field& root, const Field& f);

// failures_reader.cpp: failures, host_failure, crash, zone_outage, drain, spot_interruption,
// detection. Needs the hosts, topology and services read.
const KeyTables& failures_key_tables();
void read_failures(ReadContext& cx, const Field& f, Scenario& s);
// health_reader.cpp: a service's probes, health_check, disruption_budget and deployment keys.
void read_service_health(ReadContext& cx, const Field& f, Service& sv);

// loader.cpp: the scenario from a parsed document (expand_sweep loads each point with it).
YAML::Node parse_yaml(const std::string& text, const std::string& file);
Scenario load_document(const YAML::Node& root, const std::string& file,
                       const models::Catalog& catalog);

}  // namespace vmcsim::app::scenario
