// The metric descriptors: every metric declared once, documented, with one unit, and driving
// the summary and the paired differences.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "compiled_paths.hpp"
#include "models/metrics/descriptors.hpp"
#include "models/metrics/summary.hpp"

using namespace vmcsim;
using namespace vmcsim::models::metrics;

namespace {

std::string results_format_doc() {
  const std::filesystem::path doc =
      std::filesystem::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "docs" / "results-format.md";
  std::ifstream in{doc};
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

VariantRunMetrics run_with(std::uint64_t replication, double cost, std::uint64_t requested) {
  VariantRunMetrics r;
  r.variant = std::string(1, 'v');
  r.replication = replication;
  r.cost_usd = cost;
  r.instances_accounting.requested = requested;
  r.instances_accounting.ready = requested;
  return r;
}

}  // namespace

TEST_CASE("every metric descriptor is documented in docs/results-format.md with its unit",
          "[metrics][descriptors]") {
  const std::string all = results_format_doc();
  const auto section = all.find("## Variant object");
  REQUIRE(section != std::string::npos);
  const std::string doc = all.substr(section, all.find("\n## ", section + 1) - section);
  for (const MetricDescriptor& d : metric_descriptors()) {
    INFO(d.key);
    // A row of the variant table: | `key` | type | unit | meaning |
    const std::string row_start = "| `" + std::string(d.key) + "` |";
    const auto at = doc.find(row_start);
    REQUIRE(at != std::string::npos);
    const std::string row = doc.substr(at, doc.find('\n', at) - at);
    CHECK(row.find("| " + std::string(d.unit) + " |") != std::string::npos);
    CHECK_FALSE(d.doc.empty());
  }
}

TEST_CASE("metric keys are unique and every descriptor has a value to aggregate",
          "[metrics][descriptors]") {
  std::set<std::string> keys;
  for (const MetricDescriptor& d : metric_descriptors()) {
    INFO(d.key);
    CHECK(keys.insert(std::string(d.key)).second);
    CHECK(d.per_run != nullptr);
    if (d.aggregation == Aggregation::mean_ci) {
      CHECK(d.estimate != nullptr);
    } else {
      CHECK(d.quantiles != nullptr);
    }
    CHECK(find_metric(d.key) == &d);
  }
  CHECK(find_metric("no_such_metric") == nullptr);
}

TEST_CASE("summarize fills every per-replication metric from its descriptor",
          "[metrics][descriptors]") {
  const std::vector<VariantRunMetrics> runs{run_with(0, 2.0, 10), run_with(1, 4.0, 12)};
  const VariantEstimates e = summarize(runs);
  const MetricDescriptor* cost = find_metric("cost_usd");
  REQUIRE(cost != nullptr);
  CHECK(cost->value(e).mean == 3.0);
  CHECK(cost->value(e).n == 2);
  CHECK(e.instances_requested.mean == 11.0);
  CHECK(e.instances_ready.mean == 11.0);
}

TEST_CASE("paired differences are the compared descriptors, in the key's own unit",
          "[metrics][descriptors]") {
  // Named through run_with's copies (assigning a literal to a vector element trips gcc 12's
  // bogus -Wstringop-overflow).
  VariantRunMetrics first = run_with(0, 2.0, 1), second = run_with(0, 5.0, 1);
  first.variant = std::string{"a"};
  second.variant = std::string{"b"};
  std::vector<VariantRunMetrics> a{std::move(first)}, b{std::move(second)};
  a[0].requests_completed = b[0].requests_completed = 100;
  a[0].slo_violations = 10;
  b[0].slo_violations = 30;
  const auto diffs = paired_differences(a, b);
  std::set<std::string> compared;
  // Runs without failures are not compared on the failures_only metrics, nor runs without
  // functions on the functions_only ones.
  for (const MetricDescriptor& d : metric_descriptors())
    if (d.compared() && !d.failures_only && !d.functions_only)
      compared.insert(std::string(d.key));
  REQUIRE(diffs.size() == compared.size());
  a[0].failures_modelled = b[0].failures_modelled = true;
  std::size_t all = 0;
  for (const MetricDescriptor& d : metric_descriptors())
    all += d.compared() && !d.functions_only;
  CHECK(paired_differences(a, b).size() == all);
  for (const auto& d : diffs) {
    CHECK(compared.count(d.metric) == 1);
    if (d.metric == "cost_usd") CHECK(d.mean == -3.0);
    // A fraction stays a fraction: 0.1 - 0.3, not percentage points.
    if (d.metric == "slo_violation_fraction") CHECK(std::abs(d.mean + 0.2) < 1e-12);
  }
}
