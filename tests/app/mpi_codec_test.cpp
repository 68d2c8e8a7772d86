// The bytes an MPI rank sends rank 0 for a job (app/runner/mpi_codec.hpp): what rank 0 decodes
// must summarise exactly as what the rank measured, or results.json would differ from a
// single-process run.
#include <cmath>
#include <span>
#include <vector>

#include <catch2/catch.hpp>

#include "app/runner/mpi_codec.hpp"
#include "models/metrics/summary.hpp"

namespace {

namespace mm = vmcsim::models::metrics;
using vmcsim::app::runner::ByteReader;
using vmcsim::app::runner::ByteWriter;
using vmcsim::app::runner::decode_run;
using vmcsim::app::runner::encode_run;
using vmcsim::sim::Time;

// A run with every kind of field set to something other than its default.
mm::VariantRunMetrics measured_run(std::uint64_t replication) {
  mm::VariantRunMetrics m;
  m.variant = "vm";
  m.replication = replication;
  m.end = Time::from_s(180);
  m.warmup = Time::from_s(10);
  for (double x : {812.5, 903.25, 1200.0 + static_cast<double>(replication)})
    m.startup.total_ms.push_back(x);
  m.startup.phases.push_back({"boot", {400.0, 410.5}});
  m.instances_accounting = {5, 2, 1, 1, 0, 1, {{"no node fits: memory", 1}, {"image_pull", 1}, {"rejected by admission", 1}}};
  m.time_to_capacity.push_back({{Time::from_s(60), Time::from_s(120), 160.0, 0}, Time::from_ms(2500)});
  m.time_to_capacity.push_back({{Time::from_s(130), Time::from_s(140), 80.0, std::nullopt}, {}});
  mm::ServiceRequests web;
  web.name = "web";
  web.slo_latency = Time::from_ms(200);
  web.latency_ms.add(12.5);
  web.completed = 7;
  m.services.push_back(web);
  for (int i = 1; i <= 500; ++i) {
    const double x = 0.37 * i + static_cast<double>(replication);
    m.request_latency_ms.add(x);
    m.request_latency_stats.add(x);
    m.pending_ms.add(x / 10);
    m.pending_ms_stats.add(x / 10);
  }
  m.requests_completed = 500;
  m.slo_violations = 17 + replication;
  m.memory_overhead_gib_hours = 1.0 / 3.0;
  m.working_set_estimated = true;
  m.cost_usd = 0.1 + 0.2;
  m.placement_decisions = 9;
  m.hosts_used_peak = 3;
  m.density_mean = 2.0 / 7.0;
  m.cost_lines.push_back({"hosts", 0.3});
  m.events_processed = 123456789;
  mm::Sample s;
  s.t = Time::from_s(1);
  s.demand_rps = 40;
  s.queued_requests = 3;
  m.timeseries.push_back(s);
  mm::InstanceLifecycle inst;
  inst.service = "web";
  inst.host = "h-0";
  inst.phases.push_back({"boot", Time::from_ms(1), Time::from_ms(900)});
  inst.state = vmcsim::models::InstanceState::running;
  inst.ready = Time::from_ms(900);
  m.instances.push_back(inst);
  return m;
}

std::string bytes_of(const mm::VariantRunMetrics& m) {
  ByteWriter w;
  encode_run(w, m);
  return w.take();
}

}  // namespace

TEST_CASE("a job's metrics read back from their bytes encode to the same bytes") {
  const mm::VariantRunMetrics m = measured_run(1);
  const std::string bytes = bytes_of(m);
  ByteReader r{bytes};
  const mm::VariantRunMetrics back = decode_run(r);
  CHECK(r.at_end());
  CHECK(bytes_of(back) == bytes);
  CHECK(back.instances_accounting.reasons == m.instances_accounting.reasons);
  CHECK_FALSE(back.time_to_capacity[1].delay.has_value());
  CHECK(back.time_to_capacity[0].burst.service == std::optional<std::size_t>{0});
  CHECK(back.instances.at(0).ready == Time::from_ms(900));
  CHECK(back.request_latency_ms.quantile(0.99) == m.request_latency_ms.quantile(0.99));
}

TEST_CASE("decoded runs summarise to exactly the values of the runs that were encoded") {
  const std::vector<mm::VariantRunMetrics> runs{measured_run(0), measured_run(1)};
  std::vector<mm::VariantRunMetrics> decoded;
  for (const auto& m : runs) {
    const std::string bytes = bytes_of(m);
    ByteReader r{bytes};
    decoded.push_back(decode_run(r));
  }
  const mm::VariantEstimates a = mm::summarize(runs);
  const mm::VariantEstimates b = mm::summarize(decoded);
  // Bit for bit, not approximately: results.json prints the shortest round-trip form.
  CHECK(a.request_latency_ms.p99 == b.request_latency_ms.p99);
  CHECK(a.request_latency_ms.mean == b.request_latency_ms.mean);
  CHECK(a.request_latency_ms.ci95.half_width == b.request_latency_ms.ci95.half_width);
  CHECK(a.pending_ms.p50 == b.pending_ms.p50);
  CHECK(a.startup_ms.p95 == b.startup_ms.p95);
  CHECK(a.slo_violation_fraction.half_width == b.slo_violation_fraction.half_width);
  CHECK(a.time_to_capacity_s.mean == b.time_to_capacity_s.mean);
  CHECK(a.time_to_capacity_not_reached == b.time_to_capacity_not_reached);
  CHECK(a.cost_usd.mean == b.cost_usd.mean);
  CHECK(a.events == b.events);
}

TEST_CASE("a message cut short is refused rather than read past its end") {
  const std::string bytes = bytes_of(measured_run(0));
  ByteReader r{std::string_view{bytes}.substr(0, bytes.size() / 2)};
  CHECK_THROWS_AS(decode_run(r), std::logic_error);
}
