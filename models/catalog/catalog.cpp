#include "models/catalog/catalog.hpp"

#include <fmt/format.h>

#include <functional>
#include <sstream>
#include <system_error>
#include <vector>

#include "models/catalog/detection_catalog.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::models {

[[noreturn]] void fail_at(const YAML::Node& at, const std::string& message) {
  const YAML::Mark mark = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
  const int line = mark.line >= 0 ? mark.line + 1 : 0;
  const int column = mark.column >= 0 ? mark.column + 1 : 0;
  throw CatalogError(line > 0 ? fmt::format("{}:{}: {}", line, column, message) : message, line,
                     column);
}


namespace {

std::string scalar(const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar()) fail_at(node, what + " must be a scalar");
  return node.Scalar();
}

// Runs a parse and turns its exception into a CatalogError at `node`.
template <class F>
auto parsed(const YAML::Node& node, const std::string& what, F&& parse) {
  try {
    return parse(scalar(node, what));
  } catch (const CatalogError&) {
    throw;
  } catch (const std::exception& e) {
    fail_at(node, what + ": " + e.what());
  }
}

double seconds_of(const YAML::Node& node, const std::string& what) {
  return parsed(node, what, [](const std::string& s) { return sim::Time::parse(s).seconds(); });
}

double number_of(const YAML::Node& node, const std::string& what) {
  return parsed(node, what, [](const std::string& s) {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument("not a number: '" + s + "'");
    return v;
  });
}

void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                const std::string& where) {
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      fail_at(kv.first, where + ": unknown key '" + key + "'");
  }
}

// "{dist: lognormal, median: 1.2s, p95: 2s}", as written.
std::string flow_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  std::string out = "{";
  for (const auto& kv : node) {
    if (out.size() > 1) out += ", ";
    out += kv.first.Scalar() + ": " + kv.second.Scalar();
  }
  return out + "}";
}

// Field table: how each profile field is read, and how it is printed in the docs.
struct Field {
  std::function<void(PlatformProfile&, const YAML::Node& value, const std::string& source)> set;
  std::function<std::string(const PlatformProfile&)> value_text;
  std::function<const std::string&(const PlatformProfile&)> source;
};

template <class T, class Parse, class Print>
Field make_field(Sourced<T> PlatformProfile::*member, std::string name, Parse parse, Print print) {
  return Field{
      [member, name, parse](PlatformProfile& p, const YAML::Node& v, const std::string& source) {
        (p.*member).value = parsed(v, name, parse);
        (p.*member).source = source;
      },
      [member, print](const PlatformProfile& p) { return print((p.*member).value); },
      [member](const PlatformProfile& p) -> const std::string& { return (p.*member).source; }};
}

const std::map<std::string, Field>& fields() {
  static const std::map<std::string, Field> table = [] {
    auto bytes = [](const std::string& s) { return sim::Bytes::parse(s); };
    auto bytes_text = [](sim::Bytes b) { return b.to_string(); };
    auto time = [](const std::string& s) { return sim::Time::parse(s); };
    auto time_text = [](sim::Time t) { return t.to_string(); };
    auto number = [](const std::string& s) {
      std::size_t used = 0;
      const double v = std::stod(s, &used);
      if (used != s.size()) throw std::invalid_argument("not a number: '" + s + "'");
      return v;
    };
    auto number_text = [](double v) { return fmt::format("{}", v); };
    auto integer = [](const std::string& s) {
      std::size_t used = 0;
      const int v = std::stoi(s, &used);
      if (used != s.size()) throw std::invalid_argument("not an integer: '" + s + "'");
      return v;
    };
    auto boolean = [](const std::string& s) {
      if (s == "true") return true;
      if (s == "false") return false;
      throw std::invalid_argument("not true or false: '" + s + "'");
    };
    std::map<std::string, Field> t;
    using P = PlatformProfile;
    t["guest_os_memory"] = make_field(&P::guest_os_memory, "guest_os_memory", bytes, bytes_text);
    t["hypervisor_overhead_fraction"] = make_field(
        &P::hypervisor_overhead_fraction, "hypervisor_overhead_fraction", number, number_text);
    t["hypervisor_overhead_fixed"] =
        make_field(&P::hypervisor_overhead_fixed, "hypervisor_overhead_fixed", bytes, bytes_text);
    t["hypervisor_overhead_per_vcpu"] = make_field(
        &P::hypervisor_overhead_per_vcpu, "hypervisor_overhead_per_vcpu", bytes, bytes_text);
    t["runtime_overhead"] = make_field(&P::runtime_overhead, "runtime_overhead", bytes, bytes_text);
    t["image_cache_capacity"] =
        make_field(&P::image_cache_capacity, "image_cache_capacity", bytes, bytes_text);
    t["agent_memory"] = make_field(&P::agent_memory, "agent_memory", bytes, bytes_text);
    t["agent_memory_per_pod"] =
        make_field(&P::agent_memory_per_pod, "agent_memory_per_pod", bytes, bytes_text);
    t["system_reserved_memory"] =
        make_field(&P::system_reserved_memory, "system_reserved_memory", bytes, bytes_text);
    t["container_runtime"] = make_field(
        &P::container_runtime, "container_runtime", [](const std::string& s) { return s; },
        [](const std::string& s) { return s; });
    t["cpu_time_factor"] = make_field(&P::cpu_time_factor, "cpu_time_factor", number, number_text);
    t["random_iops_factor"] =
        make_field(&P::random_iops_factor, "random_iops_factor", number, number_text);
    t["network_rtt_added"] =
        make_field(&P::network_rtt_added, "network_rtt_added", time, time_text);
    t["creation_rate_per_core"] =
        make_field(&P::creation_rate_per_core, "creation_rate_per_core", number, number_text);
    t["unpack_throughput"] = make_field(
        &P::unpack_throughput, "unpack_throughput",
        [](const std::string& s) { return sim::DataRate::parse(s); },
        [](sim::DataRate r) { return fmt::format("{:g}MiB/s", r.bytes_per_second() / (1 << 20)); });
    t["serialize_image_pulls"] = make_field(&P::serialize_image_pulls, "serialize_image_pulls",
                                            boolean, [](bool b) { return b ? "true" : "false"; });
    t["cache_images_on_node"] = make_field(&P::cache_images_on_node, "cache_images_on_node",
                                           boolean, [](bool b) { return b ? "true" : "false"; });
    t["fargate_task_sizes"] = make_field(&P::fargate_task_sizes, "fargate_task_sizes", boolean,
                                         [](bool b) { return b ? "true" : "false"; });
    t["max_parallel_layers"] = make_field(&P::max_parallel_layers, "max_parallel_layers", integer,
                                          [](int v) { return std::to_string(v); });
    auto integer_text = [](int v) { return std::to_string(v); };
    auto boolean_text = [](bool b) { return b ? "true" : "false"; };
    for (auto [key, member] : std::initializer_list<std::pair<const char*, Sourced<double> P::*>>{
             {"platform_launch_burst", &P::platform_launch_burst},
             {"platform_launch_rate", &P::platform_launch_rate},
             {"api_launch_burst", &P::api_launch_burst},
             {"api_launch_rate", &P::api_launch_rate},
             {"api_launches_per_call", &P::api_launches_per_call},
             {"scheduler_burst", &P::scheduler_burst},
             {"scheduler_rate", &P::scheduler_rate},
             {"node_launch_burst", &P::node_launch_burst},
             {"node_launch_rate", &P::node_launch_rate},
             {"vcpu_overcommit", &P::vcpu_overcommit},
             {"image_fetch_fraction", &P::image_fetch_fraction}})
      t[key] = make_field(member, key, number, number_text);
    t["node_scale_interval"] =
        make_field(&P::node_scale_interval, "node_scale_interval", time, time_text);
    t["max_concurrent_starts"] =
        make_field(&P::max_concurrent_starts, "max_concurrent_starts", integer, integer_text);
    t["max_pods"] = make_field(&P::max_pods, "max_pods", integer, integer_text);
    t["max_pods_from_enis"] =
        make_field(&P::max_pods_from_enis, "max_pods_from_enis", boolean, boolean_text);
    t["prefix_delegation"] =
        make_field(&P::prefix_delegation, "prefix_delegation", boolean, boolean_text);
    t["max_parallel_image_pulls"] = make_field(&P::max_parallel_image_pulls,
                                               "max_parallel_image_pulls", integer, integer_text);
    t["peer_to_peer_images"] =
        make_field(&P::peer_to_peer_images, "peer_to_peer_images", boolean, boolean_text);
    t["peer_upload_slots"] =
        make_field(&P::peer_upload_slots, "peer_upload_slots", integer, integer_text);
    t["images_precached"] =
        make_field(&P::images_precached, "images_precached", boolean, boolean_text);
    return t;
  }();
  return table;
}

// A field value is `{value: X, source: "..."}`; in an override a bare scalar also works.
void set_field(PlatformProfile& p, const std::string& key, const YAML::Node& node,
               bool source_required, const std::string& where) {
  const Field& field = fields().at(key);
  if (node.IsMap()) {
    check_keys(node, {"value", "source"}, where + " field '" + key + "'");
    const std::string source = node["source"] ? scalar(node["source"], key + ".source") : "";
    if (source.empty()) fail_at(node, where + ": field '" + key + "' needs a source");
    if (!node["value"]) fail_at(node, where + ": field '" + key + "' needs a value");
    field.set(p, node["value"], source);
  } else {
    if (source_required) fail_at(node, where + ": field '" + key + "' needs {value, source}");
    field.set(p, node, "scenario override");
  }
}

// A phase's host work: `cpu: 50ms` (CPU time), `io: 10MiB` (disk bytes).
void set_phase_work(PhaseSpec& ph, const YAML::Node& node) {
  if (node["cpu"])
    ph.cpu = parsed(node["cpu"], "cpu", [](const std::string& s) { return sim::Time::parse(s); });
  if (node["io"])
    ph.io = parsed(node["io"], "io", [](const std::string& s) { return sim::Bytes::parse(s); });
  if (ph.cpu < sim::Time::zero() || ph.io < sim::Bytes{})
    fail_at(node, "phase '" + ph.name + "': cpu and io must not be negative");
}

PhaseSpec parse_phase(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap()) fail_at(node, where + ": a phase is {name, duration, source}");
  check_keys(node, {"name", "duration", "cpu", "io", "source"}, where + " phase");
  for (const char* k : {"name", "duration", "source"})
    if (!node[k]) fail_at(node, where + ": phase needs '" + k + "'");
  PhaseSpec ph;
  ph.name = scalar(node["name"], "phase name");
  ph.duration = parse_duration(node["duration"]);
  ph.text = flow_text(node["duration"]);
  ph.source = scalar(node["source"], "phase source");
  set_phase_work(ph, node);
  if (ph.source.empty()) fail_at(node, where + ": phase '" + ph.name + "' needs a source");
  return ph;
}

PlatformProfile parse_profile(const std::string& name, const YAML::Node& node) {
  const std::string where = "profile '" + name + "'";
  if (!node.IsMap()) fail_at(node, where + " must be a map");
  PlatformProfile p;
  p.name = name;
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "kind") {
      const auto kind = parse_platform_kind(scalar(v, "kind"));
      if (!kind) fail_at(v, where + ": unknown kind '" + v.Scalar() + "'");
      p.kind = *kind;
    } else if (key == "description") {
      p.description = scalar(v, "description");
    } else if (key == "boot" || key == "stop") {
      if (!v.IsSequence()) fail_at(v, where + ": '" + key + "' must be a list of phases");
      auto& phases = key == "boot" ? p.boot_phases : p.stop_phases;
      for (const auto& ph : v)
        phases.push_back(parse_phase(ph, where));
    } else if (fields().contains(key)) {
      set_field(p, key, v, true, where);
    } else {
      fail_at(kv.first, where + ": unknown key '" + key + "'");
    }
  }
  if (!node["kind"]) fail_at(node, where + ": needs a kind");
  if (p.boot_phases.empty()) fail_at(node, where + ": needs boot phases");
  if (p.stop_phases.empty()) fail_at(node, where + ": needs stop phases");
  return p;
}

template <class F>
auto with_file(const std::filesystem::path& file, F&& f) {
  try {
    return f(YAML::LoadFile(file.string()));
  } catch (const CatalogError& e) {
    throw CatalogError(file.string() + ":" + e.what(), e.line(), e.column());
  } catch (const YAML::Exception& e) {
    throw CatalogError(file.string() + ": " + e.what(), e.mark.line + 1, e.mark.column + 1);
  }
}

}  // namespace

sim::Distribution parse_duration(const YAML::Node& node) {
  if (node.IsScalar()) return sim::Constant{seconds_of(node, "duration")};
  if (!node.IsMap() || !node["dist"]) fail_at(node, "a duration is a time or {dist: ..., ...}");
  const std::string dist = scalar(node["dist"], "dist");
  auto need = [&](const char* key) {
    if (!node[key]) fail_at(node, "distribution '" + dist + "' needs '" + key + "'");
    return seconds_of(node[key], std::string(key));
  };
  try {
    if (dist == "constant") {
      check_keys(node, {"dist", "value"}, "constant");
      return sim::Constant{need("value")};
    }
    if (dist == "lognormal") {
      if (node["sigma"]) {
        check_keys(node, {"dist", "median", "sigma"}, "lognormal");
        return sim::LogNormal::from_median_sigma(need("median"), number_of(node["sigma"], "sigma"));
      }
      check_keys(node, {"dist", "median", "p95"}, "lognormal");
      return sim::LogNormal::from_median_p95(need("median"), need("p95"));
    }
    if (dist == "normal") {
      check_keys(node, {"dist", "mean", "sd"}, "normal");
      return sim::Normal{need("mean"), need("sd")};
    }
    if (dist == "uniform") {
      check_keys(node, {"dist", "low", "high"}, "uniform");
      return sim::Uniform{need("low"), need("high")};
    }
    if (dist == "exponential") {
      check_keys(node, {"dist", "mean"}, "exponential");
      return sim::Exponential{need("mean")};
    }
  } catch (const std::invalid_argument& e) {
    fail_at(node, "distribution '" + dist + "': " + e.what());
  }
  fail_at(node["dist"],
       "unknown distribution '" + dist + "' (constant, lognormal, normal, uniform, exponential)");
}

void apply_overrides(PlatformProfile& profile, const YAML::Node& overrides) {
  const std::string where = "override of profile '" + profile.name + "'";
  if (!overrides || overrides.IsNull()) return;
  if (!overrides.IsMap()) fail_at(overrides, where + " must be a map");
  for (const auto& kv : overrides) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "boot" || key == "stop") {
      if (!v.IsMap()) fail_at(v, where + ": '" + key + "' overrides are {phase: duration}");
      auto& phases = key == "boot" ? profile.boot_phases : profile.stop_phases;
      for (const auto& ph : v) {
        const std::string name = ph.first.as<std::string>();
        const auto it = std::find_if(phases.begin(), phases.end(),
                                     [&](const PhaseSpec& s) { return s.name == name; });
        if (it == phases.end())
          fail_at(ph.first, where + ": unknown " + key + " phase '" + name + "'");
        const YAML::Node& value = ph.second;
        const bool fields = value.IsMap() && !value["dist"];
        if (fields) check_keys(value, {"duration", "cpu", "io"}, where + " phase '" + name + "'");
        const YAML::Node duration = fields ? value["duration"] : value;
        if (duration) {
          it->duration = parse_duration(duration);
          it->text = flow_text(duration);
        }
        if (fields) set_phase_work(*it, value);
        it->source = "scenario override";
      }
    } else if (key == "description") {
      profile.description = scalar(v, "description");
    } else if (fields().contains(key)) {
      set_field(profile, key, v, false, where);
    } else {
      fail_at(kv.first, where + ": unknown key '" + key + "'");
    }
  }
}

Catalog Catalog::load(const std::filesystem::path& dir) {
  Catalog c;
  with_file(dir / "profiles.yaml", [&](const YAML::Node& root) {
    check_keys(root, {"profiles"}, "profiles.yaml");
    for (const auto& kv : root["profiles"]) {
      const std::string name = kv.first.as<std::string>();
      c.profiles_.emplace(name, parse_profile(name, kv.second));
    }
    return 0;
  });
  with_file(dir / "instance_types.yaml", [&](const YAML::Node& root) {
    check_keys(root, {"instance_types", "fargate", "host_power"}, "instance_types.yaml");
    for (const auto& kv : root["instance_types"]) {
      const std::string name = kv.first.as<std::string>();
      const YAML::Node& n = kv.second;
      const std::string where = "instance type '" + name + "'";
      check_keys(n,
                 {"vcpus", "memory", "max_pods", "enis", "ipv4_per_eni", "usd_per_hour", "source"},
                 where);
      for (const char* k : {"vcpus", "memory", "max_pods", "usd_per_hour", "source"})
        if (!n[k]) fail_at(n, where + ": needs '" + k + "'");
      InstanceType t;
      t.name = name;
      t.vcpus = static_cast<int>(number_of(n["vcpus"], "vcpus"));
      t.memory =
          parsed(n["memory"], "memory", [](const std::string& s) { return sim::Bytes::parse(s); });
      t.max_pods = static_cast<int>(number_of(n["max_pods"], "max_pods"));
      t.usd_per_hour = number_of(n["usd_per_hour"], "usd_per_hour");
      if (n["enis"]) t.enis = static_cast<int>(number_of(n["enis"], "enis"));
      if (n["ipv4_per_eni"])
        t.ipv4_per_eni = static_cast<int>(number_of(n["ipv4_per_eni"], "ipv4_per_eni"));
      if (t.enis > 0 && eni_max_pods(t, false) != t.max_pods)
        fail_at(n["max_pods"], fmt::format("{}: max_pods {} is not ENIs x (IPv4 per ENI - 1) + 2 = {}",
                                        where, t.max_pods, eni_max_pods(t, false)));
      t.source = scalar(n["source"], "source");
      c.instance_types_.emplace(name, std::move(t));
    }
    const YAML::Node& f = root["fargate"];
    check_keys(f, {"usd_per_vcpu_hour", "usd_per_gb_hour", "source"}, "fargate");
    c.fargate_ = {number_of(f["usd_per_vcpu_hour"], "usd_per_vcpu_hour"),
                  number_of(f["usd_per_gb_hour"], "usd_per_gb_hour"),
                  scalar(f["source"], "source")};
    // Optional (a catalog without it leaves hosts without `power` at 0 W, which the loader
    // warns of).
    if (const YAML::Node& hp = root["host_power"]; hp) {
    check_keys(hp, {"idle_watts_per_vcpu", "peak_watts_per_vcpu", "watts_per_gb", "source"},
               "host_power");
    c.host_power_ = {number_of(hp["idle_watts_per_vcpu"], "idle_watts_per_vcpu"),
                     number_of(hp["peak_watts_per_vcpu"], "peak_watts_per_vcpu"),
                     number_of(hp["watts_per_gb"], "watts_per_gb"), scalar(hp["source"], "source")};
    }
    return 0;
  });
  if (std::error_code ec; std::filesystem::is_regular_file(dir / "detection.yaml", ec))
    c.detection_ = with_file(dir / "detection.yaml", parse_detection);
  for (const auto& [name, p] : c.profiles_)
    if (p.is_node() && !c.profiles_.contains(p.container_runtime.value))
      throw CatalogError("profile '" + name + "': container_runtime '" + p.container_runtime.value +
                             "' is not a profile",
                         0, 0);
  return c;
}

std::filesystem::path Catalog::default_dir() {
  namespace fs = std::filesystem;
  std::vector<fs::path> tried;
  const auto found = [&tried](const fs::path& dir) {
    tried.push_back(dir);
    std::error_code ec;
    return fs::is_regular_file(dir / "profiles.yaml", ec);
  };
  // Installed: <prefix>/bin/vmcsim beside <prefix>/share/vmcsim/catalog, wherever the prefix
  // has been moved (so no install path is compiled in).
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "vmcsim" / "catalog";
    if (found(installed)) return installed;
  }
  // Run from a build tree: the source tree it was built from (only this file knows its path).
  const fs::path source{VMCSIM_CATALOG_SOURCE_DIR};
  if (found(source)) return source;
  std::string where;
  for (const auto& dir : tried)
    where += (where.empty() ? "" : ", ") + dir.string();
  throw CatalogError("cannot find the catalog (profiles.yaml, instance_types.yaml); looked in " +
                         where +
                         ". Install vmcsim with `cmake --install`, or run it from its build tree",
                     0, 0);
}

Catalog Catalog::load_default() {
  return load(default_dir());
}

namespace {
template <class Map>
const auto& lookup(const Map& map, std::string_view name, const char* what) {
  const auto it = map.find(name);
  if (it != map.end()) return it->second;
  std::string known;
  for (const auto& kv : map)
    known += (known.empty() ? "" : ", ") + kv.first;
  throw std::out_of_range(fmt::format("unknown {} '{}' (known: {})", what, name, known));
}

std::string cell(std::string text) {
  for (std::size_t i = 0; (i = text.find('|', i)) != std::string::npos; i += 2)
    text.replace(i, 1, "\\|");
  return text;
}
}  // namespace

const PlatformProfile& Catalog::profile(std::string_view name) const {
  return lookup(profiles_, name, "platform profile");
}
const InstanceType& Catalog::instance_type(std::string_view name) const {
  return lookup(instance_types_, name, "instance type");
}

std::string Catalog::render_markdown() const {
  std::string out =
      "# vmcsim calibration catalog\n\n"
      "Generated from `models/catalog/*.yaml` by `Catalog::render_markdown()`; a test checks "
      "that this file matches. Edit the YAML, not this file.\n";
  for (const auto& [name, p] : profiles_) {
    out += fmt::format("\n## {} ({})\n\n{}\n\n| parameter | value | source |\n|---|---|---|\n",
                       name, to_string(p.kind), p.description);
    for (const auto& ph : p.boot_phases) {
      std::string value = ph.text;
      if (ph.cpu > sim::Time::zero()) value += "; cpu " + ph.cpu.to_string();
      if (ph.io > sim::Bytes{}) value += "; io " + ph.io.to_string();
      out += fmt::format("| boot: {} | {} | {} |\n", ph.name, cell(value), cell(ph.source));
    }
    for (const auto& ph : p.stop_phases)
      out += fmt::format("| stop: {} | {} | {} |\n", ph.name, cell(ph.text), cell(ph.source));
    for (const auto& [key, field] : fields())
      if (!field.source(p).empty())
        out += fmt::format("| {} | {} | {} |\n", key, cell(field.value_text(p)),
                           cell(field.source(p)));
  }
  out +=
      "\n## Instance types\n\n| type | vCPU | memory | max pods | ENIs x IPv4 | USD per hour | "
      "source |\n|---|---|---|---|---|---|---|\n";
  for (const auto& [name, t] : instance_types_)
    out +=
        fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", name, t.vcpus, t.memory.to_string(),
                    t.max_pods, t.enis > 0 ? fmt::format("{} x {}", t.enis, t.ipv4_per_eni) : "",
                    t.usd_per_hour, cell(t.source));
  out += fmt::format(
      "\n## Fargate pricing\n\n| per vCPU-hour | per GB-hour | source |\n|---|---|---|\n"
      "| {} | {} | {} |\n",
      fargate_.usd_per_vcpu_hour, fargate_.usd_per_gb_hour, cell(fargate_.source));
  out += fmt::format(
      "\n## Host power (hosts without `power`)\n\n| idle W per vCPU | peak W per vCPU | W per GB "
      "of memory | source |\n|---|---|---|---|\n| {} | {} | {} | {} |\n",
      host_power_.idle_watts_per_vcpu, host_power_.peak_watts_per_vcpu, host_power_.watts_per_gb,
      cell(host_power_.source));
  return out;
}

}  // namespace vmcsim::models
