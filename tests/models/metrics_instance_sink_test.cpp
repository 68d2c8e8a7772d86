// MetricsCollector's instance records (instance_records.hpp), kept in the result or handed to an
// InstanceSink (run_metrics.hpp) as instances end: both are checked against a listing the test
// builds from the world itself, with scale-out past capacity, scale-in, a host failure and a
// function's keep-alive ending instances out of creation order.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "api_cluster.hpp"
#include "models/cluster/cluster.hpp"
#include "models/metrics/collector.hpp"
#include "models/serverless/keep_alive.hpp"
#include "platform_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::models::metrics;

namespace {

// Keeps what it is handed, as a stream would, and when: before the run finished or after.
struct RecordingSink : InstanceSink {
  std::map<std::uint64_t, InstanceLifecycle> records;
  std::size_t duplicates = 0;
  bool finishing = false;
  std::size_t before_finish = 0;
  std::size_t amendments = 0;
  std::size_t amended_unknown = 0;  // amendments of a record not handed (yet)
  void take(std::uint64_t order, InstanceLifecycle&& record) override {
    if (!finishing) ++before_finish;
    if (!records.emplace(order, std::move(record)).second) ++duplicates;
  }
  void amend(std::uint64_t order, const std::string& start, bool unload) override {
    ++amendments;
    const auto it = records.find(order);
    if (it == records.end()) {
      ++amended_unknown;
      return;
    }
    it->second.function_start = start;
    it->second.keep_alive_unload = unload;
  }
};

// One row of the listing as the world says it must be (run_metrics.hpp, InstanceSink): the
// runtime's instances once each, in id order, then one row per replica without an instance, in
// request order, with why; the function fields of an instance are its (last) replica's.
struct Expected {
  bool launched = true;
  std::string service;
  std::string host;
  InstanceState state = InstanceState::requested;
  bool lost = false;  // ended by its host's failure (not checked: says what the run covers)
  std::optional<sim::Time> stopped;
  sim::Time requested;  // checked for replicas without an instance
  std::string reason;   // checked for replicas without an instance
  std::string function_start;
  bool keep_alive_unload = false;
};

std::vector<Expected> expected_listing(const Cluster& cluster) {
  const PlatformRuntime& runtime = cluster.runtime();
  std::vector<Expected> out;
  for (InstanceId id = 0; id < runtime.instance_count(); ++id) {
    const Instance& i = runtime.instance(id);
    Expected e;
    e.service = i.service;
    e.host = i.host != nullptr ? i.host->name() : "";
    e.state = i.state;
    e.lost = i.lost_in.has_value();
    if (i.state == InstanceState::stopped || i.state == InstanceState::failed)
      e.stopped = i.stopped_at;
    out.push_back(e);
  }
  for (std::size_t k = 0; k < cluster.replica_count(); ++k) {
    const ReplicaStatus r = cluster.replica_status(k);
    if (r.instance != kNoInstance) {
      out.at(r.instance).function_start = r.function_start;
      out.at(r.instance).keep_alive_unload = r.keep_alive_unload;
      continue;
    }
    Expected e;
    e.launched = false;
    e.service = cluster.service_config(r.service).name;
    const bool scaled_in = r.state == ReplicaState::stopped;
    e.state = scaled_in ? InstanceState::stopped : InstanceState::requested;
    e.requested = r.requested;
    e.reason = scaled_in || !r.reason.empty() ? r.reason : "never placed";
    out.push_back(e);
  }
  return out;
}

void check_listing(const std::vector<const InstanceLifecycle*>& got,
                   const std::vector<Expected>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    INFO("record " << k);
    const InstanceLifecycle& g = *got[k];
    const Expected& w = want[k];
    CHECK(g.service == w.service);
    CHECK(g.host == w.host);
    CHECK(g.state == w.state);
    CHECK(g.stopped == w.stopped);
    CHECK(g.function_start == w.function_start);
    CHECK(g.keep_alive_unload == w.keep_alive_unload);
    if (!w.launched) {
      CHECK(g.requested == w.requested);
      CHECK(g.reason == w.reason);
    }
  }
}

// Two hosts of 8 GiB for "api" and a function "fn" kept alive 20 s after its last request.
ClusterConfig churn_config(const Catalog& catalog, const Image& image) {
  ClusterConfig c = testing::api_cluster(catalog, image, "runc", 2, sim::Bytes::gib(8));
  ServiceConfig fn = c.services[0];
  fn.name = "fn";
  fn.replicas = 0;
  fn.concurrency = 1;
  fn.function.enabled = true;
  fn.function.keep_alive.policy = serverless::KeepAliveKind::fixed;
  fn.function.keep_alive.keep_alive = sim::Time::from_s(20);
  c.services.push_back(fn);
  c.seed = 11;
  return c;
}

// The run exercises what the listing must get right.
void check_churn_covers_the_rules(const std::vector<Expected>& expected) {
  std::size_t unlaunched = 0, unloaded = 0, cold_live = 0, lost = 0;
  for (const Expected& e : expected) {
    unlaunched += e.launched ? 0 : 1;
    unloaded += e.keep_alive_unload ? 1 : 0;
    cold_live += !e.function_start.empty() && !e.stopped ? 1 : 0;
    lost += e.lost ? 1 : 0;
  }
  CHECK(unlaunched > 0);  // replicas that never got an instance
  CHECK(unloaded > 0);    // function instances ended before the end: amended
  CHECK(cold_live > 0);   // a function instance live at the end: its fields set at once
  CHECK(lost > 0);        // instances ended by the host failure
}

struct ChurnRun {
  VariantRunMetrics metrics;
  std::vector<Expected> expected;  // of the world as it ended
};

// One run with api's desired count going up and down (more than fit: some never placed), a host
// failing, and the function's instances started cold, unloaded and started again (the last still
// live at the end); `sink` null: the records stay in the result.
ChurnRun run_churn(RecordingSink* sink) {
  const Catalog catalog = Catalog::load_default();
  const Image image = testing::make_image("api", "api", 2, sim::Bytes::mib(20));
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
  for (const double s : {20.0, 20.0, 120.0, 280.0})
    at(s, [&] { cluster.submit(1); });
  at(60, [&] { cluster.set_desired(0, 3); });
  at(100, [&] { cluster.set_desired(0, 30); });  // more than the two hosts hold
  at(150, [&] { cluster.set_desired(0, 5); });
  at(200, [&] { cluster.fail_host(0, "test"); });
  at(230, [&] { cluster.set_desired(0, 9); });
  sim.run_until(config.duration);
  if (sink != nullptr) sink->finishing = true;
  ChurnRun run{collector.finish(sim.now()), {}};
  run.expected = expected_listing(cluster);
  check_churn_covers_the_rules(run.expected);
  return run;
}

}  // namespace

TEST_CASE(
    "a collector keeps each instance's record once in id order, then each replica without "
    "one with why, with the function fields of its replica",
    "[metrics]") {
  const ChurnRun kept = run_churn(nullptr);
  std::vector<const InstanceLifecycle*> got;
  for (const InstanceLifecycle& l : kept.metrics.instances)
    got.push_back(&l);
  check_listing(got, kept.expected);
}

TEST_CASE(
    "a collector with a sink hands each record once, the ended ones before the run "
    "finishes and their function fields after, as the world lists them",
    "[metrics]") {
  RecordingSink sink;
  const ChurnRun streamed = run_churn(&sink);

  CHECK(streamed.metrics.instances.empty());
  CHECK(sink.duplicates == 0);
  CHECK(sink.before_finish > 0);  // ended instances left before the run finished
  CHECK(sink.before_finish < sink.records.size());
  CHECK(sink.amendments > 0);  // records handed before the function fields were known
  CHECK(sink.amended_unknown == 0);
  std::vector<const InstanceLifecycle*> got;
  std::uint64_t expected_order = 0;
  for (const auto& [order, r] : sink.records) {
    CHECK(order == expected_order++);  // orders 0..n-1, none missing
    got.push_back(&r);
  }
  check_listing(got, streamed.expected);
}

TEST_CASE("a collector's statistics do not depend on where its instance records went",
          "[metrics]") {
  const ChurnRun kept = run_churn(nullptr);
  RecordingSink sink;
  const ChurnRun streamed = run_churn(&sink);
  CHECK(streamed.metrics.startup.total_ms == kept.metrics.startup.total_ms);
  CHECK(streamed.metrics.instances_accounting.requested ==
        kept.metrics.instances_accounting.requested);
  CHECK(streamed.metrics.instances_accounting.reasons == kept.metrics.instances_accounting.reasons);
}
