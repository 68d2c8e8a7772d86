// [fn] Functions from the scenario file to the results: scale to zero of a plain service
// (the regression of issue 14), the `function:` block and the `functions:` section over the
// Azure Functions 2019 fixture, the per-function trace reader, its sampling and its errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/importers/azure_functions.hpp"
#include "app/report/results_json.hpp"
#include "app/report/trace_json.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"
#include "compiled_paths.hpp"
#include "fixture_path.hpp"
#include "models/registry/model_registries.hpp"

using namespace vmcsim;
using namespace vmcsim::app;

namespace {

const std::string kHead =
    "name: t\nseed: 3\nduration: 10m\n"
    "hosts: [{name: h, count: 2, cpu: '16', memory: 64GiB}]\n"
    "images: {a: {size: 20MiB, layers: 2}}\n"
    "registry: {bandwidth: 1Gbps, latency: 20ms}\n";

const std::string kVariants =
    "variants:\n"
    "  - {name: container, platform: container, profile: runc}\n"
    "  - {name: microvm, platform: microvm, profile: firecracker}\n";

RunResults serverless_run(const std::string& text) {
  const auto s = scenario::load_scenario_text(text, "inline.yaml");
  runner::RunOptions o;
  o.jobs = 1;
  o.replications = 1;
  return runner::run_scenario(s, o);
}

std::string dir() {
  return "traces/azure-functions-2019-format/";
}

// One function under the hybrid policy with `keep_alive` (its other keys, in flow style); the
// keep_alive mapping is on line 12.
std::string hybrid_scenario(const std::string& keep_alive) {
  return kHead +
         "services:\n"
         "  - name: fn\n    image: a\n    cpu: '1'\n    memory: 128MiB\n"
         "    function: {keep_alive: {policy: hybrid, " +
         keep_alive + "}}\n" + kVariants;
}

}  // namespace

TEST_CASE("a service scaled to zero by min_replicas 0 serves its requests instead of queueing "
          "them forever") {
  // Issue 14: `min_replicas: 0` validated, nothing ever started, 1,174 requests sat queued and
  // the table showed n/a. Now the first request activates one instance.
  const auto r = serverless_run(kHead +
                                "services:\n"
                                "  - name: web\n    image: a\n    cpu: 500m\n    memory: 256MiB\n"
                                "    replicas: 0\n"
                                "    autoscaling: {kind: hpa, min_replicas: 0, max_replicas: 4, "
                                "target_cpu_utilization: 0.6}\n"
                                "workloads: [{service: web, kind: poisson, rate: 4}]\n" +
                                kVariants);
  for (const auto& v : r.variants) {
    INFO(v.name);
    CHECK(v.request_latency_ms.ci95.n == 1);  // latency measured: not n/a
    CHECK(v.instances_requested.mean >= 1);
    // Conservation: at most the last few requests are still in flight at the end, none lost.
    CHECK(v.requests_unserved.mean < 5);
    CHECK_FALSE(v.functions_measured());
  }
}

TEST_CASE("a function block scales a service to zero and reports cold starts and wasted memory") {
  const auto r =
      serverless_run(kHead +
                     "services:\n"
                     "  - name: fn\n    image: a\n    cpu: '1'\n    memory: 128MiB\n"
                     "    work: {cpu_time: {dist: constant, value: 50ms}}\n"
                     "    function: {concurrency: 2, keep_alive: {policy: fixed, time: 1m}}\n"
                     "workloads: [{service: fn, kind: poisson, rate: 0.05}]\n" +
                     kVariants);
  for (const auto& v : r.variants) {
    INFO(v.name);
    REQUIRE(v.functions_measured());
    CHECK(v.cold_start_fraction.mean > 0.0);
    CHECK(v.cold_start_fraction.mean <= 1.0);
    CHECK(v.cold_start_wait_ms.mean > 0.0);
    CHECK(v.wasted_memory_gib_hours.mean > 0.0);
    CHECK(v.function_cost_usd.mean > 0.0);
    REQUIRE(v.per_function.size() == 1);
    CHECK(v.per_function[0].name == "fn");
  }
}

TEST_CASE("results.json counts the hybrid policy's decisions by case, ARIMA forecasts and "
          "fallbacks apart") {
  // A request every 12 h on average (Poisson) for 10 days: most idle times are beyond the
  // hybrid policy's 4 h range, so after the first idle period its decisions are the ARIMA
  // case's, falling back while fewer than 5 idle times are known.
  const auto r = serverless_run(
      "name: t\nseed: 3\nduration: 240h\n"
      "hosts: [{name: h, count: 1, cpu: '16', memory: 64GiB}]\n"
      "images: {a: {size: 20MiB, layers: 2}}\n"
      "registry: {bandwidth: 1Gbps, latency: 20ms}\n"
      "services:\n"
      "  - name: fn\n    image: a\n    cpu: '1'\n    memory: 128MiB\n"
      "    work: {cpu_time: {dist: constant, value: 50ms}}\n"
      "    function: {keep_alive: {policy: hybrid}}\n"
      "workloads: [{service: fn, kind: poisson, rate: 0.0000231}]\n"
      "variants:\n  - {name: container, platform: container, profile: runc}\n");
  REQUIRE(r.variants.size() == 1);
  const auto& v = r.variants[0];
  REQUIRE(v.per_function.size() == 1);
  const auto& k = v.per_function[0].keep_alive;
  CHECK(k.range == 1);  // the first idle period, before any idle time
  CHECK(k.arima_fallback >= 4);
  CHECK(k.arima >= 1);
  // Every idle period decided once: at most one per request.
  CHECK(k.total() <= v.per_function[0].requests);
  const auto j = report::results_to_json(r);
  const auto& fn = j["variants"][0]["functions"][0];
  REQUIRE(fn.contains("keep_alive_decisions"));
  CHECK(fn["keep_alive_decisions"]["arima"].get<std::uint64_t>() == k.arima);
  CHECK(fn["keep_alive_decisions"]["arima_fallback"].get<std::uint64_t>() == k.arima_fallback);
}

TEST_CASE("trace.json draws each cold start as a span from its request to ready and each "
          "keep-alive unload as an instant, per function instance") {
  // A request every 100 s on average against a 1-minute keep-alive: instances are started
  // for cold starts and unloaded again.
  const auto r = serverless_run(kHead +
                                "services:\n"
                                "  - name: fn\n    image: a\n    cpu: '1'\n    memory: 128MiB\n"
                                "    work: {cpu_time: {dist: constant, value: 50ms}}\n"
                                "    function: {keep_alive: {policy: fixed, time: 1m}}\n"
                                "workloads: [{service: fn, kind: poisson, rate: 0.01}]\n" +
                                kVariants);
  const auto trace = report::trace_to_json(r);
  int cold = 0;
  int unloads = 0;
  for (const auto& e : trace["traceEvents"]) {
    if (e.value("cat", "") != "function") continue;
    if (e["name"] == "cold start") {
      ++cold;
      CHECK(e["ph"] == "X");
      CHECK(e["dur"].get<double>() > 0.0);
    } else if (e["name"] == "keep-alive unload") {
      ++unloads;
      CHECK(e["ph"] == "i");
    }
  }
  std::size_t instances = 0;
  std::size_t unloaded = 0;
  app::for_each_instance(r, [&](const app::InstanceRecord& i) {
    instances += i.function_start == "cold start";
    unloaded += i.keep_alive_unload;
  });
  CHECK(cold >= 2);  // at least one per variant
  CHECK(static_cast<std::size_t>(cold) == instances);
  CHECK(unloads >= 2);
  CHECK(static_cast<std::size_t>(unloads) == unloaded);
}

TEST_CASE("the keep-alive policy is checked against the registry at its line and column") {
  const std::string text = kHead +
                           "services:\n"
                           "  - name: fn\n    image: a\n    cpu: '1'\n    memory: 128MiB\n"
                           "    function: {keep_alive: {policy: hybird}}\n" +
                           kVariants;
  const auto e = test::input_error_of([&] { scenario::load_scenario_text(text, "inline.yaml"); });
  CHECK_THAT(e, Catch::Contains("inline.yaml:12:37:"));
  CHECK_THAT(e, Catch::Contains("unknown keep-alive policy 'hybird' (allowed: " +
                                models::registry::keep_alive_policies().allowed() + ")"));
}

TEST_CASE("the hybrid policy's ARIMA margin and history are read, and checked") {
  const auto s = scenario::load_scenario_text(
      hybrid_scenario("arima_margin: 0.2, arima_history: 50"), "inline.yaml");
  CHECK(s.services[0].function.keep_alive.hybrid.arima_margin == 0.2);
  CHECK(s.services[0].function.keep_alive.hybrid.arima_history == 50);
  const auto e = test::input_error_of(
      [&] { scenario::load_scenario_text(hybrid_scenario("arima_history: 3"), "inline.yaml"); });
  CHECK_THAT(e, Catch::Contains("inline.yaml:12:"));
  CHECK_THROWS(scenario::load_scenario_text(hybrid_scenario("arima_margin: 1.5"), "inline.yaml"));
}

TEST_CASE("the hybrid policy's out-of-bounds threshold and ARIMA criterion are read, and checked") {
  const auto defaults = scenario::load_scenario_text(hybrid_scenario("range: 4h"), "inline.yaml");
  CHECK(defaults.services[0].function.keep_alive.hybrid.out_of_bounds_threshold == 0.5);
  CHECK(defaults.services[0].function.keep_alive.hybrid.arima_criterion ==
        sim::InformationCriterion::aic);
  const auto s = scenario::load_scenario_text(
      hybrid_scenario("out_of_bounds_threshold: 0.8, arima_criterion: bic"), "inline.yaml");
  CHECK(s.services[0].function.keep_alive.hybrid.out_of_bounds_threshold == 0.8);
  CHECK(s.services[0].function.keep_alive.hybrid.arima_criterion == sim::InformationCriterion::bic);
  const auto unknown = test::input_error_of([&] {
    scenario::load_scenario_text(hybrid_scenario("arima_criterion: hqic"), "inline.yaml");
  });
  CHECK_THAT(unknown, Catch::Contains("inline.yaml:12:"));
  CHECK_THAT(unknown, Catch::Contains("unknown information criterion 'hqic' (allowed: " +
                                      models::registry::arima_criteria().allowed() + ")"));
  const auto beyond = test::input_error_of([&] {
    scenario::load_scenario_text(hybrid_scenario("out_of_bounds_threshold: 1.5"), "inline.yaml");
  });
  CHECK_THAT(beyond, Catch::Contains("inline.yaml:12:"));
}

TEST_CASE("schema.json's keep-alive policies are the registry's names") {
  std::ifstream in{std::filesystem::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "scenarios/schema.json"};
  const auto schema = nlohmann::json::parse(in);
  CHECK(schema["$defs"]["keep_alive"]["properties"]["policy"]["enum"]
            .get<std::vector<std::string>>() == models::registry::keep_alive_policies().names());
}

TEST_CASE("the functions section makes one scale-to-zero service per traced function, joined on "
          "the hash keys") {
  const std::string text = kHead +
                           "functions:\n"
                           "  trace:\n"
                           "    invocations: " + test::fixture(dir() + "invocations.csv") + "\n" +
                           "    durations: " + test::fixture(dir() + "durations.csv") + "\n" +
                           "    memory: " + test::fixture(dir() + "memory.csv") + "\n" +
                           "  image: a\n  cpu: '1'\n  memory: 256MiB\n" + kVariants;
  const auto s = scenario::load_scenario_text(text, "inline.yaml");
  REQUIRE(s.services.size() == 4);
  REQUIRE(s.workloads.size() == 4);
  // Memory from the memory file's AverageAllocatedMb (120, 176, 170, 112 MB, read as MiB).
  CHECK(s.services[0].name == "fn-c13acdc7");
  CHECK(s.services[0].memory_limit == sim::Bytes::mib(120));
  CHECK(s.services[1].memory_limit == sim::Bytes::mib(176));
  for (const auto& sv : s.services) {
    CHECK(sv.function.enabled);
    CHECK(sv.replicas == 0);
    REQUIRE(sv.work.cpu_time);
  }
  // Execution time from the durations percentiles: function 2 runs about 500 ms (499..501).
  CHECK(s.services[1].work.cpu_time->distribution.mean() == Approx(0.5).epsilon(0.01));
  // Its own per-minute series: function 2 has no invocations in minutes 1-5, 5 from minute 6.
  CHECK(s.workloads[1].rate == 0.0);
  REQUIRE_FALSE(s.workloads[1].steps.empty());
  CHECK(s.workloads[1].steps[0].at == sim::Time::from_s(300));
  CHECK(s.workloads[1].steps[0].rate == Approx(5.0 / 60));
}

TEST_CASE("sampling keeps the same functions for the same seed, in file order") {
  const auto inv = test::fixture(dir() + "invocations.csv");
  const auto a = importers::load_azure_functions_sample(inv, "", "", 2, 7);
  const auto b = importers::load_azure_functions_sample(inv, "", "", 2, 7);
  REQUIRE(a.functions.size() == 2);
  CHECK(a.functions[0].id == b.functions[0].id);
  CHECK(a.functions[1].id == b.functions[1].id);
  const auto all = importers::load_azure_functions(inv, "", "");
  const auto pos = [&](const importers::AzureFunctionId& id) {
    return std::find_if(all.functions.begin(), all.functions.end(),
                        [&](const auto& f) { return f.id == id; }) -
           all.functions.begin();
  };
  CHECK(pos(a.functions[0].id) < pos(a.functions[1].id));
  CHECK(importers::load_azure_functions_sample(inv, "", "", 0, 7).functions.size() == 4);
  CHECK(importers::load_azure_functions_sample(inv, "", "", 10, 7).functions.size() == 4);
}

TEST_CASE("a malformed line of a functions trace stops the load at its file and line") {
  std::ifstream in{test::fixture(dir() + "invocations.csv")};
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  SECTION("a negative count") {
    std::string bad = first;
    bad.replace(bad.rfind(",0"), 2, ",-3");
    test::TempFile f{"fn-neg.csv", header + "\n" + first + "\n" + bad + "\n"};
    const auto e = test::input_error_of(
        [&] { importers::load_azure_functions_sample(f.path(), "", "", 1, 1); });
    CHECK_THAT(e, Catch::StartsWith(f.path() + ":3:"));
  }
  SECTION("a short row") {
    test::TempFile f{"fn-short.csv", header + "\n" + first + "\nowner,app,fn,http,1,2\n"};
    const auto e = test::input_error_of(
        [&] { importers::load_azure_functions_sample(f.path(), "", "", 1, 1); });
    CHECK_THAT(e, Catch::StartsWith(f.path() + ":3"));
  }
}
