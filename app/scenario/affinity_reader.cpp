// Failure domains of a service: labels, affinity, anti_affinity, topology_spread.
#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

const KeyTables& affinity_key_tables() {
  static const KeyTables tables{
      {"affinity_term", {"type", "weight", "topology_key", "match_labels", "match_expressions"}},
      {"label_requirement", {"key", "operator", "values"}},
      {"topology_spread",
       {"max_skew", "topology_key", "when_unsatisfiable", "match_labels", "match_expressions"}},
  };
  return tables;
}

namespace {

using models::placement::LabelRequirement;

// `topology_key`: a short name (hostname, zone, rack) or a well-known node attribute.
std::string read_topology_key(const Field& f) {
  const std::string text = f.text();
  if (auto key = models::placement::topology_key(text)) return *key;
  f.fail(fmt::format("unknown topology key '{}' (known: {})", shorten(text),
                     fmt::join(models::placement::topology_keys(), ", ")));
}

LabelRequirement read_label_requirement(const Field& e) {
  e.check_keys(keys("label_requirement"));
  LabelRequirement r;
  r.key = e.required("key").text();
  const Field op = e.required("operator");
  const auto parsed = models::placement::parse_label_operator(op.text());
  if (!parsed)
    op.fail(fmt::format("unknown operator '{}' (allowed: In, NotIn, Exists, DoesNotExist)",
                        shorten(op.text())));
  r.op = *parsed;
  const bool set_op = r.op == LabelRequirement::Op::in || r.op == LabelRequirement::Op::not_in;
  if (auto values = e.optional("values")) {
    if (!set_op) values->fail(fmt::format("does not apply to operator {}", op.text()));
    for (const Field& v : values->elements(false))
      r.values.push_back(v.text());
  } else if (set_op) {
    e.required("values");
  }
  return r;
}

// match_labels and match_expressions of a term or spread constraint; one of them is required
// (a term without a selector would match no pod).
models::placement::LabelSelector read_selector(const Field& f) {
  models::placement::LabelSelector sel;
  const auto labels = f.optional("match_labels");
  const auto expressions = f.optional("match_expressions");
  if (!labels && !expressions)
    f.fail(
        "give match_labels or match_expressions (the pods it counts; match_labels: {} counts "
        "every pod)");
  if (labels)
    for (const auto& [k, v] : read_string_map(*labels))
      sel.match_labels.emplace(k, v);
  if (expressions)
    for (const Field& e : expressions->elements(false))
      sel.match_expressions.push_back(read_label_requirement(e));
  return sel;
}

}  // namespace

std::map<std::string, std::string> read_string_map(const Field& f) {
  if (!f.node.IsMap()) f.fail("expected a mapping of names to values, e.g. {app: web}");
  std::map<std::string, std::string> out;
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    const std::string key = it->first.Scalar();
    const Field value = f[key];
    if (key.empty()) f.fail("a label name must not be empty");
    if (!out.emplace(key, value.text()).second)
      value.fail(fmt::format("duplicate label '{}'", shorten(key)));
  }
  return out;
}

models::placement::PodAffinityTerm read_affinity_term(const Field& f) {
  f.check_keys(keys("affinity_term"));
  models::placement::PodAffinityTerm t;
  if (auto type = f.optional("type")) {
    const std::string text = type->text();
    if (text != "required" && text != "preferred")
      type->fail(fmt::format("unknown value '{}' (allowed: required, preferred)", shorten(text)));
    t.required = text == "required";
  }
  if (t.required) {
    if (auto w = f.optional("weight")) w->fail("applies to preferred terms only");
  } else {
    t.weight = static_cast<int>(f.required("weight").integer(1, 100));
  }
  t.topology_key = read_topology_key(f.required("topology_key"));
  t.selector = read_selector(f);
  return t;
}

models::placement::TopologySpreadConstraint read_spread_constraint(const Field& f) {
  f.check_keys(keys("topology_spread"));
  models::placement::TopologySpreadConstraint c;
  c.max_skew = static_cast<int>(f.required("max_skew").integer(1, 1'000'000));
  c.topology_key = read_topology_key(f.required("topology_key"));
  if (auto w = f.optional("when_unsatisfiable")) {
    const std::string text = w->text();
    if (text != "DoNotSchedule" && text != "ScheduleAnyway")
      w->fail(fmt::format("unknown value '{}' (allowed: DoNotSchedule, ScheduleAnyway)",
                          shorten(text)));
    c.do_not_schedule = text == "DoNotSchedule";
  }
  c.selector = read_selector(f);
  return c;
}

}  // namespace vmcsim::app::scenario
