// sweep.csv is derived from the metric descriptors: every descriptor key is a column (with its
// half-width and n), so a new descriptor reaches it with no other edit; a value that does not
// apply at a point is empty, never 0.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/report/csv_writers.hpp"
#include "models/metrics/descriptors.hpp"
#include "sample_results.hpp"
#include "sweep_csv_rows.hpp"

using namespace vmcsim;

namespace {

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  FAIL("no column " << name);
  return 0;
}

}  // namespace

TEST_CASE("every metric descriptor key is a sweep.csv column, with its half-width and n") {
  const auto rows = test::sweep_csv_rows(test::sample_results());
  REQUIRE(rows.size() > 1);
  const auto& header = rows.front();
  CHECK(header.front() == "workload.burst.rps");
  CHECK(header.at(1) == "variant");
  for (const auto& d : models::metrics::metric_descriptors()) {
    const std::string key{d.key};
    INFO(key);
    const std::size_t at = column(header, key);
    CHECK(header.at(at + 1) == key + "_half_width");
    CHECK(header.at(at + 2) == key + "_n");
  }
  // One row per point and variant, each as wide as the header.
  const auto results = test::sample_results();
  CHECK(rows.size() == 1 + results.sweep_points.size() * results.variants.size());
  for (const auto& row : rows)
    CHECK(row.size() == header.size());
}

TEST_CASE("sweep.csv writes each metric's mean in its key's unit") {
  const auto results = test::sample_results();
  const auto rows = test::sweep_csv_rows(results);
  const auto& header = rows.front();
  const auto& point = results.sweep_points.at(1);
  const auto& row = rows.at(1 + results.variants.size());  // point 1's first variant
  CHECK(row.at(1) == point.variants.front().name);
  CHECK(std::stod(row.at(column(header, "slo_violation_fraction"))) ==
        Approx(point.variants.front().slo_violation_fraction.mean));
  CHECK(std::stod(row.at(column(header, "startup_ms"))) ==
        Approx(point.variants.front().startup_ms.ci95.mean));
}

TEST_CASE("a metric that does not apply at a sweep point is empty in sweep.csv, not 0") {
  auto results = test::sample_results();
  // Nothing measured: cost with no replication behind it.
  results.sweep_points.at(0).variants.at(0).cost_usd = {0.0, 0.0, 0};
  const auto rows = test::sweep_csv_rows(results);
  const auto& header = rows.front();
  const auto& row = rows.at(1);
  for (const char* name : {"cost_usd", "cost_usd_half_width", "cost_usd_n"})
    CHECK(row.at(column(header, name)).empty());
  // A placement metric of a run that measured no placement: empty as well.
  REQUIRE_FALSE(results.sweep_points.at(0).variants.at(0).placement_measured());
  for (const auto& d : models::metrics::metric_descriptors()) {
    if (!d.placement_only) continue;
    INFO(d.key);
    CHECK(row.at(column(header, std::string{d.key})).empty());
  }
  // What was measured is written.
  CHECK_FALSE(row.at(column(header, "startup_ms")).empty());
}
