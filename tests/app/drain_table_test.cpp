// The drain metrics (evictions_refused, drain_duration_s; docs/availability.md) in the terminal
// table and report.html's summary: rows of their own in a run with a drain, and, in a run with
// failures but no drain, left out and named as not applicable like every row no variant has.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "app/report/html_report.hpp"
#include "app/report/results_json.hpp"
#include "app/report/terminal_table.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"

using namespace vmcsim;
using namespace vmcsim::app;

namespace {

// web (4 replicas over two zones) under a PodDisruptionBudget of min_available 3, on
// Kubernetes; `failures` (the section, or nothing) is appended as written.
std::string drains_scenario(const std::string& failures) {
  return R"(name: drains
duration: 6m
seed: 3
hosts:
  - {name: a, count: 2, cpu: "8", memory: 32GiB, zone: zone-a}
  - {name: b, count: 2, cpu: "8", memory: 32GiB, zone: zone-b}
images:
  web: {size: 60MiB, layers: 2}
services:
  - name: web
    image: web
    cpu: "2"
    memory: 1GiB
    replicas: 4
    probes:
      readiness: {initial_delay: 5s, period: 10s}
    disruption_budget: {min_available: 3}
workloads:
  - {service: web, kind: poisson, rate: 10}
variants:
  - {name: k8s, platform: container, profile: runc, placement: "k8s:MostAllocated"}
registry: {bandwidth: 1Gbps, latency: 20ms}
)" + failures;
}

RunResults run(const std::string& failures) {
  const auto s = scenario::load_scenario_text(drains_scenario(failures), "drains.yaml");
  runner::RunOptions options;
  options.jobs = 1;
  options.replications = 2;
  return runner::run_scenario(s, options);
}

std::string html_of(const RunResults& r) {
  std::ostringstream out;
  report::write_html_report(r, out);
  return out.str();
}

}  // namespace

TEST_CASE("a run with a drain shows evictions refused and drain duration in the table") {
  const RunResults r = run("failures:\n  drains:\n    - {host: a-0, at: 2m, duration: 2m}\n");
  REQUIRE(r.variants.size() == 1);
  const auto& v = r.variants[0];
  REQUIRE(v.drain_duration_s.n == 2);  // both replications drained a-0 to the end
  REQUIRE(v.evictions_refused.n == 2);
  const std::string table = report::terminal_table(r);
  INFO(table);
  CHECK(table.find("evictions refused (evictions)") != std::string::npos);
  CHECK(table.find("drain duration (s)") != std::string::npos);
  CHECK(table.find("Not applicable to any variant of this run, so not shown: evictions") ==
        std::string::npos);
  const std::string html = html_of(r);
  CHECK(html.find("evictions refused") != std::string::npos);
  CHECK(html.find("drain duration") != std::string::npos);
}

TEST_CASE("a run with failures but no drain leaves the drain rows out and names them") {
  const RunResults r =
      run("failures:\n  zone_outages:\n    - {zone: zone-b, at: 2m, duration: 1m}\n");
  REQUIRE(r.variants.size() == 1);
  CHECK(r.variants[0].failures_measured());
  // Nothing drained: not applicable, rather than a quiet 0 evictions refused.
  CHECK(r.variants[0].evictions_refused.n == 0);
  CHECK(r.variants[0].drain_duration_s.n == 0);
  const std::string table = report::terminal_table(r);
  INFO(table);
  CHECK(table.find("evictions refused (evictions)  ") == std::string::npos);
  CHECK(table.find("drain duration (s)  ") == std::string::npos);
  CHECK(table.find("so not shown: ") != std::string::npos);
  CHECK(table.find("evictions refused (evictions), drain duration (s)") != std::string::npos);
  // results.json still has the keys (the failures fields go together), with n 0.
  const auto j = report::results_to_json(r);
  CHECK(j["variants"][0]["evictions_refused"]["n"] == 0);
  CHECK(j["variants"][0]["drain_duration_s"]["n"] == 0);
}

TEST_CASE("a run without failures has no drain rows and names none") {
  const auto s = scenario::load_scenario_text(drains_scenario(""), "drains.yaml");
  runner::RunOptions options;
  options.jobs = 1;
  options.replications = 1;
  const RunResults r = runner::run_scenario(s, options);
  const std::string table = report::terminal_table(r);
  INFO(table);
  CHECK(table.find("evictions refused") == std::string::npos);
  CHECK(table.find("drain duration") == std::string::npos);
}
