// MetricsCollector connected to a real Cluster: what it reports agrees with the cluster's own
// counters and bill.
#include <catch2/catch.hpp>

#include "api_cluster.hpp"
#include "models/catalog/catalog.hpp"
#include "models/cluster/cluster.hpp"
#include "models/metrics/collector.hpp"
#include "models/metrics/summary.hpp"
#include "platform_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::models::metrics;

namespace {

// One host of 32 GiB at $2/h, the service with a 100 ms SLO (api_cluster.hpp).
ClusterConfig one_host_config(const Catalog& catalog, const Image& image, std::string_view profile,
                              Pricing pricing) {
  ClusterConfig c = testing::api_cluster(catalog, image, profile, 1, sim::Bytes::gib(32));
  c.hosts[0].price_per_hour = 2.0;
  c.services[0].slo_latency = sim::Time::from_ms(100);
  c.variant.pricing = pricing;
  return c;
}

CollectorConfig collect(std::string variant, sim::Time end) {
  CollectorConfig c;
  c.variant = std::move(variant);
  c.end = end;
  return c;
}

double bill_of(const Cluster& cluster, sim::Time now) {
  double usd = 0.0;
  for (const auto& u : cluster.billable_usage(now))
    usd += u.cost();
  return usd;
}

}  // namespace

TEST_CASE("a collector connected to a cluster agrees with its counters and its bill", "[metrics]") {
  const Catalog catalog = Catalog::load_default();
  const Image image = testing::make_image("api", "api", 2, sim::Bytes::mib(20));
  sim::Simulation sim;
  const ClusterConfig config = one_host_config(catalog, image, "runc", {});
  Cluster cluster{sim, config};
  MetricsCollector collector{sim, collect("runc", config.duration)};
  collector.connect(cluster);
  // 100 requests, one every 100 ms from t = 60 s, after both containers are up.
  for (int k = 0; k < 100; ++k)
    sim.schedule_at(sim::Time::from_s(60) + sim::Time::from_ms(100 * k),
                    [&cluster] { cluster.submit(0); });
  sim.run_until(config.duration);
  const VariantRunMetrics m = collector.finish(sim.now());

  REQUIRE(m.services.size() == 1);
  CHECK(m.services[0].name == "api");
  CHECK(m.services[0].arrivals == 100);
  CHECK(m.requests_completed == cluster.completed(0));
  CHECK(m.requests_completed == 100);
  double demand = 0.0;
  for (const Sample& s : m.timeseries)
    demand += s.demand_rps;
  CHECK(demand == Approx(100.0));  // 1 s samples: rps x 1 s summed = requests
  CHECK(m.timeseries.back().running_instances == 2);
  CHECK(m.timeseries.back().capacity_rps == Approx(cluster.capacity_rps(0)));
  REQUIRE(m.startup.total_ms.size() == 2);
  CHECK(m.hosts_used_peak == 1);
  CHECK(m.density_peak == 2.0);
  CHECK(m.memory_overhead_gib_hours == 0.0);  // runc
  CHECK(m.reserved_cpu_core_hours == Approx(2 * 0.3 * 300.0 / 3600.0));
  CHECK(m.used_cpu_core_hours > 0.0);
  CHECK(m.idle_reserved_cpu_core_hours ==
        Approx(m.reserved_cpu_core_hours - m.used_cpu_core_hours));
  // Host-time pricing: $2/h for the 300 s the host held instances.
  CHECK(m.cost_usd == Approx(bill_of(cluster, sim.now())));
  CHECK(m.cost_usd == Approx(2.0 * 300.0 / 3600.0));
  CHECK(m.energy_kwh > 100.0 * 300.0 / 3.6e6);  // more than idle power
}

TEST_CASE("a Fargate variant's cost matches the cluster's bill and shows the rounding waste",
          "[metrics]") {
  const Catalog catalog = Catalog::load_default();
  const Image image = testing::make_image("api", "api", 2, sim::Bytes::mib(20));
  sim::Simulation sim;
  Pricing pricing;
  pricing.basis = Pricing::Basis::fargate;
  ClusterConfig config = one_host_config(catalog, image, "fargate", pricing);
  config.services[0].replicas = 1;
  Cluster cluster{sim, config};
  MetricsCollector collector{sim, collect("fargate", config.duration)};
  collector.connect(cluster);
  sim.run_until(config.duration);
  const VariantRunMetrics m = collector.finish(sim.now());

  CHECK(m.cost_usd == Approx(bill_of(cluster, sim.now())).epsilon(1e-12));
  // 0.3 vCPU / 700 MiB is billed as 0.5 vCPU / 1 GB for the whole 300 s.
  const placement::FargatePrice price;
  CHECK(m.cost_usd ==
        Approx((0.5 * price.usd_per_vcpu_hour + price.usd_per_gb_hour) * 300.0 / 3600.0)
            .epsilon(1e-12));
  CHECK(m.fargate_waste_cpu_core_hours == Approx(0.2 * 300.0 / 3600.0).epsilon(1e-12));
  CHECK(m.fargate_waste_memory_gib_hours == Approx(324.0 / 1024.0 * 300.0 / 3600.0).epsilon(1e-12));
  // The microVM's guest OS and VMM overhead, from t = 0.
  const PlatformProfile& p = catalog.profile("fargate");
  CHECK(m.memory_overhead_gib_hours > (p.guest_os_memory.value.gib_value() * 300.0 / 3600.0));
}

namespace {

VariantRunMetrics run_variant(const Catalog& catalog, const Image& image, std::string_view profile,
                              std::uint64_t replication) {
  sim::Simulation sim;
  ClusterConfig config = one_host_config(catalog, image, profile, {});
  config.seed = 7;
  config.replication = replication;
  config.duration = sim::Time::from_s(120);
  Cluster cluster{sim, config};
  CollectorConfig c = collect(std::string(profile), config.duration);
  c.replication = replication;
  MetricsCollector collector{sim, c};
  collector.connect(cluster);
  for (int k = 0; k < 50; ++k)
    sim.schedule_at(sim::Time::from_s(90) + sim::Time::from_ms(200 * k),
                    [&cluster] { cluster.submit(0); });
  sim.run_until(config.duration);
  return collector.finish(sim.now());
}

}  // namespace

TEST_CASE("the same seed and replication give the same metrics", "[metrics]") {
  const Catalog catalog = Catalog::load_default();
  const Image image = testing::make_image("api", "api", 2, sim::Bytes::mib(20));
  const VariantRunMetrics a = run_variant(catalog, image, "kvm-ubuntu", 3);
  const VariantRunMetrics b = run_variant(catalog, image, "kvm-ubuntu", 3);
  CHECK(a.startup.total_ms == b.startup.total_ms);
  CHECK(a.request_latency_ms.quantile(0.99) == b.request_latency_ms.quantile(0.99));
  CHECK(a.memory_overhead_gib_hours == b.memory_overhead_gib_hours);
  CHECK(a.cost_usd == b.cost_usd);
  CHECK(a.events_processed == b.events_processed);
  REQUIRE(a.timeseries.size() == b.timeseries.size());
  for (std::size_t k = 0; k < a.timeseries.size(); ++k) {
    CHECK(a.timeseries[k].capacity_rps == b.timeseries[k].capacity_rps);
    CHECK(a.timeseries[k].cpu_utilization == b.timeseries[k].cpu_utilization);
  }
  const VariantRunMetrics other = run_variant(catalog, image, "kvm-ubuntu", 4);
  CHECK(other.startup.total_ms != a.startup.total_ms);
}

TEST_CASE("containers start sooner than VMs, paired over replications of real clusters",
          "[metrics]") {
  const Catalog catalog = Catalog::load_default();
  const Image image = testing::make_image("api", "api", 2, sim::Bytes::mib(20));
  std::vector<VariantRunMetrics> vm, ctr;
  for (std::uint64_t r = 0; r < 3; ++r) {
    vm.push_back(run_variant(catalog, image, "kvm-ubuntu", r));
    ctr.push_back(run_variant(catalog, image, "runc", r));
  }
  const VariantEstimates vm_summary = summarize(vm);
  const VariantEstimates ctr_summary = summarize(ctr);
  CHECK(vm_summary.startup_ms.ci95.n == 3);
  CHECK(vm_summary.startup_samples_ms.size() == 6);  // two replicas per replication
  CHECK(vm_summary.memory_overhead_gib_hours.mean > 0.0);
  CHECK(ctr_summary.memory_overhead_gib_hours.mean == 0.0);
  const auto diffs = paired_differences(ctr, vm);
  const PairedDifference& startup = diffs.front();
  REQUIRE(startup.metric == "startup_ms");
  CHECK(startup.n == 3);
  CHECK(startup.mean == Approx(ctr_summary.startup_ms.ci95.mean - vm_summary.startup_ms.ci95.mean));
  CHECK(startup.mean + startup.half_width < 0.0);  // significantly sooner
}
