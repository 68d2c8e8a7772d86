// The human-facing report (terminal table, report.html) as issue 16 asks: distinct colours from
// one palette, numbers for people, nothing shown that does not apply, differences grouped, and
// notes computed from the run where a chart alone would mislead.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/report/html_report.hpp"
#include "app/report/metrics.hpp"
#include "app/report/palette.hpp"
#include "app/report/report_notes.hpp"
#include "app/report/svg_charts.hpp"
#include "app/report/terminal_table.hpp"
#include "app/report/text_format.hpp"
#include "models/catalog/catalog.hpp"
#include "models/cluster/request.hpp"
#include "sample_results.hpp"

using namespace vmcsim;
using namespace vmcsim::app;
using namespace vmcsim::app::report;

namespace {

std::string html_of(const RunResults& r) {
  std::ostringstream out;
  write_html_report(r, out);
  return out.str();
}

bool has_exponent(const std::string& text) {
  for (std::size_t i = 1; i + 1 < text.size(); ++i)
    if ((text[i] == 'e' || text[i] == 'E') && std::isdigit(static_cast<unsigned char>(text[i - 1])) &&
        (text[i + 1] == '-' || text[i + 1] == '+'))
      return true;
  return false;
}

}  // namespace

TEST_CASE("no two phases, series or variants of the palette share a colour") {
  const Palette& p = palette();
  std::set<std::string> phase_colours, series_colours, variant_colours;
  for (const auto& [name, colour] : p.phases) {
    INFO(name << " " << colour);
    CHECK(phase_colours.insert(colour).second);
  }
  for (const auto& [name, colour] : p.series) {
    INFO(name << " " << colour);
    CHECK(series_colours.insert(colour).second);
    CHECK(phase_colours.count(colour) == 0);
  }
  for (const auto& colour : p.variants) {
    INFO(colour);
    CHECK(variant_colours.insert(colour).second);
    CHECK(series_colours.count(colour) == 0);
  }
  CHECK(p.phases.at("provision") != p.phases.at("rootfs"));
  CHECK(p.phases.at("provision") != p.phases.at("sandbox"));
}

TEST_CASE("every boot phase of the catalog has a colour of its own in palette.json") {
  const auto catalog = models::Catalog::load_default();
  for (const auto& [name, profile] : catalog.profiles())
    for (const auto& phase : profile.boot_phases) {
      INFO(name << ": " << phase.name);
      CHECK(palette().phases.count(phase.name) == 1);
    }
}

TEST_CASE("every wait the cluster records before a start has a colour in palette.json") {
  for (const std::string_view wait : {models::kWaitControlPlane, models::kWaitNode,
                                      models::kWaitPlacement,
                                      models::kWaitAdmission}) {
    INFO(wait);
    CHECK(palette().phases.count(wait) == 1);
  }
}

TEST_CASE("the built-in palette is the text of app/report/palette.json") {
  CHECK(nlohmann::json::parse(palette_json()).contains("phases"));
  CHECK(nlohmann::json::parse(palette_json()).contains("series"));
}

TEST_CASE("report.html draws each phase in its palette colour") {
  const auto r = test::sample_results();
  const auto colours = phase_colours(r);
  REQUIRE(!colours.empty());
  const std::string html = html_of(r);
  std::set<std::string> distinct;
  for (const auto& [phase, colour] : colours) {
    distinct.insert(colour);
    if (palette().phases.count(phase)) CHECK(colour == palette().phases.at(phase));
    CHECK(html.find("fill=\"" + colour + "\"") != std::string::npos);
  }
  CHECK(distinct.size() == colours.size());
}

TEST_CASE("a dashed series is drawn dashed in the legend too") {
  const std::string svg = svg::line_chart(
      "t", {{"capacity", "#111111", {{0, 1}, {1, 2}}, false, false},
            {"demand", "#111111", {{0, 2}, {1, 1}}, true, false}},
      {"x", false, {}, {}}, {"y", false, {}, {}});
  // Two paths and two legend strokes; the demand path and its legend stroke are dashed.
  CHECK(svg.find("<line x1") != std::string::npos);
  std::size_t dashed = 0;
  for (auto pos = svg.find("stroke-dasharray"); pos != std::string::npos;
       pos = svg.find("stroke-dasharray", pos + 1))
    ++dashed;
  CHECK(dashed == 2);
}

TEST_CASE("a tiny confidence interval prints below the shown precision, not in exponent notation") {
  CHECK(plus_minus(0.341, 7.1e-16, 2) == "0.34 ± <0.01");
  CHECK(plus_minus(0.341, 0.02, 2) == "0.34 ± 0.02");
  CHECK(plus_minus(12.0, 0.0, 1) == "12.0");
  CHECK(plus_minus(-1e-9, 3e-3, 2) == "0.00 ± <0.01");
  CHECK(format_estimate(Estimate{0.341, 7.1e-16, 2}, 2) == "0.34 ± <0.01");
  const std::string chart =
      svg::bar_chart("m", {{"a", "#000000", 0.341, 7.1e-16}, {"b", "#111111", 12.5, 0.2}},
                     {"GiB·h", false, {}, {}});
  CHECK_FALSE(has_exponent(chart));
  // One precision for the chart: three digits of the largest value (12.5), for both labels.
  CHECK(chart.find(">0.3 ± &lt;0.1<") != std::string::npos);
  CHECK(chart.find(">12.5 ± 0.2<") != std::string::npos);
  CHECK(svg::tick_label(0.00002) == "0.00002");
  CHECK(svg::tick_label(-0.000005) == "-0.000005");
}

TEST_CASE("the terminal table and report.html hold no exponent notation for small intervals") {
  auto r = test::sample_results();
  r.variants.front().memory_overhead_gib_hours.half_width = 7.1e-16;
  r.variants.front().cost_usd.half_width = 2.8e-15;
  CHECK_FALSE(has_exponent(terminal_table(r)));
  std::string html = html_of(r);
  // Leave out the palette's and style's hex colours, which hold 'E' between digits.
  std::string text;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    if (!in_tag) text += c;
    if (c == '>') in_tag = false;
  }
  CHECK_FALSE(has_exponent(text));
}

TEST_CASE("a run without traffic has no capacity-versus-demand chart") {
  auto r = test::sample_results();
  REQUIRE(has_traffic(r));
  CHECK(html_of(r).find("Capacity versus demand") != std::string::npos);
  for (auto& s : r.timeseries) s.demand_rps = 0;
  CHECK_FALSE(has_traffic(r));
  CHECK(html_of(r).find("Capacity versus demand") == std::string::npos);
}

TEST_CASE("a metric no variant has is left out of the tables and named once instead") {
  auto r = test::sample_results();
  for (auto& v : r.variants) v.time_to_capacity_s = Estimate{0, 0, 0};
  const std::string table = terminal_table(r);
  CHECK(table.find("time to capacity (s)  ") == std::string::npos);
  CHECK(table.find("n/a") == std::string::npos);
  const auto note = table.find("Not applicable to any variant of this run, so not shown: ");
  REQUIRE(note != std::string::npos);
  CHECK(table.find("time to capacity (s)", note) < table.find('\n', note));
  const std::string html = html_of(r);
  CHECK(html.find("<td>time to capacity") == std::string::npos);
  const auto html_note = html.find("so not shown: ");
  REQUIRE(html_note != std::string::npos);
  CHECK(html.find("time to capacity (s)", html_note) < html.find("</p>", html_note));
}

TEST_CASE("what differs groups the not applicable and the nothing-differs lines") {
  auto r = test::sample_results();
  r.differences = {
      {"startup_ms", "vm", "runc", 5220.0, 410.0, 3},
      {"time_to_capacity_s", "vm", "runc", 0, 0, 0},
      {"time_to_capacity_s", "kata", "runc", 0, 0, 0},
      {"cost_usd", "vm", "runc", 1e-12, 1e-13, 3},
      {"cost_usd", "kata", "runc", 0, 0, 3},
  };
  // Some variant has a time to capacity, so its n/a pairs are grouped rather than left out.
  REQUIRE(r.variants.front().time_to_capacity_s.n > 0);
  const auto lines = difference_lines(r);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].find("vm starts 5.22 s") == 0);
  CHECK(lines[1] == "No difference at the precision shown: cost (vm vs runc, kata vs runc).");
  CHECK(lines[2] ==
        "Not applicable (no replication has a value for both variants): time to capacity (vm vs "
        "runc, kata vs runc).");
  const std::string table = terminal_table(r);
  CHECK(table.find("0.00 USD") == std::string::npos);
  CHECK(table.find("is not applicable") == std::string::npos);
  // No variant has a time to capacity: the note under the table names it, the differences not.
  for (auto& v : r.variants) v.time_to_capacity_s = Estimate{0, 0, 0};
  const auto without = difference_lines(r);
  REQUIRE(without.size() == 2);
  CHECK(without[1].find("No difference") == 0);
}

TEST_CASE("a CPU quota below a core per request is named next to the SLO misses it causes") {
  auto r = test::sample_results();
  r.resolved_scenario["services"] = nlohmann::json::array(
      {{{"name", "nginx"}, {"cpu_limit", "250m"}}, {{"name", "frontend"}, {"cpu_limit", "none"}}});
  r.resolved_scenario["slo"] = {{"request_latency_p99", "100ms"}};
  for (auto& v : r.variants) v.slo_violation_fraction = Estimate{0.3265, 0.09, 2};
  const auto notes = cpu_quota_notes(r);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("CPU quota (CFS) below one core per request: nginx (0.25 cores per instance") ==
        0);
  CHECK(notes[0].find("frontend") == std::string::npos);
  CHECK(notes[0].find("stretched 4.0×") != std::string::npos);
  CHECK(notes[0].find("32.6 % (" + r.variants.front().name + ")") != std::string::npos);
  CHECK(html_of(r).find("CPU quota (CFS) below one core per request: nginx") != std::string::npos);
  // No SLO missed: nothing to explain.
  for (auto& v : r.variants) v.slo_violation_fraction = Estimate{0, 0, 2};
  CHECK(cpu_quota_notes(r).empty());
  // A quota of a whole core per request does not stretch a request.
  for (auto& v : r.variants) v.slo_violation_fraction = Estimate{0.1, 0, 2};
  r.resolved_scenario["services"][0]["cpu_limit"] = "1";
  CHECK(cpu_quota_notes(r).empty());
}

TEST_CASE("a run whose variants fetch an image and fetch nothing says it is not like for like") {
  auto r = test::sample_results();
  for (auto& v : r.variants)
    std::erase_if(v.startup_phases_ms, [](const PhaseSummary& p) { return p.phase == "image_pull"; });
  CHECK(image_fetch_note(r).empty());
  r.variants.front().startup_phases_ms.push_back({"image_pull", 100, 200});
  const std::string note = image_fetch_note(r);
  CHECK(note.find("Not like for like: " + r.variants.front().name + " fetches its image") == 0);
  CHECK(html_of(r).find("Not like for like") != std::string::npos);
  CHECK(terminal_table(r).find("Not like for like") != std::string::npos);
}
