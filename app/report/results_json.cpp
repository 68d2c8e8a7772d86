#include "app/report/results_json.hpp"

#include <ostream>

namespace vmcsim::app::report {
namespace {

using ojson = nlohmann::ordered_json;

ojson to_json(const Estimate& e) {
  return ojson{{"mean", e.mean}, {"half_width", e.half_width}, {"n", e.n}};
}

ojson to_json(const Quantiles& q) {
  return ojson{
      {"mean", q.mean}, {"p50", q.p50}, {"p95", q.p95}, {"p99", q.p99}, {"ci95", to_json(q.ci95)}};
}

ojson phases_to_json(const std::vector<PhaseSummary>& phases) {
  ojson out = ojson::object();
  for (const auto& p : phases)
    out[p.phase] = ojson{{"mean", p.mean}, {"p95", p.p95}};
  return out;
}

ojson to_json(const VariantSummary& v, const ResultsJsonOptions& options) {
  ojson j;
  j["name"] = v.name;
  j["platform"] = to_string(v.platform);
  j["profile"] = v.profile;
  j["startup_ms"] = to_json(v.startup_ms);
  j["startup_phases_ms"] = phases_to_json(v.startup_phases_ms);
  j["time_to_capacity_s"] = to_json(v.time_to_capacity_s);
  j["time_to_capacity_not_reached"] = v.time_to_capacity_not_reached;
  j["request_latency_ms"] = to_json(v.request_latency_ms);
  j["slo_violation_fraction"] = to_json(v.slo_violation_fraction);
  j["memory_overhead_gib_hours"] = to_json(v.memory_overhead_gib_hours);
  j["idle_reserved_cpu_core_hours"] = to_json(v.idle_reserved_cpu_core_hours);
  j["idle_reserved_memory_gib_hours"] = to_json(v.idle_reserved_memory_gib_hours);
  j["fargate_rounding_waste_cpu_core_hours"] = to_json(v.fargate_rounding_waste_cpu_core_hours);
  j["fargate_rounding_waste_memory_gib_hours"] = to_json(v.fargate_rounding_waste_memory_gib_hours);
  j["stranded_cpu_fraction"] = to_json(v.stranded_cpu_fraction);
  j["stranded_memory_fraction"] = to_json(v.stranded_memory_fraction);
  j["density_instances_per_host"] = to_json(v.density_instances_per_host);
  j["hosts_used_peak"] = to_json(v.hosts_used_peak);
  j["nodes_peak"] = to_json(v.nodes_peak);
  j["energy_kwh"] = to_json(v.energy_kwh);
  j["cost_usd"] = to_json(v.cost_usd);
  j["events"] = v.events;
  if (options.include_wall_seconds) j["wall_seconds"] = v.wall_seconds;
  j["startup_samples_ms"] = v.startup_samples_ms;
  if (!v.placement_measured()) return j;
  j["pending_time_ms"] = to_json(v.pending_ms);
  j["placement_decisions"] = to_json(v.placement_decisions);
  if (options.include_wall_seconds)
    j["placement_decision_us"] =
        ojson{{"mean", v.placement_decision_us_mean}, {"p99", v.placement_decision_us_p99}};
  j["packing_efficiency"] = ojson{{"cpu", to_json(v.packing_efficiency_cpu)},
                                  {"memory", to_json(v.packing_efficiency_memory)}};
  j["fragmentation"] =
      ojson{{"cpu", to_json(v.fragmentation_cpu)}, {"memory", to_json(v.fragmentation_memory)}};
  j["evictions"] = to_json(v.evictions);
  return j;
}

ojson to_json(const PairedDifference& d) {
  return ojson{{"metric", d.metric}, {"variant_a", d.variant_a},   {"variant_b", d.variant_b},
               {"mean", d.mean},     {"half_width", d.half_width}, {"n", d.n}};
}

ojson to_json(const SweepPoint& point) {
  ojson params = ojson::array();
  for (const auto& p : point.parameters) {
    ojson jp{{"name", p.name}, {"value", p.value}};
    jp["numeric"] = p.numeric ? ojson(*p.numeric) : ojson(nullptr);
    params.push_back(std::move(jp));
  }
  ojson variants = ojson::array();
  for (const auto& m : point.variants) {
    variants.push_back(ojson{{"variant", m.variant},
                             {"startup_ms", to_json(m.startup_ms)},
                             {"time_to_capacity_s", to_json(m.time_to_capacity_s)},
                             {"slo_violation_fraction", to_json(m.slo_violation_fraction)},
                             {"memory_overhead_gib_hours", to_json(m.memory_overhead_gib_hours)},
                             {"hosts_used_peak", to_json(m.hosts_used_peak)},
                             {"cost_usd", to_json(m.cost_usd)}});
  }
  return ojson{{"parameters", std::move(params)}, {"variants", std::move(variants)}};
}

}  // namespace

nlohmann::ordered_json results_to_json(const RunResults& results,
                                       const ResultsJsonOptions& options) {
  ojson j;
  j["schema_version"] = results.schema_version;
  j["vmcsim_version"] = results.vmcsim_version;
  j["scenario_name"] = results.scenario_name;
  j["scenario_file"] = results.scenario_file;
  j["seed"] = results.seed;
  j["warmup_s"] = results.warmup.seconds();
  j["replications"] = results.replications;
  // The resolved scenario is an ordinary (key-sorted) json; sorted keys are deterministic too.
  // Invalid UTF-8 in a name becomes U+FFFD rather than an exception (see write_results_json).
  j["resolved_scenario"] = ojson::parse(
      results.resolved_scenario.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  ojson variants = ojson::array();
  for (const auto& v : results.variants)
    variants.push_back(to_json(v, options));
  j["variants"] = std::move(variants);
  ojson differences = ojson::array();
  for (const auto& d : results.differences)
    differences.push_back(to_json(d));
  j["differences"] = std::move(differences);
  ojson sweep = ojson::array();
  for (const auto& p : results.sweep_points)
    sweep.push_back(to_json(p));
  j["sweep_points"] = std::move(sweep);
  return j;
}

void write_results_json(const RunResults& results, std::ostream& out,
                        const ResultsJsonOptions& options) {
  // Names come from the user; the loader rejects invalid UTF-8, and should any slip through, the
  // writer replaces it with U+FFFD instead of throwing halfway through the file.
  out << results_to_json(results, options).dump(2, ' ', false, ojson::error_handler_t::replace)
      << '\n';
}

}  // namespace vmcsim::app::report
