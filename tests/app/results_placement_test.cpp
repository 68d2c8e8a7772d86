// results.json and report.html: the placement metrics (pending time, decisions, decision time,
// packing efficiency, fragmentation, evictions) are written when the run measured them, and the
// wall-clock one only with wall_seconds.
#include <catch2/catch.hpp>

#include <sstream>

#include "app/report/html_report.hpp"
#include "app/report/results_json.hpp"
#include "sample_results.hpp"

using namespace vmcsim;
using namespace vmcsim::app;
using namespace vmcsim::app::report;

namespace {

// The first variant of the sample with placement measured over two replications.
RunResults with_placement() {
  auto r = test::sample_results();
  VariantSummary& v = r.variants.at(0);
  v.pending_ms =
      models::metrics::quantiles(std::vector<double>{0, 12.5, 480}, std::vector<double>{6, 480});
  v.placement_decisions = Estimate{7, 1, 2};
  v.placement_decision_us_mean = 3.25;
  v.placement_decision_us_p99 = 41.0;
  v.packing_efficiency_cpu = Estimate{0.5, 0.1, 2};
  v.packing_efficiency_memory = Estimate{0.75, 0.05, 2};
  v.fragmentation_cpu = Estimate{0.125, 0.01, 2};
  v.fragmentation_memory = Estimate{0.25, 0.02, 2};
  v.evictions = Estimate{1.5, 0.5, 2};
  v.nodes_peak = Estimate{3, 0, 2};
  return r;
}

}  // namespace

TEST_CASE("results.json leaves out the placement fields a run did not measure") {
  const auto r = test::sample_results();
  const auto j = results_to_json(r);
  for (const auto& v : j["variants"]) {
    CHECK_FALSE(v.contains("pending_time_ms"));
    CHECK_FALSE(v.contains("placement_decisions"));
    CHECK_FALSE(v.contains("placement_decision_us"));
    CHECK_FALSE(v.contains("packing_efficiency"));
    CHECK_FALSE(v.contains("fragmentation"));
    CHECK_FALSE(v.contains("evictions"));
  }
}

TEST_CASE("results.json writes placement metrics, and decision time goes to timings.json") {
  const auto r = with_placement();
  const VariantSummary& v = r.variants.at(0);
  const auto with = results_to_json(r);
  const auto& jv = with["variants"][0];
  CHECK(jv["pending_time_ms"]["p50"] == v.pending_ms.p50);
  CHECK(jv["pending_time_ms"]["p99"] == v.pending_ms.p99);
  CHECK(jv["pending_time_ms"]["mean"] == v.pending_ms.mean);
  CHECK(jv["pending_time_ms"]["ci95"]["n"] == 2);
  CHECK(jv["placement_decisions"]["mean"] == 7.0);
  CHECK_FALSE(jv.contains("placement_decision_us"));
  const auto timings = timings_to_json(r);
  CHECK(timings["variants"][0]["placement_decision_us"]["mean"] == 3.25);
  CHECK(timings["variants"][0]["placement_decision_us"]["p99"] == 41.0);
  CHECK_FALSE(timings["variants"][1].contains("placement_decision_us"));
  CHECK(jv["packing_efficiency"]["cpu"]["mean"] == 0.5);
  CHECK(jv["packing_efficiency"]["memory"]["mean"] == 0.75);
  CHECK(jv["fragmentation"]["cpu"]["mean"] == 0.125);
  CHECK(jv["fragmentation"]["memory"]["half_width"] == 0.02);
  CHECK(jv["evictions"]["mean"] == 1.5);
  CHECK(jv["evictions"]["n"] == 2);
  CHECK(jv["nodes_peak"]["mean"] == 3.0);
  // Only the variant that measured placement has the fields.
  CHECK_FALSE(with["variants"][1].contains("pending_time_ms"));
}

TEST_CASE("report.html has a placement section only when a variant measured placement") {
  std::ostringstream plain;
  write_html_report(test::sample_results(), plain);
  CHECK(plain.str().find("<h2>Placement</h2>") == std::string::npos);

  std::ostringstream placed;
  write_html_report(with_placement(), placed);
  const std::string html = placed.str();
  const auto section = html.find("<h2>Placement</h2>");
  REQUIRE(section != std::string::npos);
  const std::string rest = html.substr(section, html.find("</section>", section) - section);
  for (const char* label : {"hosts at peak", "node VMs at peak", "packing efficiency, CPU",
                            "stranded memory", "fragmented CPU", "fragmented memory",
                            "pending time, p99", "placement decisions", "evictions"})
    CHECK_THAT(rest, Catch::Contains(label));
  CHECK_THAT(rest, Catch::Contains("12.5 ± 1.0"));  // fragmentation CPU in percent
  CHECK_THAT(rest, Catch::Contains("Hosts and node VMs in use over time"));
  CHECK_THAT(rest, Catch::Contains("vm node VMs"));  // the variant with node VMs at peak
}
