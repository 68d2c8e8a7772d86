#include "app/report/report_notes.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/report/text_format.hpp"
#include "models/metrics/descriptors.hpp"
#include "sim/units.hpp"

namespace vmcsim::app::report {
namespace {

namespace mm = models::metrics;

// The label a difference's metric is shown under ("startup, mean"), or its key.
std::string metric_label(const PairedDifference& d) {
  const mm::MetricDescriptor* m = mm::find_metric(d.metric);
  if (m != nullptr && !m->display.empty()) return std::string{m->display.front().label};
  return d.metric;
}

// Whether describe_difference would print both the amount and its spread as zero.
bool rounds_to_nothing(const PairedDifference& d) {
  const mm::MetricDescriptor* m = mm::find_metric(d.metric);
  const bool compared = m != nullptr && m->compared();
  const double scale = compared ? m->comparison.scale : 1.0;
  const int decimals = difference_decimals(compared ? m->comparison.unit : std::string_view{});
  const auto zero = [&](double v) { return fixed(std::abs(v) * scale, decimals) == fixed(0, decimals); };
  return zero(d.mean) && zero(d.half_width);
}

// "cost (vm, microvm against runc)", in first-appearance order of metrics and pairs.
std::string grouped(const std::vector<const PairedDifference*>& ds) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> pairs;
  for (const PairedDifference* d : ds) {
    const std::string label = metric_label(*d);
    if (!pairs.count(label)) order.push_back(label);
    pairs[label].push_back(d->variant_a + " vs " + d->variant_b);
  }
  std::string out;
  for (const auto& label : order)
    out += fmt::format("{}{} ({})", out.empty() ? "" : "; ", label, fmt::join(pairs[label], ", "));
  return out;
}

// Whether some variant of `r` has a value for the difference's metric.
bool measured_anywhere(const PairedDifference& d, const RunResults& r) {
  const mm::MetricDescriptor* m = mm::find_metric(d.metric);
  if (m == nullptr) return true;
  return std::any_of(r.variants.begin(), r.variants.end(), [&](const VariantSummary& v) {
    return m->value(v, mm::Statistic::mean).n > 0;
  });
}

std::string text_of(const nlohmann::json& j) {
  return j.is_string() ? j.get<std::string>() : j.dump();
}

}  // namespace

bool applies(const HeadlineMetric& m, const RunResults& r) {
  return std::any_of(r.variants.begin(), r.variants.end(),
                     [&](const VariantSummary& v) { return m.estimate(v).n > 0; });
}

std::string not_applicable_note(std::span<const HeadlineMetric> metrics, const RunResults& r) {
  std::vector<std::string> left_out;
  for (const auto& m : metrics)
    if (shown_in(m, r) && !applies(m, r))
      left_out.push_back(fmt::format("{} ({})", m.label, m.unit));
  if (left_out.empty()) return {};
  return fmt::format("Not applicable to any variant of this run, so not shown: {}.",
                     fmt::join(left_out, ", "));
}

bool has_traffic(const RunResults& r) {
  return std::any_of(r.timeseries.begin(), r.timeseries.end(),
                     [](const TimeseriesSample& s) { return s.demand_rps > 0; });
}

std::vector<std::string> difference_lines(const RunResults& r) {
  std::vector<std::string> lines;
  std::vector<const PairedDifference*> not_applicable, nothing;
  for (const auto& d : r.differences) {
    if (d.n == 0 && !measured_anywhere(d, r))
      continue;  // not_applicable_note names it under the table already
    if (d.n == 0)
      not_applicable.push_back(&d);
    else if (rounds_to_nothing(d))
      nothing.push_back(&d);
    else
      lines.push_back(describe_difference(d));
  }
  if (!nothing.empty())
    lines.push_back("No difference at the precision shown: " + grouped(nothing) + ".");
  if (!not_applicable.empty())
    lines.push_back("Not applicable (no replication has a value for both variants): " +
                    grouped(not_applicable) + ".");
  return lines;
}

std::vector<std::string> cpu_quota_notes(const RunResults& r) {
  std::vector<std::string> notes;
  const nlohmann::json& scenario = r.resolved_scenario;
  if (!scenario.is_object() || !scenario.contains("services")) return notes;
  // Only worth saying when requests missed their latency SLO somewhere.
  std::vector<std::string> missed;
  for (const auto& v : r.variants)
    if (v.slo_violation_fraction.n > 0 && v.slo_violation_fraction.mean > 0)
      missed.push_back(fmt::format("{} % ({})", fixed(v.slo_violation_fraction.mean * 100, 1),
                                   v.name));
  if (missed.empty()) return notes;
  const std::string slo = scenario.contains("slo") && scenario["slo"].contains("request_latency_p99")
                              ? " of " + text_of(scenario["slo"]["request_latency_p99"])
                              : std::string{};
  std::vector<std::string> quotas;
  for (const auto& service : scenario["services"]) {
    if (!service.contains("cpu_limit") || !service.contains("name")) continue;
    double limit = 0;
    try {
      limit = sim::Millicores::parse(text_of(service["cpu_limit"])).cores_value();
    } catch (const std::exception&) {
      continue;  // "none": CPU shares only, no quota
    }
    if (!(limit > 0)) continue;
    // The runner's default concurrency: ceil(limit cores), at least 1 (cluster_config.hpp).
    int concurrency = std::max(1, static_cast<int>(std::ceil(limit - 1e-9)));
    if (service.contains("concurrency") && service["concurrency"].is_number_integer() &&
        service["concurrency"].get<int>() > 0)
      concurrency = service["concurrency"].get<int>();
    const double per_request = std::min(1.0, limit / concurrency);
    if (per_request >= 1.0) continue;
    quotas.push_back(fmt::format("{} ({} cores per instance, {} per request it serves at once: "
                                 "CPU time stretched {}×)",
                                 text_of(service["name"]), fixed(limit, 2), fixed(per_request, 2),
                                 fixed(1.0 / per_request, 1)));
  }
  if (quotas.empty()) return notes;
  notes.push_back(fmt::format(
      "CPU {} (CFS) below one core per request: {}. Each request's CPU time is stretched while "
      "it is served, so the instances keep their throughput (the capacity line) while every "
      "request is slower. Requests that missed the latency SLO{}: {}.",
      quotas.size() == 1 ? "quota" : "quotas", fmt::join(quotas, "; "), slo,
      fmt::join(missed, ", ")));
  return notes;
}

std::string image_fetch_note(const RunResults& r) {
  std::vector<std::string> pull, none;
  for (const auto& v : r.variants) {
    const bool pulls = std::any_of(v.startup_phases_ms.begin(), v.startup_phases_ms.end(),
                                   [](const PhaseSummary& p) { return p.phase == "image_pull"; });
    (pulls ? pull : none).push_back(v.name);
  }
  if (pull.empty() || none.empty()) return {};
  const bool one_pulls = pull.size() == 1, one_not = none.size() == 1;
  return fmt::format(
      "Not like for like: {} {} {} image through the registry at start (image_pull), while {} "
      "{} nothing: {} disk or root filesystem is assumed on the host already, so {} startup "
      "leaves out the fetch that {} {}.",
      fmt::join(pull, ", "), one_pulls ? "fetches" : "fetch", one_pulls ? "its" : "their",
      fmt::join(none, ", "), one_not ? "fetches" : "fetch", one_not ? "its" : "their",
      one_not ? "its" : "their", fmt::join(pull, ", "), one_pulls ? "pays" : "pay");
}

}  // namespace vmcsim::app::report
