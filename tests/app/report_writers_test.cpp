#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/report/csv_writers.hpp"
#include "app/report/html_report.hpp"
#include "app/report/metrics.hpp"
#include "app/report/results_json.hpp"
#include "app/report/svg_charts.hpp"
#include "app/report/terminal_table.hpp"
#include "app/report/text_format.hpp"
#include "app/report/trace_json.hpp"
#include "app/report/write_all.hpp"
#include "cli_run.hpp"
#include "compiled_paths.hpp"
#include "models/metrics/summary.hpp"
#include "sample_results.hpp"

using namespace vmcsim;
using namespace vmcsim::app::report;
using namespace vmcsim::sim::literals;
using nlohmann::json;

namespace {

using vmcsim::test::read_text;

template <class Writer>
std::string render(Writer&& writer) {
  std::ostringstream out;
  writer(out);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ','))
    fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.push_back("");
  return fields;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("results.json has the schema version, provenance and every documented variant key") {
  const auto r = test::sample_results();
  const json j = json::parse(render([&](std::ostream& o) { write_results_json(r, o); }));
  CHECK(j.at("schema_version") == 1);
  CHECK(j.at("vmcsim_version") == r.vmcsim_version);
  CHECK(j.at("scenario_name") == r.scenario_name);
  CHECK(j.at("scenario_file") == r.scenario_file);
  CHECK(j.at("seed") == 42);
  CHECK(j.at("warmup_s") == r.warmup.seconds());
  CHECK(j.at("replications") == 2);
  CHECK(j.at("resolved_scenario") == r.resolved_scenario);
  REQUIRE(j.at("variants").size() == r.variants.size());
  const std::vector<std::string> keys{"name",
                                      "platform",
                                      "profile",
                                      "instances_requested",
                                      "instances_ready",
                                      "instances_never_placed",
                                      "instances_never_started",
                                      "instances_cancelled",
                                      "instances_rejected",
                                      "instances_not_ready",
                                      "instances_not_ready_reasons",
                                      "reserved_memory_gib_hours",
                                      "density_peak",
                                      "startup_ms",
                                      "startup_phases_ms",
                                      "time_to_capacity_s",
                                      "time_to_capacity_not_reached",
                                      "request_latency_ms",
                                      "request_latency_p95_ms",
                                      "slo_violation_fraction",
                                      "memory_overhead_gib_hours",
                                      "idle_reserved_cpu_core_hours",
                                      "idle_reserved_memory_gib_hours",
                                      "fargate_rounding_waste_cpu_core_hours",
                                      "fargate_rounding_waste_memory_gib_hours",
                                      "stranded_cpu_fraction",
                                      "stranded_memory_fraction",
                                      "density_instances_per_host",
                                      "hosts_used_peak",
                                      "nodes_peak",
                                      "energy_kwh",
                                      "cost_usd",
                                      "requests_unserved",
                                      "events",
                                      "startup_samples_ms",
                                      "per_replication"};
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    const auto& v = r.variants[i];
    const json& jv = j["variants"][i];
    std::vector<std::string> actual;
    for (const auto& item : jv.items())
      actual.push_back(item.key());
    std::sort(actual.begin(), actual.end());
    auto expected = keys;
    std::sort(expected.begin(), expected.end());
    CHECK(actual == expected);
    CHECK(jv["name"] == v.name);
    CHECK(jv["platform"] == std::string{vmcsim::models::to_string(v.platform)});
    CHECK(jv["startup_ms"]["mean"].get<double>() == v.startup_ms.mean);
    CHECK(jv["startup_ms"]["p50"].get<double>() == v.startup_ms.p50);
    CHECK(jv["startup_ms"]["p95"].get<double>() == v.startup_ms.p95);
    CHECK(jv["startup_ms"]["p99"].get<double>() == v.startup_ms.p99);
    CHECK(jv["startup_ms"]["ci95"]["half_width"].get<double>() == v.startup_ms.ci95.half_width);
    CHECK(jv["startup_ms"]["ci95"]["n"] == 2);
    REQUIRE(jv["startup_phases_ms"].size() == v.startup_phases_ms.size());
    for (const auto& p : v.startup_phases_ms) {
      CHECK(jv["startup_phases_ms"][p.phase]["mean"].get<double>() == p.mean);
      CHECK(jv["startup_phases_ms"][p.phase]["p95"].get<double>() == p.p95);
    }
    CHECK(jv["memory_overhead_gib_hours"]["mean"].get<double>() ==
          v.memory_overhead_gib_hours.mean);
    CHECK(jv["hosts_used_peak"]["mean"].get<double>() == v.hosts_used_peak.mean);
    CHECK(jv["slo_violation_fraction"]["half_width"].get<double>() ==
          v.slo_violation_fraction.half_width);
    CHECK(jv["cost_usd"]["mean"].get<double>() == v.cost_usd.mean);
    CHECK(jv["events"] == v.events);
    CHECK_FALSE(jv.contains("wall_seconds"));  // wall clock: timings.json
    CHECK(jv["startup_samples_ms"].get<std::vector<double>>() == v.startup_samples_ms);
  }
  CHECK(j["differences"].size() == r.differences.size());
  CHECK(j["differences"][0]["metric"] == "startup_ms");
  CHECK(j["sweep_points"].size() == 3);
  CHECK(j["sweep_points"][1]["parameters"][0]["numeric"] == 400.0);
}

TEST_CASE("results.json keeps startup phases in pipeline order") {
  const auto r = test::sample_results();
  const std::string text = render([&](std::ostream& o) { write_results_json(r, o); });
  const auto vm = text.find("\"startup_phases_ms\"");
  CHECK(text.find("\"provision\"", vm) < text.find("\"firmware\"", vm));
  CHECK(text.find("\"firmware\"", vm) < text.find("\"kernel\"", vm));
  CHECK(text.find("\"init\"", vm) < text.find("\"app\"", vm));
}

TEST_CASE("results.json holds no wall-clock figure, and timings.json holds them") {
  auto r = test::sample_results();
  const auto before = results_to_json(r);
  for (const auto& v : before["variants"])
    CHECK_FALSE(v.contains("wall_seconds"));
  r.variants[0].wall_seconds = 99.0;
  CHECK(results_to_json(r) == before);
  const auto timings = timings_to_json(r);
  REQUIRE(timings["variants"].size() == r.variants.size());
  CHECK(timings["variants"][0]["name"] == r.variants[0].name);
  CHECK(timings["variants"][0]["wall_seconds"] == 99.0);
}

TEST_CASE("instances.csv has one row per instance and start/end columns for the union of phases") {
  const auto r = test::sample_results();
  const auto lines = lines_of(render([&](std::ostream& o) { write_instances_csv(r, o); }));
  REQUIRE(lines.size() == r.instances.size() + 1);
  const auto header = split_csv_line(lines[0]);
  const auto phases = phase_columns(r.instances);
  // vm: 6 phases; containers: schedule, image_pull, unpack, sandbox, app_init.
  CHECK(phases.size() == 11);
  CHECK(header.size() == 10 + 2 * phases.size() + 2);
  CHECK(header.front() == "variant");
  CHECK(header[header.size() - 2] == "end_state");
  CHECK(header.back() == "reason");
  for (const auto& p : phases) {
    CHECK(std::count(header.begin(), header.end(), p + "_start_s") == 1);
    CHECK(std::count(header.begin(), header.end(), p + "_end_s") == 1);
  }
  for (std::size_t i = 1; i < lines.size(); ++i)
    CHECK(split_csv_line(lines[i]).size() == header.size());
  // The first instance is a VM: its firmware columns hold its exact times; its image_pull is empty.
  const auto row = split_csv_line(lines[1]);
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  CHECK(row[col("firmware_start_s")] == exact_seconds(r.instances[0].phases[1].start));
  CHECK(row[col("firmware_end_s")] == exact_seconds(r.instances[0].phases[1].end));
  CHECK(row[col("image_pull_start_s")].empty());
  CHECK(row[col("host")] == r.instances[0].host);
  CHECK(row[col("platform")] == "vm");
}

TEST_CASE("timeseries.csv has its documented header and one row per sample") {
  const auto r = test::sample_results();
  const auto lines = lines_of(render([&](std::ostream& o) { write_timeseries_csv(r, o); }));
  REQUIRE(lines.size() == r.timeseries.size() + 1);
  CHECK(lines[0] ==
        "variant,replication,t_s,demand_rps,capacity_rps,cpu_utilization,memory_utilization,"
        "pending_instances,running_instances,hosts_used,queued_requests,nodes_used");
  CHECK(lines[1].rfind("vm,0,0.000000000,100,150,", 0) == 0);
}

TEST_CASE("csv fields with commas or quotes are quoted") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
}

TEST_CASE("times print as exact seconds with nine decimals") {
  CHECK(exact_seconds(1500_ms) == "1.500000000");
  CHECK(exact_seconds(sim::Time::zero() - 1_ns) == "-0.000000001");
  CHECK(exact_seconds(3_h + 7_ns) == "10800.000000007");
}

TEST_CASE("trace.json is a Chrome trace with one process per host and a slice per phase") {
  const auto r = test::sample_results();
  const json j = json::parse(render([&](std::ostream& o) { write_trace_json(r, o); }));
  CHECK(j.at("displayTimeUnit") == "ms");
  const auto& events = j.at("traceEvents");
  std::set<std::string> processes, expected_processes, phase_names, expected_phases;
  std::size_t slices = 0, expected_slices = 0;
  for (const auto& in : r.instances) {
    expected_processes.insert(trace_process_name(in));
    for (const auto& p : in.phases)
      expected_phases.insert(p.name);
    expected_slices += in.phases.size() + (in.ready && in.stopped ? 1 : 0);
  }
  for (const auto& e : events) {
    if (e["ph"] == "M" && e["name"] == "process_name") processes.insert(e["args"]["name"]);
    if (e["ph"] == "X") {
      ++slices;
      CHECK(e["dur"].get<double>() >= 0);
      CHECK(e["ts"].get<double>() >= 0);
      CHECK(e["pid"].get<int>() >= 1);
      CHECK(e["tid"].get<int>() >= 1);
      if (e["cat"] == "phase") phase_names.insert(e["name"]);
    }
  }
  CHECK(processes == expected_processes);
  CHECK(phase_names == expected_phases);
  CHECK(slices == expected_slices);
}

TEST_CASE("trace.json puts a phase at its time in microseconds") {
  const auto r = test::sample_results();
  const auto j = trace_to_json(r);
  const auto& first_phase = r.instances[0].phases[0];
  bool found = false;
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] == "X" && e["pid"] == 1 && e["tid"] == 1 && e["name"] == first_phase.name) {
      CHECK(e["ts"].get<double>() == Approx(first_phase.start.seconds() * 1e6));
      CHECK(e["dur"].get<double>() ==
            Approx((first_phase.end - first_phase.start).seconds() * 1e6));
      found = true;
    }
  }
  CHECK(found);
}

TEST_CASE("the streamed trace.json is the same document as trace_to_json") {
  const auto r = test::sample_results();
  const auto streamed =
      nlohmann::ordered_json::parse(render([&](std::ostream& o) { write_trace_json(r, o); }));
  CHECK(streamed == trace_to_json(r));
}

TEST_CASE("trace.json can hold one replication only") {
  const auto r = test::sample_results();
  const auto j = trace_to_json(r, {.replication = 1});
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "process_name") {
      CHECK(e["args"]["name"].get<std::string>().find(" r1]") != std::string::npos);
    }
  }
}

TEST_CASE("a phase that ends before it starts is refused by the trace writer") {
  auto r = test::sample_results();
  r.instances[3].phases[2].end = r.instances[3].phases[2].start - 1_ms;
  CHECK_THROWS_WITH(trace_to_json(r),
                    Catch::Contains(r.instances[3].phases[2].name) && Catch::Contains("ends"));
}

TEST_CASE("report.html is self-contained with one svg per chart") {
  auto r = test::sample_results();
  r.sweep_points.clear();  // the sweep section's charts: cli_sweep_test.cpp
  const std::string html = render([&](std::ostream& o) { write_html_report(r, o); });
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  // Summary-free charts: startup CDF, phase bars, capacity vs demand, memory bars, cost bars.
  CHECK(count_of(html, "<svg") == 5);
  CHECK(count_of(html, "</svg>") == 5);
  CHECK(count_of(html, "<path") >= r.variants.size() + 1);
  CHECK(count_of(html, "<rect") > 0);
  CHECK(count_of(html, "http://") == 0);
  CHECK(count_of(html, "https://") == 0);
  CHECK(count_of(html, "<script") == 0);
  CHECK(count_of(html, "<link") == 0);
  CHECK(count_of(html, "@import") == 0);
  for (const auto& v : r.variants)
    CHECK(count_of(html, fmt::format(">{}<", v.name)) >= 1);
  CHECK(html.find("starts") != std::string::npos);  // the paired difference sentence
  CHECK(count_of(html, "<table>") == 1);
  CHECK(count_of(html, "</html>") == 1);
}

TEST_CASE("report.html gives each variant the same colour in every chart") {
  const auto r = test::sample_results();
  const std::string html = render([&](std::ostream& o) { write_html_report(r, o); });
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    // CDF line, capacity line, memory bar, cost bar, summary swatch.
    CHECK(count_of(html, fmt::format("\"{}\"", variant_colour(i))) >= 4);
  }
}

TEST_CASE("report.html without a timeseries leaves the capacity chart out") {
  auto r = test::sample_results();
  r.timeseries.clear();
  r.sweep_points.clear();  // the sweep section's charts: cli_sweep_test.cpp
  const std::string html = render([&](std::ostream& o) { write_html_report(r, o); });
  CHECK(count_of(html, "<svg") == 4);
}

TEST_CASE("every writer gives byte-identical output for identical results") {
  const auto a = test::sample_results();
  const auto b = test::sample_results();
  const auto tmp = std::filesystem::temp_directory_path() / "vmcsim_report_determinism";
  std::filesystem::remove_all(tmp);
  write_all(a, tmp / "a");
  write_all(b, tmp / "b");
  for (const char* name :
       {"results.json", "instances.csv", "timeseries.csv", "trace.json", "report.html"}) {
    INFO(name);
    const auto text = read_text(tmp / "a" / name);
    CHECK(text.size() > 100);
    CHECK(text == read_text(tmp / "b" / name));
  }
  CHECK(terminal_table(a) == terminal_table(b));
  std::filesystem::remove_all(tmp);
}

TEST_CASE("write_all names the file it cannot write") {
  const auto tmp = std::filesystem::temp_directory_path() / "vmcsim_report_unwritable";
  std::filesystem::remove_all(tmp);
  std::filesystem::create_directories(tmp / "results.json");  // a folder where the file goes
  CHECK_THROWS_WITH(write_all(test::sample_results(), tmp), Catch::Contains("results.json"));
  std::filesystem::remove_all(tmp);
}

TEST_CASE("the terminal table shows variants side by side with confidence intervals") {
  const auto r = test::sample_results();
  const auto table = terminal_table(r);
  const auto lines = lines_of(table);
  REQUIRE(lines.size() > 3);
  CHECK(lines[1].find("vm") < lines[1].find("container"));
  CHECK(lines[1].find("container") < lines[1].find("ecs-on-ec2"));
  CHECK(table.find(format_estimate(r.variants[0].cost_usd, 2)) != std::string::npos);
  CHECK(table.find("±") != std::string::npos);
  CHECK(table.find("container starts") != std::string::npos);
}

TEST_CASE("a run whose instances never started shows the count, a warning and a missed SLO") {
  auto r = test::sample_results();
  auto& v = r.variants[0];
  v.instances_requested = {1000, 0, 1};
  v.instances_ready = {36, 0, 1};
  v.instances_never_started = {964, 0, 1};
  v.instances_not_ready = {964, 0, 1};
  v.not_ready_reasons = {{"image_pull never finished", 964}};
  v.slo = {models::metrics::startup_p99_verdict(v, sim::Time::from_s(5))};
  r.variants[1].slo = {{"startup_p99", 5000.0, 212.0, true, 6}};
  r.replications = 1;
  const std::string table = terminal_table(r);
  CHECK_THAT(table, Catch::Contains("never placed or started (instances)"));
  CHECK_THAT(table, Catch::Contains("964"));
  CHECK_THAT(table, Catch::Contains("warning: vm: 964 of 1000 requested instances never became "
                                    "ready (image_pull never finished: 964)"));
  CHECK_THAT(table, Catch::Contains("startup p99 SLO (≤ 5000.0 ms)"));
  CHECK_THAT(table, Catch::Contains("missed: over 1% never ready"));
  CHECK_THAT(table, Catch::Contains("met: 212.0 ms"));
  const auto j = results_to_json(r);
  CHECK(j["variants"][0]["instances_never_started"]["mean"] == 964.0);
  CHECK(j["variants"][0]["instances_not_ready_reasons"]["image_pull never finished"] == 964);
  CHECK(j["variants"][0]["slo"]["startup_p99"]["met"] == false);
  CHECK(j["variants"][0]["slo"]["startup_p99"]["value"].is_null());
  CHECK(j["variants"][1]["slo"]["startup_p99"]["met"] == true);
  const std::string html = render([&](std::ostream& o) { write_html_report(r, o); });
  CHECK_THAT(html, Catch::Contains("964 of 1000 requested instances never became ready"));
  CHECK_THAT(html, Catch::Contains("missed: over 1% never ready"));
}

TEST_CASE("a paired difference reads as a sentence with its interval") {
  const app::PairedDifference d{"startup_ms", "container", "vm", -41200, 1300, 10};
  CHECK(describe_difference(d) ==
        "container starts 41.20 s (± 1.30) sooner than vm (paired over 10 replications).");
  const app::PairedDifference unclear{"cost_usd", "a", "b", 0.5, 0.7, 5};
  CHECK(describe_difference(unclear) ==
        "a costs 0.50 USD (± 0.70) more than b (paired over 5 replications; not significant at "
        "95%).");
  const app::PairedDifference other{"events", "a", "b", 3, 1, 4};
  CHECK(describe_difference(other).find("a minus b in events") == 0);
}

TEST_CASE("a paired difference of one replication says an interval needs two, not a verdict") {
  const app::PairedDifference d{"startup_ms", "container", "vm", -8530, 0, 1};
  CHECK(describe_difference(d) ==
        "container starts 8.53 s sooner than vm (paired over 1 replication: a 95% confidence "
        "interval needs at least 2).");
  const app::PairedDifference other{"events", "a", "b", 3, 0, 1};
  CHECK(describe_difference(other) ==
        "a minus b in events: 3.000 (paired over 1 replication: a 95% confidence interval "
        "needs at least 2).");
  const app::PairedDifference none{"time_to_capacity_s", "vm", "runc", 0, 0, 0};
  CHECK(describe_difference(none) ==
        "vm and runc: time to capacity is not applicable (no replication has it for both).");
}

TEST_CASE("the terminal table says 1 replication, singular, and names the warm-up left out") {
  auto r = test::sample_results();
  r.replications = 1;
  r.warmup = 5_min;
  const auto table = terminal_table(r);
  CHECK(table.rfind("burst: vm vs container · seed 42 · 1 replication · warm-up ", 0) == 0);
  CHECK_THAT(table, Catch::Contains(" left out (mean ± 95% CI)\n"));
  r.replications = 2;
  r.warmup = sim::Time::zero();
  CHECK(terminal_table(r).rfind("burst: vm vs container · seed 42 · 2 replications (mean", 0) == 0);
}

TEST_CASE("nice ticks cover the range at a 1-2-5 step") {
  CHECK(svg::nice_ticks(0, 1, 5) == std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1});
  const auto t = svg::nice_ticks(0, 437, 5);
  CHECK(t.front() == 0);
  CHECK(t.back() >= 437);
  CHECK(t[1] - t[0] == 100);
  CHECK(svg::tick_label(15000) == "15k");
  CHECK(svg::tick_label(0.5) == "0.5");
}

TEST_CASE("notebooks are committed without outputs") {
  const std::filesystem::path dir =
      std::filesystem::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "notebooks";
  int notebooks = 0;
  for (const char* name :
       {"explore_run.ipynb", "sweep_tradeoffs.ipynb", "vm_vs_container_teaching.ipynb",
        "serverless_tradeoffs.ipynb"}) {
    INFO(name);
    REQUIRE(std::filesystem::exists(dir / name));
    const json nb = json::parse(read_text(dir / name));
    for (const auto& cell : nb.at("cells")) {
      if (cell.at("cell_type") != "code") continue;
      CHECK(cell.at("outputs").empty());
      CHECK(cell.at("execution_count").is_null());
    }
    ++notebooks;
  }
  CHECK(notebooks == 4);
}

// Not part of the normal run: CTest calls it as a fixture to produce the sample results folder
// that the headless-browser and notebook checks read.
TEST_CASE("write the sample results folder", "[.write-sample]") {
  const char* out = std::getenv("VMCSIM_SAMPLE_RESULTS_DIR");
  REQUIRE(out != nullptr);  // set by the CTest fixture
  write_all(test::sample_results(), out);
  CHECK(std::filesystem::exists(std::filesystem::path{out} / "report.html"));
}

TEST_CASE("a step line keeps only the points where its value changes") {
  svg::LineSeries flat{"capacity", "#0072B2", {}, false, true};
  for (int t = 0; t < 10'000; ++t)
    flat.points.push_back({static_cast<double>(t), t < 5'000 ? 1.0 : 2.0});
  const std::string chart =
      svg::line_chart("t", {flat}, {"x", false, {}, {}}, {"y", false, {}, {}});
  const auto begin = chart.find("<path d=\"");
  const auto path = chart.substr(begin, chart.find('"', begin + 9) - begin);
  // Move to the start, hold to the change, step up, hold to the end.
  CHECK(count_of(path, "M") == 1);
  CHECK(count_of(path, "L") == 1);
  CHECK(count_of(path, "H") == 2);
}

TEST_CASE("every writer accepts a run with no variants, instances or samples") {
  app::RunResults empty;
  const json j = results_to_json(empty);
  CHECK(j["variants"].empty());
  CHECK(lines_of(render([&](std::ostream& o) { write_instances_csv(empty, o); })).size() == 1);
  CHECK(lines_of(render([&](std::ostream& o) { write_timeseries_csv(empty, o); })).size() == 1);
  CHECK(json::parse(render([&](std::ostream& o) { write_trace_json(empty, o); }))["traceEvents"]
            .empty());
  const std::string html = render([&](std::ostream& o) { write_html_report(empty, o); });
  CHECK(count_of(html, "</html>") == 1);
  CHECK(count_of(html, "nan") == 0);
  CHECK(count_of(html, "inf") == 0);
}

TEST_CASE("report.html gives every phase its own colour") {
  const auto r = test::sample_results();
  const std::string html = render([&](std::ostream& o) { write_html_report(r, o); });
  std::set<std::string> colours;
  const auto phases = phase_columns(r.instances);
  for (const auto& phase : phases) {
    const auto at = html.find(fmt::format("><title>vm / {}:", phase)) != std::string::npos
                        ? html.find(fmt::format("><title>vm / {}:", phase))
                        : html.find(fmt::format("><title>container / {}:", phase));
    REQUIRE(at != std::string::npos);
    const auto fill = html.rfind("fill=\"", at);
    colours.insert(html.substr(fill + 6, 7));
  }
  CHECK(colours.size() == phases.size());
}

TEST_CASE("an estimate of nothing measured shows as n/a, not as zero") {
  CHECK(format_estimate({0, 0, 0}, 1) == "n/a");
  CHECK(format_estimate({2.5, 0, 1}, 1) == "2.5");
  CHECK(format_estimate({2.5, 0.25, 2}, 2) == "2.50 ± 0.25");
  auto r = test::sample_results();
  r.variants[0].time_to_capacity_s = {};
  const auto lines = lines_of(terminal_table(r));
  const auto row = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("time to capacity (s)", 0) == 0;
  });
  REQUIRE(row != lines.end());
  CHECK_THAT(*row, Catch::Contains("n/a"));
}
