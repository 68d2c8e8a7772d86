// Per-tenant metrics (models/tenancy/tenant_metrics.hpp) on a hand-made run: SLO from the
// tenant's services, density from its instances' running lives per host, cost and stranded CPU
// by its share of the reserved CPU; and the descriptors' per_run read the slices.
#include <catch2/catch.hpp>

#include <cmath>
#include <optional>

#include "models/tenancy/tenant_metrics.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using metrics::InstanceLifecycle;
using metrics::VariantRunMetrics;

namespace {

InstanceLifecycle instance(const std::string& service, const std::string& host, double ready_s,
                           std::optional<double> stopped_s = std::nullopt) {
  InstanceLifecycle i;
  i.service = service;
  i.host = host;
  i.ready = sim::Time::from_seconds(ready_s);
  if (stopped_s) i.stopped = sim::Time::from_seconds(*stopped_s);
  return i;
}

// 100 s, no warm-up. Tenant a: service "web" (1 core), two instances on h0 for the whole run
// and one on h1 for its second half. Tenant b: service "db" (2 cores), one on h1 all along.
VariantRunMetrics run() {
  VariantRunMetrics r;
  r.variant = "v";
  r.end = sim::Time::from_s(100);
  r.cost_usd = 10.0;
  r.stranded_cpu_fraction = 0.2;
  r.services.resize(2);
  r.services[0].name = "web";
  r.services[0].completed = 100;
  r.services[0].slo_violations = 5;
  r.services[1].name = "db";
  r.services[1].completed = 50;
  r.services[1].slo_violations = 0;
  r.instances = {instance("web", "h0", 0), instance("web", "h0", 0), instance("web", "h1", 50),
                 instance("db", "h1", 0)};
  return r;
}

tenancy::TenantServices tenant_services() {
  tenancy::TenantServices s;
  s.tenant_of = {{"web", "a"}, {"db", "b"}};
  s.cpu_cores = {{"web", 1.0}, {"db", 2.0}};
  return s;
}

}  // namespace

TEST_CASE("a tenant's slice has its services' SLO, its density per host and its share of cost") {
  const VariantRunMetrics a = tenancy::tenant_slice(run(), "a", tenant_services());
  CHECK(a.requests_completed == 100);
  CHECK(a.slo_violation_fraction() == Approx(0.05));
  // 250 instance-seconds over 150 host-seconds (h0 100 s, h1 50 s).
  CHECK(a.density_mean == Approx(250.0 / 150.0));
  // Reserved CPU: a 250 core-seconds, b 200: a pays 250/450 of the bill and of the stranding.
  CHECK(a.cost_usd == Approx(10.0 * 250.0 / 450.0));
  CHECK(a.stranded_cpu_fraction == Approx(0.2 * 250.0 / 450.0));
  const VariantRunMetrics b = tenancy::tenant_slice(run(), "b", tenant_services());
  CHECK(b.slo_violation_fraction() == Approx(0.0));
  CHECK(b.density_mean == Approx(1.0));
  CHECK(a.cost_usd + b.cost_usd == Approx(10.0));
}

TEST_CASE("per-tenant estimates are the descriptors' values over the replications") {
  VariantRunMetrics r0 = run(), r1 = run();
  r1.replication = 1;
  r1.cost_usd = 20.0;
  const std::vector<VariantRunMetrics> runs{r0, r1};
  const auto e = tenancy::tenant_estimates(runs, {"a", "b"}, tenant_services());
  REQUIRE(e.size() == 2);
  CHECK(e[0].tenant == "a");
  REQUIRE(e[0].metrics.size() == std::size(tenancy::kTenantMetrics));
  CHECK(e[0].metrics[0].first == "cost_usd");
  CHECK(e[0].metrics[0].second.mean == Approx(15.0 * 250.0 / 450.0));
  CHECK(e[0].metrics[0].second.n == 2);
  CHECK(e[0].metrics[3].first == "slo_violation_fraction");
  CHECK(e[0].metrics[3].second.mean == Approx(0.05));
}

TEST_CASE("a run without instance lifecycles measures no tenant density or cost") {
  VariantRunMetrics r = run();
  r.instances.clear();
  const VariantRunMetrics a = tenancy::tenant_slice(r, "a", tenant_services());
  CHECK(std::isnan(a.density_mean));
  CHECK(std::isnan(a.cost_usd));
  CHECK(a.slo_violation_fraction() == Approx(0.05));
}
