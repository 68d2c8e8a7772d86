#include "models/metrics/collector.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include "models/cluster/cluster.hpp"
#include "models/metrics/cluster_world.hpp"
#include "models/metrics/collector_integrals.hpp"
#include "models/metrics/instance_accounting.hpp"
#include "models/metrics/instance_records.hpp"
#include "models/placement/metrics.hpp"
#include "sim/assert.hpp"

namespace vmcsim::models::metrics {

namespace {

constexpr double kJoulesPerKwh = 3.6e6;
constexpr double kBytesPerGib = 1024.0 * 1024.0 * 1024.0;
// Samples run after every model event of the same instant; the warm-up end before all of them.
constexpr std::int16_t kSamplePriority = std::numeric_limits<std::int16_t>::max();
constexpr std::int16_t kWarmupPriority = std::numeric_limits<std::int16_t>::min();

void add_phase_sample(StartupSamples& group, std::string_view name, double ms) {
  for (auto& p : group.phases)
    if (p.name == name) {
      p.ms.push_back(ms);
      return;
    }
  group.phases.push_back(PhaseSamples{std::string(name), {ms}});
}

// CPU the node's host was busy up to now, core-seconds.
double busy_core_seconds(const Node& node, sim::Time now) {
  const Host& h = node.host();
  return h.flows().busy_seconds(h.cpu(), now) * node.cpu_capacity().cores_value();
}

}  // namespace

struct MetricsCollector::State {
  State(sim::Simulation& s, CollectorConfig c) : sim(s), config(std::move(c)) {}

  sim::Simulation& sim;
  CollectorConfig config;
  PlatformRuntime* runtime = nullptr;
  const ObservedWorld* world = nullptr;
  VariantRunMetrics m;
  Launches launches;  // service instances of a Cluster
  // With config.record_instances (and an attached runtime): the instance records' listing.
  std::optional<InstanceRecords> records;
  // What a Cluster's service instances are (for replicas that never got one).
  PlatformKind variant_kind = PlatformKind::container;
  std::string variant_profile;
  bool finished = false;

  Integral guest_os, hypervisor, runtime_overhead;  // bytes, all live instances and node VMs
  Integral app_reserved, app_idle;                  // bytes, service instances
  Integral cpu_reserved;                            // millicores, service instances

  std::map<const Node*, std::int64_t> live_on_host;  // physical host -> live instances + VMs
  std::int64_t hosts_used = 0, service_live = 0, nodes_live = 0, starting = 0, running = 0;
  sim::TimeWeightedAverage density, host_in_use;
  Peak hosts_peak, nodes_peak, density_peak;
  std::set<InstanceId> live_node_vms;
  std::map<std::string, const Node*> service_nodes;  // by name: a deterministic sum order
  std::optional<placement::ResourceVector> smallest;

  std::int64_t arrivals_since_sample = 0;
  std::vector<std::uint64_t> submitted_seen;  // per service, the world's count at the last sample
  std::vector<std::optional<sim::Time>> caught_up;  // per burst: onset -> capacity reached it
  std::vector<double> wait_seconds;                 // per service, completed requests
  // Per service: its latency sketch's bucket increments not applied yet (released at finish).
  std::vector<sim::QuantileSketch::HeldKeys> held_latency;
  double stranded_cpu_sum = 0.0, stranded_memory_sum = 0.0;
  std::int64_t stranded_samples = 0;
  std::array<double, 4> packing_sums{};  // efficiency cpu, memory; fragmentation cpu, memory
  std::int64_t packing_samples = 0;

  WarmupCut warmup_cut;  // the warm-up deletion of everything (see WarmupCut)

  // Observations made (or instances requested, requests arrived) before the warm-up end are
  // deleted.
  bool counts(sim::Time t) const { return t >= config.warmup; }

  // When the instance was wanted: its replica's request, or its own for a bare runtime.
  sim::Time requested_of(const Instance& i) const { return launches.requested(i); }

  const ServiceMetricsConfig* service_config(const std::string& name) const {
    for (const auto& s : config.services)
      if (s.name == name) return &s;
    return nullptr;
  }

  void on_state(const Instance& i) {
    const sim::Time now = sim.now();
    const bool node = is_node_vm(i);
    switch (i.state) {
      case InstanceState::requested:
        return;  // no memory held, nothing live
      case InstanceState::failed:
        hand_over(i);  // nothing live either
        return;
      case InstanceState::starting:
        live(i, now, +1);
        if (!node) ++starting;
        return;
      case InstanceState::running:
        if (!node) {
          --starting;
          ++running;
        }
        if (counts(requested_of(i)))
          (node ? m.node_startup : m.startup)
              .total_ms.push_back((i.ready_at - requested_of(i)).milliseconds());
        return;
      case InstanceState::stopping:
        if (!node) --running;
        return;
      case InstanceState::stopped:
        // Killed (its host failed): it leaves the state it was lost in without stopping.
        if (!node && i.lost_in == InstanceState::starting) --starting;
        if (!node && i.lost_in == InstanceState::running) --running;
        live(i, now, -1);
        hand_over(i);
        return;
    }
  }

  // An ended instance's record leaves as it ends (instance_records.hpp).
  void hand_over(const Instance& i) {
    if (records) records->ended(i, launches.of(i));
  }

  // An instance starts (+1) or stops (-1) holding memory and a place on its host.
  void live(const Instance& i, sim::Time now, int sign) {
    const bool node = is_node_vm(i);
    guest_os.add(now, sign * i.memory.guest_os.count(), kBytesPerGib);
    hypervisor.add(now, sign * i.memory.hypervisor_overhead.count(), kBytesPerGib);
    runtime_overhead.add(now, sign * i.memory.runtime_overhead.count(), kBytesPerGib);
    if (node) {
      nodes_live += sign;
      nodes_peak.set(now, static_cast<double>(nodes_live));
      if (sign > 0)
        live_node_vms.insert(i.id);
      else
        live_node_vms.erase(i.id);
    } else {
      const ServiceMetricsConfig* sc = service_config(i.service);
      const std::int64_t app = i.memory.application.count();
      std::int64_t idle = app;
      if (sc != nullptr && sc->working_set)
        idle = std::max<std::int64_t>(0, app - sc->working_set->count());
      app_reserved.add(now, sign * app, kBytesPerGib);
      app_idle.add(now, sign * idle, kBytesPerGib);
      cpu_reserved.add(now, sign * i.cpu.value(), 1000.0);
      service_live += sign;
      if (i.node != nullptr) service_nodes.emplace(i.node->name(), i.node);
      const placement::ResourceVector need{i.cpu, i.memory.total(), {}, {}, 0};
      if (!smallest) {
        smallest = need;
      } else {
        smallest->cpu = std::min(smallest->cpu, need.cpu);
        smallest->memory = std::min(smallest->memory, need.memory);
      }
    }
    if (i.host != nullptr) {
      std::int64_t& n = live_on_host[i.host];
      if (sign > 0 && n == 0) ++hosts_used;
      n += sign;
      if (sign < 0 && n == 0) --hosts_used;
    }
    hosts_peak.set(now, static_cast<double>(hosts_used));
    const double ratio =
        hosts_used > 0 ? static_cast<double>(service_live) / static_cast<double>(hosts_used) : 0.0;
    density.record(now, ratio);
    host_in_use.record(now, hosts_used > 0 ? 1.0 : 0.0);
    density_peak.set(now, ratio);
  }

  // An instance requested before the collector attached (a Cluster requests its initial
  // replicas in its constructor): counted from now as if it had just reached its state.
  void catch_up(const Instance& i) {
    if (!i.is_live()) return;
    const bool node = is_node_vm(i);
    live(i, sim.now(), +1);
    const std::size_t boot_phases =
        i.state == InstanceState::starting ? i.phases.size() : i.boot_phase_count;
    const bool counted = counts(i.requested_at);
    for (std::size_t k = 0; counted && k < boot_phases; ++k)
      add_phase_sample(node ? m.node_startup : m.startup, i.phases[k].name,
                       i.phases[k].duration().milliseconds());
    if (i.state == InstanceState::starting) {
      if (!node) ++starting;
      return;
    }
    if (counted)
      (node ? m.node_startup : m.startup).total_ms.push_back(i.startup_time().milliseconds());
    if (!node && i.state == InstanceState::running) ++running;
  }

  void on_phase(const Instance& i, const PhaseSpan& span) {
    if (i.state != InstanceState::starting) return;  // stop phases are not startup
    if (!counts(requested_of(i))) return;
    add_phase_sample(is_node_vm(i) ? m.node_startup : m.startup, span.name,
                     span.duration().milliseconds());
  }

  void sample() {
    const sim::Time now = sim.now();
    Sample s;
    s.t = now;
    std::int64_t arrivals = arrivals_since_sample;
    arrivals_since_sample = 0;
    if (world != nullptr)
      for (std::size_t k = 0; k < m.services.size(); ++k) {
        const std::uint64_t n = world->submitted(k);
        arrivals += static_cast<std::int64_t>(n - submitted_seen[k]);
        submitted_seen[k] = n;
      }
    s.demand_rps = static_cast<double>(arrivals) / config.sample_interval.seconds();
    double cores = 0.0, busy = 0.0, mem_cap = 0.0, mem_used = 0.0;
    for (const auto& h : runtime->hosts()) {
      const double c = h->cpu_capacity().cores_value();
      cores += c;
      busy += c * h->host().cpu_utilization();
      mem_cap += static_cast<double>(h->memory_capacity().count());
      mem_used += static_cast<double>(h->memory_used().count());
    }
    s.cpu_utilization = cores > 0.0 ? busy / cores : 0.0;
    s.memory_utilization = mem_cap > 0.0 ? mem_used / mem_cap : 0.0;
    s.pending_instances = starting;
    s.running_instances = running;
    s.hosts_used = hosts_used;
    if (world != nullptr) {
      s.capacity_rps = world->capacity_rps();
      s.pending_instances += world->unplaced_instances();
      for (std::size_t k = 0; k < m.services.size(); ++k) {
        const std::int64_t q = world->queued_requests(k);
        s.queued_requests += q;
        if (counts(now)) m.services[k].max_queued = std::max(m.services[k].max_queued, q);
      }
    }
    s.nodes_used = nodes_live;
    for (std::size_t b = 0; b < config.bursts.size(); ++b) {
      const BurstWindow& burst = config.bursts[b];
      if (caught_up[b] || now < burst.onset || now > burst.end) continue;
      const double capacity =
          burst.service && world != nullptr ? world->capacity_rps(*burst.service) : s.capacity_rps;
      if (capacity >= burst.demand_rps) caught_up[b] = now - burst.onset;
    }
    if (counts(now)) sample_stranded();
    m.timeseries.push_back(s);
    if (now + config.sample_interval <= config.end)
      sim.schedule_in(
          config.sample_interval, [this] { sample(); }, kSamplePriority);
  }

  // Stranded capacity on the nodes instances are placed on: the live VM nodes when there are
  // any (container_in_vm), else the physical hosts.
  void sample_stranded() {
    if (!smallest) return;
    // Straight from the nodes' amounts, in node order: a NodeView of each of 10,000 nodes every
    // second cost more than the requests between two samples touch (bench/README.md).
    placement::PackingAccumulator packing{*smallest};
    placement::ResourceVector total;
    std::size_t nodes = 0;
    auto add = [&](const Node& n) {
      placement::ResourceVector capacity;
      capacity.cpu = n.cpu_capacity();
      capacity.memory = n.memory_capacity();
      placement::ResourceVector allocated;
      allocated.cpu = n.cpu_allocated();
      allocated.memory = n.memory_used();
      total += capacity;
      // A node without system reservations: its allocatable is its capacity.
      packing.add(capacity, allocated, allocated != placement::ResourceVector{});
      ++nodes;
    };
    if (!live_node_vms.empty()) {
      for (InstanceId id : live_node_vms)
        if (const Node* n = runtime->node_of(id)) add(*n);
    } else {
      for (const auto& h : runtime->hosts())
        add(*h);
    }
    if (nodes == 0) return;
    const auto pm = packing.result();
    using placement::Dimension;
    stranded_cpu_sum += pm.stranded.amount(Dimension::cpu) / total.amount(Dimension::cpu);
    stranded_memory_sum += pm.stranded.amount(Dimension::memory) / total.amount(Dimension::memory);
    ++stranded_samples;
    if (pm.nodes_used > 0) {
      packing_sums[0] += pm.efficiency(Dimension::cpu);
      packing_sums[1] += pm.efficiency(Dimension::memory);
      packing_sums[2] += pm.fragmented(Dimension::cpu);
      packing_sums[3] += pm.fragmented(Dimension::memory);
      ++packing_samples;
    }
  }

  // What the warm-up deletes, registered once: the collector's own integrals, means and peaks
  // restart; the models' totals are read as "energy_joules", "busy/<node>", "bill/<line>",
  // "cost_usd", "fargate_cpu_core_hours", "fargate_memory_gib_hours", "evictions",
  // "submitted/<service>".
  void register_warmup() {
    warmup_cut.restart([this](sim::Time now) {
      for (Integral* i :
           {&guest_os, &hypervisor, &runtime_overhead, &app_reserved, &app_idle, &cpu_reserved})
        i->twa.reset(now);
      density.reset(now);
      host_in_use.reset(now);
      for (Peak* p : {&hosts_peak, &nodes_peak, &density_peak})
        p->restart(now);
    });
    warmup_cut.read([this](sim::Time now, WarmupCut::Values& v) {
      if (runtime == nullptr) return;
      for (const auto& h : runtime->hosts()) {
        v["energy_joules"] += h->host().energy_joules(now);
        v["busy/" + h->name()] = busy_core_seconds(*h, now);
      }
      for (InstanceId id : live_node_vms)
        if (const Node* n = runtime->node_of(id))
          v["busy/" + n->name()] = busy_core_seconds(*n, now);
      for (const auto& [name, node] : service_nodes)
        v["busy/" + name] = busy_core_seconds(*node, now);
    });
    warmup_cut.read([this](sim::Time now, WarmupCut::Values& v) {
      if (world == nullptr) return;
      const auto records = world->billing(now);
      const BillingTotals totals = bill(records);
      v["cost_usd"] = totals.cost_usd;
      v["fargate_cpu_core_hours"] = totals.fargate_waste_cpu_core_hours;
      v["fargate_memory_gib_hours"] = totals.fargate_waste_memory_gib_hours;
      for (std::size_t k = 0; k < records.size(); ++k)
        v["bill/" + records[k].what] += totals.line_usd[k];
      v["evictions"] = static_cast<double>(world->evictions());
      for (std::size_t k = 0; k < m.services.size(); ++k)
        v[fmt::format("submitted/{}", k)] = static_cast<double>(world->submitted(k));
    });
  }
  // The instance records (instance_records.hpp) and what became of the instances wanted.
  void close_instances() {
    const std::vector<ReplicaStatus> replicas =
        world != nullptr ? world->replicas() : std::vector<ReplicaStatus>{};
    if (records && runtime != nullptr) {
      records->finish(*runtime, launches, replicas,
                      {&config.services, variant_kind, variant_profile});
      m.instances = records->kept();
    }
    if (!replicas.empty()) {
      account_replicas(m.instances_accounting, replicas, runtime, config.warmup);
    } else if (runtime != nullptr) {
      account_instances(m.instances_accounting, *runtime, launches, config.warmup);
    }
  }

  // The models' totals over [warm-up end, now]: energy, the bill, arrivals, evictions.
  void close_totals(const WarmupCut::Values& since, sim::Time now) {
    m.energy_kwh = value_of(since, "energy_joules") / kJoulesPerKwh;
    if (world != nullptr) {
      m.cost_usd = value_of(since, "cost_usd");
      m.fargate_waste_cpu_core_hours = value_of(since, "fargate_cpu_core_hours");
      m.fargate_waste_memory_gib_hours = value_of(since, "fargate_memory_gib_hours");
      // Lines in the order the world bills them.
      std::set<std::string> listed;
      for (const BillingRecord& record : world->billing(now))
        if (listed.insert(record.what).second)
          m.cost_lines.push_back(CostLine{record.what, value_of(since, "bill/" + record.what)});
      for (std::size_t k = 0; k < m.services.size(); ++k)
        m.services[k].arrivals += static_cast<std::uint64_t>(
            std::llround(value_of(since, fmt::format("submitted/{}", k))));
      m.evictions = static_cast<std::uint64_t>(std::llround(value_of(since, "evictions")));
    }
  }
};

MetricsCollector::MetricsCollector(sim::Simulation& sim, CollectorConfig config) {
  if (config.sample_interval <= sim::Time::zero())
    throw std::invalid_argument("metrics: sample interval must be positive, not " +
                                config.sample_interval.to_string());
  if (config.warmup < sim::Time::zero())
    throw std::invalid_argument("metrics: negative warm-up " + config.warmup.to_string());
  if (config.end > sim::Time::zero() && config.warmup >= config.end)
    throw std::invalid_argument(fmt::format("metrics: warm-up {} is not shorter than the run ({})",
                                            config.warmup.to_string(), config.end.to_string()));
  for (const auto& b : config.bursts)
    if (b.end < b.onset)
      throw std::invalid_argument(fmt::format("metrics: burst at {} ends before it starts ({})",
                                              b.onset.to_string(), b.end.to_string()));
  state_ = std::make_unique<State>(sim, std::move(config));
  State& s = *state_;
  s.register_warmup();
  if (s.config.record_instances) s.records.emplace(s.config.instance_sink);
  s.m.variant = s.config.variant;
  s.m.replication = s.config.replication;
  s.m.warmup = s.config.warmup;
  for (const auto& svc : s.config.services) {
    ServiceRequests r{
        svc.name, svc.slo_latency, sim::QuantileSketch(s.config.latency_accuracy), {}};
    s.m.services.push_back(std::move(r));
  }
  s.m.request_latency_ms = sim::QuantileSketch(s.config.latency_accuracy);
  s.m.pending_ms = sim::QuantileSketch(s.config.latency_accuracy);
  s.m.placement_decision_us = sim::QuantileSketch(s.config.latency_accuracy);
  s.wait_seconds.assign(s.config.services.size(), 0.0);
  s.held_latency.assign(s.config.services.size(), {});
  s.submitted_seen.assign(s.config.services.size(), 0);
  s.caught_up.assign(s.config.bursts.size(), std::nullopt);
  const sim::Time now = sim.now();
  for (Integral* i : {&s.guest_os, &s.hypervisor, &s.runtime_overhead, &s.app_reserved, &s.app_idle,
                      &s.cpu_reserved})
    i->twa = sim::TimeWeightedAverage(now);
  s.density = sim::TimeWeightedAverage(now);
  s.host_in_use = sim::TimeWeightedAverage(now);
  if (s.config.warmup > now) {
    State* st = state_.get();
    sim.schedule_at(
        s.config.warmup, [st] { st->warmup_cut.take(st->sim.now()); }, kWarmupPriority);
  }
}

MetricsCollector::~MetricsCollector() = default;

void MetricsCollector::attach(PlatformRuntime& runtime, const ObservedWorld* world) {
  State& s = *state_;
  if (s.runtime != nullptr) throw std::logic_error("metrics: attach called twice");
  s.runtime = &runtime;
  s.world = world;
  State* st = state_.get();
  for (InstanceId id = 0; id < runtime.instance_count(); ++id)
    st->catch_up(runtime.instance(id));
  runtime.on_state_change.connect([st](const Instance& i) { st->on_state(i); });
  runtime.on_phase_end.connect([st](const Instance& i, const PhaseSpan& p) { st->on_phase(i, p); });
  s.sim.schedule_in(
      sim::Time::zero(), [st] { st->sample(); }, kSamplePriority);
}

void MetricsCollector::connect(Cluster& cluster) {
  State& s = *state_;
  if (s.config.services.empty()) {
    for (std::size_t k = 0; k < cluster.service_count(); ++k) {
      const ServiceConfig& c = cluster.service_config(k);
      s.config.services.push_back({c.name, c.slo_latency, std::nullopt});
      s.m.services.push_back(
          {c.name, c.slo_latency, sim::QuantileSketch(s.config.latency_accuracy), {}});
    }
    s.wait_seconds.assign(s.config.services.size(), 0.0);
    s.held_latency.assign(s.config.services.size(), {});
    s.submitted_seen.assign(s.config.services.size(), 0);
  } else if (s.config.services.size() != cluster.service_count()) {
    throw std::invalid_argument(fmt::format("metrics: {} services configured, the cluster has {}",
                                            s.config.services.size(), cluster.service_count()));
  }
  s.variant_kind = cluster.config().variant.platform;
  if (cluster.config().variant.profile != nullptr)
    s.variant_profile = cluster.config().variant.profile->name;
  owned_world_ = std::make_unique<ClusterWorld>(cluster);
  attach(cluster.runtime(), owned_world_.get());
  for (std::size_t k = 0; k < cluster.service_count(); ++k)
    s.submitted_seen[k] = cluster.submitted(k);
  cluster.on_request_done.connect([this](const RequestOutcome& o) {
    record_request({o.service, o.arrival, o.service_start, o.done});
  });
  cluster.on_replica_launch.connect([this](const ReplicaLaunch& l) { record_launch(l); });
  // A failed request is a request that missed its SLO (it never completed).
  cluster.on_request_failed.connect([this](const RequestOutcome& o) {
    State& st = *state_;
    if (!st.counts(o.arrival)) return;
    ServiceRequests& svc = st.m.services.at(o.service);
    ++svc.failed;
    ++svc.slo_violations;
    ++st.m.requests_failed;
    ++st.m.slo_violations;
  });
  cluster.on_placement.connect([this](const PlacementDecision& d) {
    record_placement(
        {!d.node.empty(), d.service != PlacementDecision::kNodeVm, d.waited, d.decision_ns});
  });
}

void MetricsCollector::record_launch(const ReplicaLaunch& launch) {
  State& s = *state_;
  s.launches.record(launch.instance, Launch{launch.requested, launch.waits});
  if (!s.counts(launch.requested)) return;
  for (const WaitSpan& w : launch.waits)
    add_phase_sample(s.m.startup, w.name, (w.end - w.start).milliseconds());
}

void MetricsCollector::record_placement(const Decision& d) {
  State& s = *state_;
  const sim::Time now = s.sim.now();
  if (!s.counts(now)) return;
  VariantRunMetrics& m = s.m;
  ++m.placement_decisions;
  const double us = static_cast<double>(d.wall_ns) / 1e3;
  m.placement_decision_us.add(us);
  m.placement_decision_us_stats.add(us);
  if (d.placed && d.service_instance && s.counts(now - d.waited)) {
    m.pending_ms.add(d.waited.milliseconds());
    m.pending_ms_stats.add(d.waited.milliseconds());
  }
}

void MetricsCollector::record_arrival(std::size_t service, sim::Time at) {
  State& s = *state_;
  if (s.counts(at)) ++s.m.services.at(service).arrivals;  // a Cluster's are added at finish
  ++s.arrivals_since_sample;  // demand in the timeseries covers the whole run
}

void MetricsCollector::record_request(const Request& r) {
  State& s = *state_;
  ServiceRequests& svc = s.m.services.at(r.service);
  if (!s.counts(r.arrival)) return;
  const sim::Time latency = r.done - r.arrival;
  const double ms = latency.milliseconds();
  sim::QuantileSketch::add_to_both(svc.latency_ms, s.held_latency[r.service],
                                   s.m.request_latency_ms, ms);
  svc.latency_stats.add(ms);
  s.m.request_latency_stats.add(ms);
  ++svc.completed;
  ++s.m.requests_completed;
  if (svc.slo_latency > sim::Time::zero() && latency > svc.slo_latency) {
    ++svc.slo_violations;
    ++s.m.slo_violations;
  }
  s.wait_seconds[r.service] += (r.service_start - r.arrival).seconds();
}

VariantRunMetrics MetricsCollector::finish(sim::Time now) {
  State& s = *state_;
  if (s.finished) throw std::logic_error("metrics: finish called twice");
  s.finished = true;
  VariantRunMetrics& m = s.m;
  for (std::size_t k = 0; k < m.services.size(); ++k)
    m.services[k].latency_ms.release(s.held_latency[k]);
  m.end = now;
  m.guest_os_gib_hours = s.guest_os.hours(now);
  m.hypervisor_overhead_gib_hours = s.hypervisor.hours(now);
  m.runtime_overhead_gib_hours = s.runtime_overhead.hours(now);
  m.memory_overhead_gib_hours =
      m.guest_os_gib_hours + m.hypervisor_overhead_gib_hours + m.runtime_overhead_gib_hours;
  m.reserved_memory_gib_hours = s.app_reserved.hours(now);
  m.idle_reserved_memory_gib_hours = s.app_idle.hours(now);
  m.working_set_estimated =
      !s.config.services.empty() &&
      std::all_of(s.config.services.begin(), s.config.services.end(),
                  [](const ServiceMetricsConfig& c) { return c.working_set.has_value(); });
  m.reserved_cpu_core_hours = s.cpu_reserved.hours(now);
  const WarmupCut::Values since = s.warmup_cut.since(now);
  for (const auto& [name, node] : s.service_nodes)
    m.used_cpu_core_hours += value_of(since, "busy/" + name) / kSecondsPerHour;
  m.idle_reserved_cpu_core_hours = std::max(0.0, m.reserved_cpu_core_hours - m.used_cpu_core_hours);
  if (s.stranded_samples > 0) {
    m.stranded_cpu_fraction = s.stranded_cpu_sum / static_cast<double>(s.stranded_samples);
    m.stranded_memory_fraction = s.stranded_memory_sum / static_cast<double>(s.stranded_samples);
  }
  if (s.packing_samples > 0) {
    const auto n = static_cast<double>(s.packing_samples);
    m.packing_efficiency_cpu = s.packing_sums[0] / n;
    m.packing_efficiency_memory = s.packing_sums[1] / n;
    m.fragmentation_cpu = s.packing_sums[2] / n;
    m.fragmentation_memory = s.packing_sums[3] / n;
  }
  m.hosts_used_peak = static_cast<std::int64_t>(s.hosts_peak.until(now));
  m.nodes_peak = static_cast<std::int64_t>(s.nodes_peak.until(now));
  m.density_peak = s.density_peak.until(now);
  const double in_use = s.host_in_use.integral(now);
  m.density_mean = in_use > 0.0 ? s.density.integral(now) / in_use : 0.0;

  const double run_seconds = (now - s.density.start()).seconds();
  for (std::size_t k = 0; k < m.services.size(); ++k)
    m.services[k].mean_queued = run_seconds > 0.0 ? s.wait_seconds[k] / run_seconds : 0.0;

  for (std::size_t b = 0; b < s.config.bursts.size(); ++b)
    if (s.counts(s.config.bursts[b].onset))
      m.time_to_capacity.push_back(CapacityCatchUp{s.config.bursts[b], s.caught_up[b]});

  s.close_instances();
  s.close_totals(since, now);
  m.events_processed = s.sim.events_processed();
  return std::move(m);
}

}  // namespace vmcsim::models::metrics
