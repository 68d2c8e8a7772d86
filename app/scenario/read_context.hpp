#pragma once
// ReadContext: what the section readers of the scenario loader share while one file is read:
// the file and its folder (for relative paths), the calibration catalog, the names seen so far
// (for duplicate checks), and small readers used by several sections. Internal to the loader
// (app/scenario/loader.hpp is the public interface).
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/scenario/scenario.hpp"
#include "app/scenario/yaml_field.hpp"
#include "models/catalog/catalog.hpp"

namespace vmcsim::app::scenario {

// Allowed keys by mapping name ("host_group", "power", ...). Each section reader declares the
// tables of the mappings it reads; key_tables() (loader.hpp) is their union.
using KeyTables = std::map<std::string, std::vector<std::string>>;

// The allowed keys of mapping `table` (one of key_tables()).
const std::vector<std::string>& keys(const char* table);

// Thrown by a reader that cannot go on because an entry it refers to had an error of its own
// (a workload of a service whose entry failed): ReadContext::attempt drops the entry without
// reporting a second, misleading error ("undefined service").
struct RefersToFailedEntry {};

class ReadContext {
 public:
  ReadContext(std::string file, const models::Catalog& catalog);

  const std::string& file() const { return file_; }
  const std::string* file_ptr() const { return &file_; }
  const std::filesystem::path& base_dir() const { return base_dir_; }
  const models::Catalog& catalog() const { return catalog_; }

  // The entry's required, non-empty `name`, unique among the `what`s read so far.
  std::string unique_name(const Field& f, const char* what);
  // Fails at `f` if `name` was already seen among the `what`s.
  void check_unique(const Field& f, const std::string& name, const char* what);

  // Expands ${VAR} from the environment, resolves relative to the scenario file's folder and
  // checks that the file exists.
  std::string resolve_file(const Field& f) const;
  // `{file, format}` with the format one of `formats`; the file resolved and checked.
  TraceRef trace_ref(const Field& t, const std::vector<std::string>& formats) const;

  // Runs `read`, which reads one entry or section. An InputError it throws is kept, and the
  // loader goes on with the next entry, so that one run reports every independent error; once
  // max_errors are kept, all of them are thrown at once (InputErrors). Returns whether `read`
  // succeeded.
  bool attempt(const std::function<void()>& read);
  // Throws the errors kept so far: one as itself, several as InputErrors. Nothing if none.
  void throw_errors() const;
  bool has_errors() const { return !errors_.empty(); }
  static constexpr std::size_t max_errors = 20;

  // Entries that failed, by kind ("service", "image", "variant") and name, so that references
  // to them fail silently (throw RefersToFailedEntry) rather than as undefined.
  void note_failed(const Field& entry, const char* what);
  void note_failed(const std::string& name, const char* what);
  bool failed(const char* what, const std::string& name) const;

  // Records a value the file did not give (Scenario::assumptions).
  void assume(Assumption a) { assumptions_.push_back(std::move(a)); }
  std::vector<Assumption> take_assumptions() { return std::move(assumptions_); }

  bool has_pod_trace = false;  // a pod_trace workload was read
  bool hosts_complete = true;  // every host group was read (else size checks are skipped)

 private:
  std::string file_;
  std::filesystem::path base_dir_;
  const models::Catalog& catalog_;
  std::map<std::string, std::set<std::string>> names_;
  std::map<std::string, std::set<std::string>> failed_;
  std::vector<InputError> errors_;
  std::vector<Assumption> assumptions_;
};

// Plain numbers: finite, in the range named (docs/scenario-format.md, "Ranges").
double non_negative(const Field& f, double max = Field::kMaxNumber);
double positive_number(const Field& f, double max = Field::kMaxNumber);
double fraction(const Field& f);  // in (0, 1]
// A request rate per second: at most kMaxRate, and if not zero at least kMinRate (a slower
// rate's gaps between arrivals would not fit a run).
double request_rate(const Field& f, bool allow_zero);
constexpr double kMinRate = 1e-6;  // one request in 11.6 days
constexpr double kMaxRate = 1e9;
// Money (price_per_hour, cost.per_*) and power in watts.
constexpr double kMaxPrice = 1e6;
constexpr double kMaxWatts = 1e6;

// Reads an enumeration by its to_string() spelling; unknown values list the allowed ones.
template <class E, std::size_t N>
E read_enum(const Field& f, const E (&values)[N]) {
  const std::string s = f.text();
  std::vector<std::string> names;
  for (E v : values) {
    if (to_string(v) == s) return v;
    names.push_back(std::string{to_string(v)});
  }
  const std::string hint = closest_match(s, names);
  f.fail(fmt::format("unknown value '{}' ({}allowed: {})", shorten(s),
                     hint.empty() ? "" : fmt::format("did you mean '{}'? ", hint),
                     fmt::join(names, ", ")));
}

// "did you mean 'x'? known: a, b, c" over the names of a catalog map.
template <class Map>
std::string suggest(const std::string& word, const Map& map) {
  std::vector<std::string> names;
  for (const auto& kv : map)
    names.push_back(kv.first);
  const std::string hint = closest_match(word, names);
  return fmt::format("{}known: {}", hint.empty() ? "" : fmt::format("did you mean '{}'? ", hint),
                     fmt::join(names, ", "));
}

}  // namespace vmcsim::app::scenario
