#include "app/scenario/yaml_field.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "sim/parse_error.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::app::scenario {

namespace {

std::string kind_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return fmt::format("'{}'", shorten(n.Scalar()));
    default:
      return "nothing";
  }
}

// Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string shorten(std::string_view text) {
  constexpr std::size_t limit = 64;
  if (text.size() <= limit) return std::string{text};
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;  // do not split a UTF-8 sequence
  return fmt::format("{}... ({} bytes)", text.substr(0, cut), text.size());
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // The distance table is |word| x |candidate|: only short strings are typos worth the cost,
  // so a hostile megabyte-long key fails at once.
  constexpr std::size_t kMaxTypoLength = 64;
  std::string best;
  if (word.size() > kMaxTypoLength) return best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& c : candidates) {
    if (c.size() > kMaxTypoLength) continue;
    const std::size_t dist = edit_distance(word, c);
    if (dist < best_distance) best_distance = dist, best = c;
  }
  // A typo changes a few characters; beyond a third of the word it is another word.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  return best_distance <= limit ? best : std::string{};
}

void Field::fail(const std::string& message) const {
  throw InputError(where(), path, path.empty() ? message : path + ": " + message);
}

namespace {

// yaml-cpp's const lookup of an absent key or index returns a "zombie" node on which Type(),
// IsMap() and Mark() throw YAML::InvalidNode, an exception no reader expects (a key the text
// gives as an empty or null scalar is one way to get there). An absent child is therefore made
// a valid Undefined node, placed at its parent, so every check on it fails as an input error.
Field child_field(const Field& parent, YAML::Node child, std::string child_path) {
  if (!child.IsDefined())
    return Field{parent.file, YAML::Node{YAML::NodeType::Undefined}, std::move(child_path),
                 parent.mark};
  const YAML::Mark m = child.Mark();
  return Field{parent.file, std::move(child), std::move(child_path), m};
}

}  // namespace

Field Field::operator[](std::string_view key) const {
  const YAML::Node& self = node;  // const: lookup must not insert
  YAML::Node child = node.IsMap() ? self[std::string{key}] : YAML::Node{YAML::NodeType::Undefined};
  return child_field(*this, child,
                     path.empty() ? std::string{key} : path + "." + std::string{key});
}

Field Field::at(std::size_t i) const {
  const YAML::Node& self = node;
  return child_field(*this, self[i], fmt::format("{}[{}]", path, i));
}

std::optional<Field> Field::optional(std::string_view key) const {
  Field f = (*this)[key];
  if (!f.defined()) return std::nullopt;
  return f;
}

Field Field::required(std::string_view key) const {
  Field f = (*this)[key];
  if (!f.defined()) f.fail("missing (required)");
  return f;
}

void Field::check_keys(const std::vector<std::string>& allowed) const {
  if (!node.IsMap()) fail(fmt::format("expected a mapping, got {}", kind_name(node)));
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: the iterator returns a temporary pair
    const std::string name = key.IsScalar() ? key.Scalar() : std::string{};
    const std::string key_path = path.empty() ? shorten(name) : path + "." + shorten(name);
    const Field key_field{file, key, key_path, key.Mark()};
    if (!key.IsScalar()) key_field.fail("a key must be a plain name");
    if (!seen.insert(name).second) key_field.fail(fmt::format("duplicate key '{}'", shorten(name)));
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    const std::string hint = closest_match(name, allowed);
    key_field.fail(hint.empty() ? fmt::format("unknown key '{}' (allowed: {})", shorten(name),
                                              fmt::join(allowed, ", "))
                                : fmt::format("unknown key '{}' (did you mean '{}'?)", name, hint));
  }
}

std::vector<Field> Field::elements(bool allow_empty) const {
  if (!node.IsSequence()) fail(fmt::format("expected a list, got {}", kind_name(node)));
  if (!allow_empty && node.size() == 0) fail("must not be empty");
  std::vector<Field> out;
  out.reserve(node.size());
  for (std::size_t i = 0; i < node.size(); ++i)
    out.push_back(at(i));
  return out;
}

std::string Field::text() const {
  if (!node.IsScalar()) fail(fmt::format("expected a single value, got {}", kind_name(node)));
  return node.Scalar();
}

long long Field::integer(long long min, long long max) const {
  const std::string s = text();
  long long v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size())
    fail(fmt::format("expected a whole number, got '{}'", shorten(s)));
  if (v < min) fail(fmt::format("must be at least {}, got {}", min, v));
  if (v > max) fail(fmt::format("must be at most {}, got {}", max, v));
  return v;
}

double Field::number(double min, double max) const {
  const std::string s = text();
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size())
    fail(fmt::format("expected a number, got '{}'", shorten(s)));
  if (!std::isfinite(v)) fail(fmt::format("must be a finite number, got '{}'", shorten(s)));
  if (v < min) fail(fmt::format("must be at least {}, got {}", min, s));
  if (v > max) fail(fmt::format("must be at most {}, got {}", max, s));
  return v;
}

bool Field::boolean() const {
  const std::string s = text();
  if (s == "true") return true;
  if (s == "false") return false;
  fail(fmt::format("expected true or false, got '{}'", s));
}

template <>
sim::Time max_quantity<sim::Time>() {
  return sim::Time::from_s(3650LL * 86400);
}
template <>
sim::Bytes max_quantity<sim::Bytes>() {
  return sim::Bytes{1LL << 50};
}
template <>
sim::DataRate max_quantity<sim::DataRate>() {
  return sim::DataRate::bits_per_second(1e15);
}
template <>
sim::Millicores max_quantity<sim::Millicores>() {
  return sim::Millicores::cores(1'000'000);
}

template <class Q>
Q Field::quantity() const {
  return quantity_at_most<Q>(max_quantity<Q>());
}

namespace {

template <class Q>
Q parse_quantity(const Field& f) {
  const std::string s = f.text();
  try {
    return Q::parse(s);
  } catch (const sim::ParseError& e) {
    f.fail(e.what());
  }
}

}  // namespace

template <class Q>
Q Field::quantity_at_most(Q max) const {
  const Q q = parse_quantity<Q>(*this);
  if (q < Q{}) fail(fmt::format("must not be negative, got '{}'", shorten(text())));
  if (max < q) fail(fmt::format("must be at most {}, got '{}'", max, shorten(text())));
  return q;
}

template <class Q>
Q Field::positive() const {
  const Q q = parse_quantity<Q>(*this);
  if (!(Q{} < q)) fail(fmt::format("must be greater than zero, got '{}'", shorten(text())));
  if (max_quantity<Q>() < q)
    fail(fmt::format("must be at most {}, got '{}'", max_quantity<Q>(), shorten(text())));
  return q;
}

template sim::Time Field::quantity<sim::Time>() const;
template sim::Bytes Field::quantity<sim::Bytes>() const;
template sim::DataRate Field::quantity<sim::DataRate>() const;
template sim::Millicores Field::quantity<sim::Millicores>() const;
template sim::Time Field::quantity_at_most<sim::Time>(sim::Time) const;
template sim::Bytes Field::quantity_at_most<sim::Bytes>(sim::Bytes) const;
template sim::DataRate Field::quantity_at_most<sim::DataRate>(sim::DataRate) const;
template sim::Millicores Field::quantity_at_most<sim::Millicores>(sim::Millicores) const;
template sim::Time Field::positive<sim::Time>() const;
template sim::Bytes Field::positive<sim::Bytes>() const;
template sim::DataRate Field::positive<sim::DataRate>() const;
template sim::Millicores Field::positive<sim::Millicores>() const;

}  // namespace vmcsim::app::scenario
