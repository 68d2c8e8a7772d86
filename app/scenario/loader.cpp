#include "app/scenario/loader.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "app/scenario/imported_services.hpp"
#include "app/scenario/load_checks_structure.hpp"
#include "app/scenario/input_errors.hpp"
#include "app/scenario/read_tenants.hpp"
#include "app/scenario/section_readers.hpp"
#include "app/scenario/load_checks_semantics.hpp"

namespace vmcsim::app::scenario {

namespace fs = std::filesystem;

namespace {

const KeyTables& top_level_key_tables() {
  static const KeyTables tables{
      {"scenario",
       {"name",      "description", "seed",           "replications", "duration", "warmup",
        "hosts",     "topology",    "registry",       "images",       "services", "workloads",
        "variants",  "slo",         "cost",           "sweep",        "output",   "tenants",
        "isolation", "namespaces",  "runtime_classes", "failures",
         "functions"}},
  };
  return tables;
}

// Reads a whole document, section by section, in the order later sections need earlier ones:
// hosts before services (size checks), services before workloads, variants before output.
// Each entry is read on its own (ReadContext::attempt), so that the errors of independent
// entries are all reported; checks against an entry that failed are skipped.
class Loader {
 public:
  Loader(const YAML::Node& root, std::string file, const models::Catalog& catalog)
      : cx_{std::move(file), catalog}, root_{cx_.file_ptr(), root, "", root.Mark()} {}

  Scenario load() {
    if (!root_.node.IsDefined() || root_.node.IsNull())
      throw InputError({cx_.file(), 1, 1}, "", "the scenario file is empty");
    if (!root_.node.IsMap()) root_.check_keys(keys("scenario"));  // throws: not a mapping
    Scenario s;
    cx_.attempt([&] { root_.check_keys(keys("scenario")); });
    read_run_settings(s);
    read_hosts(s);
    if (auto f = root_.optional("registry"))
      cx_.attempt([&] { s.registry = read_registry(cx_, *f); });
    if (auto f = root_.optional("images")) cx_.attempt([&] { read_images(cx_, *f, s); });
    read_services(s);
    read_workloads(s);
    read_variants(s);
    // The tenancy reader walks the entries by position: only over a complete read.
    if (!cx_.has_errors()) cx_.attempt([&] { read_tenants(root_, cx_.catalog(), s); });
    if (auto f = root_.optional("failures"))
      cx_.attempt([&] { read_failures(cx_, *f, s); });  // after hosts, topology, services
    if (auto f = root_.optional("slo")) cx_.attempt([&] { s.slo = read_slo(*f); });
    if (auto f = root_.optional("cost")) cx_.attempt([&] { s.cost = read_cost(*f); });
    if (auto f = root_.optional("output")) cx_.attempt([&] { s.output = read_output(cx_, *f, s); });
    if (auto f = root_.optional("sweep"))
      each(*f, true, [&](const Field& p) { s.sweep.push_back(read_sweep_parameter(root_, p)); });
    cx_.throw_errors();
    check_world(s, cx_.catalog());
    auto assumed = cx_.take_assumptions();
    s.assumptions.insert(s.assumptions.begin(), assumed.begin(), assumed.end());
    s.source_file = cx_.file();
    return s;
  }

 private:
  // Reads each element of the list `f` on its own; `read` fails for that element only.
  // Returns whether every element was read.
  template <class Read>
  bool each(const Field& f, bool allow_empty, Read read, const char* what = nullptr) {
    std::vector<Field> elements;
    if (!cx_.attempt([&] { elements = f.elements(allow_empty); })) return false;
    bool all = true;
    for (const Field& e : elements) {
      if (cx_.attempt([&] { read(e); })) continue;
      all = false;
      if (what != nullptr) cx_.note_failed(e, what);
    }
    return all;
  }

  // The top-level key `key`; an error (kept) if it is missing.
  // Not reported when a misspelled key (the unknown key error suggests `key`) already was.
  std::optional<Field> required(const char* key) {
    std::optional<Field> f;
    if (!root_.optional(key) && misspelled(key)) return f;
    cx_.attempt([&] { f = root_.required(key); });
    return f;
  }

  bool misspelled(const std::string& key) const {
    const auto& allowed = keys("scenario");
    for (auto it = root_.node.begin(); it != root_.node.end(); ++it) {
      const std::string k = it->first.IsScalar() ? it->first.Scalar() : std::string{};
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end() &&
          closest_match(k, allowed) == key)
        return true;
    }
    return false;
  }

  // name, description, seed, replications, duration, warmup.
  void read_run_settings(Scenario& s) {
    cx_.attempt([&] { s.name = root_.required("name").text(); });
    if (auto f = root_.optional("description")) cx_.attempt([&] { s.description = f->text(); });
    if (auto f = root_.optional("seed"))
      cx_.attempt([&] {
        s.seed = static_cast<std::uint64_t>(f->integer(0, std::numeric_limits<long long>::max()));
      });
    if (auto f = root_.optional("replications"))
      cx_.attempt([&] { s.replications = static_cast<int>(f->integer(1, kMaxReplications)); });
    // Without a valid duration, the checks against it (warmup, bursts) are skipped.
    if (!cx_.attempt([&] { s.duration = root_.required("duration").positive<sim::Time>(); }))
      s.duration = sim::Time::max();
    if (auto f = root_.optional("warmup"))
      cx_.attempt([&] {
        s.warmup = f->quantity<sim::Time>();
        if (!(s.warmup < s.duration))
          f->fail(fmt::format("warmup {} must be shorter than duration {}", s.warmup, s.duration));
      });
  }

  // The host groups and the topology that places them.
  void read_hosts(Scenario& s) {
    const auto list = required("hosts");
    cx_.hosts_complete = list && each(*list, false, [&](const Field& f) {
                           s.hosts.push_back(read_host_group(cx_, f));
                         });
    if (auto f = root_.optional("topology"))
      cx_.attempt([&] {
        s.topology = read_topology(cx_, *f);
        if (!cx_.hosts_complete) return;
        check_topology_holds_hosts(*f, s);
        check_explicit_links(*f, s);
      });
  }

  // The services, completed from their imported files, each checked to fit a host group.
  void read_services(Scenario& s) {
    // A pod_trace scenario has no services (its pods come from the trace).
    const auto list = root_.optional("services");
    if (!list) return;
    std::vector<Field> read;  // the entries read, in the order of s.services
    const bool all = each(
        *list, false,
        [&](const Field& f) {
          s.services.push_back(read_service(cx_, f, s));
          read.push_back(f);
        },
        "service");
    if (!all ||
        !cx_.attempt([&] { resolve_imported_services(s, cx_.catalog().detection()); }))
      return;
    if (!cx_.hosts_complete) return;
    for (std::size_t i = 0; i < read.size(); ++i)  // sizes the imported file supplied
      if (!read[i].optional("cpu") || !read[i].optional("memory"))
        cx_.attempt([&] { check_fits(read[i], read[i], s.services[i], s); });
  }

  void read_workloads(Scenario& s) {
    // [fn] the traced functions: their services and workloads come first
    if (auto f = root_.optional("functions")) cx_.attempt([&] { read_functions(cx_, *f, s); });
    if (auto f = root_.optional("workloads"))
      each(*f, true, [&](const Field& w) { s.workloads.push_back(read_workload(cx_, w, s)); });
  }

  // Whether a workload entry asks for a pod trace (read from the file, so that it holds even
  // when that entry had an error).
  bool pod_trace_written() const {
    const Field list = root_["workloads"];
    if (!list.defined() || !list.node.IsSequence()) return false;
    for (std::size_t i = 0; i < list.node.size(); ++i) {
      const Field kind = list.at(i)["kind"];
      if (kind.defined() && kind.node.IsScalar() && kind.node.Scalar() == "pod_trace") return true;
    }
    return false;
  }

  void read_variants(Scenario& s) {
    const bool pod_trace = pod_trace_written();
    // only a pod trace brings its own pods ([fn] and a functions section its own services)
    if (!pod_trace && !root_.optional("functions")) required("services");
    if (const auto list = required("variants"))
      each(
          *list, false,
          [&](const Field& f) { s.variants.push_back(read_variant(cx_, f, pod_trace)); },
          "variant");
  }

  ReadContext cx_;
  Field root_;
};

}  // namespace

const std::map<std::string, std::vector<std::string>>& key_tables() {
  static const KeyTables tables = [] {
    KeyTables all;
    for (const auto* part :
         {&top_level_key_tables(), &host_key_tables(), &topology_key_tables(), &image_key_tables(),
          &distribution_key_tables(), &service_key_tables(), &affinity_key_tables(),
          &autoscaling_key_tables(), &workload_key_tables(), &variant_key_tables(),
          &settings_key_tables(), &sweep_key_tables(), &tenancy_key_tables(),
          &failures_key_tables(), &function_key_tables()})
      all.insert(part->begin(), part->end());
    return all;
  }();
  return tables;
}

YAML::Node parse_yaml(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError({file, e.mark.line + 1, e.mark.column + 1}, "",
                     fmt::format("invalid YAML: {}", e.msg));
  }
}

Scenario load_document(const YAML::Node& root, const std::string& file,
                       const models::Catalog& catalog) {
  return Loader{root, file, catalog}.load();
}

Scenario load_scenario_text(const std::string& text, const fs::path& file,
                            const models::Catalog& catalog, const LoadOptions& options) {
  const std::string name = file.string();
  check_input_text(text, name, options);
  const YAML::Node root = parse_document(text, name);
  Scenario s = load_document(root, name, catalog);
  s.source_text = text;
  if (!options.allow_large) {
    const int written = s.replications;
    if (options.replications) s.replications = *options.replications;
    check_work(s, Field{&name, root, "", root.Mark()}, options.budget,
               options.replications.has_value());
    s.replications = written;
  }
  return s;
}

Scenario load_scenario_text(const std::string& text, const fs::path& file,
                            const models::Catalog& catalog) {
  return load_scenario_text(text, file, catalog, LoadOptions{});
}

Scenario load_scenario_text(const std::string& text, const fs::path& file) {
  return load_scenario_text(text, file, models::Catalog::load_default());
}

Scenario load_scenario(const fs::path& file, const models::Catalog& catalog,
                       const LoadOptions& options) {
  std::ifstream in{file, std::ios::binary};
  if (!in) throw InputError({file.string(), 0, 0}, "", "cannot open the scenario file");
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  const std::uint64_t limit = max_file_bytes(options);
  if (!ec && size > limit) throw too_large(file.string(), size, limit);
  std::ostringstream text;
  text << in.rdbuf();
  return load_scenario_text(text.str(), file, catalog, options);
}

Scenario load_scenario(const fs::path& file, const models::Catalog& catalog) {
  return load_scenario(file, catalog, LoadOptions{});
}

Scenario load_scenario(const fs::path& file) {
  return load_scenario(file, models::Catalog::load_default());
}

}  // namespace vmcsim::app::scenario
