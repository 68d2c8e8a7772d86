// MetricsCollector with an InstanceSink (run_metrics.hpp): each instance's record leaves as the
// instance ends, the rest at finish, and put back in their order they are the records the
// collector keeps without a sink, with scale-out, scale-in and a host failure ending instances
// out of creation order.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/catalog/catalog.hpp"
#include "models/cluster/cluster.hpp"
#include "models/metrics/collector.hpp"
#include "platform_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::models::metrics;

namespace {

// Keeps what it is handed, and how much of it came before the run finished.
struct VectorSink : InstanceSink {
  std::map<std::uint64_t, InstanceLifecycle> records;
  std::size_t duplicates = 0;
  bool finishing = false;
  std::size_t before_finish = 0;
  void take(std::uint64_t order, InstanceLifecycle&& record) override {
    if (!finishing) ++before_finish;
    if (!records.emplace(order, std::move(record)).second) ++duplicates;
  }
  void amend(std::uint64_t order, const std::string& start, bool unload) override {
    records.at(order).function_start = start;
    records.at(order).keep_alive_unload = unload;
  }
};

ClusterConfig churn_config(const Catalog& catalog, const Image& image) {
  ClusterConfig c;
  for (const char* name : {"h1", "h2"}) {
    HostConfig h;
    h.spec = HostSpec{name,
                      sim::Millicores::cores(8),
                      sim::Bytes::gib(8),
                      sim::DataRate::parse("1GB/s"),
                      10000.0,
                      sim::DataRate::gbps(10),
                      {},
                      100.0,
                      300.0};
    c.hosts.push_back(h);
  }
  c.registry = {"hub", sim::DataRate::gbps(1), sim::Time::from_ms(20)};
  ServiceConfig s;
  s.name = "api";
  s.cpu_request = s.cpu_limit = sim::Millicores{300};
  s.memory_request = s.memory_limit = sim::Bytes::mib(700);
  s.replicas = 2;
  s.cpu_time = sim::Constant{0.02};
  s.image = &image;
  c.services.push_back(s);
  c.variant.name = "runc";
  c.variant.profile = &catalog.profile("runc");
  c.variant.platform = c.variant.profile->kind;
  c.duration = sim::Time::from_s(300);
  c.seed = 11;
  return c;
}

// One run with desired counts going up and down (more than fit: some never placed) and a host
// failing; `sink` null: the records stay in the result.
VariantRunMetrics run_churn(const Catalog& catalog, const Image& image, VectorSink* sink) {
  sim::Simulation sim;
  const ClusterConfig config = churn_config(catalog, image);
  Cluster cluster{sim, config};
  CollectorConfig c;
  c.variant = "runc";
  c.end = config.duration;
  c.instance_sink = sink;
  MetricsCollector collector{sim, c};
  collector.connect(cluster);
  const auto at = [&](double s, auto f) { sim.schedule_at(sim::Time::from_seconds(s), f); };
  at(10, [&] { cluster.set_desired(0, 12); });
  at(60, [&] { cluster.set_desired(0, 3); });
  at(100, [&] { cluster.set_desired(0, 30); });  // more than the two hosts hold
  at(150, [&] { cluster.set_desired(0, 5); });
  at(200, [&] { cluster.fail_host(0, "test"); });
  at(230, [&] { cluster.set_desired(0, 9); });
  sim.run_until(config.duration);
  if (sink != nullptr) sink->finishing = true;
  return collector.finish(sim.now());
}

}  // namespace

TEST_CASE("a collector with a sink hands every instance record once, as the in-memory list has it",
          "[metrics]") {
  const Catalog catalog = Catalog::load_default();
  const Image image = testing::make_image("api", "api", 2, sim::Bytes::mib(20));
  const VariantRunMetrics kept = run_churn(catalog, image, nullptr);
  VectorSink sink;
  const VariantRunMetrics streamed = run_churn(catalog, image, &sink);

  CHECK(streamed.instances.empty());
  CHECK(sink.duplicates == 0);
  CHECK(sink.before_finish > 0);  // ended instances left before the run finished
  CHECK(sink.before_finish < sink.records.size());
  REQUIRE(sink.records.size() == kept.instances.size());
  std::uint64_t expected_order = 0;
  bool never_placed = false;
  for (const auto& [order, r] : sink.records) {
    CHECK(order == expected_order);  // orders 0..n-1, none missing
    const InstanceLifecycle& k = kept.instances[expected_order++];
    INFO("record " << order);
    CHECK(r.service == k.service);
    CHECK(r.kind == k.kind);
    CHECK(r.profile == k.profile);
    CHECK(r.host == k.host);
    CHECK(r.state == k.state);
    CHECK(r.requested == k.requested);
    CHECK(r.ready == k.ready);
    CHECK(r.stopped == k.stopped);
    CHECK(r.reason == k.reason);
    REQUIRE(r.phases.size() == k.phases.size());
    for (std::size_t p = 0; p < r.phases.size(); ++p) {
      CHECK(r.phases[p].name == k.phases[p].name);
      CHECK(r.phases[p].start == k.phases[p].start);
      CHECK(r.phases[p].end == k.phases[p].end);
    }
    never_placed = never_placed || (r.host.empty() && !r.reason.empty());
  }
  CHECK(never_placed);  // the replicas that never got an instance are listed too
  // The statistics do not depend on where the records went.
  CHECK(streamed.startup.total_ms == kept.startup.total_ms);
  CHECK(streamed.instances_accounting.requested == kept.instances_accounting.requested);
}
