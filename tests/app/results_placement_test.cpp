// results.json: the optional placement fields (pending time, decision time, packing efficiency,
// evictions) are written when present, and the wall-clock one only with wall_seconds.
#include <catch2/catch.hpp>

#include "app/report/results_json.hpp"
#include "sample_results.hpp"

using namespace vmcsim;
using namespace vmcsim::app;
using namespace vmcsim::app::report;

TEST_CASE("results.json leaves out the placement fields a run did not measure") {
  const auto r = test::sample_results();
  const auto j = results_to_json(r);
  for (const auto& v : j["variants"]) {
    CHECK_FALSE(v.contains("pending_time_ms"));
    CHECK_FALSE(v.contains("placement_decision_us"));
    CHECK_FALSE(v.contains("packing_efficiency"));
    CHECK_FALSE(v.contains("evictions"));
  }
}

TEST_CASE("results.json writes placement metrics and omits decision time with wall_seconds") {
  auto r = test::sample_results();
  VariantSummary& v = r.variants.at(0);
  v.pending_time_ms = VariantSummary::PendingTime{12.5, 480.0};
  v.placement_decision_us = VariantSummary::DecisionTime{3.25, 41.0};
  v.packing_efficiency = VariantSummary::PackingEfficiency{{0.5, 0.1, 2}, {0.75, 0.05, 2}};
  v.evictions = Estimate{1.5, 0.5, 2};

  const auto with = results_to_json(r);
  const auto& jv = with["variants"][0];
  CHECK(jv["pending_time_ms"]["p50"] == 12.5);
  CHECK(jv["pending_time_ms"]["p99"] == 480.0);
  CHECK(jv["placement_decision_us"]["mean"] == 3.25);
  CHECK(jv["placement_decision_us"]["p99"] == 41.0);
  CHECK(jv["packing_efficiency"]["cpu"]["mean"] == 0.5);
  CHECK(jv["packing_efficiency"]["memory"]["mean"] == 0.75);
  CHECK(jv["evictions"]["mean"] == 1.5);
  CHECK(jv["evictions"]["n"] == 2);

  const auto without = results_to_json(r, {.include_wall_seconds = false});
  CHECK_FALSE(without["variants"][0].contains("placement_decision_us"));
  CHECK(without["variants"][0]["pending_time_ms"] == jv["pending_time_ms"]);
}
