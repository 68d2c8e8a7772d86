#pragma once
// Field: a YAML node together with where it is (file, line, column) and its path in the
// document ("services[0].memory"), so that every reader can fail with a precise InputError.
// Internal to the scenario loader; readers for the strong types wrap sim::ParseError.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "app/diagnostic.hpp"

namespace vmcsim::app::scenario {

struct Field {
  const std::string* file = nullptr;
  YAML::Node node;  // may be undefined (a missing key); then mark is the parent's
  std::string path;
  YAML::Mark mark;

  bool defined() const { return node.IsDefined() && !node.IsNull(); }
  SourceLocation where() const { return {*file, mark.line + 1, mark.column + 1}; }
  [[noreturn]] void fail(const std::string& message) const;

  // The value of `key` in this mapping (possibly undefined), and of element `i` of a sequence.
  Field operator[](std::string_view key) const;
  Field at(std::size_t i) const;
  std::optional<Field> optional(std::string_view key) const;
  Field required(std::string_view key) const;

  // Checks that this is a mapping whose keys are unique and all in `allowed`; an unknown key
  // fails with the closest allowed key as a suggestion.
  void check_keys(const std::vector<std::string>& allowed) const;
  // Checks that this is a sequence (an empty one only if allow_empty) and returns its elements.
  std::vector<Field> elements(bool allow_empty = true) const;

  std::string text() const;  // a scalar's text
  long long integer(long long min, long long max) const;
  // A finite number (NaN and infinity are never valid) in [min, max].
  double number(double min = -kMaxNumber, double max = kMaxNumber) const;
  bool boolean() const;
  // A value of a strong type parsed with Q::parse (Time, Bytes, DataRate, Millicores), within
  // the range of its type (max_quantity<Q>()): never negative, never beyond the maximum.
  template <class Q>
  Q quantity() const;
  // The same, greater than zero.
  template <class Q>
  Q positive() const;
  // The same, at most `max` (a key's narrower range).
  template <class Q>
  Q quantity_at_most(Q max) const;

  // The largest plain number any key takes unless it documents a narrower range.
  static constexpr double kMaxNumber = 1e12;
};

// The largest value of each quantity type a scenario may give (docs/scenario-format.md,
// "Ranges"): far beyond any real machine or run, small enough that sums over a million hosts
// and products with counts stay inside the 64-bit representation.
//   Time: 3650d (10 years)   Bytes: 1PiB   DataRate: 1Pbps   Millicores: 1,000,000 cores
template <class Q>
Q max_quantity();

// `text` as it may appear in a message: at most 64 bytes (cut at a UTF-8 character boundary,
// then "..."), so that a hostile megabyte-long key or value gives a one-line error.
std::string shorten(std::string_view text);

// The closest of `candidates` to `word` by Damerau-Levenshtein distance, if close enough to be
// a plausible typo; empty otherwise, and for strings longer than 64 bytes (no typo is that long,
// and the distance costs |word| x |candidate|).
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace vmcsim::app::scenario
