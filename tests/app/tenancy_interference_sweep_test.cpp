// Cross-tenant interference in a sweep (app/runner/interference.hpp): every sweep point gets
// its own no-burst baseline runs and its own interference, in results.json's sweep points, the
// point's terminal table and report.html's row of the point; and the baseline runs are labelled
// as such in the progress lines. The scenario is tests/data/runner/tenants-sweep.yaml, swept
// over the noisy tenant's burst multiplier, so the points' interference differs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "app/report/results_json.hpp"
#include "app/report/sweep_report.hpp"
#include "app/report/tenancy_report.hpp"
#include "app/report/text_format.hpp"
#include "app/runner/interference.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"
#include "cli_run.hpp"
#include "interference_scenario.hpp"
#include "sweep_csv_rows.hpp"

using namespace vmcsim;
using namespace vmcsim::app;

namespace {

runner::RunOptions options(unsigned jobs) {
  runner::RunOptions o;
  o.jobs = jobs;
  o.replications = 2;
  return o;
}

const models::tenancy::Interference& shared_row(
    const std::vector<models::tenancy::Interference>& rows) {
  const auto it =
      std::find_if(rows.begin(), rows.end(), [](const auto& i) { return i.variant == "shared"; });
  REQUIRE(it != rows.end());
  return *it;
}

std::size_t count(const std::string& text, const std::regex& pattern) {
  return static_cast<std::size_t>(std::distance(
      std::sregex_iterator(text.begin(), text.end(), pattern), std::sregex_iterator()));
}

}  // namespace

TEST_CASE("each sweep point of a multi-tenant sweep gets the interference a plain run of it gets") {
  const auto s =
      scenario::load_scenario_text(test::interference_sweep_scenario(), "interference-sweep.yaml");
  const std::vector<scenario::Scenario> points = scenario::expand_sweep(s);
  REQUIRE(points.size() == 2);
  const RunResults sweep = runner::run_sweep(s, options(2));
  REQUIRE(sweep.sweep_points.size() == 2);
  const auto j = report::results_to_json(sweep);
  for (std::size_t p = 0; p < points.size(); ++p) {
    INFO("point " << p);
    const RunResults plain = runner::run_scenario(points[p], options(2));
    REQUIRE(plain.interference.size() == 2);  // per variant: noisy's bursts on quiet
    CHECK(sweep.sweep_points[p].interference.size() == plain.interference.size());
    // The same runs paired the same way: every field, in results.json's bytes.
    const auto jp = report::results_to_json(plain);
    REQUIRE(j["sweep_points"][p].contains("interference"));
    CHECK(j["sweep_points"][p]["interference"].dump() == jp["interference"].dump());
  }
  // The points differ: a burst of 40x its rate slows the quiet tenant more than one of 5x does.
  const auto& low = shared_row(sweep.sweep_points[0].interference);
  const auto& high = shared_row(sweep.sweep_points[1].interference);
  REQUIRE(low.differences.size() == high.differences.size());
  for (std::size_t k = 0; k < low.differences.size(); ++k) {
    INFO(low.differences[k].metric);
    CHECK(low.differences[k].mean != high.differences[k].mean);
  }
  // The top-level block is the first point's, as the top-level variants are.
  CHECK(j["interference"].dump() == j["sweep_points"][0]["interference"].dump());
}

TEST_CASE("a multi-tenant sweep's results.json is the same bytes with 1 or 2 workers") {
  const auto s =
      scenario::load_scenario_text(test::interference_sweep_scenario(), "interference-sweep.yaml");
  const std::string one = report::results_to_json(runner::run_sweep(s, options(1))).dump();
  const std::string two = report::results_to_json(runner::run_sweep(s, options(2))).dump();
  CHECK(one == two);
  CHECK(one.find("\"interference\"") != std::string::npos);
}

TEST_CASE("a sweep's terminal tables and report rows show each point's own interference") {
  const auto s =
      scenario::load_scenario_text(test::interference_sweep_scenario(), "interference-sweep.yaml");
  const RunResults sweep = runner::run_sweep(s, options(2));
  REQUIRE(sweep.sweep_points.size() == 2);
  const std::string tables = report::sweep_terminal_tables(sweep);
  const auto second = tables.find("point 2 of 2:");
  REQUIRE(second != std::string::npos);
  const std::string sections[] = {tables.substr(0, second), tables.substr(second)};
  const std::string html = report::sweep_html_section(sweep);
  CHECK(html.find("<th>interference of noisy's bursts on quiet: request_latency_p95_ms") !=
        std::string::npos);
  for (std::size_t p = 0; p < 2; ++p) {
    INFO("point " << p);
    // The point's table holds its own interference table, as a run of the point alone prints.
    const std::string own = report::interference_text(report::sweep_point_results(sweep, p));
    REQUIRE(!own.empty());
    CHECK(sections[p].find(own) != std::string::npos);
    CHECK(sections[1 - p].find(own) == std::string::npos);  // the values differ between points
    // The point's row of the shared variant ends with its interference cells.
    const auto& row = shared_row(sweep.sweep_points[p].interference);
    std::string cells;
    for (const auto& d : row.differences)
      cells += "<td>" + report::html_escape(report::interference_cell(d)) + "</td>";
    const std::string start =
        "<tr><td>" + sweep.sweep_points[p].parameters[0].value + "</td><td>shared</td>";
    const auto at = html.find(start);
    REQUIRE(at != std::string::npos);
    const auto end = html.find("</tr>", at);
    CHECK(html.substr(at, end - at).ends_with(cells));
  }
}

TEST_CASE("sweep.csv carries each point's own interference, a column group per tenant pair "
          "and metric") {
  const auto s =
      scenario::load_scenario_text(test::interference_sweep_scenario(), "interference-sweep.yaml");
  const RunResults sweep = runner::run_sweep(s, options(2));
  REQUIRE(sweep.sweep_points.size() == 2);
  const auto rows = test::sweep_csv_rows(sweep);
  REQUIRE(rows.size() == 1 + 2 * sweep.sweep_points[0].variants.size());
  const auto& header = rows.front();
  std::size_t checked = 0;
  for (std::size_t p = 0; p < 2; ++p) {
    for (const auto& i : sweep.sweep_points[p].interference) {
      // The row of this point and variant: the parameter value, then the variant's name.
      const auto row = std::find_if(rows.begin() + 1, rows.end(), [&](const auto& r) {
        return r.at(0) == sweep.sweep_points[p].parameters[0].value && r.at(1) == i.variant;
      });
      REQUIRE(row != rows.end());
      REQUIRE(row->size() == header.size());
      for (const auto& d : i.differences) {
        const std::string name =
            "interference:" + i.bursting_tenant + ":" + i.victim_tenant + ":" + d.metric;
        INFO("point " << p << ", " << i.variant << ", " << name);
        const auto at = std::find(header.begin(), header.end(), name);
        REQUIRE(at != header.end());
        const auto col = static_cast<std::size_t>(at - header.begin());
        CHECK(header.at(col + 1) == name + "_half_width");
        CHECK(header.at(col + 2) == name + "_n");
        CHECK(std::stod(row->at(col)) == d.mean);
        CHECK(std::stoll(row->at(col + 2)) == d.n);
        ++checked;
      }
    }
  }
  CHECK(checked == 2 * 2 * 2);  // two points, two variants, two metrics
}

TEST_CASE("the progress lines label the no-burst runs as interference baselines") {
  test::ScratchDir dir{"interference-progress"};
  std::ofstream{dir.path() / "run.yaml"} << test::interference_scenario();
  std::ofstream{dir.path() / "sweep.yaml"} << test::interference_sweep_scenario();
  const auto run = test::run_vmcsim("run '" + (dir.path() / "run.yaml").string() +
                                        "' --progress --replications 1 --jobs 1 --out '" +
                                        (dir.path() / "run").string() + "'",
                                    dir.path());
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  // 2 variants, each run as the scenario says and once without noisy's bursts.
  for (const char* variant : {"shared", "dedicated"}) {
    CHECK(count(run.err, std::regex{std::string{"run [1-4]/4: variant '"} + variant +
                                    "', replication 0: "}) == 1);
    CHECK(count(run.err, std::regex{std::string{"run [1-4]/4: interference baseline \\(without "
                                                "noisy's bursts\\), variant '"} +
                                    variant + "', replication 0: "}) == 1);
  }
  CHECK(run.err.find("point ") == std::string::npos);  // a plain run has no sweep points
  const auto sweep = test::run_vmcsim("sweep '" + (dir.path() / "sweep.yaml").string() +
                                          "' --progress --replications 1 --jobs 1 --out '" +
                                          (dir.path() / "sweep").string() + "'",
                                      dir.path());
  INFO(sweep.err);
  REQUIRE(sweep.exit_code == 0);
  // In a sweep each point's baseline runs say which point they are the baseline of.
  for (const char* point : {"1", "2"})
    CHECK(count(sweep.err,
                std::regex{std::string{"run [1-8]/8: point "} + point +
                           "/2, interference baseline \\(without noisy's bursts\\), variant "
                           "'shared', replication 0: "}) == 1);
  CHECK(sweep.err.find("point 3/") == std::string::npos);
}
