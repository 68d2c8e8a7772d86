// Cross-tenant interference as a metric (models/tenancy/interference.hpp): the victim tenant's
// latency, read by the request_latency_p95_ms and request_latency_ms descriptors on its slice of
// each run, with the bursts minus without them, paired by replication. Hand-worked runs.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/tenancy/interference.hpp"

using namespace vmcsim;
using namespace vmcsim::models;

namespace {

// One run of variant "v": service "noisy" (tenant a) and "api" (tenant b), each with the given
// request latencies (ms).
metrics::VariantRunMetrics run(std::uint64_t replication, const std::vector<double>& noisy,
                               const std::vector<double>& api) {
  metrics::VariantRunMetrics m;
  m.variant = "v";
  m.replication = replication;
  for (const auto& [name, samples] : {std::pair{"noisy", noisy}, std::pair{"api", api}}) {
    metrics::ServiceRequests s;
    s.name = name;
    for (const double ms : samples) {
      s.latency_ms.add(ms);
      s.latency_stats.add(ms);
      m.request_latency_ms.add(ms);
      m.request_latency_stats.add(ms);
    }
    s.completed = samples.size();
    m.services.push_back(std::move(s));
  }
  return m;
}

tenancy::TenantServices two_tenant_services() {
  tenancy::TenantServices s;
  s.tenant_of = {{"noisy", "a"}, {"api", "b"}};
  s.cpu_cores = {{"noisy", 0.5}, {"api", 0.5}};
  return s;
}

}  // namespace

TEST_CASE("interference is the victim's latency with the bursts minus without, paired by replication") {
  // Replication 0: b's mean 30 with the bursts, 10 without (+20); replication 1: 40 and 10
  // (+30). a's own latencies (1000 ms) must not leak into b's figures.
  const std::vector<metrics::VariantRunMetrics> with{run(0, {1000}, {20, 30, 40}),
                                                     run(1, {1000}, {40, 40, 40})};
  const std::vector<metrics::VariantRunMetrics> without{run(0, {1}, {10, 10, 10}),
                                                        run(1, {1}, {10, 10, 10})};
  const auto rows = tenancy::interference(with, without, "a", {"a", "b"}, two_tenant_services());
  REQUIRE(rows.size() == 1);  // the bursting tenant is nobody's victim of itself
  const tenancy::Interference& i = rows[0];
  CHECK(i.variant == "v");
  CHECK(i.bursting_tenant == "a");
  CHECK(i.victim_tenant == "b");
  REQUIRE(i.differences.size() == 2);
  CHECK(i.differences[0].metric == "request_latency_p95_ms");
  CHECK(i.differences[1].metric == "request_latency_ms");
  CHECK(i.differences[1].variant_a == "v");
  CHECK(i.differences[1].variant_b == "v without a's bursts");
  CHECK(i.differences[1].n == 2);
  CHECK(i.differences[1].mean == Approx(25.0));  // (20 + 30) / 2
  CHECK(i.differences[1].half_width > 0.0);
  // Each run's p95 as the sketch gives it (1% relative accuracy): of {20, 30, 40} and of
  // {40, 40, 40} with the bursts, of {10, 10, 10} without.
  const auto p95 = [](std::initializer_list<double> xs) {
    sim::QuantileSketch q;
    for (const double x : xs)
      q.add(x);
    return q.quantile(0.95);
  };
  const double expected = ((p95({20, 30, 40}) - 10.0) + (p95({40, 40, 40}) - 10.0)) / 2;
  CHECK(expected > 20.0);  // both runs' p95 are above their counterfactual's
  CHECK(i.differences[0].mean == Approx(expected).epsilon(0.02));
}

TEST_CASE("a replication without a partner is left out of the interference, and n shows it") {
  const std::vector<metrics::VariantRunMetrics> with{run(0, {}, {20}), run(1, {}, {30}),
                                                     run(2, {}, {50})};
  const std::vector<metrics::VariantRunMetrics> without{run(0, {}, {10}), run(2, {}, {10})};
  const auto rows = tenancy::interference(with, without, "a", {"a", "b"}, two_tenant_services());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].differences[1].n == 2);
  CHECK(rows[0].differences[1].mean == Approx(25.0));  // (10 + 40) / 2
}

TEST_CASE("a victim that completed no request in a run has that pair left out of the interference, not a zero") {
  const std::vector<metrics::VariantRunMetrics> with{run(0, {5}, {}), run(1, {5}, {30})};
  const std::vector<metrics::VariantRunMetrics> without{run(0, {5}, {10}), run(1, {5}, {10})};
  const auto rows = tenancy::interference(with, without, "a", {"a", "b"}, two_tenant_services());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].differences[1].n == 1);
  CHECK(rows[0].differences[1].mean == Approx(20.0));
}
