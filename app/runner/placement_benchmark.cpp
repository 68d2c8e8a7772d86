#include "app/runner/placement_benchmark.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/importers/alibaba_gpu.hpp"
#include "models/catalog/catalog.hpp"
#include "models/placement/fgd.hpp"

namespace vmcsim::app::runner {

namespace {

using models::placement::ClusterQuery;
using models::placement::NodeView;
using models::placement::ReplayPod;

const scenario::Workload* pod_trace_of(const scenario::Scenario& s) {
  for (const auto& w : s.workloads)
    if (w.kind == scenario::WorkloadKind::pod_trace) return &w;
  return nullptr;
}

std::vector<NodeView> nodes_of(const scenario::Scenario& s) {
  std::vector<NodeView> nodes;
  // The attributes placement sees, from the node's own labels and its group's.
  const auto label = [](NodeView& n, const scenario::HostGroup& g,
                        std::map<std::string, std::string> labels = {}) {
    if (!g.zone.empty()) labels["zone"] = g.zone;
    if (!g.rack.empty()) labels["rack"] = g.rack;
    if (!g.instance_type.empty()) labels["instance_type"] = g.instance_type;
    n.attributes = models::placement::node_attributes(n.id, labels);
  };
  for (const auto& g : s.hosts) {
    if (g.from_trace) {
      for (const auto& a : importers::load_alibaba_nodes(g.from_trace->file).nodes) {
        NodeView& n = nodes.emplace_back();
        n.id = n.name = a.name;
        n.capacity.cpu = a.cpu;
        n.capacity.memory = a.memory;
        n.capacity.gpu_milli = std::int64_t{a.gpus} * 1000;
        n.gpu_free.assign(static_cast<std::size_t>(a.gpus), 1000);  // each GPU a device
        std::map<std::string, std::string> labels;
        if (!a.model.empty()) labels["model"] = a.model;
        label(n, g, std::move(labels));
      }
      continue;
    }
    for (int i = 0; i < g.count; ++i) {
      NodeView& n = nodes.emplace_back();
      n.id = n.name = fmt::format("{}-{}", g.name, i);
      n.capacity.cpu = g.cpu;
      n.capacity.memory = g.memory;
      label(n, g);
    }
  }
  return nodes;
}

// "V100M16|V100M32" -> attribute:model in [V100M16, V100M32]
ClusterQuery gpu_model_constraint(const std::string& spec) {
  std::vector<std::string> models;
  std::size_t start = 0;
  for (std::size_t bar; (bar = spec.find('|', start)) != std::string::npos; start = bar + 1)
    models.push_back(spec.substr(start, bar - start));
  models.push_back(spec.substr(start));
  return ClusterQuery::parse(fmt::format("attribute:model in [{}]", fmt::join(models, ", ")));
}

std::vector<ReplayPod> pods_of(const scenario::Workload& w, std::optional<std::size_t> max_pods) {
  std::vector<ReplayPod> pods;
  if (!max_pods) max_pods = w.max_pods;
  importers::read_alibaba_pods(w.trace->file, {}, [&](const importers::AlibabaPod& a) {
    if (max_pods && pods.size() == *max_pods) return;
    ReplayPod& p = pods.emplace_back();
    p.request.service = "pods";  // one cluster's pods: ECS spread counts them all alike
    p.request.demand.cpu = a.cpu;
    p.request.demand.memory = a.memory;
    p.request.demand.gpu_milli = std::int64_t{a.num_gpu} * a.gpu_milli;
    p.request.gpus = a.num_gpu;
    if (!a.gpu_spec.empty()) p.request.member_of.push_back(gpu_model_constraint(a.gpu_spec));
    p.arrival = a.creation;
    if (!w.hold_pods) p.lifetime = a.deletion - a.creation;
  });
  std::stable_sort(pods.begin(), pods.end(),
                   [](const ReplayPod& a, const ReplayPod& b) { return a.arrival < b.arrival; });
  if (w.arrival_speedup != 1.0)
    return models::placement::speed_up_arrivals(pods, w.arrival_speedup);
  return pods;
}

// FGD's target workload is every pod of the trace as run, CPU-only pods included (the
// authors' setting), so that it keeps CPU-only pods off GPU nodes that GPU pods need.
std::unique_ptr<models::placement::PlacementPolicy> fgd_policy(std::span<const ReplayPod> pods) {
  std::vector<models::placement::PlacementRequest> requests;
  for (const ReplayPod& p : pods)
    requests.push_back(p.request);
  if (requests.empty()) requests.emplace_back();  // no pods: nothing to place, any workload
  return models::placement::make_fgd_policy(models::placement::workload_classes(requests));
}

const models::PlatformProfile& profile_of(const models::Catalog& catalog,
                                          const scenario::Variant& v, std::size_t index) {
  const std::string field = fmt::format("variants[{}]", index);
  const models::PlatformProfile* p = nullptr;
  try {
    p = &catalog.profile(v.profile);
  } catch (const std::out_of_range& e) {
    throw InputError(v.where, field + ".profile", field + ".profile: " + e.what());
  }
  const bool vm =
      v.platform == scenario::PlatformKind::vm || v.platform == scenario::PlatformKind::microvm;
  const bool vm_profile =
      p->kind == models::PlatformKind::vm || p->kind == models::PlatformKind::microvm;
  if (vm != vm_profile || p->is_node())
    throw InputError(v.where, field + ".profile",
                     fmt::format("{}.profile: '{}' is not a {} profile", field, v.profile,
                                 vm ? "vm or microvm" : "container runtime"));
  if (!v.overrides.empty())
    throw InputError(v.where, field + ".overrides",
                     field + ".overrides: the placement benchmark does not apply overrides");
  return *p;
}

}  // namespace

bool has_pod_trace(const scenario::Scenario& s) {
  return pod_trace_of(s) != nullptr;
}

PlacementInputs placement_inputs(const scenario::Scenario& s, std::optional<std::size_t> max_pods) {
  const scenario::Workload* workload = pod_trace_of(s);
  if (workload == nullptr)
    throw std::invalid_argument("run_placement_benchmark: scenario '" + s.name +
                                "' has no pod_trace workload");
  return PlacementInputs{nodes_of(s), pods_of(*workload, max_pods)};
}

PlacementRow run_placement_variant(const scenario::Scenario& s, const PlacementInputs& inputs,
                                   std::size_t i, const PlacementBenchmarkOptions& options) {
  const scenario::Workload* workload = pod_trace_of(s);
  if (workload == nullptr)
    throw std::invalid_argument("run_placement_benchmark: scenario '" + s.name +
                                "' has no pod_trace workload");
  static const models::Catalog catalog = models::Catalog::load_default();
  models::placement::ReplayOptions replay;
  replay.end = s.duration;
  replay.seed = options.seed.value_or(s.seed);
  replay.head_of_line_blocking = options.head_of_line_blocking;
  replay.patience = workload->patience;
  replay.use_index = options.use_index;
  replay.observer = options.observer;
  const scenario::Variant& v = s.variants.at(i);
  const models::PlatformProfile& profile = profile_of(catalog, v, i);
  std::vector<ReplayPod> as_run = inputs.pods;
  for (ReplayPod& p : as_run)
    p.request.demand = models::placement::platform_demand(profile, p.request.demand);
  const auto policy = v.placement == "fgd"
                          ? fgd_policy(as_run)
                          : models::placement::make_policy(v.placement);
  return {v.name, v.placement, profile.name, v.platform != scenario::PlatformKind::container,
          models::placement::replay_placement(inputs.nodes, as_run, *policy, replay)};
}

std::vector<PlacementRow> run_placement_benchmark(const scenario::Scenario& s,
                                                  const PlacementBenchmarkOptions& options) {
  const PlacementInputs inputs = placement_inputs(s, options.max_pods);
  std::vector<PlacementRow> rows;
  for (std::size_t i = 0; i < s.variants.size(); ++i) {
    const scenario::Variant& v = s.variants[i];
    if (!options.variants.empty() && std::find(options.variants.begin(), options.variants.end(),
                                               v.name) == options.variants.end())
      continue;
    rows.push_back(run_placement_variant(s, inputs, i, options));
  }
  return rows;
}

models::metrics::VariantRunMetrics run_metrics_of(const PlacementRow& row,
                                                  const PlacementInputs& inputs,
                                                  std::uint64_t replication) {
  namespace mm = models::metrics;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const auto& r = row.result;
  mm::VariantRunMetrics m;
  m.variant = row.variant;
  m.replication = replication;
  m.end = r.end;
  mm::InstanceAccounting& a = m.instances_accounting;
  a.requested = r.pods_total;
  a.ready = r.pods_placed;
  a.never_placed = r.pods_never_placed();
  for (const auto& [dimension, n] : r.never_placed_by)
    a.reasons[fmt::format("no node fits: {}", dimension)] += n;
  // Pods counted never placed whose last decision named no dimension still need a reason.
  std::uint64_t with_reason = 0;
  for (const auto& [reason, n] : a.reasons)
    with_reason += n;
  if (with_reason < a.never_placed) a.reasons["never placed"] += a.never_placed - with_reason;
  m.pending_ms = r.pending_ms;
  m.pending_ms_stats = r.pending_ms_stats;
  m.placement_decisions = r.timing.decisions;
  m.hosts_used_peak = static_cast<std::int64_t>(r.peak_nodes_used);
  models::placement::ResourceVector total;
  for (const auto& n : inputs.nodes)
    total += n.capacity;
  using models::placement::Dimension;
  m.stranded_cpu_fraction = r.stranded_mean.amount(Dimension::cpu) / total.amount(Dimension::cpu);
  m.stranded_memory_fraction =
      r.stranded_mean.amount(Dimension::memory) / total.amount(Dimension::memory);
  m.gpu_fragmentation_milli = r.gpu_fragmentation_mean;
  // Not measured by a replay: n/a, not zero.
  for (double* unmeasured :
       {&m.packing_efficiency_cpu, &m.packing_efficiency_memory, &m.fragmentation_cpu,
        &m.fragmentation_memory, &m.memory_overhead_gib_hours, &m.energy_kwh, &m.cost_usd,
        &m.idle_reserved_cpu_core_hours, &m.idle_reserved_memory_gib_hours,
        &m.reserved_memory_gib_hours, &m.fargate_waste_cpu_core_hours,
        &m.fargate_waste_memory_gib_hours, &m.density_mean, &m.density_peak})
    *unmeasured = kNaN;
  return m;
}

std::string placement_table(std::span<const PlacementRow> rows, TableColumns columns) {
  const bool timing = columns == TableColumns::all;
  const auto seconds = [](sim::Time t) { return fmt::format("{:.1f} s", t.seconds()); };
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header{"variant",
                                  "placement",
                                  "pods as",
                                  "placed",
                                  "never placed",
                                  "pending p50",
                                  "pending p99",
                                  "never placed waited",
                                  "peak nodes",
                                  "stranded CPU mean/peak",
                                  "stranded mem mean/peak",
                                  "GPU frag mean/peak"};
  if (timing) {
    header.emplace_back("decide mean");
    header.emplace_back("decide p99");
  }
  cells.push_back(header);
  for (const PlacementRow& row : rows) {
    const auto& r = row.result;
    std::vector<std::string> c{
        row.variant,
        row.placement,
        row.vm_per_pod ? "VM " + row.profile : row.profile,
        std::to_string(r.pods_placed),
        std::to_string(r.pods_never_placed()),
        seconds(r.pending_p50),
        seconds(r.pending_p99),
        seconds(r.never_placed_wait_mean),
        std::to_string(r.peak_nodes_used),
        fmt::format("{:.1f} / {:.0f} cores", r.stranded_mean.cpu.cores_value(),
                    r.stranded_peak.cpu.cores_value()),
        fmt::format("{:.0f} / {:.0f} GiB", r.stranded_mean.memory.gib_value(),
                    r.stranded_peak.memory.gib_value()),
        fmt::format("{:.1f} / {:.1f} GPUs", r.gpu_fragmentation_mean / 1000.0,
                    r.gpu_fragmentation_peak / 1000.0)};
    if (timing) {
      c.push_back(fmt::format("{:.1f} us", r.timing.mean_us));
      c.push_back(fmt::format("{:.1f} us", r.timing.p99_us));
    }
    cells.push_back(std::move(c));
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& line : cells)
    for (std::size_t i = 0; i < line.size(); ++i)
      width[i] = std::max(width[i], line[i].size());
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i)  // text left, numbers right
      text += i < 3 ? fmt::format("{:<{}}  ", line[i], width[i])
                    : fmt::format("{:>{}}  ", line[i], width[i]);
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    out += text + '\n';
  }
  // How hard the pods pushed, once per way of running a pod (VMs ask more CPU and memory).
  std::vector<std::string> seen;
  for (const PlacementRow& row : rows) {
    const std::string as = row.vm_per_pod ? "VM " + row.profile : row.profile;
    if (std::find(seen.begin(), seen.end(), as) != seen.end()) continue;
    const auto at = [&](models::placement::Dimension d) {
      return 100.0 * row.result.peak_demand[static_cast<std::size_t>(d)];
    };
    out += fmt::format(
        "{}pods as {}: CPU {:.0f}%, memory {:.0f}%, GPU {:.0f}%",
        seen.empty() ? "\npeak demand of the pods present (running or waiting), " : "; ", as,
        at(models::placement::Dimension::cpu), at(models::placement::Dimension::memory),
        at(models::placement::Dimension::gpu));
    seen.push_back(as);
  }
  if (!seen.empty()) out += " of the cluster\n";
  return out;
}

}  // namespace vmcsim::app::runner
