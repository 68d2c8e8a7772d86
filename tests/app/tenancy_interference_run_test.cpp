// Cross-tenant interference through a whole run (app/runner/interference.hpp): tenant "noisy"
// bursts 16 MiB disk requests; tenant "quiet" sends steady 4 MiB ones. The runner runs every
// variant again with noisy's bursts removed (same seeds) and reports quiet's latency difference.
// On one shared host the two share the disk (fluid max-min sharing), so quiet's latency rises;
// with `isolation: nothing` they never share a host, and quiet's requests are the very same
// runs, so the difference is exactly zero.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>

#include "app/report/results_json.hpp"
#include "app/report/terminal_table.hpp"
#include "app/runner/interference.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"
#include "interference_scenario.hpp"

using namespace vmcsim;
using namespace vmcsim::app;

namespace {

const models::tenancy::Interference& row(const RunResults& r, const std::string& variant) {
  const auto it = std::find_if(r.interference.begin(), r.interference.end(),
                               [&](const auto& i) { return i.variant == variant; });
  REQUIRE(it != r.interference.end());
  return *it;
}

}  // namespace

TEST_CASE("a tenant's I/O burst shows as interference on a shared host and none on dedicated hosts") {
  const auto s = scenario::load_scenario_text(test::interference_scenario(), "interference.yaml");
  CHECK(runner::bursting_tenants(s) == std::vector<std::string>{"noisy"});
  runner::RunOptions options;
  options.jobs = 2;
  const RunResults r = runner::run_scenario(s, options);
  REQUIRE(r.interference.size() == 2);  // per variant: noisy's bursts on quiet
  const auto& shared = row(r, "shared");
  CHECK(shared.bursting_tenant == "noisy");
  CHECK(shared.victim_tenant == "quiet");
  REQUIRE(shared.differences.size() == 2);
  for (const auto& d : shared.differences) {
    INFO(d.metric);
    CHECK(d.n == 3);
    CHECK(d.mean > 0.0);
    CHECK(d.mean > d.half_width);  // the 95% interval excludes no interference
  }
  for (const auto& d : row(r, "dedicated").differences) {
    INFO(d.metric);
    CHECK(d.n == 3);
    CHECK(d.mean == 0.0);  // never on noisy's host: the same runs for quiet
    CHECK(d.half_width == 0.0);
  }
  // The counterfactual runs are not variants of their own.
  CHECK(r.variants.size() == 2);
}

TEST_CASE("interference reaches results.json under its descriptors' keys and the terminal table") {
  auto s = scenario::load_scenario_text(test::interference_scenario(), "interference.yaml");
  runner::RunOptions options;
  options.jobs = 1;
  options.replications = 2;
  const RunResults r = runner::run_scenario(s, options);
  const auto j = report::results_to_json(r);
  REQUIRE(j.contains("interference"));
  const auto& first = j["interference"][0];
  CHECK(first["variant"] == "shared");
  CHECK(first["bursting_tenant"] == "noisy");
  CHECK(first["victim_tenant"] == "quiet");
  CHECK(first["request_latency_p95_ms"]["n"] == 2);
  CHECK(first["request_latency_ms"].contains("half_width"));
  // The per-replication p95 is a variant metric too.
  CHECK(j["variants"][0].contains("request_latency_p95_ms"));
  const std::string table = report::terminal_table(r);
  CHECK(table.find("Interference (victim's latency with the bursts minus without") !=
        std::string::npos);
}

TEST_CASE("a scenario without a tenant's bursts reports no interference and runs no counterfactual") {
  std::string text = test::interference_scenario();
  const auto at = text.find("    bursts:\n");
  text.erase(at, text.find("  - service: api") - at);
  const auto s = scenario::load_scenario_text(text, "quiet.yaml");
  CHECK(runner::bursting_tenants(s).empty());
  std::vector<scenario::Scenario> points{s};
  runner::add_counterfactual_points(points);
  CHECK(points.size() == 1);
  runner::RunOptions options;
  options.jobs = 1;
  options.replications = 1;
  CHECK(runner::run_scenario(s, options).interference.empty());
}
