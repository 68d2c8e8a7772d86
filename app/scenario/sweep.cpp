// `sweep`: reading the swept parameters, and expanding a scenario into its grid of points.
#include <cmath>
#include <limits>
#include <sstream>

#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

const KeyTables& sweep_key_tables() {
  static const KeyTables tables{
      {"sweep_parameter", {"path", "values", "range"}},
      {"range", {"from", "to", "step"}},
  };
  return tables;
}

namespace {

// The table a key leads into: "" for a leaf, "free" for a free map, "@table" for named entries
// of a list or map.
std::string sweep_child(const std::string& table, const std::string& key) {
  static const std::map<std::pair<std::string, std::string>, std::string> children{
      {{"scenario", "hosts"}, "@host_group"},
      {{"scenario", "services"}, "@service"},
      {{"scenario", "workloads"}, "@workload"},
      {{"scenario", "variants"}, "@variant"},
      {{"scenario", "images"}, "@image"},
      {{"scenario", "topology"}, "topology"},
      {{"scenario", "registry"}, "registry"},
      {{"scenario", "slo"}, "slo"},
      {{"scenario", "cost"}, "cost"},
      {{"scenario", "output"}, "output"},
      {{"host_group", "power"}, "power"},
      {{"topology", "generator"}, "topology_generator"},
      {{"topology_generator", "uplinks"}, "link"},
      {{"service", "work"}, "work"},
      {{"service", "autoscaling"}, "autoscaling"},
      {{"work", "cpu_time"}, "distribution"},
      {{"work", "io_bytes"}, "distribution"},
      {{"workload", "on"}, "distribution"},
      {{"workload", "off"}, "distribution"},
      {{"variant", "cluster_autoscaler"}, "cluster_autoscaler"},
      {{"variant", "overrides"}, "free"},
      {{"scenario", "functions"}, "functions"},  // [fn]
      {{"functions", "function"}, "function"},
      {{"service", "function"}, "function"},
      {{"function", "keep_alive"}, "keep_alive"},
  };
  const auto it = children.find({table, key});
  return it == children.end() ? std::string{} : it->second;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segs;
  std::stringstream ss{path};
  for (std::string seg; std::getline(ss, seg, '.');)
    segs.push_back(seg);
  return segs;
}

bool has_entry(const YAML::Node& root, const std::string& section, const std::string& name) {
  const YAML::Node list = root[section];
  if (section == "images") return list.IsMap() && list[name].IsDefined();
  const char* key = section == "workloads" ? "service" : "name";
  for (const auto& e : list)
    if (e.IsMap() && e[key].IsScalar() && e[key].Scalar() == name) return true;
  return false;
}

// A sweep path must name a parameter the format has: each segment a key of the mapping it is
// in, names (or '*') selecting list entries, anything below a variant's free overrides.
void check_sweep_path(const YAML::Node& root, const Field& f) {
  const std::vector<std::string> segs = split_path(f.text());
  const auto no_parameter = [&](const std::string& why) {
    f.fail(fmt::format("'{}' names no parameter{}", f.text(), why));
  };
  std::string table = "scenario";
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const std::string& key = segs[i];
    const auto& allowed = keys(table.c_str());
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      const std::string hint = closest_match(key, allowed);
      no_parameter(fmt::format(": '{}' is not a key of {}{}", key, table,
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    }
    const std::string next = sweep_child(table, key);
    if (next.empty()) {
      if (i + 1 != segs.size()) no_parameter(fmt::format(": '{}' has no keys", key));
      return;
    }
    if (next == "free") {
      if (i + 1 == segs.size()) no_parameter(fmt::format(": give a key below {}", key));
      return;
    }
    if (next.front() == '@') {  // a list or map of named entries: the next segment is a name
      if (i + 1 >= segs.size()) no_parameter(fmt::format(": name an entry of {} (or '*')", key));
      const std::string& name = segs[++i];
      if (name != "*" && !has_entry(root, key, name))
        no_parameter(fmt::format(": there is no {} '{}'", key, name));
      table = next.substr(1);
      if (i + 1 == segs.size()) no_parameter(fmt::format(": give a key of {}", table));
    } else {
      table = next;
    }
  }
  no_parameter("");
}

// Numbers with an optional unit, the same for all three: {from: 1Gbps, to: 4Gbps, step: 1Gbps}.
std::vector<std::string> read_range(const Field& range) {
  range.check_keys(keys("range"));
  std::string unit;
  const auto read = [&](const char* key) {
    const Field x = range.required(key);
    const std::string t = x.text();
    const std::size_t n = t.find_first_not_of("0123456789.-+eE");
    const std::string u = n == std::string::npos ? "" : t.substr(n);
    if (std::string_view{key} == "from")
      unit = u;
    else if (u != unit)
      x.fail(fmt::format("unit '{}' differs from the unit of from ('{}')", u, unit));
    return Field{x.file, YAML::Node{t.substr(0, n)}, x.path, x.mark}.number();
  };
  const double from = read("from");
  const double to = read("to");
  const double step = read("step");
  if (!(step > 0)) range["step"].fail("must be greater than zero");
  if (to < from) range["to"].fail("must not be below from");
  const double points = std::floor((to - from) / step + 1e-9) + 1;
  if (points > 10000) range.fail(fmt::format("{} points: at most 10000", points));
  std::vector<std::string> values;
  for (int i = 0; i < static_cast<int>(points); ++i)  // rounded: 0.1 x 3 prints as 0.3
    values.push_back(fmt::format("{}{}", std::round((from + i * step) * 1e9) / 1e9, unit));
  return values;
}

// Sets `value` at `segs[i...]` below `node` (table `table`), for every entry a '*' selects.
void set_path(YAML::Node node, const std::string& table, const std::vector<std::string>& segs,
              std::size_t i, const std::string& value) {
  const std::string& key = segs[i];
  if (i + 1 == segs.size()) {
    node[key] = value;
    return;
  }
  const std::string next = sweep_child(table, key);
  if (next == "free") {
    YAML::Node cur = node[key];
    for (std::size_t j = i + 1; j + 1 < segs.size(); ++j)
      cur.reset(cur[segs[j]]);  // rebinds; operator= would assign the value
    cur[segs.back()] = value;
    return;
  }
  if (next.front() != '@') {
    set_path(node[key], next, segs, i + 1, value);
    return;
  }
  const std::string& name = segs[i + 1];
  YAML::Node section = node[key];
  if (key == "images") {
    for (auto it = section.begin(); it != section.end(); ++it)
      if (name == "*" || it->first.Scalar() == name)
        set_path(it->second, next.substr(1), segs, i + 2, value);
    return;
  }
  const char* name_key = key == "workloads" ? "service" : "name";
  for (YAML::Node entry : section)
    if (name == "*" || entry[name_key].Scalar() == name)
      set_path(entry, next.substr(1), segs, i + 2, value);
}

}  // namespace

SweepParameter read_sweep_parameter(const Field& root, const Field& f) {
  f.check_keys(keys("sweep_parameter"));
  SweepParameter p;
  const Field path = f.required("path");
  p.path = path.text();
  p.where = f.where();
  check_sweep_path(root.node, path);
  const auto values = f.optional("values");
  const auto range = f.optional("range");
  if (values.has_value() == range.has_value()) f.fail("give exactly one of values or range");
  if (values) {
    for (const Field& v : values->elements(false)) {
      p.values.push_back(v.text());
      p.value_locations.push_back(v.where());
    }
  } else {
    p.values = read_range(*range);
  }
  return p;
}

std::vector<Scenario> expand_sweep(const Scenario& scenario) {
  if (scenario.sweep.empty()) return {scenario};
  return expand_sweep(scenario, models::Catalog::load_default());
}

namespace {

// Loads the sweep points of `scenario` from its parsed text.
class SweepExpander {
 public:
  SweepExpander(const Scenario& scenario, const models::Catalog& catalog)
      : scenario_{scenario},
        sweep_{scenario.sweep},
        catalog_{catalog},
        original_{parse_yaml(scenario.source_text, scenario.source_file)} {}

  // First each value alone (the other parameters as the file has them), so that a bad value is
  // reported where it is written; then the whole grid, where only combinations can still fail.
  std::vector<Scenario> expand() const {
    for (std::size_t p = 0; p < sweep_.size(); ++p)
      for (std::size_t v = 0; v < sweep_[p].values.size(); ++v)
        check_value(p, v);
    std::vector<std::size_t> index(sweep_.size(), 0);
    std::vector<Scenario> points;
    while (true) {
      try {
        points.push_back(load_point(index));
      } catch (const InputError& e) {
        throw InputError(
            sweep_.front().where, "sweep",
            fmt::format("sweep: the point {} is invalid: {}", describe(index), e.message()));
      }
      // Odometer: the last parameter varies fastest.
      std::size_t p = sweep_.size();
      while (p > 0) {
        --p;
        if (++index[p] < sweep_[p].values.size()) break;
        index[p] = 0;
        if (p == 0) return points;
      }
    }
  }

 private:
  // Loads the point that takes value index[p] of each parameter p (of parameter `only` alone,
  // the others as the file has them, if `only` names one).
  Scenario load_point(const std::vector<std::size_t>& index,
                      std::size_t only = std::numeric_limits<std::size_t>::max()) const {
    YAML::Node doc = YAML::Clone(original_);
    doc.remove("sweep");
    std::vector<std::pair<std::string, std::string>> point;
    for (std::size_t p = 0; p < sweep_.size(); ++p) {
      if (only < sweep_.size() && p != only) continue;
      set_path(doc, "scenario", split_path(sweep_[p].path), 0, sweep_[p].values[index[p]]);
      point.emplace_back(sweep_[p].path, sweep_[p].values[index[p]]);
    }
    Scenario s = load_document(doc, scenario_.source_file, catalog_);
    s.source_text = YAML::Dump(doc);
    s.sweep_point = std::move(point);
    return s;
  }

  void check_value(std::size_t p, std::size_t v) const {
    std::vector<std::size_t> index(sweep_.size(), 0);
    index[p] = v;
    try {
      load_point(index, p);
    } catch (const InputError& e) {
      const std::string field = fmt::format("sweep[{}].values[{}]", p, v);
      const SourceLocation& at =
          v < sweep_[p].value_locations.size() ? sweep_[p].value_locations[v] : sweep_[p].where;
      throw InputError(
          at, field,
          fmt::format("{}: {} = {}: {}", field, sweep_[p].path, sweep_[p].values[v], e.message()));
    }
  }

  std::string describe(const std::vector<std::size_t>& index) const {
    std::vector<std::string> desc;
    for (std::size_t p = 0; p < sweep_.size(); ++p)
      desc.push_back(sweep_[p].path + " = " + sweep_[p].values[index[p]]);
    return fmt::format("{}", fmt::join(desc, ", "));
  }

  const Scenario& scenario_;
  const std::vector<SweepParameter>& sweep_;
  const models::Catalog& catalog_;
  YAML::Node original_;
};

}  // namespace

std::vector<Scenario> expand_sweep(const Scenario& scenario, const models::Catalog& catalog) {
  if (scenario.sweep.empty()) return {scenario};
  return SweepExpander{scenario, catalog}.expand();
}

}  // namespace vmcsim::app::scenario
