#include "app/runner/world.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "app/diagnostic.hpp"
#include "app/importers/azure_functions.hpp"
#include "app/importers/ecs_task_definition.hpp"
#include "app/importers/k8s_manifest.hpp"
#include "app/importers/replay_csv.hpp"
#include "app/runner/tenancy.hpp"
#include "models/placement/policy.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::app::runner {
namespace {

using sim::Bytes;
using sim::Millicores;
using sim::Time;

std::vector<models::HostConfig> hosts_of(const scenario::Scenario& s) {
  std::vector<models::HostConfig> hosts;
  const auto& gen = s.topology ? s.topology->generator : std::nullopt;
  int k = 0;  // global host index, for the topology generator
  for (const auto& g : s.hosts) {
    for (int i = 0; i < g.count; ++i, ++k) {
      models::HostSpec spec;
      spec.name = g.count == 1 ? g.name : fmt::format("{}-{}", g.name, i);
      spec.cpu = g.cpu;
      spec.memory = g.memory;
      spec.disk_bandwidth = g.disk_bandwidth.bytes_per_second() > 0
                                ? g.disk_bandwidth
                                : sim::DataRate::parse("500MB/s");
      spec.disk_iops = static_cast<double>(g.disk_iops);
      spec.network_bandwidth = g.network_bandwidth.bytes_per_second() > 0 ? g.network_bandwidth
                                                                          : sim::DataRate::gbps(10);
      std::string zone = g.zone, rack = g.rack;
      if (gen && zone.empty()) {
        const int per_zone = std::max(1, gen->racks_per_zone * gen->hosts_per_rack);
        const int z = (k / per_zone) % std::max(1, gen->zones);
        const int r = (k % per_zone) / std::max(1, gen->hosts_per_rack);
        zone = fmt::format("zone-{}", z);
        if (rack.empty()) rack = fmt::format("zone-{}-rack-{}", z, r);
      }
      if (!zone.empty()) spec.labels["zone"] = zone;
      if (!rack.empty()) spec.labels["rack"] = rack;
      if (!g.instance_type.empty()) spec.labels["instance_type"] = g.instance_type;
      if (g.power) {
        spec.idle_watts = g.power->idle_watts;
        spec.peak_watts = g.power->peak_watts;
      }
      hosts.push_back({spec, g.price_per_hour, Bytes::gib(100)});
    }
  }
  return hosts;
}

// The scenario's network between hosts and registry. Generated: the scenario's uplinks serve
// both rack and zone uplinks; host and registry links add no constraint of their own (the host
// NIC and the registry egress are already resources), only the path structure.
std::optional<models::TopologyConfig> topology_of(const scenario::Scenario& s,
                                                  std::span<const models::HostConfig> hosts) {
  if (!s.topology) return std::nullopt;
  models::TopologyConfig t;
  if (const auto& g = s.topology->generator) {
    models::topology::TopologySpec spec;
    spec.zones = g->zones;
    spec.racks_per_zone = g->racks_per_zone;
    spec.hosts_per_rack = g->hosts_per_rack;
    const models::topology::Link uplink{g->uplinks.bandwidth, g->uplinks.latency};
    spec.rack_uplink = uplink;
    spec.zone_uplink = uplink;
    sim::DataRate widest_nic;
    for (const auto& h : hosts)
      widest_nic = std::max(widest_nic, h.spec.network_bandwidth);
    spec.host_link = {widest_nic, Time::zero()};
    spec.registry_link = {s.registry.bandwidth, Time::zero()};
    t.generator = spec;
  }
  for (const auto& l : s.topology->links)
    t.links.push_back({l.from, l.to, {l.link.bandwidth, l.link.latency}});
  return t;
}

models::Image image_of(const scenario::Image& im) {
  models::Image out{im.name, {}};
  for (const auto& l : im.layers)
    out.layers.push_back({l.digest, l.size});
  return out;
}

// An image only known by name (from a task definition or manifest): 200MiB in 4 layers.
models::Image assumed_image(const std::string& name) {
  models::Image out{name, {}};
  for (int i = 0; i < 4; ++i)
    out.layers.push_back({fmt::format("{}/layer{}", name, i), Bytes::mib(50)});
  return out;
}

// Fills a service's missing values from its ECS task definition or Kubernetes manifest.
scenario::Service imported(const scenario::Service& in, std::string& image_name) {
  scenario::Service s = in;
  image_name = s.image;
  const bool have_cpu = s.cpu_request.value() > 0;
  const bool have_memory = s.memory_request.count() > 0;
  if (!s.ecs_task_definition.empty()) {
    const auto task = importers::load_ecs_task_definition(s.ecs_task_definition);
    if (!have_cpu) s.cpu_request = s.cpu_limit = task.total_cpu();
    if (!have_memory) s.memory_request = s.memory_limit = task.total_memory();
    if (image_name.empty()) {
      for (const auto& c : task.containers) {
        if (c.essential) {
          image_name = c.image;
          break;
        }
      }
    }
    if (s.placement_constraints.empty()) {
      for (const auto& c : task.placement_constraints)
        s.placement_constraints.push_back(
            c.type == "distinctInstance" ? c.type : fmt::format("memberOf({})", c.expression));
    }
  } else if (!s.kubernetes.empty()) {
    const auto manifest = importers::load_k8s_manifests(s.kubernetes);
    if (manifest.workloads.empty())
      throw InputError(s.where, "kubernetes",
                       fmt::format("service '{}': {} has no Deployment, StatefulSet, ReplicaSet, "
                                   "ReplicationController or Pod",
                                   s.name, s.kubernetes));
    // The workload named like the service, else the first one.
    const importers::K8sWorkload* w = &manifest.workloads.front();
    for (const auto& cand : manifest.workloads)
      if (cand.name == s.name) w = &cand;
    if (!have_cpu) s.cpu_request = s.cpu_limit = w->cpu();
    if (!have_memory) s.memory_request = s.memory_limit = w->memory();
    if (s.replicas == 1) s.replicas = w->replicas;
    if (image_name.empty() && !w->containers.empty()) image_name = w->containers.front().image;
    if (s.autoscaling.kind == scenario::AutoscalerKind::none) {
      for (const auto& hpa : manifest.autoscalers) {
        if (manifest.target_of(hpa) != w || !hpa.target_cpu_utilization()) continue;
        s.autoscaling.kind = scenario::AutoscalerKind::hpa;
        s.autoscaling.min_replicas = hpa.min_replicas;
        s.autoscaling.max_replicas = hpa.max_replicas;
        s.autoscaling.target_cpu_utilization = *hpa.target_cpu_utilization() / 100.0;
        if (hpa.scale_down && hpa.scale_down->stabilization_window)
          s.autoscaling.scale_down_stabilization = *hpa.scale_down->stabilization_window;
        s.replicas = std::clamp(s.replicas, hpa.min_replicas, hpa.max_replicas);
      }
    }
  }
  if (s.cpu_request.value() <= 0 || s.memory_request.count() <= 0)
    throw InputError(s.where, "cpu",
                     fmt::format("service '{}': no CPU or memory request (give cpu and memory, or "
                                 "a task definition / manifest that sets them)",
                                 s.name));
  if (image_name.empty())
    throw InputError(s.where, "image", fmt::format("service '{}' names no image", s.name));
  return s;
}

models::AutoscalerConfig autoscaler_of(const scenario::Autoscaling& a) {
  models::AutoscalerConfig c;
  c.sync_period = a.sync_period;
  switch (a.kind) {
    case scenario::AutoscalerKind::none:
      break;
    case scenario::AutoscalerKind::hpa:
      c.kind = models::AutoscalerConfig::Kind::hpa;
      c.hpa.min_replicas = a.min_replicas;
      c.hpa.max_replicas = a.max_replicas;
      c.hpa.target = a.target_cpu_utilization * 100.0;
      c.hpa.tolerance = a.tolerance;
      if (a.scale_down_stabilization > Time::zero())
        c.hpa.scale_down.stabilization_window = a.scale_down_stabilization;
      break;
    case scenario::AutoscalerKind::target_tracking:
      c.kind = models::AutoscalerConfig::Kind::target_tracking;
      c.target_tracking.target = a.target_cpu_utilization * 100.0;
      c.target_tracking.min_capacity = a.min_replicas;
      c.target_tracking.max_capacity = a.max_replicas;
      if (a.cooldown > Time::zero())
        c.target_tracking.scale_out_cooldown = c.target_tracking.scale_in_cooldown = a.cooldown;
      break;
    case scenario::AutoscalerKind::step:
      c.kind = models::AutoscalerConfig::Kind::step;
      c.step.threshold = 0.0;
      c.step.min_capacity = a.min_replicas;
      c.step.max_capacity = a.max_replicas;
      if (a.cooldown > Time::zero()) c.step.cooldown = a.cooldown;
      for (const auto& st : a.steps) {
        models::autoscaling::StepAdjustment adj;
        adj.lower_bound = st.lower * 100.0;
        if (std::isfinite(st.upper)) adj.upper_bound = st.upper * 100.0;
        adj.adjustment = st.change;
        c.step.steps.push_back(adj);
      }
      break;
  }
  return c;
}

sim::Distribution time_distribution(const std::optional<scenario::TimeDistribution>& d,
                                    double fallback_seconds) {
  return d ? d->distribution : sim::Distribution{sim::Constant{fallback_seconds}};
}

std::string policy_spec(const std::string& placement) {
  if (placement.empty()) return "first-fit";
  if (placement.starts_with("ecs") || placement.starts_with("k8s")) return placement;
  std::string out = placement;
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

// A catalog profile with the variant's overrides applied, errors placed at the override.
models::PlatformProfile profile_of(const scenario::Variant& v, const models::Catalog& catalog,
                                   const std::string& name, const SourceLocation& where) {
  models::PlatformProfile p;
  try {
    p = catalog.profile(name);
  } catch (const std::out_of_range& e) {
    throw InputError(where, "profile",
                     fmt::format("variant '{}': unknown profile '{}': {}", v.name, name, e.what()));
  }
  // The flattened entries ("boot.kernel.median" -> "1.5s") grouped back into one YAML tree per
  // field or phase, in the catalog's layout (boot: {<phase>: ...}; the older "<phase>.boot"
  // spelling is turned round). Each group is applied on its own so an error points at the
  // group's first entry.
  struct Group {
    YAML::Node tree = YAML::Node(YAML::NodeType::Map);
    SourceLocation where;
    std::string path;
  };
  std::map<std::string, Group> groups;
  for (const auto& [path, value] : v.overrides) {
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
      const auto dot = path.find('.', start);
      parts.push_back(path.substr(start, dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    const auto pipeline = [](const std::string& x) { return x == "boot" || x == "stop"; };
    if (parts.size() >= 2 && pipeline(parts[1]) && !pipeline(parts[0]))
      std::swap(parts[0], parts[1]);
    const std::string key =
        pipeline(parts[0]) && parts.size() >= 2 ? parts[0] + "." + parts[1] : parts[0];
    Group& g = groups[key];
    if (g.path.empty()) {
      g.where = value.where;
      g.path = path;
    }
    try {
      std::vector<YAML::Node> chain{g.tree};
      for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        YAML::Node next = chain.back()[parts[i]];
        if (!next.IsMap()) next = YAML::Node(YAML::NodeType::Map);
        chain.back()[parts[i]] = next;
        chain.push_back(chain.back()[parts[i]]);
      }
      chain.back()[parts.back()] = YAML::Load(value.text);
    } catch (const YAML::Exception& e) {
      throw InputError(value.where, "overrides." + path,
                       fmt::format("variant '{}': override {}: {}", v.name, path, e.what()));
    }
  }
  for (const auto& [key, g] : groups) {
    try {
      models::apply_overrides(p, g.tree);
    } catch (const models::CatalogError& e) {
      throw InputError(g.where, "overrides." + g.path,
                       fmt::format("variant '{}': override {}: {}", v.name, g.path, e.what()));
    } catch (const YAML::Exception& e) {
      throw InputError(g.where, "overrides." + g.path,
                       fmt::format("variant '{}': override {}: {}", v.name, g.path, e.what()));
    } catch (const sim::ParseError& e) {
      throw InputError(g.where, "overrides." + g.path,
                       fmt::format("variant '{}': override {}: {}", v.name, g.path, e.what()));
    }
  }
  return p;
}

// Nodes the initial replicas need (container_in_vm), for the initial node count.
int nodes_needed(const std::vector<models::ServiceConfig>& services,
                 const models::InstanceType& node) {
  double cpu = 0, memory = 0;
  int distinct = 0;
  for (const auto& s : services) {
    cpu += static_cast<double>(s.cpu_request.value()) / 1000.0 * s.replicas;
    memory += static_cast<double>(s.memory_request.count()) * s.replicas;
    const auto& pc = s.placement_constraints;
    if (std::find(pc.begin(), pc.end(), "distinctInstance") != pc.end())
      distinct = std::max(distinct, s.replicas);
  }
  // 85% of a node is usable: the agent, the guest OS and reserved memory take the rest.
  const double by_cpu = std::ceil(cpu / (0.85 * node.vcpus));
  const double by_memory = std::ceil(memory / (0.85 * static_cast<double>(node.memory.count())));
  return std::max({static_cast<int>(by_cpu), static_cast<int>(by_memory), distinct, 1});
}

// vmcsim's replay CSV (header "timestamp,service,...") rather than bare timestamps.
bool is_replay_csv(const std::string& path) {
  std::ifstream in{path};
  std::string header;
  std::getline(in, header);
  return header.find("timestamp") != std::string::npos &&
         header.find("service") != std::string::npos;
}

std::vector<models::TraceRecord> trace_records(const scenario::Workload& w,
                                               const SourceLocation& where) {
  std::vector<models::TraceRecord> out;
  const auto& t = *w.trace;
  if (t.format == "timestamps" && !is_replay_csv(t.file)) {
    // One arrival time in seconds per line; the work of each request is drawn per job.
    std::ifstream in{t.file};
    if (!in) throw InputError({t.file, 0, 0}, "", "cannot open the trace file");
    std::string line;
    int number = 0;
    sim::Time last;
    while (std::getline(in, line)) {
      ++number;
      const auto first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#') continue;
      double seconds = 0;
      const auto last_char = line.find_last_not_of(" \t\r");
      const auto* begin = line.data() + first;
      const auto* end = line.data() + last_char + 1;
      const auto [ptr, ec] = std::from_chars(begin, end, seconds);
      if (ec != std::errc{} || ptr != end || !(seconds >= 0))
        throw InputError({t.file, number, static_cast<int>(first) + 1}, "timestamp",
                         fmt::format("'{}' is not a time in seconds (>= 0)",
                                     line.substr(first, last_char + 1 - first)));
      const sim::Time at = sim::Time::from_seconds(seconds);
      if (at < last)
        throw InputError({t.file, number, static_cast<int>(first) + 1}, "timestamp",
                         "timestamps must not decrease");
      last = at;
      out.push_back({at, w.service, sim::Time{}, sim::Bytes{}});
    }
    return out;
  }
  if (t.format == "timestamps") {
    const auto trace = importers::load_replay_csv(t.file);
    for (const auto& r : trace.requests) {
      // A replay names its services; a workload replays only the lines of its own service.
      if (r.service != w.service) continue;
      out.push_back({r.timestamp, r.service, r.cpu_time, r.io_bytes});
    }
    return out;
  }
  throw InputError(where, "workloads.trace.format",
                   fmt::format("trace format '{}' describes instances, not requests: the runner "
                               "replays only 'timestamps' (vmcsim replay CSV) and "
                               "'azure-functions-2019' as workloads",
                               t.format));
}

// A rate profile: per-minute invocation counts (Azure Functions), summed over functions.
std::vector<models::StepRate::Step> azure_steps(const scenario::Workload& w) {
  const auto trace = importers::load_azure_functions(w.trace->file, "", "");
  std::vector<double> per_minute;
  for (const auto& f : trace.functions) {
    if (per_minute.size() < f.per_minute.size()) per_minute.resize(f.per_minute.size(), 0.0);
    for (std::size_t m = 0; m < f.per_minute.size(); ++m)
      per_minute[m] += f.per_minute[m];
  }
  std::vector<models::StepRate::Step> steps;
  for (std::size_t m = 0; m < per_minute.size(); ++m)
    steps.push_back(
        {Time::from_s(60) * static_cast<std::int64_t>(m), models::Rate{per_minute[m] / 60.0}});
  return steps;
}

// Folds bursts into a piecewise-constant rate: rate(t) = base(t) x the multipliers active at t.
std::vector<models::StepRate::Step> with_bursts(std::vector<models::StepRate::Step> base,
                                                const std::vector<scenario::Burst>& bursts) {
  std::vector<Time> cuts;
  for (const auto& s : base)
    cuts.push_back(s.from);
  for (const auto& b : bursts) {
    cuts.push_back(b.at);
    cuts.push_back(b.at + b.duration);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  auto base_at = [&](Time t) {
    double r = 0;
    for (const auto& s : base)
      if (s.from <= t) r = s.rate.per_second;
    return r;
  };
  std::vector<models::StepRate::Step> out;
  for (Time t : cuts) {
    double r = base_at(t);
    for (const auto& b : bursts)
      if (b.at <= t && t < b.at + b.duration) r *= b.multiplier;
    out.push_back({t, models::Rate{r}});
  }
  return out;
}

// A diurnal rate multiplied by the bursts active at t (thinning at the bursted peak).
class BurstedDiurnal final : public models::RateProfile {
 public:
  BurstedDiurnal(const std::string& service, const scenario::Workload& w, Time phase,
                 models::RequestShape shape)
      : RateProfile(service, shape),
        base_(service, models::Rate{w.rate}, w.amplitude, w.period, phase),
        bursts_(w.bursts) {
    double m = 1;
    for (const auto& b : bursts_)
      m *= std::max(1.0, b.multiplier);
    peak_ = models::Rate{base_.peak_rate().per_second * m};
  }
  models::Rate rate_at(Time t) const override {
    double r = base_.rate_at(t).per_second;
    for (const auto& b : bursts_)
      if (b.at <= t && t < b.at + b.duration) r *= b.multiplier;
    return models::Rate{r};
  }
  models::Rate peak_rate() const override { return peak_; }
  models::Rate mean_rate() const override { return base_.mean_rate(); }

 private:
  models::Diurnal base_;
  std::vector<scenario::Burst> bursts_;
  models::Rate peak_;
};

}  // namespace

std::unique_ptr<models::ArrivalProcess> make_arrivals(const WorkloadPlan& plan,
                                                      sim::RandomStream& stream) {
  const auto& w = plan.spec;
  const std::string& name = w.service;
  using K = scenario::WorkloadKind;
  auto steps_process = [&](std::vector<models::StepRate::Step> base) {
    return std::make_unique<models::StepRate>(name, with_bursts(std::move(base), w.bursts),
                                              plan.shape);
  };
  switch (w.kind) {
    case K::poisson:
      if (w.bursts.empty())
        return std::make_unique<models::Poisson>(name, models::Rate{w.rate}, plan.shape);
      return steps_process({{Time::zero(), models::Rate{w.rate}}});
    case K::step: {
      std::vector<models::StepRate::Step> base;
      if (w.steps.empty() || w.steps.front().at > Time::zero())
        base.push_back({Time::zero(), models::Rate{w.rate}});
      for (const auto& s : w.steps)
        base.push_back({s.at, models::Rate{s.rate}});
      return steps_process(std::move(base));
    }
    case K::onoff:
      return std::make_unique<models::OnOff>(name, models::Rate{w.rate}, models::Rate{0.0},
                                             w.on->distribution, w.off->distribution, plan.shape);
    case K::mmpp: {
      std::vector<models::Rate> rates;
      std::vector<std::vector<double>> q(w.states.size(), std::vector<double>(w.states.size()));
      for (std::size_t i = 0; i < w.states.size(); ++i) {
        rates.push_back(models::Rate{w.states[i].rate});
        // Leave state i at 1 / sojourn, to the next state in the list (a cycle).
        if (w.states.size() > 1)
          q[i][(i + 1) % w.states.size()] = 1.0 / w.states[i].mean_sojourn.seconds();
      }
      return std::make_unique<models::Mmpp>(name, std::move(rates), std::move(q), plan.shape);
    }
    case K::diurnal: {
      // Phase so that the sinusoid peaks at peak_at: sin peaks a quarter period after phase.
      const Time phase = w.peak_at - w.period / 4;
      if (w.bursts.empty())
        return std::make_unique<models::Diurnal>(name, models::Rate{w.rate}, w.amplitude, w.period,
                                                 phase, plan.shape);
      return std::make_unique<BurstedDiurnal>(name, w, phase, plan.shape);
    }
    case K::trace:
      if (w.trace->format == "azure-functions-2019") return steps_process(azure_steps(w));
      if (!plan.draw_work) return std::make_unique<models::TraceReplay>(plan.trace);
      {
        auto records = plan.trace;
        for (auto& r : records) {
          r.cpu_time = Time::from_seconds(std::max(0.0, plan.shape.cpu_seconds.sample(stream)));
          r.io_bytes = Bytes{std::llround(std::max(0.0, plan.shape.io_bytes.sample(stream)))};
        }
        return std::make_unique<models::TraceReplay>(std::move(records));
      }
    case K::pod_trace:
      // Pods are placed, not served: run_placement_benchmark replays them (vmcsim run routes).
      throw std::logic_error("a pod_trace workload has no request arrivals");
  }
  throw std::logic_error("unknown workload kind");
}

std::unique_ptr<PreparedWorld> prepare_world(const scenario::Scenario& s,
                                             const models::Catalog& catalog) {
  auto world = std::make_unique<PreparedWorld>();
  world->duration = s.duration;
  const auto hosts = hosts_of(s);
  const models::RegistryConfig registry{"registry", s.registry.bandwidth, s.registry.latency};
  const Time slo = s.slo.request_latency_threshold
                       ? *s.slo.request_latency_threshold
                       : s.slo.request_latency_p99.value_or(Time::zero());

  std::vector<models::ServiceConfig> services;
  for (const auto& in : s.services) {
    std::string image_name;
    const scenario::Service sv = imported(in, image_name);
    world->services.push_back(sv);
    const models::Image* image = nullptr;
    for (const auto& im : world->images)
      if (im.name == image_name) image = &im;
    if (!image) {
      const auto it =
          std::find_if(s.images.begin(), s.images.end(),
                       [&](const scenario::Image& im) { return im.name == image_name; });
      world->images.push_back(it != s.images.end() ? image_of(*it) : assumed_image(image_name));
      image = &world->images.back();
    }
    models::ServiceConfig c;
    c.name = sv.name;
    c.cpu_request = sv.cpu_request;
    c.cpu_limit =
        sv.cpu_limit > Millicores{} ? std::max(sv.cpu_limit, sv.cpu_request) : Millicores{};
    c.memory_request = sv.memory_request;
    c.memory_limit = std::max(sv.memory_limit, sv.memory_request);
    c.replicas = sv.replicas;
    c.cpu_time = time_distribution(sv.work.cpu_time, 0.01);
    c.io_bytes =
        sv.work.io_bytes ? sv.work.io_bytes->distribution : sim::Distribution{sim::Constant{0.0}};
    c.image = image;
    for (const auto& pc : sv.placement_constraints) {
      if (pc.starts_with("memberOf(") && pc.ends_with(")")) {
        c.placement_constraints.push_back("memberOf:" + pc.substr(9, pc.size() - 10));
      } else {
        c.placement_constraints.push_back(pc);
      }
    }
    c.labels = models::placement::Labels(sv.labels.begin(), sv.labels.end());
    c.affinity = sv.affinity;
    c.anti_affinity = sv.anti_affinity;
    c.topology_spread = sv.topology_spread;
    c.autoscaling = autoscaler_of(sv.autoscaling);
    c.slo_latency = slo;
    services.push_back(c);
    world->service_metrics.push_back({sv.name, slo, std::nullopt});
  }

  for (const auto& v : s.variants) {
    PreparedVariant pv;
    const SourceLocation& where = v.where;
    models::ClusterConfig& c = pv.cluster;
    c.hosts = hosts;
    c.registry = registry;
    c.topology = topology_of(s, hosts);
    c.services = services;
    c.duration = s.duration;
    c.variant.name = v.name;
    c.variant.platform = v.platform;
    c.variant.placement = policy_spec(v.placement);
    try {
      (void)models::placement::make_policy(c.variant.placement);
    } catch (const std::exception& e) {
      throw InputError(
          where, "variants.placement",
          fmt::format("variant '{}': placement '{}': {}", v.name, v.placement, e.what()));
    }
    if (v.platform == scenario::PlatformKind::container_in_vm) {
      pv.node_profile =
          std::make_unique<models::PlatformProfile>(profile_of(v, catalog, v.profile, where));
      const std::string runtime = pv.node_profile->container_runtime.value.empty()
                                      ? std::string{"runc"}
                                      : pv.node_profile->container_runtime.value;
      // A bad runtime is placed at the override that named it, if one did.
      const auto o = v.overrides.find("container_runtime");
      const SourceLocation& runtime_where = o != v.overrides.end() ? o->second.where : where;
      try {
        pv.profile = std::make_unique<models::PlatformProfile>(catalog.profile(runtime));
      } catch (const std::out_of_range& e) {
        throw InputError(runtime_where, "overrides.container_runtime",
                         fmt::format("variant '{}': node profile '{}' runs containers with '{}', "
                                     "which is no catalog profile: {}",
                                     v.name, v.profile, runtime, e.what()));
      }
      if (pv.profile->kind != models::PlatformKind::container)
        throw InputError(runtime_where, "overrides.container_runtime",
                         fmt::format("variant '{}': node profile '{}' runs containers with '{}', "
                                     "a {} profile, not a container runtime",
                                     v.name, v.profile, runtime, to_string(pv.profile->kind)));
      try {
        c.variant.node_instance_type = catalog.instance_type(v.node_instance_type);
      } catch (const std::out_of_range& e) {
        throw InputError(where, "variants.node_instance_type",
                         fmt::format("variant '{}': unknown node_instance_type '{}': {}", v.name,
                                     v.node_instance_type, e.what()));
      }
      c.variant.node_profile = pv.node_profile.get();
      int initial = nodes_needed(services, c.variant.node_instance_type);
      if (v.cluster_autoscaler) {
        const auto& ca = *v.cluster_autoscaler;
        auto& cc = c.variant.cluster_autoscaler;
        cc.enabled = ca.enabled;
        cc.min_nodes = ca.min_nodes;
        if (ca.max_nodes > 0) cc.max_nodes = ca.max_nodes;
        if (ca.scan_interval > Time::zero()) cc.logic.scan_interval = ca.scan_interval;
        if (ca.scale_down_unneeded_time > Time::zero())
          cc.logic.unneeded_time = ca.scale_down_unneeded_time;
        cc.logic.utilization_threshold = ca.scale_down_utilization_threshold;
        initial = std::clamp(std::max(initial, ca.min_nodes), 1, cc.max_nodes);
      }
      c.variant.initial_nodes = initial;
      c.variant.pricing.basis = models::Pricing::Basis::node_time;
    } else {
      pv.profile =
          std::make_unique<models::PlatformProfile>(profile_of(v, catalog, v.profile, where));
      if (v.platform == scenario::PlatformKind::microvm && v.profile.starts_with("fargate")) {
        c.variant.pricing.basis = models::Pricing::Basis::fargate;
        c.variant.pricing.fargate = {catalog.fargate_pricing().usd_per_vcpu_hour,
                                     catalog.fargate_pricing().usd_per_gb_hour};
      } else {
        c.variant.pricing.basis = models::Pricing::Basis::host_time;
      }
    }
    c.variant.profile = pv.profile.get();
    apply_tenancy(s, v, catalog, c);  // tenancy (app/runner/tenancy.hpp)
    world->variants.push_back(std::move(pv));
  }

  // Workloads: streams named after the workload and its service, never the variant.
  for (std::size_t i = 0; i < s.workloads.size(); ++i) {
    const auto& w = s.workloads[i];
    WorkloadPlan plan;
    const auto it = std::find_if(s.services.begin(), s.services.end(),
                                 [&](const scenario::Service& sv) { return sv.name == w.service; });
    plan.service = static_cast<std::size_t>(it - s.services.begin());
    plan.stream_name = fmt::format("workload/{}/{}", i, w.service);
    plan.spec = w;
    plan.shape = {services[plan.service].cpu_time, services[plan.service].io_bytes};
    const SourceLocation where{s.source_file, 0, 0};
    if (w.kind == scenario::WorkloadKind::trace && w.trace->format != "azure-functions-2019") {
      plan.trace = trace_records(w, where);
      plan.draw_work = w.trace->format == "timestamps" && !is_replay_csv(w.trace->file);
    }
    if (!w.bursts.empty() &&
        (w.kind == scenario::WorkloadKind::onoff || w.kind == scenario::WorkloadKind::mmpp))
      throw InputError(where, "workloads.bursts",
                       fmt::format("workload of '{}': bursts on {} workloads are not "
                                   "modelled yet (poisson, step, diurnal and azure-functions-2019 "
                                   "take bursts)",
                                   w.service, scenario::to_string(w.kind)));
    if (!w.bursts.empty() && w.kind == scenario::WorkloadKind::trace &&
        w.trace->format != "azure-functions-2019")
      throw InputError(
          where, "workloads.bursts",
          fmt::format("workload of '{}': a replayed trace cannot have bursts", w.service));
    for (const auto& b : w.bursts) {
      double base = w.rate;  // diurnal: its mean rate
      if (w.kind == scenario::WorkloadKind::step)
        for (const auto& st : w.steps)
          if (st.at <= b.at) base = st.rate;
      world->bursts.push_back({b.at, b.at + b.duration, base * b.multiplier, plan.service});
    }
    world->workloads.push_back(std::move(plan));
  }
  // A burst's demand also includes the base rates of its service's other workloads (the
  // capacity it is compared with is that service's: see metrics::BurstWindow).
  for (auto& b : world->bursts) {
    double others = 0;
    for (std::size_t k = 0; k < s.workloads.size(); ++k) {
      const auto& w = s.workloads[k];
      if (w.kind != scenario::WorkloadKind::poisson || world->workloads[k].service != b.service)
        continue;
      const bool bursting = std::any_of(w.bursts.begin(), w.bursts.end(),
                                        [&](const auto& wb) { return wb.at == b.onset; });
      if (!bursting) others += w.rate;
    }
    b.demand_rps += others;
  }
  std::sort(world->bursts.begin(), world->bursts.end(),
            [](const auto& a, const auto& b) { return a.onset < b.onset; });
  return world;
}

}  // namespace vmcsim::app::runner
