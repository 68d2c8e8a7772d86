#include "app/commands/compare.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/commands/print_or_report.hpp"
#include "app/diagnostic.hpp"
#include "app/report/metrics.hpp"
#include "app/report/terminal_table.hpp"
#include "app/report/text_format.hpp"
#include "app/results/run_results.hpp"
#include "models/metrics/descriptors.hpp"
#include "models/platform/platform_kind.hpp"
#include "sim/statistics.hpp"

namespace vmcsim::app {
namespace {

namespace fs = std::filesystem;
namespace mm = models::metrics;
using json = nlohmann::json;

// One result folder as read.
struct Side {
  fs::path file;      // its results.json
  std::string label;  // the folder's name, as columns and sentences call it
  json results;
};

[[noreturn]] void refuse(const fs::path& where, const std::string& message) {
  throw InputError({where.string(), 0, 0}, "", message);
}

// A folder's path as given, without a trailing '/': "runs/1/out/" -> "runs/1/out".
std::string path_label(const fs::path& folder) {
  std::string text = folder.lexically_normal().string();
  while (text.size() > 1 && text.back() == '/')
    text.pop_back();
  return text;
}

Side read_side(const fs::path& folder) {
  if (!fs::is_directory(folder))
    refuse(folder, fs::exists(folder) ? "not a folder: compare takes two result folders"
                                      : "no such folder");
  Side side{folder / "results.json", {}, {}};
  side.label = fs::absolute(folder).lexically_normal().filename().string();
  // "out/before/" normalises to "out/before/" with an empty filename: take its parent's name.
  if (side.label.empty())
    side.label = fs::absolute(folder).lexically_normal().parent_path().filename().string();
  if (!fs::is_regular_file(side.file))
    refuse(side.file, "no results.json in this folder: write one with `vmcsim run SCENARIO --out " +
                          folder.string() + "`");
  std::ifstream in{side.file};
  try {
    side.results = json::parse(in);
  } catch (const json::exception& e) {
    refuse(side.file, fmt::format("not a results.json: {}", e.what()));
  }
  if (!side.results.is_object() || !side.results.contains("schema_version") ||
      !side.results["variants"].is_array())
    refuse(side.file, "not a results.json: no schema_version or variants");
  return side;
}

// The JSON value at a descriptor key ("a.b": key b of object a), or null.
const json* at_key(const json& variant, std::string_view key) {
  const json* j = &variant;
  for (std::size_t start = 0;;) {
    const std::size_t dot = key.find('.', start);
    const std::string part{key.substr(start, dot == std::string_view::npos ? dot : dot - start)};
    if (!j->is_object() || !j->contains(part)) return nullptr;
    j = &(*j)[part];
    if (dot == std::string_view::npos) return j;
    start = dot + 1;
  }
}

Estimate estimate_of(const json& j) {
  return {j.value("mean", 0.0), j.value("half_width", 0.0), j.value("n", std::int64_t{0})};
}

// The variant's summary as `run` had it, from its JSON, for the table: every descriptor's
// Estimate or Quantiles (a field the file lacks stays empty: n/a).
VariantSummary summary_from_json(const json& v, const std::string& name) {
  VariantSummary s;
  s.name = name;
  if (auto kind = models::parse_platform_kind(v.value("platform", ""))) s.platform = *kind;
  s.replications = static_cast<std::int64_t>(v.value("per_replication", json::array()).size());
  for (const mm::MetricDescriptor& d : mm::metric_descriptors()) {
    const json* j = at_key(v, d.key);
    if (j == nullptr || !j->is_object()) continue;
    if (d.aggregation == mm::Aggregation::mean_ci) {
      s.*(d.estimate) = estimate_of(*j);
    } else {
      Quantiles& q = s.*(d.quantiles);
      q.mean = j->value("mean", 0.0);
      q.p50 = j->value("p50", 0.0);
      q.p95 = j->value("p95", 0.0);
      q.p99 = j->value("p99", 0.0);
      if (j->contains("ci95")) q.ci95 = estimate_of((*j)["ci95"]);
    }
  }
  return s;
}

// A variant's per-replication values of one metric: (replication, seed) -> value (nulls left
// out), and the set of replications it ran.
struct Replications {
  std::map<std::pair<std::uint64_t, std::uint64_t>, double> values;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ran;
};

Replications replications_of(const json& v, std::string_view key) {
  Replications out;
  for (const json& r : v["per_replication"]) {
    const std::pair<std::uint64_t, std::uint64_t> id{r.value("replication", std::uint64_t{0}),
                                                     r.value("seed", std::uint64_t{0})};
    out.ran.push_back(id);
    const json& values = r["values"];
    const auto it = values.find(std::string{key});
    if (it != values.end() && it->is_number()) out.values[id] = it->get<double>();
  }
  return out;
}

// One metric of one variant, B - A.
struct Difference {
  std::string variant;
  const mm::MetricDescriptor* metric = nullptr;
  bool paired = false;
  double mean = 0.0;
  double half_width = 0.0;  // 95%; 0 without an interval
  std::int64_t n_a = 0, n_b = 0;
};

// Welch's unpaired 95% interval for mean(b) - mean(a).
void welch(std::span<const double> a, std::span<const double> b, Difference& d) {
  sim::RunningStats sa, sb;
  for (double x : a)
    sa.add(x);
  for (double x : b)
    sb.add(x);
  if (sa.empty() || sb.empty()) return;
  d.mean = sb.mean() - sa.mean();
  if (sa.count() < 2 || sb.count() < 2) return;
  const double va = sa.variance() / static_cast<double>(sa.count());
  const double vb = sb.variance() / static_cast<double>(sb.count());
  const double se2 = va + vb;
  if (se2 == 0.0) return;  // no spread on either side: the difference is exact
  const double df = se2 * se2 / (va * va / static_cast<double>(sa.count() - 1) +
                                 vb * vb / static_cast<double>(sb.count() - 1));
  d.half_width = sim::student_t_quantile(df, 0.975) * std::sqrt(se2);
}

Difference difference(const json& va, const json& vb, const std::string& variant,
                      const mm::MetricDescriptor& metric) {
  Difference d{variant, &metric};
  const Replications a = replications_of(va, metric.key);
  const Replications b = replications_of(vb, metric.key);
  // Paired when both ran exactly the same (replication, seed)s: the same random streams.
  d.paired = !a.ran.empty() && a.ran == b.ran;
  std::vector<double> xa, xb;
  if (d.paired) {
    for (const auto& [id, x] : a.values)
      if (const auto it = b.values.find(id); it != b.values.end()) {
        xa.push_back(x);
        xb.push_back(it->second);
      }
    d.n_a = d.n_b = static_cast<std::int64_t>(xa.size());
    const PairedDifference p = mm::paired_difference(std::string{metric.key}, "", "", xb, xa);
    d.mean = p.mean;
    d.half_width = p.half_width;
    return d;
  }
  for (const auto& [id, x] : a.values)
    xa.push_back(x);
  for (const auto& [id, x] : b.values)
    xb.push_back(x);
  d.n_a = static_cast<std::int64_t>(xa.size());
  d.n_b = static_cast<std::int64_t>(xb.size());
  welch(xa, xb, d);
  return d;
}

struct Comparison {
  Side a, b;
  std::vector<std::pair<const json*, const json*>> variants;  // in A's order
  std::vector<std::string> names;
  std::vector<std::string> only_a, only_b;
  std::vector<Difference> differences;  // variant-major, descriptor order
};

const json* find_variant(const json& results, const std::string& name) {
  for (const json& v : results["variants"])
    if (v.value("name", "") == name) return &v;
  return nullptr;
}

Comparison compare(Side a, Side b) {
  Comparison c{std::move(a), std::move(b), {}, {}, {}, {}, {}};
  const json& ja = c.a.results;
  const json& jb = c.b.results;
  if (ja["schema_version"] != jb["schema_version"])
    refuse(c.b.file, fmt::format("schema_version {} differs from {}'s {}: compare results "
                                 "written by the same results format",
                                 jb["schema_version"].dump(), c.a.file.string(),
                                 ja["schema_version"].dump()));
  for (const Side* s : {&c.a, &c.b})
    for (const json& v : s->results["variants"])
      if (!v.contains("per_replication"))
        refuse(s->file, fmt::format("variant '{}' has no per_replication values (written by an "
                                    "older vmcsim): run it again to compare",
                                    v.value("name", "")));
  for (const json& v : ja["variants"]) {
    const std::string name = v.value("name", "");
    if (const json* other = find_variant(jb, name)) {
      c.variants.push_back({&v, other});
      c.names.push_back(name);
    } else {
      c.only_a.push_back(name);
    }
  }
  for (const json& v : jb["variants"])
    if (find_variant(ja, v.value("name", "")) == nullptr) c.only_b.push_back(v.value("name", ""));
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    const auto& [va, vb] = c.variants[i];
    for (const mm::MetricDescriptor& d : mm::metric_descriptors())
      if (at_key(*va, d.key) != nullptr && at_key(*vb, d.key) != nullptr)
        c.differences.push_back(difference(*va, *vb, c.names[i], d));
  }
  return c;
}

std::string provenance(const Side& s) {
  const json& j = s.results;
  const auto reps = j.value("replications", 0);
  return fmt::format("{}/ ({} · seed {} · {})", s.label, j.value("scenario_name", ""),
                     j["seed"].dump(), report::count_of(reps, "replication"));
}

// "after/vm starts 1.20 s (± 0.30 s) sooner than before/vm (paired over 10 replications)."
std::string sentence(const Comparison& c, const Difference& d) {
  const std::string a = c.a.label + "/" + d.variant, b = c.b.label + "/" + d.variant;
  if (d.paired) {
    PairedDifference p{std::string{d.metric->key}, b, a, d.mean, d.half_width, d.n_a};
    return report::describe_difference(p);
  }
  const mm::MetricComparison& p = d.metric->comparison;
  const bool interval = d.n_a >= 2 && d.n_b >= 2;
  std::string amount = fmt::format("{:.2f} {}", std::abs(d.mean) * p.scale, p.unit);
  if (interval) amount += fmt::format(" (± {:.2f})", d.half_width * p.scale);
  const std::string verb = fmt::format(fmt::runtime(d.mean < 0 ? p.less : p.more), amount);
  const std::string how =
      interval ? fmt::format("unpaired: Welch over {} and {}{}", report::count_of(d.n_b, "replication"),
                             report::count_of(d.n_a, "replication"),
                             std::abs(d.mean) > d.half_width ? "" : "; not significant at 95%")
               : "unpaired: a 95% confidence interval needs at least 2 replications on each side";
  return fmt::format("{} {} than {} ({}).", b, verb, a, how);
}

std::string table(const Comparison& c) {
  RunResults r;
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    r.variants.push_back(summary_from_json(*c.variants[i].first, c.a.label + "/" + c.names[i]));
    r.variants.push_back(summary_from_json(*c.variants[i].second, c.b.label + "/" + c.names[i]));
  }
  std::string body = report::terminal_table(r);
  std::string out = fmt::format("compare {} → {} (mean ± 95% CI)\n", provenance(c.a),
                                provenance(c.b));
  out += body.substr(body.find('\n') + 1);
  for (const auto& name : c.only_a)
    out += fmt::format("only in {}/: {}\n", c.a.label, name);
  for (const auto& name : c.only_b)
    out += fmt::format("only in {}/: {}\n", c.b.label, name);
  bool any = false;
  for (const Difference& d : c.differences) {
    if (!d.metric->compared() || d.n_a == 0 || d.n_b == 0) continue;
    out += fmt::format("{}{}\n", any ? "" : "\nWhat differs:\n", sentence(c, d));
    any = true;
  }
  return out;
}

std::string as_json(const Comparison& c) {
  using ojson = nlohmann::ordered_json;
  const auto side = [](const Side& s) {
    return ojson{{"folder", s.file.parent_path().string()},
                 {"scenario_name", s.results.value("scenario_name", "")},
                 {"seed", s.results["seed"]},
                 {"replications", s.results.value("replications", 0)}};
  };
  ojson diffs = ojson::array();
  for (const Difference& d : c.differences)
    diffs.push_back(ojson{{"variant", d.variant},
                          {"metric", d.metric->key},
                          {"method", d.paired ? "paired" : "welch"},
                          {"mean", d.mean},
                          {"half_width", d.half_width},
                          {"n_a", d.n_a},
                          {"n_b", d.n_b}});
  ojson j{{"a", side(c.a)}, {"b", side(c.b)}, {"only_in_a", c.only_a}, {"only_in_b", c.only_b},
          {"differences", std::move(diffs)}};
  return j.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

std::string as_csv(const Comparison& c) {
  std::string out = "variant,metric,method,mean,half_width,n_a,n_b\n";
  for (const Difference& d : c.differences)
    out += fmt::format("{},{},{},{},{},{},{}\n", report::csv_field(d.variant), d.metric->key,
                       d.paired ? "paired" : "welch", report::shortest(d.mean),
                       report::shortest(d.half_width), d.n_a, d.n_b);
  return out;
}

}  // namespace

std::string compare_folders(const fs::path& a, const fs::path& b, const std::string& format) {
  Side first = read_side(a);  // A's errors first
  Side second = read_side(b);
  if (first.label == second.label) {  // runs/1/out and runs/2/out: the paths as given
    first.label = path_label(a);
    second.label = path_label(b);
  }
  const Comparison c = compare(std::move(first), std::move(second));
  if (format == "json") return as_json(c);
  if (format == "csv") return as_csv(c);
  return table(c);
}

void add_compare_command(CLI::App& cli, int& exit_code) {
  auto* cmd = cli.add_subcommand(
      "compare", "Compare two result folders (before and after a change): B - A per metric");
  auto a = std::make_shared<std::string>();
  auto b = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("a", *a, "The first result folder (the baseline)")->required();
  cmd->add_option("b", *b, "The second result folder")->required();
  cmd->add_option("--format", *format, "What to print: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->callback([a, b, format, &exit_code] {
    exit_code = print_or_report([&] { return compare_folders(*a, *b, *format); });
  });
}

}  // namespace vmcsim::app
