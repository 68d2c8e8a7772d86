#include "app/runner/world.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "app/diagnostic.hpp"
#include "app/runner/tenancy.hpp"
#include "app/scenario/load_checks_semantics.hpp"
#include "sim/assert.hpp"

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
      if (w.trace->format == "azure-functions-2019") return steps_process(w.trace_rate);
      if (!w.trace_draws_work) return std::make_unique<models::TraceReplay>(w.trace_records);
      {
        auto records = w.trace_records;
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

namespace {

// The scenario's contract (load_scenario ran check_world) broken: vmcsim's fault, not the user's.
template <class F>
auto checked(const char* what, F&& f) {
  try {
    return f();
  } catch (const InputError& e) {
    throw sim::ContractViolation(fmt::format(
        "prepare_world: {} passed check_world but the mapping refused it: {}", what, e.what()));
  }
}

const models::Image* image_for(const scenario::Scenario& s, const std::string& name,
                               std::deque<models::Image>& images) {
  for (const auto& im : images)
    if (im.name == name) return &im;
  const auto it = std::find_if(s.images.begin(), s.images.end(),
                               [&](const scenario::Image& im) { return im.name == name; });
  // check_world and resolve_imported_services guarantee every service's image is listed.
  if (it == s.images.end())
    throw sim::ContractViolation("prepare_world: service image '" + name + "' is not listed");
  images.push_back(image_of(*it));
  return &images.back();
}

models::ServiceConfig service_config(const scenario::Service& sv, const models::Image* image,
                                     Time slo) {
  models::ServiceConfig c;
  c.name = sv.name;
  c.cpu_request = sv.cpu_request;
  c.cpu_limit = sv.cpu_limit > Millicores{} ? std::max(sv.cpu_limit, sv.cpu_request) : Millicores{};
  c.memory_request = sv.memory_request;
  c.memory_limit = std::max(sv.memory_limit, sv.memory_request);
  c.replicas = sv.replicas;
  c.cpu_time = time_distribution(sv.work.cpu_time, 0.01);
  c.io_bytes =
      sv.work.io_bytes ? sv.work.io_bytes->distribution : sim::Distribution{sim::Constant{0.0}};
  c.image = image;
  if (sv.app_init) c.app_init = sv.app_init->distribution;  // [scale] every platform alike
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
  c.function = sv.function;  // [fn]
  if (sv.concurrency > 0) c.concurrency = sv.concurrency;
  return c;
}

void map_cluster_autoscaler(const scenario::ClusterAutoscaler& ca, models::VariantConfig& v) {
  auto& cc = v.cluster_autoscaler;
  cc.enabled = ca.enabled;
  cc.min_nodes = ca.min_nodes;
  if (ca.max_nodes > 0) cc.max_nodes = ca.max_nodes;
  if (ca.scan_interval > Time::zero()) cc.logic.scan_interval = ca.scan_interval;
  if (ca.scale_down_unneeded_time > Time::zero())
    cc.logic.unneeded_time = ca.scale_down_unneeded_time;
  cc.logic.utilization_threshold = ca.scale_down_utilization_threshold;
}

// container_in_vm: node profile, container runtime, node type, initial node count, billing.
void map_nodes(const scenario::Variant& v, const models::Catalog& catalog, PreparedVariant& pv) {
  models::VariantConfig& c = pv.cluster.variant;
  pv.node_profile = std::make_unique<models::PlatformProfile>(
      checked("the node profile", [&] { return scenario::variant_profile(v, catalog); }));
  pv.profile = std::make_unique<models::PlatformProfile>(checked("the container runtime", [&] {
    return scenario::container_runtime_profile(v, *pv.node_profile, catalog);
  }));
  c.node_instance_type = catalog.instance_type(v.node_instance_type);
  c.node_profile = pv.node_profile.get();
  int initial = nodes_needed(pv.cluster.services, c.node_instance_type);
  if (v.cluster_autoscaler) {
    map_cluster_autoscaler(*v.cluster_autoscaler, c);
    // [scale] With a node autoscaler (cluster autoscaler, ECS capacity provider) the cluster
    // starts at min_nodes, as a real one does: the nodes the replicas need come through the
    // EC2 launch path (RunInstances, the scan or metric period, boot, join), and the pods'
    // wait for them is their wait_node phase. Without one the runner sizes the cluster.
    initial = c.cluster_autoscaler.enabled
                  ? std::clamp(v.cluster_autoscaler->min_nodes, 0, c.cluster_autoscaler.max_nodes)
                  : std::clamp(std::max(initial, v.cluster_autoscaler->min_nodes), 1,
                               c.cluster_autoscaler.max_nodes);
  }
  c.initial_nodes = initial;
  c.pricing.basis = models::Pricing::Basis::node_time;
}

PreparedVariant prepared_variant(const scenario::Scenario& s, const scenario::Variant& v,
                                 const models::Catalog& catalog,
                                 const std::vector<models::HostConfig>& hosts,
                                 const std::vector<models::ServiceConfig>& services) {
  PreparedVariant pv;
  models::ClusterConfig& c = pv.cluster;
  c.hosts = hosts;
  c.registry = {"registry",
                s.registry.bandwidth,
                s.registry.latency,
                s.registry.layer_request_rate,
                s.registry.layer_request_burst,
                s.registry.image_request_rate,
                s.registry.image_request_burst};
  c.topology = topology_of(s, hosts);
  c.services = services;
  c.duration = s.duration;
  c.variant.name = v.name;
  c.variant.platform = v.platform;
  // make_policy reads the scenario's spelling (models/registry/placement_policies.hpp).
  c.variant.placement = v.placement.empty() ? "first_fit" : v.placement;
  if (v.platform == scenario::PlatformKind::container_in_vm) {
    map_nodes(v, catalog, pv);
  } else {
    pv.profile = std::make_unique<models::PlatformProfile>(
        checked("the profile", [&] { return scenario::variant_profile(v, catalog); }));
    if (v.platform == scenario::PlatformKind::microvm && v.profile.starts_with("fargate")) {
      c.variant.pricing.basis = models::Pricing::Basis::fargate;
      c.variant.pricing.fargate = {catalog.fargate_pricing().usd_per_vcpu_hour,
                                   catalog.fargate_pricing().usd_per_gb_hour};
    } else {
      c.variant.pricing.basis = models::Pricing::Basis::host_time;
    }
  }
  c.variant.profile = pv.profile.get();
  // [scale] A variant that overrides the app_init phase itself keeps its override: the
  // service's app_init is the default on every platform, the override the exception.
  for (const auto& [path, value] : v.overrides)
    if (path.starts_with("boot.app_init") || path.starts_with("app_init.boot"))
      for (auto& sc : c.services)
        sc.app_init.reset();
  apply_tenancy(s, v, catalog, c);  // tenancy (app/runner/tenancy.hpp)
  return pv;
}

// Streams are named after the workload and its service, never the variant.
WorkloadPlan workload_plan(const scenario::Scenario& s, std::size_t i,
                           const std::vector<models::ServiceConfig>& services) {
  const auto& w = s.workloads[i];
  WorkloadPlan plan;
  const auto it = std::find_if(s.services.begin(), s.services.end(),
                               [&](const scenario::Service& sv) { return sv.name == w.service; });
  plan.service = static_cast<std::size_t>(it - s.services.begin());
  plan.stream_name = fmt::format("workload/{}/{}", i, w.service);
  plan.spec = w;
  plan.shape = {services[plan.service].cpu_time, services[plan.service].io_bytes};
  return plan;
}

// Each burst's demand: its workload's rate at the onset times the multiplier, plus the base
// rates of its service's other poisson workloads (the capacity it is compared with is that
// service's: see metrics::BurstWindow).
std::vector<models::metrics::BurstWindow> burst_windows(const scenario::Scenario& s,
                                                        const std::vector<WorkloadPlan>& plans) {
  std::vector<models::metrics::BurstWindow> out;
  for (std::size_t i = 0; i < s.workloads.size(); ++i) {
    const auto& w = s.workloads[i];
    for (const auto& b : w.bursts) {
      double base = w.rate;  // diurnal: its mean rate
      if (w.kind == scenario::WorkloadKind::step)
        for (const auto& st : w.steps)
          if (st.at <= b.at) base = st.rate;
      out.push_back({b.at, b.at + b.duration, base * b.multiplier, plans[i].service});
    }
  }
  for (auto& b : out) {
    double others = 0;
    for (std::size_t k = 0; k < s.workloads.size(); ++k) {
      const auto& w = s.workloads[k];
      if (w.kind != scenario::WorkloadKind::poisson || plans[k].service != b.service) continue;
      const bool bursting = std::any_of(w.bursts.begin(), w.bursts.end(),
                                        [&](const auto& wb) { return wb.at == b.onset; });
      if (!bursting) others += w.rate;
    }
    b.demand_rps += others;
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.onset < b.onset; });
  return out;
}

}  // namespace

std::unique_ptr<PreparedWorld> prepare_world(const scenario::Scenario& s,
                                             const models::Catalog& catalog) {
  auto world = std::make_unique<PreparedWorld>();
  world->duration = s.duration;
  const auto hosts = hosts_of(s);
  const Time slo = s.slo.request_latency_threshold
                       ? *s.slo.request_latency_threshold
                       : s.slo.request_latency_p99.value_or(Time::zero());
  std::vector<models::ServiceConfig> services;
  for (const auto& sv : s.services) {
    services.push_back(service_config(sv, image_for(s, sv.image, world->images), slo));
    world->services.push_back(sv);
    world->service_metrics.push_back({sv.name, slo, std::nullopt});
  }
  for (const auto& v : s.variants)
    world->variants.push_back(prepared_variant(s, v, catalog, hosts, services));
  for (std::size_t i = 0; i < s.workloads.size(); ++i)
    world->workloads.push_back(workload_plan(s, i, services));
  world->bursts = burst_windows(s, world->workloads);
  world->failures = s.failures;
  for (const auto& sv : s.services)  // [failures] probes, budgets, deployment configuration
    world->failures.health.push_back(sv.health);
  return world;
}

}  // namespace vmcsim::app::runner
