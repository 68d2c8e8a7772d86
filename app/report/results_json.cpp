#include "app/report/results_json.hpp"

#include "models/metrics/descriptors.hpp"

#include <cmath>
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

// Puts `value` at `key`, "a.b" meaning key b of object a.
void put(ojson& j, std::string_view key, ojson value) {
  const auto dot = key.find('.');
  if (dot == std::string_view::npos) {
    j[std::string(key)] = std::move(value);
    return;
  }
  j[std::string(key.substr(0, dot))][std::string(key.substr(dot + 1))] = std::move(value);
}

// Every replication's value of every metric written above (same keys, flat: "a.b" stays one
// key), with the replication's seed; a value not measured (NaN) or infinite is null.
ojson per_replication_to_json(const VariantSummary& v) {
  namespace mm = models::metrics;
  const auto descriptors = mm::metric_descriptors();
  ojson out = ojson::array();
  for (const ReplicationValues& r : v.per_replication) {
    ojson values = ojson::object();
    for (std::size_t i = 0; i < descriptors.size() && i < r.values.size(); ++i) {
      if (!v.measures(descriptors[i])) continue;
      const double x = r.values[i];
      values[std::string(descriptors[i].key)] = std::isfinite(x) ? ojson(x) : ojson(nullptr);
    }
    out.push_back(
        ojson{{"replication", r.replication}, {"seed", r.seed}, {"values", std::move(values)}});
  }
  return out;
}

// A metric's value as its descriptor aggregates it: an Estimate or a Quantiles.
ojson metric_json(const models::metrics::MetricDescriptor& d, const VariantSummary& v) {
  return d.aggregation == models::metrics::Aggregation::mean_ci ? to_json(v.*(d.estimate))
                                                                : to_json(v.*(d.quantiles));
}

ojson to_json(const VariantSummary& v) {
  namespace mm = models::metrics;
  ojson j;
  j["name"] = v.name;
  j["platform"] = to_string(v.platform);
  j["profile"] = v.profile;
  // Every metric its descriptor declares, in descriptor order; the placement ones only when
  // the run measured placement.
  for (const mm::MetricDescriptor& d : mm::metric_descriptors()) {
    if (!v.measures(d)) continue;
    put(j, d.key, metric_json(d, v));
    if (d.key == "instances_not_ready") {
      ojson reasons = ojson::object();
      for (const auto& r : v.not_ready_reasons)
        reasons[r.reason] = r.instances;
      j["instances_not_ready_reasons"] = std::move(reasons);
    }
    if (d.key == "startup_ms") j["startup_phases_ms"] = phases_to_json(v.startup_phases_ms);
    if (d.key == "time_to_capacity_s")
      j["time_to_capacity_not_reached"] = v.time_to_capacity_not_reached;
  }
  if (v.functions_measured()) {  // [fn] per function, summed over the replications
    ojson fns = ojson::array();
    for (const auto& f : v.per_function) {
      ojson fn{{"name", f.name},
               {"requests", f.requests},
               {"cold_starts", f.cold_starts},
               {"cold_start_fraction", f.requests > 0 ? ojson(static_cast<double>(f.cold_starts) /
                                                              static_cast<double>(f.requests))
                                                      : ojson(nullptr)},
               {"wasted_memory_gib_hours", f.idle_gib_seconds / 3600.0}};
      // The hybrid policy's windows by case, so forecasts and their fallbacks can be counted
      // (docs/serverless.md); absent for the fixed and none policies, which decide nothing.
      if (f.keep_alive.total() > 0)
        fn["keep_alive_decisions"] = ojson{{"range", f.keep_alive.range},
                                           {"histogram", f.keep_alive.histogram},
                                           {"arima", f.keep_alive.arima},
                                           {"arima_fallback", f.keep_alive.arima_fallback}};
      fns.push_back(std::move(fn));
    }
    j["functions"] = std::move(fns);
  }
  if (!v.slo.empty()) {
    ojson slo = ojson::object();
    for (const auto& verdict : v.slo)
      slo[verdict.objective] =
          ojson{{"target", verdict.target},
                // +infinity (too many instances never ready) has no JSON number: null.
                {"value", std::isfinite(verdict.value) ? ojson(verdict.value) : ojson(nullptr)},
                {"met", verdict.met},
                {"n", verdict.n}};
    j["slo"] = std::move(slo);
  }
  j["events"] = v.events;
  j["startup_samples_ms"] = v.startup_samples_ms;
  j["per_replication"] = per_replication_to_json(v);
  return j;
}

ojson to_json(const PairedDifference& d) {
  return ojson{{"metric", d.metric}, {"variant_a", d.variant_a},   {"variant_b", d.variant_b},
               {"mean", d.mean},     {"half_width", d.half_width}, {"n", d.n}};
}

// [tenants] Cross-tenant interference rows: {variant, bursting_tenant, victim_tenant} and each
// difference under its metric's key.
ojson interference_to_json(const std::vector<models::tenancy::Interference>& interference) {
  ojson rows = ojson::array();
  for (const auto& i : interference) {
    ojson ji{{"variant", i.variant},
             {"bursting_tenant", i.bursting_tenant},
             {"victim_tenant", i.victim_tenant}};
    for (const auto& d : i.differences)
      ji[d.metric] = ojson{{"mean", d.mean}, {"half_width", d.half_width}, {"n", d.n}};
    rows.push_back(std::move(ji));
  }
  return rows;
}

ojson to_json(const SweepPoint& point) {
  ojson params = ojson::array();
  for (const auto& p : point.parameters) {
    ojson jp{{"name", p.name}, {"value", p.value}};
    jp["numeric"] = p.numeric ? ojson(*p.numeric) : ojson(nullptr);
    params.push_back(std::move(jp));
  }
  ojson variants = ojson::array();
  // Every metric its descriptor declares, as under `variants` (no samples, no wall time).
  for (const auto& v : point.variants) {
    ojson jv{{"variant", v.name}};
    for (const models::metrics::MetricDescriptor& d : models::metrics::metric_descriptors())
      if (v.measures(d)) put(jv, d.key, metric_json(d, v));
    variants.push_back(std::move(jv));
  }
  ojson j{{"parameters", std::move(params)}, {"variants", std::move(variants)}};
  if (!point.interference.empty())  // [tenants] only then: other sweeps keep their bytes
    j["interference"] = interference_to_json(point.interference);
  return j;
}

}  // namespace

nlohmann::ordered_json results_to_json(const RunResults& results) {
  ojson j;
  j["schema_version"] = results.schema_version;
  j["vmcsim_version"] = results.vmcsim_version;
  j["scenario_name"] = results.scenario_name;
  j["scenario_file"] = results.scenario_file;
  j["seed"] = results.seed;
  j["warmup_s"] = results.warmup.seconds();
  j["replications"] = results.replications;
  if (results.partial) {  // only then, so complete runs keep their exact bytes
    j["partial"] = true;
    j["replications_planned"] = results.replications_planned;
  }
  // The resolved scenario is an ordinary (key-sorted) json; sorted keys are deterministic too.
  // Invalid UTF-8 in a name becomes U+FFFD rather than an exception (see write_results_json).
  j["resolved_scenario"] = ojson::parse(
      results.resolved_scenario.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  ojson variants = ojson::array();
  for (const auto& v : results.variants)
    variants.push_back(to_json(v));
  j["variants"] = std::move(variants);
  ojson differences = ojson::array();
  for (const auto& d : results.differences)
    differences.push_back(to_json(d));
  j["differences"] = std::move(differences);
  if (!results.isolation_cost.empty()) {  // [tenants] only then: other results keep their bytes
    ojson cost = ojson::array();
    for (const auto& d : results.isolation_cost)
      cost.push_back(to_json(d));
    j["cost_of_isolation"] = std::move(cost);
  }
  if (!results.tenants.empty()) {  // [tenants] per variant and tenant, descriptor keys
    ojson tenants = ojson::array();
    for (const auto& t : results.tenants) {
      ojson jt{{"variant", t.variant}, {"tenant", t.tenant}};
      for (const auto& [key, e] : t.metrics)
        jt[key] = to_json(e);
      tenants.push_back(std::move(jt));
    }
    j["tenants"] = std::move(tenants);
  }
  // [tenants] per variant, bursting and victim tenant; in a sweep the first point's, as
  // `variants` (each point's own is in its sweep point)
  if (!results.interference.empty()) j["interference"] = interference_to_json(results.interference);
  ojson sweep = ojson::array();
  for (const auto& p : results.sweep_points)
    sweep.push_back(to_json(p));
  j["sweep_points"] = std::move(sweep);
  return j;
}

void write_results_json(const RunResults& results, std::ostream& out) {
  // Names come from the user; the loader rejects invalid UTF-8, and should any slip through, the
  // writer replaces it with U+FFFD instead of throwing halfway through the file.
  out << results_to_json(results).dump(2, ' ', false, ojson::error_handler_t::replace) << '\n';
}

nlohmann::ordered_json timings_to_json(const RunResults& results) {
  ojson variants = ojson::array();
  for (const auto& v : results.variants) {
    ojson j{{"name", v.name}, {"wall_seconds", v.wall_seconds}};
    if (v.placement_measured())
      j["placement_decision_us"] =
          ojson{{"mean", v.placement_decision_us_mean}, {"p99", v.placement_decision_us_p99}};
    variants.push_back(std::move(j));
  }
  return ojson{{"scenario_name", results.scenario_name},
               {"seed", results.seed},
               {"variants", std::move(variants)}};
}

void write_timings_json(const RunResults& results, std::ostream& out) {
  out << timings_to_json(results).dump(2, ' ', false, ojson::error_handler_t::replace) << '\n';
}

}  // namespace vmcsim::app::report
