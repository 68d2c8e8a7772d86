#include "app/scenario/loader.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "app/scenario/imported_services.hpp"
#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

namespace fs = std::filesystem;

namespace {

const KeyTables& top_level_key_tables() {
  static const KeyTables tables{
      {"scenario",
       {"name", "description", "seed", "replications", "duration", "warmup", "hosts", "topology",
        "registry", "images", "services", "workloads", "variants", "slo", "cost", "sweep",
        "output"}},
  };
  return tables;
}

// Reads a whole document, section by section, in the order later sections need earlier ones:
// hosts before services (size checks), services before workloads, variants before output.
class Loader {
 public:
  Loader(const YAML::Node& root, std::string file, const models::Catalog& catalog)
      : cx_{std::move(file), catalog}, root_{cx_.file_ptr(), root, "", root.Mark()} {}

  Scenario load() {
    if (!root_.node.IsDefined() || root_.node.IsNull())
      throw InputError({cx_.file(), 1, 1}, "", "the scenario file is empty");
    root_.check_keys(keys("scenario"));
    Scenario s;
    read_run_settings(s);
    for (const Field& f : root_.required("hosts").elements(false))
      s.hosts.push_back(read_host_group(cx_, f));
    if (auto f = root_.optional("topology")) {
      s.topology = read_topology(cx_, *f);
      check_topology_holds_hosts(*f, s);
    }
    if (auto f = root_.optional("registry")) s.registry = read_registry(cx_, *f);
    if (auto f = root_.optional("images")) read_images(cx_, *f, s);
    read_services(s);
    if (auto f = root_.optional("workloads"))
      for (const Field& w : f->elements())
        s.workloads.push_back(read_workload(cx_, w, s));
    const bool pod_trace =
        std::any_of(s.workloads.begin(), s.workloads.end(),
                    [](const Workload& w) { return w.kind == WorkloadKind::pod_trace; });
    if (!pod_trace) root_.required("services");  // only a pod trace brings its own pods
    for (const Field& f : root_.required("variants").elements(false))
      s.variants.push_back(read_variant(cx_, f, pod_trace));
    if (auto f = root_.optional("slo")) s.slo = read_slo(*f);
    if (auto f = root_.optional("cost")) s.cost = read_cost(*f);
    if (auto f = root_.optional("output")) s.output = read_output(*f, s);
    if (auto f = root_.optional("sweep"))
      for (const Field& p : f->elements())
        s.sweep.push_back(read_sweep_parameter(root_, p));
    s.source_file = cx_.file();
    return s;
  }

 private:
  // name, description, seed, replications, duration, warmup.
  void read_run_settings(Scenario& s) {
    s.name = root_.required("name").text();
    if (auto f = root_.optional("description")) s.description = f->text();
    if (auto f = root_.optional("seed"))
      s.seed = static_cast<std::uint64_t>(f->integer(0, std::numeric_limits<long long>::max()));
    if (auto f = root_.optional("replications"))
      s.replications = static_cast<int>(f->integer(1, 100000));
    s.duration = root_.required("duration").positive<sim::Time>();
    if (auto f = root_.optional("warmup")) {
      s.warmup = f->quantity<sim::Time>();
      if (!(s.warmup < s.duration))
        f->fail(fmt::format("warmup {} must be shorter than duration {}", s.warmup, s.duration));
    }
  }

  // The services, completed from their imported files, each checked to fit a host group.
  void read_services(Scenario& s) {
    // A pod_trace scenario has no services (its pods come from the trace).
    std::vector<Field> services;
    if (auto f = root_.optional("services")) services = f->elements(false);
    for (const Field& f : services)
      s.services.push_back(read_service(cx_, f, s));
    resolve_imported_services(s);
    for (std::size_t i = 0; i < services.size(); ++i)  // sizes the imported file supplied
      if (!services[i].optional("cpu") || !services[i].optional("memory"))
        check_fits(services[i], services[i], s.services[i], s);
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
          &settings_key_tables(), &sweep_key_tables()})
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
                            const models::Catalog& catalog) {
  const YAML::Node root = parse_yaml(text, file.string());
  Scenario s = load_document(root, file.string(), catalog);
  s.source_text = text;
  return s;
}

Scenario load_scenario_text(const std::string& text, const fs::path& file) {
  return load_scenario_text(text, file, models::Catalog::load_default());
}

Scenario load_scenario(const fs::path& file, const models::Catalog& catalog) {
  std::ifstream in{file, std::ios::binary};
  if (!in) throw InputError({file.string(), 0, 0}, "", "cannot open the scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  return load_scenario_text(text.str(), file, catalog);
}

Scenario load_scenario(const fs::path& file) {
  return load_scenario(file, models::Catalog::load_default());
}

}  // namespace vmcsim::app::scenario
