#include "app/scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "app/importers/alibaba_gpu.hpp"
#include "app/scenario/imported_services.hpp"
#include "app/scenario/yaml_field.hpp"
#include "models/placement/policy.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::app::scenario {

namespace fs = std::filesystem;

const std::map<std::string, std::vector<std::string>>& key_tables() {
  static const std::map<std::string, std::vector<std::string>> tables{
      {"scenario",
       {"name", "description", "seed", "replications", "duration", "warmup", "hosts", "topology",
        "registry", "images", "services", "workloads", "variants", "slo", "cost", "sweep",
        "output"}},
      {"host_group",
       {"name", "count", "instance_type", "cpu", "memory", "disk_bandwidth", "disk_iops",
        "network_bandwidth", "zone", "rack", "power", "price_per_hour", "from_trace"}},
      {"power", {"idle_watts", "peak_watts"}},
      {"topology", {"generator", "links"}},
      {"topology_generator", {"zones", "racks_per_zone", "hosts_per_rack", "uplinks"}},
      {"link", {"bandwidth", "latency"}},
      {"explicit_link", {"from", "to", "bandwidth", "latency"}},
      {"registry", {"bandwidth", "latency"}},
      {"image", {"layers", "size"}},
      {"layer", {"digest", "size"}},
      {"service",
       {"name", "image", "cpu", "cpu_limit", "memory", "memory_limit", "replicas", "work",
        "ecs_task_definition", "kubernetes", "autoscaling", "placement_constraints", "labels",
        "affinity", "anti_affinity", "topology_spread"}},
      {"affinity_term", {"type", "weight", "topology_key", "match_labels", "match_expressions"}},
      {"label_requirement", {"key", "operator", "values"}},
      {"topology_spread",
       {"max_skew", "topology_key", "when_unsatisfiable", "match_labels", "match_expressions"}},
      {"work", {"cpu_time", "io_bytes"}},
      {"distribution",
       {"dist", "value", "low", "high", "mean", "stddev", "median", "p95", "sigma", "cv", "scale",
        "shape", "samples"}},
      {"autoscaling",
       {"kind", "min_replicas", "max_replicas", "target_cpu_utilization", "sync_period",
        "tolerance", "scale_down_stabilization", "cooldown", "steps"}},
      {"scaling_step", {"lower", "upper", "change"}},
      {"workload",
       {"service", "kind", "rate", "on", "off", "states", "amplitude", "period", "peak_at", "steps",
        "trace", "bursts", "lifetimes", "arrival_speedup", "patience", "max_pods"}},
      {"mmpp_state", {"rate", "mean_sojourn"}},
      {"rate_step", {"at", "rate"}},
      {"trace", {"file", "format"}},
      {"burst", {"at", "duration", "multiplier"}},
      {"variant",
       {"name", "platform", "profile", "node_instance_type", "placement", "cluster_autoscaler",
        "overrides"}},
      {"cluster_autoscaler",
       {"enabled", "min_nodes", "max_nodes", "scan_interval", "scale_down_unneeded_time",
        "scale_down_utilization_threshold"}},
      {"slo", {"startup_p99", "request_latency_p99", "request_latency_threshold"}},
      {"cost", {"currency", "per_vcpu_hour", "per_gib_hour", "per_kwh"}},
      {"sweep_parameter", {"path", "values", "range"}},
      {"range", {"from", "to", "step"}},
      {"output", {"directory", "formats", "baseline"}},
  };
  return tables;
}

const std::vector<std::string>& known_trace_formats() {
  static const std::vector<std::string> formats{"azure-functions-2019", "alibaba-gpu-2023",
                                                "google-2011", "timestamps"};
  return formats;
}

std::string to_string(WorkloadKind k) {
  switch (k) {
    case WorkloadKind::poisson:
      return "poisson";
    case WorkloadKind::onoff:
      return "onoff";
    case WorkloadKind::mmpp:
      return "mmpp";
    case WorkloadKind::diurnal:
      return "diurnal";
    case WorkloadKind::step:
      return "step";
    case WorkloadKind::trace:
      return "trace";
    case WorkloadKind::pod_trace:
      return "pod_trace";
  }
  return "?";
}

std::string to_string(AutoscalerKind k) {
  switch (k) {
    case AutoscalerKind::none:
      return "none";
    case AutoscalerKind::hpa:
      return "hpa";
    case AutoscalerKind::target_tracking:
      return "target_tracking";
    case AutoscalerKind::step:
      return "step";
  }
  return "?";
}

std::string to_string(DistKind k) {
  switch (k) {
    case DistKind::constant:
      return "constant";
    case DistKind::uniform:
      return "uniform";
    case DistKind::exponential:
      return "exponential";
    case DistKind::normal:
      return "normal";
    case DistKind::lognormal:
      return "lognormal";
    case DistKind::pareto:
      return "pareto";
    case DistKind::weibull:
      return "weibull";
    case DistKind::empirical:
      return "empirical";
  }
  return "?";
}

namespace {

const std::vector<std::string>& keys(const char* table) {
  return key_tables().at(table);
}

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
  f.fail(fmt::format("unknown value '{}' ({}allowed: {})", s,
                     hint.empty() ? "" : fmt::format("did you mean '{}'? ", hint),
                     fmt::join(names, ", ")));
}

double base_value(sim::Time t) {
  return t.seconds();
}
double base_value(sim::Bytes b) {
  return static_cast<double>(b.count());
}

template <class Q>
DistributionSpec<Q> read_distribution(const Field& f) {
  DistributionSpec<Q> d;
  if (f.node.IsScalar()) {  // a bare quantity means a constant
    d.value = f.quantity<Q>();
    d.distribution = sim::Constant{base_value(d.value)};
    return d;
  }
  f.check_keys(keys("distribution"));
  d.kind =
      read_enum(f.required("dist"),
                {DistKind::constant, DistKind::uniform, DistKind::exponential, DistKind::normal,
                 DistKind::lognormal, DistKind::pareto, DistKind::weibull, DistKind::empirical});
  // Which parameters each kind takes; lognormal takes one of three pairs.
  std::vector<std::string> takes;
  switch (d.kind) {
    case DistKind::constant:
      takes = {"value"};
      break;
    case DistKind::uniform:
      takes = {"low", "high"};
      break;
    case DistKind::exponential:
      takes = {"mean"};
      break;
    case DistKind::normal:
      takes = {"mean", "stddev"};
      break;
    case DistKind::lognormal:
      takes = {"median", "p95", "sigma", "mean", "cv"};
      break;
    case DistKind::pareto:
    case DistKind::weibull:
      takes = {"scale", "shape"};
      break;
    case DistKind::empirical:
      takes = {"samples"};
      break;
  }
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (k != "dist" && std::find(takes.begin(), takes.end(), k) == takes.end())
      f[k].fail(fmt::format("not a parameter of the {} distribution (it takes {})",
                            to_string(d.kind), fmt::join(takes, ", ")));
  }
  try {
    switch (d.kind) {
      case DistKind::constant:
        d.value = f.required("value").quantity<Q>();
        d.distribution = sim::Constant{base_value(d.value)};
        break;
      case DistKind::uniform:
        d.low = f.required("low").quantity<Q>();
        d.high = f.required("high").quantity<Q>();
        if (d.high < d.low) f["high"].fail("must not be less than low");
        d.distribution = sim::Uniform{base_value(d.low), base_value(d.high)};
        break;
      case DistKind::exponential:
        d.mean = f.required("mean").positive<Q>();
        d.distribution = sim::Exponential{base_value(d.mean)};
        break;
      case DistKind::normal:
        d.mean = f.required("mean").quantity<Q>();
        d.stddev = f.required("stddev").quantity<Q>();
        d.distribution = sim::Normal{base_value(d.mean), base_value(d.stddev)};
        break;
      case DistKind::lognormal: {
        const auto has = [&](const char* k) { return f.optional(k).has_value(); };
        if (has("median") + has("p95") + has("sigma") + has("mean") + has("cv") != 2)
          f.fail(
              "a lognormal distribution takes exactly one pair: median and p95, median and "
              "sigma, or mean and cv");
        if (has("median") && has("p95")) {
          d.median = f["median"].positive<Q>();
          d.p95 = f["p95"].positive<Q>();
          if (!(d.median < d.p95)) f["p95"].fail("must be greater than median");
          d.distribution = sim::LogNormal::from_median_p95(base_value(d.median), base_value(d.p95));
        } else if (has("median") && has("sigma")) {
          d.median = f["median"].positive<Q>();
          d.sigma = f["sigma"].number();
          d.distribution = sim::LogNormal::from_median_sigma(base_value(d.median), d.sigma);
        } else if (has("mean") && has("cv")) {
          d.mean = f["mean"].positive<Q>();
          d.cv = f["cv"].number();
          d.distribution = sim::LogNormal::from_mean_cv(base_value(d.mean), d.cv);
        } else {
          f.fail(
              "a lognormal distribution takes exactly one pair: median and p95, median and "
              "sigma, or mean and cv");
        }
        break;
      }
      case DistKind::pareto:
      case DistKind::weibull:
        d.scale = f.required("scale").positive<Q>();
        d.shape = f.required("shape").number();
        if (d.kind == DistKind::pareto)
          d.distribution = sim::Pareto{base_value(d.scale), d.shape};
        else
          d.distribution = sim::Weibull{base_value(d.scale), d.shape};
        break;
      case DistKind::empirical: {
        std::vector<double> xs;
        for (const Field& s : f.required("samples").elements(false)) {
          d.samples.push_back(s.quantity<Q>());
          xs.push_back(base_value(d.samples.back()));
        }
        d.distribution = sim::Empirical{std::move(xs)};
        break;
      }
    }
  } catch (const std::invalid_argument& e) {
    f.fail(e.what());
  }
  return d;
}

void check_unique(const Field& f, const std::string& name, std::set<std::string>& seen,
                  const char* what) {
  if (!seen.insert(name).second) f.fail(fmt::format("duplicate {} name '{}'", what, name));
}

// Expands ${VAR} from the environment, resolves relative to the scenario file's folder and
// checks that the file exists.
std::string resolve_file(const Field& f, const fs::path& base_dir) {
  const std::string raw = f.text();
  std::string expanded;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw.compare(i, 2, "${") != 0) {
      expanded += raw[i];
      continue;
    }
    const std::size_t close = raw.find('}', i);
    if (close == std::string::npos) f.fail(fmt::format("unclosed '${{' in '{}'", raw));
    const std::string var = raw.substr(i + 2, close - i - 2);
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) {
      f.fail(var == "VMCSIM_DATA"
                 ? fmt::format("'{}' uses ${{VMCSIM_DATA}}, which is not set: set VMCSIM_DATA to "
                               "the folder holding the shared fixtures (../shared/fixtures)",
                               raw)
                 : fmt::format("'{}' uses ${{{}}}, which is not set in the environment", raw, var));
    }
    expanded += value;
    i = close;
  }
  fs::path p{expanded};
  if (p.is_relative()) p = base_dir / p;
  p = p.lexically_normal();
  std::error_code ec;
  if (!fs::is_regular_file(p, ec))
    f.fail(fmt::format("file not found: '{}'{}", p.string(),
                       expanded == raw ? "" : fmt::format(" (from '{}')", raw)));
  return p.string();
}

bool placement_policy_known(const std::string& p) {
  static const std::set<std::string> simple{"first_fit",
                                            "best_fit",
                                            "worst_fit",
                                            "random",
                                            "round_robin",
                                            "tetris",
                                            "k8s:LeastAllocated",
                                            "k8s:MostAllocated",
                                            "k8s:BalancedAllocation",
                                            "k8s:RequestedToCapacityRatio"};
  if (simple.count(p) > 0) return true;
  // Kubernetes score plugin lists ("k8s", "k8s:MostAllocated*2,InterPodAffinity"): the models'
  // own parser decides.
  if (p == "k8s" || p.rfind("k8s:", 0) == 0) {
    try {
      (void)models::placement::make_policy(p);
      return true;
    } catch (const sim::ParseError&) {
      return false;
    }
  }
  if (p.rfind("ecs:", 0) != 0) return false;
  // ECS chains up to five strategies: "ecs:spread(attribute:ecs.availability-zone),binpack(memory)"
  std::stringstream chain{p.substr(4)};
  std::string s;
  int n = 0;
  while (std::getline(chain, s, ',')) {
    ++n;
    const bool ok = s == "random" || s == "binpack(cpu)" || s == "binpack(memory)" ||
                    (s.rfind("spread(", 0) == 0 && s.size() > 8 && s.back() == ')');
    if (!ok) return false;
  }
  return n >= 1 && n <= 5;
}

bool placement_constraint_known(const std::string& c) {
  return c == "distinctInstance" ||
         (c.rfind("memberOf(", 0) == 0 && c.size() > 10 && c.back() == ')');
}

class Loader {
 public:
  Loader(const YAML::Node& root, std::string file, const models::Catalog& catalog)
      : file_{std::move(file)}, root_{&file_, root, "", root.Mark()}, catalog_{catalog} {
    base_dir_ = fs::path{file_}.parent_path();
  }

  Scenario load() {
    if (!root_.node.IsDefined() || root_.node.IsNull())
      throw InputError({file_, 1, 1}, "", "the scenario file is empty");
    root_.check_keys(keys("scenario"));
    Scenario s;
    s.name = root_.required("name").text();
    if (auto f = root_.optional("description")) s.description = f->text();
    if (auto f = root_.optional("seed"))
      s.seed = static_cast<std::uint64_t>(f->integer(0, std::numeric_limits<long long>::max()));
    if (auto f = root_.optional("replications"))
      s.replications = static_cast<int>(f->integer(1, kMaxReplications));
    s.duration = root_.required("duration").positive<sim::Time>();
    if (auto f = root_.optional("warmup")) {
      s.warmup = f->quantity<sim::Time>();
      if (!(s.warmup < s.duration))
        f->fail(fmt::format("warmup {} must be shorter than duration {}", s.warmup, s.duration));
    }
    for (const Field& f : root_.required("hosts").elements(false))
      s.hosts.push_back(host_group(f));
    if (auto f = root_.optional("topology")) {
      s.topology = topology(*f);
      if (const auto& g = s.topology->generator) {
        // Hosts fill the generated racks in order; every host needs a slot.
        const long long slots = 1LL * g->zones * g->racks_per_zone * g->hosts_per_rack;
        if (slots < s.host_count())
          (*f)["generator"].fail(
              fmt::format("has room for {} hosts, but hosts declare {}", slots, s.host_count()));
      }
    }
    if (auto f = root_.optional("registry")) s.registry = registry(*f);
    if (auto f = root_.optional("images")) images(*f, s);
    // A pod_trace scenario has no services (its pods come from the trace).
    std::vector<Field> services;
    if (auto f = root_.optional("services")) services = f->elements(false);
    for (const Field& f : services)
      s.services.push_back(service(f, s));
    resolve_imported_services(s);
    for (std::size_t i = 0; i < services.size(); ++i)  // sizes the imported file supplied
      if (!services[i].optional("cpu") || !services[i].optional("memory"))
        check_fits(services[i], services[i], s.services[i], s);
    if (auto f = root_.optional("workloads"))
      for (const Field& w : f->elements())
        s.workloads.push_back(workload(w, s));
    const bool pod_trace =
        std::any_of(s.workloads.begin(), s.workloads.end(),
                    [](const Workload& w) { return w.kind == WorkloadKind::pod_trace; });
    if (!pod_trace) root_.required("services");  // only a pod trace brings its own pods
    for (const Field& f : root_.required("variants").elements(false))
      s.variants.push_back(variant(f, pod_trace));
    if (auto f = root_.optional("slo")) s.slo = slo(*f);
    if (auto f = root_.optional("cost")) s.cost = cost(*f);
    if (auto f = root_.optional("output")) s.output = output(*f, s);
    if (auto f = root_.optional("sweep"))
      for (const Field& p : f->elements())
        s.sweep.push_back(sweep_parameter(p));
    s.source_file = file_;
    return s;
  }

 private:
  std::string unique_name(const Field& f, const char* what) {
    const std::string name = f.required("name").text();
    if (name.empty()) f["name"].fail("must not be empty");
    check_unique(f["name"], name, names_[what], what);
    return name;
  }

  HostGroup host_group(const Field& f) {
    f.check_keys(keys("host_group"));
    HostGroup g;
    g.name = unique_name(f, "host group");
    if (auto t = f.optional("from_trace")) return host_group_from_trace(f, *t, std::move(g));
    if (auto c = f.optional("count")) g.count = static_cast<int>(c->integer(1, 10'000'000));
    if (auto t = f.optional("instance_type")) {
      g.instance_type = t->text();
      const auto& types = catalog_.instance_types();
      if (const auto it = types.find(g.instance_type); it != types.end()) {
        g.cpu = sim::Millicores::cores(it->second.vcpus);
        g.memory = it->second.memory;
      } else if (!f.optional("cpu") || !f.optional("memory")) {
        t->fail(fmt::format("unknown instance type '{}': give cpu and memory explicitly ({})",
                            g.instance_type, suggest(g.instance_type, types)));
      }
    }
    if (auto c = f.optional("cpu")) g.cpu = c->positive<sim::Millicores>();
    if (auto m = f.optional("memory")) g.memory = m->positive<sim::Bytes>();
    if (g.cpu == sim::Millicores{}) f["cpu"].fail("missing: give instance_type or cpu and memory");
    if (g.memory == sim::Bytes{}) f["memory"].fail("missing: give instance_type or cpu and memory");
    if (auto d = f.optional("disk_bandwidth")) g.disk_bandwidth = d->positive<sim::DataRate>();
    if (auto d = f.optional("disk_iops")) g.disk_iops = d->integer(1, 100'000'000);
    if (auto n = f.optional("network_bandwidth"))
      g.network_bandwidth = n->positive<sim::DataRate>();
    if (auto z = f.optional("zone")) g.zone = z->text();
    if (auto r = f.optional("rack")) g.rack = r->text();
    if (auto p = f.optional("power")) {
      p->check_keys(keys("power"));
      PowerModel pm;
      pm.idle_watts = non_negative(p->required("idle_watts"));
      pm.peak_watts = non_negative(p->required("peak_watts"));
      if (pm.peak_watts < pm.idle_watts) (*p)["peak_watts"].fail("must not be below idle_watts");
      g.power = pm;
    }
    if (auto c = f.optional("price_per_hour")) g.price_per_hour = non_negative(*c);
    return g;
  }

  // A node list: each node a host with its own capacities (read again by the runner).
  HostGroup host_group_from_trace(const Field& f, const Field& t, HostGroup g) {
    for (const char* key : {"count", "instance_type", "cpu", "memory"})
      if (auto x = f.optional(key))
        x->fail(
            "does not apply to a host group from_trace (the node list gives each node's "
            "capacities)");
    g.from_trace = trace_ref(t, {"alibaba-nodes"});
    const auto nodes = importers::load_alibaba_nodes(g.from_trace->file);
    if (nodes.nodes.empty()) t["file"].fail(fmt::format("'{}' lists no nodes", g.from_trace->file));
    g.count = static_cast<int>(nodes.nodes.size());
    for (const auto& n : nodes.nodes) {
      g.cpu = std::max(g.cpu, n.cpu);
      g.memory = std::max(g.memory, n.memory);
    }
    if (auto z = f.optional("zone")) g.zone = z->text();
    if (auto r = f.optional("rack")) g.rack = r->text();
    if (auto c = f.optional("price_per_hour")) g.price_per_hour = non_negative(*c);
    for (const char* key : {"disk_bandwidth", "disk_iops", "network_bandwidth", "power"})
      if (auto x = f.optional(key)) x->fail("does not apply to a host group from_trace");
    return g;
  }

  // `{file, format}` with the format one of `formats`; the file resolved and checked.
  TraceRef trace_ref(const Field& t, const std::vector<std::string>& formats) {
    t.check_keys(keys("trace"));
    TraceRef ref;
    ref.format = t.required("format").text();
    if (std::find(formats.begin(), formats.end(), ref.format) == formats.end())
      t["format"].fail(
          fmt::format("unknown value '{}' (allowed: {})", ref.format, fmt::join(formats, ", ")));
    ref.file = resolve_file(t.required("file"), base_dir_);
    return ref;
  }

  static double non_negative(const Field& f) {
    const double v = f.number();
    if (v < 0) f.fail(fmt::format("must not be negative, got {}", f.text()));
    return v;
  }
  static double positive_number(const Field& f) {
    const double v = f.number();
    if (!(v > 0)) f.fail(fmt::format("must be greater than zero, got {}", f.text()));
    return v;
  }
  static double fraction(const Field& f) {
    const double v = f.number();
    if (!(v > 0 && v <= 1)) f.fail(fmt::format("must be a fraction in (0, 1], got {}", f.text()));
    return v;
  }

  Link link(const Field& f, const char* table) {
    f.check_keys(keys(table));
    Link l;
    l.bandwidth = f.required("bandwidth").positive<sim::DataRate>();
    if (auto t = f.optional("latency")) l.latency = t->quantity<sim::Time>();
    return l;
  }

  Topology topology(const Field& f) {
    f.check_keys(keys("topology"));
    Topology t;
    const auto gen = f.optional("generator");
    const auto links = f.optional("links");
    if (gen.has_value() == links.has_value()) f.fail("give exactly one of generator or links");
    if (gen) {
      gen->check_keys(keys("topology_generator"));
      TopologyGenerator g;
      g.zones = static_cast<int>(gen->required("zones").integer(1, 1000));
      g.racks_per_zone = static_cast<int>(gen->required("racks_per_zone").integer(1, 100000));
      g.hosts_per_rack = static_cast<int>(gen->required("hosts_per_rack").integer(1, 100000));
      g.uplinks = link(gen->required("uplinks"), "link");
      t.generator = g;
    } else {
      for (const Field& e : links->elements(false)) {
        e.check_keys(keys("explicit_link"));
        ExplicitLink x;
        x.from = e.required("from").text();
        x.to = e.required("to").text();
        x.link.bandwidth = e.required("bandwidth").positive<sim::DataRate>();
        if (auto l = e.optional("latency")) x.link.latency = l->quantity<sim::Time>();
        t.links.push_back(x);
      }
    }
    return t;
  }

  Registry registry(const Field& f) {
    const Link l = link(f, "registry");
    return Registry{l.bandwidth, l.latency};
  }

  void images(const Field& f, Scenario& s) {
    if (!f.node.IsMap()) f.fail("expected a mapping of image name to image");
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
      const std::string name = it->first.Scalar();
      const Field img = f[name];
      img.check_keys(keys("image"));
      Image im;
      im.name = name;
      const Field layers = img.required("layers");
      if (layers.node.IsSequence()) {
        if (img.optional("size"))
          img["size"].fail("give either size with a layer count or a list of layers, not both");
        std::size_t i = 0;
        for (const Field& l : layers.elements(false)) {
          l.check_keys(keys("layer"));
          Layer layer;
          layer.digest =
              l.optional("digest") ? l["digest"].text() : fmt::format("{}/layer{}", name, i);
          layer.size = l.required("size").positive<sim::Bytes>();
          im.layers.push_back(layer);
          ++i;
        }
      } else {
        const auto n = layers.integer(1, 1000);
        const sim::Bytes total = img.required("size").positive<sim::Bytes>();
        // Equal layers, the remainder on the first, so the sizes add up exactly.
        const sim::Bytes each{total.count() / n};
        for (long long i = 0; i < n; ++i)
          im.layers.push_back(
              {fmt::format("{}/layer{}", name, i), i == 0 ? total - each * (n - 1) : each});
      }
      s.images.push_back(std::move(im));
    }
  }

  Service service(const Field& f, const Scenario& s) {
    f.check_keys(keys("service"));
    Service sv;
    sv.where = f.where();
    sv.name = unique_name(f, "service");
    if (auto e = f.optional("ecs_task_definition"))
      sv.ecs_task_definition = resolve_file(*e, base_dir_);
    if (auto k = f.optional("kubernetes")) sv.kubernetes = resolve_file(*k, base_dir_);
    if (!sv.ecs_task_definition.empty() && !sv.kubernetes.empty())
      f["kubernetes"].fail("give either ecs_task_definition or kubernetes, not both");
    const bool imported = !sv.ecs_task_definition.empty() || !sv.kubernetes.empty();
    // With a task definition or manifest, image and resources may come from that file.
    if (auto i = imported ? f.optional("image") : std::optional<Field>{f.required("image")}) {
      sv.image = i->text();
      const bool known = std::any_of(s.images.begin(), s.images.end(),
                                     [&](const Image& im) { return im.name == sv.image; });
      if (!known) i->fail(fmt::format("undefined image '{}' (define it under images)", sv.image));
    }
    std::optional<Field> cpu = imported ? f.optional("cpu") : f.required("cpu");
    std::optional<Field> memory = imported ? f.optional("memory") : f.required("memory");
    if (cpu) sv.cpu_request = sv.cpu_limit = cpu->positive<sim::Millicores>();
    if (memory) sv.memory_request = sv.memory_limit = memory->positive<sim::Bytes>();
    if (auto l = f.optional("cpu_limit")) {
      if (l->text() == "none") {
        sv.cpu_limit = sim::Millicores{};
      } else {
        sv.cpu_limit = l->positive<sim::Millicores>();
        if (sv.cpu_limit < sv.cpu_request) l->fail("must not be below the request (cpu)");
      }
    }
    if (auto l = f.optional("memory_limit")) {
      sv.memory_limit = l->positive<sim::Bytes>();
      if (sv.memory_limit < sv.memory_request) l->fail("must not be below the request (memory)");
    }
    if (cpu && memory) check_fits(*cpu, *memory, sv, s);
    if (auto r = f.optional("replicas")) {
      sv.replicas = static_cast<int>(r->integer(0, 10'000'000));
      sv.replicas_written = true;
    }
    if (auto w = f.optional("work")) {
      w->check_keys(keys("work"));
      if (auto c = w->optional("cpu_time")) sv.work.cpu_time = read_distribution<sim::Time>(*c);
      if (auto b = w->optional("io_bytes")) sv.work.io_bytes = read_distribution<sim::Bytes>(*b);
    }
    if (auto a = f.optional("autoscaling")) {
      sv.autoscaling = autoscaling(*a, sv.replicas);
      sv.autoscaling_written = true;
    }
    if (auto p = f.optional("placement_constraints")) {
      for (const Field& c : p->elements()) {
        const std::string text = c.text();
        if (!placement_constraint_known(text))
          c.fail(
              fmt::format("unknown placement constraint '{}' (allowed: distinctInstance, "
                          "memberOf(EXPRESSION))",
                          text));
        sv.placement_constraints.push_back(text);
      }
    }
    if (auto l = f.optional("labels")) sv.labels = string_map(*l);
    if (auto a = f.optional("affinity"))
      for (const Field& t : a->elements())
        sv.affinity.push_back(affinity_term(t));
    if (auto a = f.optional("anti_affinity"))
      for (const Field& t : a->elements())
        sv.anti_affinity.push_back(affinity_term(t));
    if (auto a = f.optional("topology_spread"))
      for (const Field& c : a->elements())
        sv.topology_spread.push_back(spread_constraint(c));
    return sv;
  }

  // A mapping of plain strings (labels, match_labels).
  static std::map<std::string, std::string> string_map(const Field& f) {
    if (!f.node.IsMap()) f.fail("expected a mapping of names to values, e.g. {app: web}");
    std::map<std::string, std::string> out;
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
      const std::string key = it->first.Scalar();
      const Field value = f[key];
      if (key.empty()) f.fail("a label name must not be empty");
      if (!out.emplace(key, value.text()).second)
        value.fail(fmt::format("duplicate label '{}'", key));
    }
    return out;
  }

  // `topology_key`: a short name (hostname, zone, rack) or a well-known node attribute.
  static std::string topology_key(const Field& f) {
    const std::string text = f.text();
    if (auto key = models::placement::topology_key(text)) return *key;
    f.fail(fmt::format("unknown topology key '{}' (known: {})", text,
                       fmt::join(models::placement::topology_keys(), ", ")));
  }

  // match_labels and match_expressions of a term or spread constraint; one of them is required
  // (a term without a selector would match no pod).
  static models::placement::LabelSelector selector(const Field& f) {
    using models::placement::LabelRequirement;
    models::placement::LabelSelector sel;
    const auto labels = f.optional("match_labels");
    const auto expressions = f.optional("match_expressions");
    if (!labels && !expressions)
      f.fail(
          "give match_labels or match_expressions (the pods it counts; match_labels: {} counts "
          "every pod)");
    if (labels)
      for (const auto& [k, v] : string_map(*labels))
        sel.match_labels.emplace(k, v);
    if (expressions) {
      for (const Field& e : expressions->elements(false)) {
        e.check_keys(keys("label_requirement"));
        LabelRequirement r;
        r.key = e.required("key").text();
        const Field op = e.required("operator");
        const auto parsed = models::placement::parse_label_operator(op.text());
        if (!parsed)
          op.fail(fmt::format("unknown operator '{}' (allowed: In, NotIn, Exists, DoesNotExist)",
                              op.text()));
        r.op = *parsed;
        const bool set_op =
            r.op == LabelRequirement::Op::in || r.op == LabelRequirement::Op::not_in;
        if (auto values = e.optional("values")) {
          if (!set_op) values->fail(fmt::format("does not apply to operator {}", op.text()));
          for (const Field& v : values->elements(false))
            r.values.push_back(v.text());
        } else if (set_op) {
          e.required("values");
        }
        sel.match_expressions.push_back(std::move(r));
      }
    }
    return sel;
  }

  models::placement::PodAffinityTerm affinity_term(const Field& f) {
    f.check_keys(keys("affinity_term"));
    models::placement::PodAffinityTerm t;
    if (auto type = f.optional("type")) {
      const std::string text = type->text();
      if (text != "required" && text != "preferred")
        type->fail(fmt::format("unknown value '{}' (allowed: required, preferred)", text));
      t.required = text == "required";
    }
    if (t.required) {
      if (auto w = f.optional("weight")) w->fail("applies to preferred terms only");
    } else {
      t.weight = static_cast<int>(f.required("weight").integer(1, 100));
    }
    t.topology_key = topology_key(f.required("topology_key"));
    t.selector = selector(f);
    return t;
  }

  models::placement::TopologySpreadConstraint spread_constraint(const Field& f) {
    f.check_keys(keys("topology_spread"));
    models::placement::TopologySpreadConstraint c;
    c.max_skew = static_cast<int>(f.required("max_skew").integer(1, 1'000'000));
    c.topology_key = topology_key(f.required("topology_key"));
    if (auto w = f.optional("when_unsatisfiable")) {
      const std::string text = w->text();
      if (text != "DoNotSchedule" && text != "ScheduleAnyway")
        w->fail(fmt::format("unknown value '{}' (allowed: DoNotSchedule, ScheduleAnyway)", text));
      c.do_not_schedule = text == "DoNotSchedule";
    }
    c.selector = selector(f);
    return c;
  }

  // A service must fit on at least one host group (CPU and memory at once).
  static void check_fits(const Field& cpu, const Field& memory, const Service& sv,
                         const Scenario& s) {
    const HostGroup* largest_cpu = &s.hosts.front();
    const HostGroup* largest_memory = &s.hosts.front();
    for (const HostGroup& g : s.hosts) {
      if (sv.cpu_request <= g.cpu && sv.memory_request <= g.memory) return;
      if (largest_cpu->cpu < g.cpu) largest_cpu = &g;
      if (largest_memory->memory < g.memory) largest_memory = &g;
    }
    if (largest_cpu->cpu < sv.cpu_request)
      cpu.fail(fmt::format("request {} fits no host group (the largest has {}, '{}')",
                           sv.cpu_request, largest_cpu->cpu, largest_cpu->name));
    if (largest_memory->memory < sv.memory_request)
      memory.fail(fmt::format("request {} fits no host group (the largest has {}, '{}')",
                              sv.memory_request, largest_memory->memory, largest_memory->name));
    memory.fail(fmt::format("no host group has both {} CPU and {} memory", sv.cpu_request,
                            sv.memory_request));
  }

  Autoscaling autoscaling(const Field& f, int replicas) {
    f.check_keys(keys("autoscaling"));
    Autoscaling a;
    a.kind = read_enum(f.required("kind"), {AutoscalerKind::none, AutoscalerKind::hpa,
                                            AutoscalerKind::target_tracking, AutoscalerKind::step});
    a.min_replicas = a.max_replicas = replicas;
    if (a.kind == AutoscalerKind::none) {
      for (auto it = f.node.begin(); it != f.node.end(); ++it)
        if (it->first.Scalar() != "kind")
          f[it->first.Scalar()].fail("does not apply when kind is none");
      return a;
    }
    a.min_replicas = static_cast<int>(f.required("min_replicas").integer(0, 10'000'000));
    a.max_replicas = static_cast<int>(f.required("max_replicas").integer(1, 10'000'000));
    if (a.max_replicas < a.min_replicas) f["max_replicas"].fail("must not be below min_replicas");
    if (auto p = f.optional("sync_period")) a.sync_period = p->positive<sim::Time>();
    const bool tracks = a.kind == AutoscalerKind::hpa || a.kind == AutoscalerKind::target_tracking;
    if (tracks)
      a.target_cpu_utilization = fraction(f.required("target_cpu_utilization"));
    else if (f.optional("target_cpu_utilization"))
      f["target_cpu_utilization"].fail("applies to hpa and target_tracking only");
    const auto only_for = [&](const char* key, AutoscalerKind kind) {
      const auto v = f.optional(key);
      if (v && a.kind != kind) v->fail(fmt::format("applies to {} only", to_string(kind)));
      return v;
    };
    if (auto t = only_for("tolerance", AutoscalerKind::hpa)) a.tolerance = non_negative(*t);
    if (auto t = only_for("scale_down_stabilization", AutoscalerKind::hpa))
      a.scale_down_stabilization = t->quantity<sim::Time>();
    if (auto c = f.optional("cooldown")) {
      if (a.kind == AutoscalerKind::hpa) c->fail("applies to target_tracking and step only");
      a.cooldown = c->quantity<sim::Time>();
    }
    if (auto steps = only_for("steps", AutoscalerKind::step)) {
      for (const Field& st : steps->elements(false)) {
        st.check_keys(keys("scaling_step"));
        ScalingStep step;
        step.lower = non_negative(st.required("lower"));
        step.upper =
            st.optional("upper") ? st["upper"].number() : std::numeric_limits<double>::infinity();
        if (!(step.lower < step.upper)) st["upper"].fail("must be greater than lower");
        step.change = static_cast<int>(st.required("change").integer(-1'000'000, 1'000'000));
        a.steps.push_back(step);
      }
    } else if (a.kind == AutoscalerKind::step) {
      f.required("steps");
    }
    return a;
  }

  Workload workload(const Field& f, const Scenario& s) {
    f.check_keys(keys("workload"));
    Workload w;
    w.kind = read_enum(
        f.required("kind"),
        {WorkloadKind::poisson, WorkloadKind::onoff, WorkloadKind::mmpp, WorkloadKind::diurnal,
         WorkloadKind::step, WorkloadKind::trace, WorkloadKind::pod_trace});
    if (w.kind == WorkloadKind::pod_trace) return pod_trace_workload(f, s, std::move(w));
    if (has_pod_trace_) f.fail("a scenario with a pod_trace workload has no other workload");
    const Field svc = f.required("service");
    w.service = svc.text();
    if (std::none_of(s.services.begin(), s.services.end(),
                     [&](const Service& x) { return x.name == w.service; }))
      svc.fail(fmt::format("undefined service '{}'", w.service));
    check_unique(svc, w.service, names_["workload"], "workload service");
    std::vector<std::string> takes;
    switch (w.kind) {
      case WorkloadKind::poisson:
        takes = {"rate"};
        break;
      case WorkloadKind::onoff:
        takes = {"rate", "on", "off"};
        break;
      case WorkloadKind::mmpp:
        takes = {"states"};
        break;
      case WorkloadKind::diurnal:
        takes = {"rate", "amplitude", "period", "peak_at"};
        break;
      case WorkloadKind::step:
        takes = {"steps"};
        break;
      case WorkloadKind::trace:
      case WorkloadKind::pod_trace:
        takes = {"trace"};
        break;
    }
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
      const std::string k = it->first.Scalar();
      const bool common = k == "service" || k == "kind" || k == "bursts";
      if (!common && std::find(takes.begin(), takes.end(), k) == takes.end())
        f[k].fail(fmt::format("does not apply to the {} workload (it takes {})", to_string(w.kind),
                              fmt::join(takes, ", ")));
    }
    switch (w.kind) {
      case WorkloadKind::poisson:
        w.rate = positive_number(f.required("rate"));
        break;
      case WorkloadKind::onoff:
        w.rate = positive_number(f.required("rate"));
        w.on = read_distribution<sim::Time>(f.required("on"));
        w.off = read_distribution<sim::Time>(f.required("off"));
        break;
      case WorkloadKind::mmpp: {
        const auto states = f.required("states").elements(false);
        if (states.size() < 2) f["states"].fail("an MMPP needs at least two states");
        for (const Field& st : states) {
          st.check_keys(keys("mmpp_state"));
          w.states.push_back({non_negative(st.required("rate")),
                              st.required("mean_sojourn").positive<sim::Time>()});
        }
        break;
      }
      case WorkloadKind::diurnal:
        w.rate = positive_number(f.required("rate"));
        w.amplitude = non_negative(f.required("amplitude"));
        if (w.amplitude > 1) f["amplitude"].fail("must be at most 1 (the rate would go negative)");
        w.period =
            f.optional("period") ? f["period"].positive<sim::Time>() : sim::Time::from_s(86400);
        if (auto p = f.optional("peak_at")) {
          w.peak_at = p->quantity<sim::Time>();
          if (!(w.peak_at < w.period)) p->fail("must be within the period");
        }
        break;
      case WorkloadKind::step:
        for (const Field& st : f.required("steps").elements(false)) {
          st.check_keys(keys("rate_step"));
          const RateStep step{st.required("at").quantity<sim::Time>(),
                              non_negative(st.required("rate"))};
          if (!w.steps.empty() && !(w.steps.back().at < step.at))
            st["at"].fail("steps must be in increasing time order");
          w.steps.push_back(step);
        }
        break;
      case WorkloadKind::trace:
        w.trace = trace_ref(f.required("trace"), known_trace_formats());
        break;
      case WorkloadKind::pod_trace:
        break;  // read by pod_trace_workload()
    }
    if (auto b = f.optional("bursts")) {
      for (const Field& e : b->elements()) {
        e.check_keys(keys("burst"));
        Burst burst;
        burst.at = e.required("at").quantity<sim::Time>();
        if (!(burst.at < s.duration))
          e["at"].fail(
              fmt::format("{} is not before the end of the scenario ({})", burst.at, s.duration));
        burst.duration = e.required("duration").positive<sim::Time>();
        burst.multiplier = positive_number(e.required("multiplier"));
        w.bursts.push_back(burst);
      }
    }
    return w;
  }

  // The pods of a cluster trace, replayed against the hosts by the placement benchmark.
  Workload pod_trace_workload(const Field& f, const Scenario& s, Workload w) {
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
      const std::string k = it->first.Scalar();
      if (k != "kind" && k != "trace" && k != "lifetimes" && k != "arrival_speedup" &&
          k != "patience" && k != "max_pods")
        f[k].fail(
            "does not apply to the pod_trace workload (it takes trace, lifetimes, "
            "arrival_speedup, patience, max_pods: each pod in the trace carries its own "
            "demand)");
    }
    if (!s.services.empty())
      f.fail("a scenario with a pod_trace workload has no services (its pods come from the trace)");
    if (!s.workloads.empty()) f.fail("a scenario with a pod_trace workload has no other workload");
    w.trace = trace_ref(f.required("trace"), {"alibaba-pods"});
    if (auto l = f.optional("lifetimes")) {
      const std::string v = l->text();
      if (v != "trace" && v != "hold")
        l->fail(fmt::format("unknown value '{}' (allowed: trace, hold)", v));
      w.hold_pods = v == "hold";
    }
    if (auto k = f.optional("arrival_speedup")) {
      w.arrival_speedup = k->number();
      if (!(w.arrival_speedup >= 1.0) || !std::isfinite(w.arrival_speedup))
        k->fail(
            "must be a number of at least 1 (the gaps between pod creations are divided by it)");
      if (w.hold_pods && w.arrival_speedup != 1.0)
        k->fail(
            "does not apply with lifetimes: hold (held pods never leave, so their pace "
            "does not change what fits)");
    }
    if (auto p = f.optional("patience")) w.patience = p->positive<sim::Time>();
    if (auto m = f.optional("max_pods"))
      w.max_pods = static_cast<std::size_t>(m->integer(0, 1'000'000'000));
    has_pod_trace_ = true;
    return w;
  }

  Variant variant(const Field& f, bool pod_trace) {
    f.check_keys(keys("variant"));
    Variant v;
    v.where = f.where();
    v.name = unique_name(f, "variant");
    v.platform =
        read_enum(f.required("platform"), {PlatformKind::vm, PlatformKind::microvm,
                                           PlatformKind::container, PlatformKind::container_in_vm});
    const Field profile_field = f.required("profile");
    v.profile = profile_field.text();
    if (v.profile.empty()) profile_field.fail("must not be empty");
    const models::PlatformProfile& profile = catalog_profile(profile_field, v.platform);
    const bool in_vm = v.platform == PlatformKind::container_in_vm;
    if (in_vm) {
      const Field type = f.required("node_instance_type");
      v.node_instance_type = type.text();
      if (!catalog_.instance_types().contains(v.node_instance_type))
        type.fail(fmt::format("unknown instance type '{}' ({})", v.node_instance_type,
                              suggest(v.node_instance_type, catalog_.instance_types())));
    } else if (auto n = f.optional("node_instance_type")) {
      n->fail("applies to container_in_vm only");
    }
    if (auto p = f.optional("placement")) {
      v.placement = p->text();
      if (v.placement == "fgd" && !pod_trace)
        p->fail(
            "fgd applies to pod_trace scenarios only (it needs the trace's pods as its target "
            "workload)");
      if (!placement_policy_known(v.placement) && v.placement != "fgd")
        p->fail(fmt::format(
            "unknown placement policy '{}' (allowed: first_fit, best_fit, worst_fit, random, "
            "round_robin, tetris, fgd (pod_trace only), k8s, k8s:PLUGIN[*WEIGHT][,...] with "
            "LeastAllocated, MostAllocated, BalancedAllocation, RequestedToCapacityRatio, "
            "InterPodAffinity, PodTopologySpread, ecs:STRATEGY[,STRATEGY...] with binpack(cpu), "
            "binpack(memory), spread(ATTRIBUTE), random)",
            v.placement));
    }
    if (auto c = f.optional("cluster_autoscaler")) {
      if (!in_vm) c->fail("applies to container_in_vm only (it adds VM nodes)");
      c->check_keys(keys("cluster_autoscaler"));
      ClusterAutoscaler ca;
      if (auto e = c->optional("enabled")) ca.enabled = e->boolean();
      if (auto m = c->optional("min_nodes"))
        ca.min_nodes = static_cast<int>(m->integer(0, 1'000'000));
      ca.max_nodes = static_cast<int>(c->required("max_nodes").integer(1, 1'000'000));
      if (ca.max_nodes < ca.min_nodes) (*c)["max_nodes"].fail("must not be below min_nodes");
      if (auto t = c->optional("scan_interval")) ca.scan_interval = t->positive<sim::Time>();
      if (auto t = c->optional("scale_down_unneeded_time"))
        ca.scale_down_unneeded_time = t->positive<sim::Time>();
      if (auto t = c->optional("scale_down_utilization_threshold"))
        ca.scale_down_utilization_threshold = fraction(*t);
      v.cluster_autoscaler = ca;
    }
    if (pod_trace) {
      // One pod = one container, or one VM of the profile, placed directly on a host.
      if (in_vm)
        f["platform"].fail(
            "container_in_vm does not apply to a pod_trace scenario (use container "
            "for pods as containers, vm or microvm for one VM per pod)");
      f.required("placement");
    }
    if (auto o = f.optional("overrides")) {
      if (!o->node.IsMap()) o->fail("expected a mapping of profile values");
      check_overrides(*o, profile);
      flatten(*o, "", v.overrides);
    }
    return v;
  }

  // The catalog profile a variant names; it must exist and be of the variant's platform kind.
  const models::PlatformProfile& catalog_profile(const Field& f, PlatformKind platform) const {
    const auto& profiles = catalog_.profiles();
    const auto it = profiles.find(f.text());
    if (it == profiles.end())
      f.fail(fmt::format("unknown profile '{}' ({})", f.text(), suggest(f.text(), profiles)));
    if (it->second.kind != platform) {
      std::vector<std::string> of_kind;
      for (const auto& [name, p] : profiles)
        if (p.kind == platform) of_kind.push_back(name);
      f.fail(
          fmt::format("profile '{}' is a {} profile, but the variant's platform is {} ({} "
                      "profiles: {})",
                      f.text(), to_string(it->second.kind), to_string(platform),
                      to_string(platform), fmt::join(of_kind, ", ")));
    }
    return it->second;
  }

  // Applies the overrides to a copy of the profile, so that an unknown key or a bad value is an
  // error now, at its place in the file, rather than when the variant runs.
  void check_overrides(const Field& overrides, const models::PlatformProfile& profile) const {
    models::PlatformProfile copy = profile;
    try {
      models::apply_overrides(copy, overrides.node);
    } catch (const models::CatalogError& e) {
      // what() starts with "LINE:COL: " when the catalog knows the node; the location goes into
      // the InputError instead. Nodes a sweep point set have no mark: then the overrides' place.
      std::string message = e.what();
      const std::string prefix = fmt::format("{}:{}: ", e.line(), e.column());
      if (e.line() > 0 && message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
      const SourceLocation at =
          e.line() > 0 ? SourceLocation{file_, e.line(), e.column()} : overrides.where();
      throw InputError(at, overrides.path, overrides.path + ": " + message);
    }
  }

  // "did you mean 'x'? known: a, b, c" over the names of a catalog map.
  template <class Map>
  static std::string suggest(const std::string& word, const Map& map) {
    std::vector<std::string> names;
    for (const auto& kv : map)
      names.push_back(kv.first);
    const std::string hint = closest_match(word, names);
    return fmt::format("{}known: {}", hint.empty() ? "" : fmt::format("did you mean '{}'? ", hint),
                       fmt::join(names, ", "));
  }

  void flatten(const Field& f, const std::string& prefix,
               std::map<std::string, OverrideValue>& out) {
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
      const std::string key = it->first.Scalar();
      const Field child = f[key];
      const std::string name = prefix.empty() ? key : prefix + "." + key;
      if (child.node.IsMap())
        flatten(child, name, out);
      else
        out[name] = OverrideValue{child.text(), child.where()};
    }
  }

  Slo slo(const Field& f) {
    f.check_keys(keys("slo"));
    Slo s;
    if (auto t = f.optional("startup_p99")) s.startup_p99 = t->positive<sim::Time>();
    if (auto t = f.optional("request_latency_p99"))
      s.request_latency_p99 = t->positive<sim::Time>();
    if (auto t = f.optional("request_latency_threshold"))
      s.request_latency_threshold = t->positive<sim::Time>();
    if (!s.startup_p99 && !s.request_latency_p99 && !s.request_latency_threshold)
      f.fail(
          "give at least one objective (startup_p99, request_latency_p99, "
          "request_latency_threshold)");
    return s;
  }

  Cost cost(const Field& f) {
    f.check_keys(keys("cost"));
    Cost c;
    if (auto x = f.optional("currency")) c.currency = x->text();
    if (auto x = f.optional("per_vcpu_hour")) c.per_vcpu_hour = non_negative(*x);
    if (auto x = f.optional("per_gib_hour")) c.per_gib_hour = non_negative(*x);
    if (auto x = f.optional("per_kwh")) c.per_kwh = non_negative(*x);
    return c;
  }

  Output output(const Field& f, const Scenario& s) {
    f.check_keys(keys("output"));
    Output o;
    if (auto d = f.optional("directory")) o.directory = d->text();
    if (auto fm = f.optional("formats")) {
      static const std::vector<std::string> allowed{"table", "json", "csv", "trace", "html"};
      o.formats.clear();
      for (const Field& e : fm->elements(false)) {
        const std::string v = e.text();
        if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
          e.fail(fmt::format("unknown value '{}' (allowed: {})", v, fmt::join(allowed, ", ")));
        o.formats.push_back(v);
      }
    }
    if (auto b = f.optional("baseline")) {
      o.baseline = b->text();
      if (std::none_of(s.variants.begin(), s.variants.end(),
                       [&](const Variant& v) { return v.name == o.baseline; }))
        b->fail(fmt::format("undefined variant '{}'", o.baseline));
    }
    return o;
  }

  SweepParameter sweep_parameter(const Field& f) {
    f.check_keys(keys("sweep_parameter"));
    SweepParameter p;
    const Field path = f.required("path");
    p.path = path.text();
    p.where = f.where();
    check_sweep_path(path);
    const auto values = f.optional("values");
    const auto range = f.optional("range");
    if (values.has_value() == range.has_value()) f.fail("give exactly one of values or range");
    if (values) {
      for (const Field& v : values->elements(false)) {
        p.values.push_back(v.text());
        p.value_locations.push_back(v.where());
      }
    } else {
      range->check_keys(keys("range"));
      // Numbers with an optional unit, the same for all three: {from: 1Gbps, to: 4Gbps, step:
      // 1Gbps}.
      std::string unit;
      const auto read = [&](const char* key) {
        const Field x = range->required(key);
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
      if (!(step > 0)) (*range)["step"].fail("must be greater than zero");
      if (to < from) (*range)["to"].fail("must not be below from");
      const double points = std::floor((to - from) / step + 1e-9) + 1;
      if (points > 10000) range->fail(fmt::format("{} points: at most 10000", points));
      for (int i = 0; i < static_cast<int>(points); ++i)  // rounded: 0.1 x 3 prints as 0.3
        p.values.push_back(fmt::format("{}{}", std::round((from + i * step) * 1e9) / 1e9, unit));
    }
    return p;
  }

  // A sweep path must name a parameter the format has: each segment a key of the mapping it is
  // in, names (or '*') selecting list entries, anything below a variant's free overrides.
  void check_sweep_path(const Field& f) {
    std::vector<std::string> segs;
    std::stringstream ss{f.text()};
    for (std::string seg; std::getline(ss, seg, '.');)
      segs.push_back(seg);
    std::string table = "scenario";
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const std::string& key = segs[i];
      const auto& allowed = keys(table.c_str());
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        const std::string hint = closest_match(key, allowed);
        f.fail(fmt::format("'{}' names no parameter: '{}' is not a key of {}{}", f.text(), key,
                           table, hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
      }
      const std::string next = sweep_child(table, key);
      if (next.empty()) {
        if (i + 1 != segs.size())
          f.fail(fmt::format("'{}' names no parameter: '{}' has no keys", f.text(), key));
        return;
      }
      if (next == "free") {
        if (i + 1 == segs.size())
          f.fail(fmt::format("'{}' names no parameter: give a key below {}", f.text(), key));
        return;
      }
      if (next.front() == '@') {  // a list or map of named entries: the next segment is a name
        if (i + 1 >= segs.size())
          f.fail(
              fmt::format("'{}' names no parameter: name an entry of {} (or '*')", f.text(), key));
        const std::string& name = segs[++i];
        if (name != "*" && !has_entry(key, name))
          f.fail(fmt::format("'{}' names no parameter: there is no {} '{}'", f.text(), key, name));
        table = next.substr(1);
        if (i + 1 == segs.size())
          f.fail(fmt::format("'{}' names no parameter: give a key of {}", f.text(), table));
      } else {
        table = next;
      }
    }
    f.fail(fmt::format("'{}' names no parameter", f.text()));
  }

  bool has_entry(const std::string& section, const std::string& name) const {
    const YAML::Node& root = root_.node;
    const YAML::Node list = root[section];
    if (section == "images") return list.IsMap() && list[name].IsDefined();
    const char* key = section == "workloads" ? "service" : "name";
    for (const auto& e : list)
      if (e.IsMap() && e[key].IsScalar() && e[key].Scalar() == name) return true;
    return false;
  }

 public:
  // The table a key leads into: "" for a leaf, "free" for a free map, "@table" for named
  // entries of a list or map.
  static std::string sweep_child(const std::string& table, const std::string& key) {
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
    };
    const auto it = children.find({table, key});
    return it == children.end() ? std::string{} : it->second;
  }

 private:
  std::string file_;
  fs::path base_dir_;
  Field root_;
  const models::Catalog& catalog_;
  std::map<std::string, std::set<std::string>> names_;
  bool has_pod_trace_ = false;
};

YAML::Node parse_yaml(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError({file, e.mark.line + 1, e.mark.column + 1}, "",
                     fmt::format("invalid YAML: {}", e.msg));
  }
}

// Sets `value` at `segs[i...]` below `node` (table `table`), for every entry a '*' selects.
void set_path(YAML::Node node, const std::string& table, const std::vector<std::string>& segs,
              std::size_t i, const std::string& value) {
  const std::string& key = segs[i];
  if (i + 1 == segs.size()) {
    node[key] = value;
    return;
  }
  const std::string next = Loader::sweep_child(table, key);
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

Scenario load_scenario_text(const std::string& text, const fs::path& file,
                            const models::Catalog& catalog) {
  const YAML::Node root = parse_yaml(text, file.string());
  Scenario s = Loader{root, file.string(), catalog}.load();
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

std::vector<Scenario> expand_sweep(const Scenario& scenario) {
  if (scenario.sweep.empty()) return {scenario};
  return expand_sweep(scenario, models::Catalog::load_default());
}

std::vector<Scenario> expand_sweep(const Scenario& scenario, const models::Catalog& catalog) {
  if (scenario.sweep.empty()) return {scenario};
  const YAML::Node original = parse_yaml(scenario.source_text, scenario.source_file);
  const auto& sweep = scenario.sweep;
  // Loads the point that takes value index[p] of each parameter p (of parameter `only` alone,
  // the others as the file has them, if `only` names one).
  const auto load_point = [&](const std::vector<std::size_t>& index,
                              std::size_t only = std::numeric_limits<std::size_t>::max()) {
    YAML::Node doc = YAML::Clone(original);
    doc.remove("sweep");
    std::vector<std::pair<std::string, std::string>> point;
    for (std::size_t p = 0; p < sweep.size(); ++p) {
      if (only < sweep.size() && p != only) continue;
      std::vector<std::string> segs;
      std::stringstream ss{sweep[p].path};
      for (std::string seg; std::getline(ss, seg, '.');)
        segs.push_back(seg);
      set_path(doc, "scenario", segs, 0, sweep[p].values[index[p]]);
      point.emplace_back(sweep[p].path, sweep[p].values[index[p]]);
    }
    Scenario s = Loader{doc, scenario.source_file, catalog}.load();
    s.source_text = YAML::Dump(doc);
    s.sweep_point = std::move(point);
    return s;
  };
  const auto describe = [&](const std::vector<std::size_t>& index) {
    std::vector<std::string> desc;
    for (std::size_t p = 0; p < sweep.size(); ++p)
      desc.push_back(sweep[p].path + " = " + sweep[p].values[index[p]]);
    return fmt::format("{}", fmt::join(desc, ", "));
  };
  // First each value alone (the other parameters as the file has them), so that a bad value is
  // reported where it is written; then the whole grid, where only combinations can still fail.
  for (std::size_t p = 0; p < sweep.size(); ++p) {
    for (std::size_t v = 0; v < sweep[p].values.size(); ++v) {
      std::vector<std::size_t> index(sweep.size(), 0);
      index[p] = v;
      try {
        load_point(index, p);
      } catch (const InputError& e) {
        const std::string field = fmt::format("sweep[{}].values[{}]", p, v);
        const SourceLocation& at =
            v < sweep[p].value_locations.size() ? sweep[p].value_locations[v] : sweep[p].where;
        throw InputError(
            at, field,
            fmt::format("{}: {} = {}: {}", field, sweep[p].path, sweep[p].values[v], e.message()));
      }
    }
  }
  std::vector<std::size_t> index(sweep.size(), 0);
  std::vector<Scenario> points;
  while (true) {
    try {
      points.push_back(load_point(index));
    } catch (const InputError& e) {
      throw InputError(
          sweep.front().where, "sweep",
          fmt::format("sweep: the point {} is invalid: {}", describe(index), e.message()));
    }
    // Odometer: the last parameter varies fastest.
    std::size_t p = sweep.size();
    while (p > 0) {
      --p;
      if (++index[p] < sweep[p].values.size()) break;
      index[p] = 0;
      if (p == 0) return points;
    }
  }
}

}  // namespace vmcsim::app::scenario
