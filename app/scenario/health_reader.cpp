// A service's health settings: `probes` (Kubernetes readiness, liveness and startup),
// `health_check` (an ECS container health check), `disruption_budget` (a PodDisruptionBudget) and
// `deployment` (ECS minimumHealthyPercent / maximumPercent). Fields left out take the catalog's
// defaults (models/catalog/detection.yaml).
#include <string>
#include <string_view>

#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

namespace {

namespace mf = models::failures;

// `kind`: "readiness", "liveness" or "startup".
mf::Probe read_probe(const Field& f, const mf::Probe& defaults, std::string_view kind) {
  f.check_keys(keys("probe"));
  mf::Probe p = defaults;
  if (auto v = f.optional("initial_delay")) p.initial_delay = v->quantity<sim::Time>();
  if (auto v = f.optional("period")) p.period = v->positive<sim::Time>();
  // Longer than the period is legal (the API checks each field alone); the kubelet then runs
  // the checks back to back (recovery.hpp, kubelet_probe_detection).
  if (auto v = f.optional("timeout")) p.timeout = v->positive<sim::Time>();
  if (auto v = f.optional("failure_threshold"))
    p.failure_threshold = static_cast<int>(v->integer(1, 1000));
  if (auto v = f.optional("success_threshold")) {
    p.success_threshold = static_cast<int>(v->integer(1, 1000));
    // The API server rejects it: "Must be 1 for liveness and startup" (Probe.successThreshold).
    if (kind != "readiness" && p.success_threshold != 1)
      v->fail(
          fmt::format("a {} probe's success_threshold must be 1 (as Kubernetes requires)", kind));
  }
  return p;
}

mf::Probe read_health_check(const Field& f, const mf::Probe& defaults) {
  f.check_keys(keys("health_check"));
  mf::Probe p = defaults;
  if (auto v = f.optional("interval")) p.period = v->positive<sim::Time>();
  if (auto v = f.optional("timeout")) p.timeout = v->positive<sim::Time>();
  if (auto v = f.optional("retries")) p.failure_threshold = static_cast<int>(v->integer(1, 10));
  if (auto v = f.optional("start_period")) p.initial_delay = v->quantity<sim::Time>();
  return p;
}

// `2` or `"50%"`.
void read_budget_value(const Field& v, mf::DisruptionBudget& b) {
  const std::string text = v.text();
  if (!text.empty() && text.back() == '%') {
    std::size_t used = 0;
    double pct = -1.0;
    try {
      pct = std::stod(text.substr(0, text.size() - 1), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() - 1 || pct < 0.0 || pct > 100.0)
      v.fail(fmt::format("'{}' is not a percent between 0% and 100%", shorten(text)));
    b.value = pct;
    b.percent = true;
    return;
  }
  b.value = static_cast<double>(v.integer(0, 10'000'000));
}

mf::DisruptionBudget read_budget(const Field& f) {
  f.check_keys(keys("disruption_budget"));
  const auto min = f.optional("min_available");
  const auto max = f.optional("max_unavailable");
  if (min && max)
    max->fail(
        "a disruption budget sets min_available or max_unavailable, not both (as a "
        "PodDisruptionBudget)");
  if (!min && !max) f.fail("a disruption budget needs min_available or max_unavailable");
  mf::DisruptionBudget b;
  b.kind =
      min ? mf::DisruptionBudget::Kind::min_available : mf::DisruptionBudget::Kind::max_unavailable;
  read_budget_value(min ? *min : *max, b);
  return b;
}

}  // namespace

void read_service_health(ReadContext& cx, const Field& f, Service& sv) {
  const mf::DetectionConfig& d = cx.catalog().detection();
  mf::ServiceHealth& h = sv.health;
  h.service = sv.name;
  h.minimum_healthy_percent = d.minimum_healthy_percent;
  h.maximum_percent = d.maximum_percent;
  if (auto p = f.optional("probes")) {
    p->check_keys(keys("probes"));
    if (auto r = p->optional("readiness")) h.readiness = read_probe(*r, d.probe, "readiness");
    if (auto l = p->optional("liveness")) h.liveness = read_probe(*l, d.probe, "liveness");
    if (auto s = p->optional("startup")) h.startup = read_probe(*s, d.probe, "startup");
  }
  if (auto c = f.optional("health_check"))
    h.health_check = read_health_check(*c, d.container_health_check);
  if (auto b = f.optional("disruption_budget")) h.budget = read_budget(*b);
  if (auto dep = f.optional("deployment")) {
    dep->check_keys(keys("deployment"));
    if (auto v = dep->optional("minimum_healthy_percent"))
      h.minimum_healthy_percent = v->number(0, 100);
    if (auto v = dep->optional("maximum_percent")) h.maximum_percent = v->number(100, 1000);
    // Neither could a drain start a replacement nor stop a draining task.
    if (h.maximum_percent <= h.minimum_healthy_percent)
      dep->fail(
          fmt::format("maximum_percent ({}) must exceed minimum_healthy_percent ({}), or a "
                      "drain can neither start a replacement nor stop a task",
                      h.maximum_percent, h.minimum_healthy_percent));
  }
}

}  // namespace vmcsim::app::scenario
