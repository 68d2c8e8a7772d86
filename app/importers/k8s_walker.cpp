#include "app/importers/k8s_walker.hpp"

#include <fmt/format.h>

namespace vmcsim::app::importers {

SourceLocation K8sWalker::at(const YAML::Node& node) const {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return {file_, 0, 0};
  return {file_, m.line + 1, m.column + 1};
}

void K8sWalker::fail(const YAML::Node& node, const std::string& path,
                     const std::string& message) const {
  throw InputError(at(node), path, path.empty() ? message : path + ": " + message);
}

std::string K8sWalker::join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

YAML::Node K8sWalker::child(const YAML::Node& map, const std::string& path, const char* key) const {
  if (!map.IsMap()) fail(map, path, "expected a mapping");
  return map[key];
}

YAML::Node K8sWalker::require(const YAML::Node& map, const std::string& path,
                              const char* key) const {
  YAML::Node v = child(map, path, key);
  if (!v || v.IsNull()) fail(map, path, fmt::format("missing required '{}'", key));
  return v;
}

std::string K8sWalker::scalar(const YAML::Node& node, const std::string& path) const {
  if (!node.IsScalar()) fail(node, path, "expected a value, not a list or mapping");
  return node.Scalar();
}

std::string K8sWalker::string(const YAML::Node& map, const std::string& path, const char* key,
                              bool required) const {
  const YAML::Node v = required ? require(map, path, key) : child(map, path, key);
  if (!v || v.IsNull()) return {};
  return scalar(v, join(path, key));
}

std::optional<int> K8sWalker::integer(const YAML::Node& map, const std::string& path,
                                      const char* key, int lo, int hi) const {
  const YAML::Node v = child(map, path, key);
  if (!v || v.IsNull()) return std::nullopt;
  const std::string p = join(path, key);
  const std::string t = scalar(v, p);
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(t, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != t.size()) fail(v, p, fmt::format("'{}' is not an integer", t));
  if (n < lo || n > hi) fail(v, p, fmt::format("{} is outside {}..{}", n, lo, hi));
  return static_cast<int>(n);
}

std::map<std::string, std::string> K8sWalker::labels(const YAML::Node& node,
                                                     const std::string& path) const {
  std::map<std::string, std::string> out;
  if (!node || node.IsNull()) return out;
  if (!node.IsMap()) fail(node, path, "expected a mapping of labels");
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    out[key] = scalar(kv.second, join(path, key));
  }
  return out;
}

YAML::Node K8sWalker::sequence(const YAML::Node& map, const std::string& path,
                               const char* key) const {
  YAML::Node v = child(map, path, key);
  if (v && !v.IsNull() && !v.IsSequence()) fail(v, join(path, key), "expected a list");
  return v && v.IsSequence() ? v : YAML::Node(YAML::NodeType::Sequence);
}

std::optional<K8sLabelSelector> K8sWalker::selector(const YAML::Node& parent,
                                                    const std::string& path,
                                                    const char* key) const {
  const YAML::Node node = child(parent, path, key);
  if (!node || node.IsNull()) return std::nullopt;
  const std::string p = join(path, key);
  K8sLabelSelector sel;
  sel.match_labels = labels(child(node, p, "matchLabels"), join(p, "matchLabels"));
  const YAML::Node expressions = sequence(node, p, "matchExpressions");
  using Op = models::placement::LabelRequirement::Op;
  for (std::size_t i = 0; i < expressions.size(); ++i) {
    const std::string ep = fmt::format("{}.matchExpressions[{}]", p, i);
    models::placement::LabelRequirement r;
    r.key = string(expressions[i], ep, "key", true);
    const std::string op = string(expressions[i], ep, "operator", true);
    const auto parsed = models::placement::parse_label_operator(op);
    if (!parsed)
      fail(expressions[i]["operator"], join(ep, "operator"),
           fmt::format("'{}' is not In, NotIn, Exists or DoesNotExist", op));
    r.op = *parsed;
    const YAML::Node values = sequence(expressions[i], ep, "values");
    for (std::size_t v = 0; v < values.size(); ++v)
      r.values.push_back(scalar(values[v], fmt::format("{}.values[{}]", ep, v)));
    const bool set_op = r.op == Op::in || r.op == Op::not_in;
    if (set_op && r.values.empty())
      fail(expressions[i], ep, fmt::format("operator {} needs values", op));
    if (!set_op && !r.values.empty())
      fail(expressions[i], ep, fmt::format("operator {} takes no values", op));
    sel.match_expressions.push_back(std::move(r));
  }
  return sel;
}

}  // namespace vmcsim::app::importers
