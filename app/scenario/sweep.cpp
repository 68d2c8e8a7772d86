// `sweep`: reading the swept parameters, and expanding a scenario into its grid of points.
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
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
      {{"workload", "bursts"}, "#burst"},
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

// "workloads[0].bursts[0].multiplier" -> workloads, [0], bursts, [0], multiplier: a selector in
// brackets stays one segment with its brackets ("[web]", "[0]", "[*]"); "services.web.replicas"
// (a name as a plain segment) splits as before. std::invalid_argument on an unbalanced bracket.
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segs;
  std::stringstream ss{path};
  for (std::string part; std::getline(ss, part, '.');) {
    const std::size_t open = part.find('[');
    segs.push_back(part.substr(0, open));
    for (std::size_t at = open; at != std::string::npos; at = part.find('[', at)) {
      const std::size_t close = part.find(']', at);
      if (close == std::string::npos || close == at + 1 || part.find('[', at + 1) < close)
        throw std::invalid_argument(fmt::format("'{}' has an unbalanced or empty [ ]", part));
      segs.push_back(part.substr(at, close + 1 - at));
      at = close + 1;
      if (at < part.size() && part[at] != '[')
        throw std::invalid_argument(fmt::format("'{}' has text after ']'", part));
    }
  }
  return segs;
}

bool bracketed(const std::string& seg) {
  return seg.size() >= 2 && seg.front() == '[' && seg.back() == ']';
}

// The index a selector "[N]" gives, or nothing for a name ("[web]", "web") or "*".
std::optional<std::size_t> index_of(const std::string& seg) {
  if (!bracketed(seg)) return std::nullopt;
  const std::string inner = seg.substr(1, seg.size() - 2);
  if (inner.empty() || inner.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), n);
  // Too many digits for any list: an index past every end, reported as such.
  return ec == std::errc{} ? n : std::numeric_limits<std::size_t>::max();
}

// The name a selector gives: "web" for "[web]" or "web", "*" for every entry.
std::string name_of(const std::string& seg) {
  return bracketed(seg) ? seg.substr(1, seg.size() - 2) : seg;
}

// The entries of `list` (section `section`) that `selector` selects: by position ([N]), by
// name (a plain segment or [name]; workloads are named by their service), or all ('*').
std::vector<YAML::Node> select(const YAML::Node& list, const std::string& section,
                               const std::string& selector) {
  const std::optional<std::size_t> index = index_of(selector);
  const std::string name = name_of(selector);
  const char* name_key = section == "workloads" ? "service" : "name";
  std::vector<YAML::Node> out;
  std::size_t position = 0;
  // A key the file lacks gives an invalid node, whose IsMap() throws: nothing to select.
  if (!list.IsDefined()) return out;
  if (list.IsMap()) {  // images: named by their keys
    for (auto it = list.begin(); it != list.end(); ++it, ++position)
      if (index ? *index == position : name == "*" || it->first.Scalar() == name)
        out.push_back(it->second);
    return out;
  }
  if (!list.IsSequence()) return out;
  for (const YAML::Node& entry : list) {
    if (index ? *index == position
              : name == "*" || (entry.IsMap() && entry[name_key].IsDefined() &&
                                entry[name_key].IsScalar() && entry[name_key].Scalar() == name))
      out.push_back(entry);
    ++position;
  }
  return out;
}

// A sweep path must name a parameter the format has: each segment a key of the mapping it is
// in; list entries selected by name (a plain segment or [name]), position ([N]) or all ('*'),
// the selected entries existing in the file; anything below a variant's free overrides.
void check_sweep_path(const YAML::Node& root, const Field& f) {
  const auto no_parameter = [&](const std::string& why) {
    f.fail(fmt::format("'{}' names no parameter{}", f.text(), why));
  };
  std::vector<std::string> segs;
  try {
    segs = split_path(f.text());
  } catch (const std::invalid_argument& e) {
    no_parameter(fmt::format(": {}", e.what()));
  }
  std::string table = "scenario";
  std::vector<YAML::Node> at{root};  // the nodes the path has reached in the file
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const std::string& key = segs[i];
    if (bracketed(key)) no_parameter(fmt::format(": {} selects an entry of no list", key));
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
    std::vector<YAML::Node> below;
    if (next.front() == '@' || next.front() == '#') {
      // A list (or map) of entries: the next segment selects some.
      if (i + 1 >= segs.size())
        no_parameter(fmt::format(": select an entry of {} ({}[N], a name or '*')", key, key));
      const std::string& selector = segs[++i];
      if (next.front() == '#' && !index_of(selector) && name_of(selector) != "*")
        no_parameter(fmt::format(": the entries of {} have no names; select one by position, "
                                 "{}[0]",
                                 key, key));
      for (const YAML::Node& node : at) {
        const YAML::Node list = node.IsMap() ? node[key] : YAML::Node{};
        const std::vector<YAML::Node> selected = select(list, key, selector);
        if (selected.empty() && name_of(selector) != "*") {
          const std::size_t size =
              list.IsDefined() && (list.IsSequence() || list.IsMap()) ? list.size() : 0;
          no_parameter(index_of(selector)
                           ? fmt::format(": {} has no entry {} (it has {})", key,
                                         *index_of(selector), size)
                           : fmt::format(": there is no {} '{}'", key, name_of(selector)));
        }
        below.insert(below.end(), selected.begin(), selected.end());
      }
      table = next.substr(1);
      if (i + 1 == segs.size()) no_parameter(fmt::format(": give a key of {}", table));
    } else {
      for (const YAML::Node& node : at)
        if (node.IsMap() && node[key].IsDefined()) below.push_back(node[key]);
      table = next;
    }
    at = std::move(below);
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
  if (next.front() != '@' && next.front() != '#') {
    set_path(node[key], next, segs, i + 1, value);
    return;
  }
  for (YAML::Node entry : select(node[key], key, segs[i + 1]))
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
