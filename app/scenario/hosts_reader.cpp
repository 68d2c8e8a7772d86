// `hosts`: groups of identical hosts, or the node list of a cluster trace.
#include <algorithm>

#include "app/importers/alibaba_gpu.hpp"
#include "app/importers/trace_formats.hpp"
#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

const KeyTables& host_key_tables() {
  static const KeyTables tables{
      {"host_group",
       {"name", "count", "instance_type", "cpu", "memory", "disk_bandwidth", "disk_iops",
        "network_bandwidth", "zone", "rack", "power", "price_per_hour", "from_trace", "taints"}},
      {"power", {"idle_watts", "peak_watts"}},
  };
  return tables;
}

namespace {

PowerModel read_power(const Field& p) {
  p.check_keys(keys("power"));
  PowerModel pm;
  pm.idle_watts = non_negative(p.required("idle_watts"), kMaxWatts);
  pm.peak_watts = non_negative(p.required("peak_watts"), kMaxWatts);
  if (pm.peak_watts < pm.idle_watts) p["peak_watts"].fail("must not be below idle_watts");
  return pm;
}

// A node list: each node a host with its own capacities (read again by the runner).
HostGroup host_group_from_trace(ReadContext& cx, const Field& f, const Field& t, HostGroup g) {
  for (const char* key : {"count", "instance_type", "cpu", "memory"})
    if (auto x = f.optional(key))
      x->fail(
          "does not apply to a host group from_trace (the node list gives each node's "
          "capacities)");
  g.from_trace = cx.trace_ref(t, importers::trace_format_names(importers::kHostNodes));
  const auto nodes = importers::load_alibaba_nodes(g.from_trace->file);
  if (nodes.nodes.empty()) t["file"].fail(fmt::format("'{}' lists no nodes", g.from_trace->file));
  g.count = static_cast<int>(nodes.nodes.size());
  for (const auto& n : nodes.nodes) {
    g.cpu = std::max(g.cpu, n.cpu);
    g.memory = std::max(g.memory, n.memory);
  }
  if (auto z = f.optional("zone")) g.zone = z->text();
  if (auto r = f.optional("rack")) g.rack = r->text();
  if (auto c = f.optional("price_per_hour")) g.price_per_hour = non_negative(*c, kMaxPrice);
  for (const char* key : {"disk_bandwidth", "disk_iops", "network_bandwidth", "power"})
    if (auto x = f.optional(key)) x->fail("does not apply to a host group from_trace");
  return g;
}

// Capacities from the catalog's instance type, unless cpu and memory are both explicit.
void read_instance_type(ReadContext& cx, const Field& f, const Field& t, HostGroup& g) {
  g.instance_type = t.text();
  const auto& types = cx.catalog().instance_types();
  if (const auto it = types.find(g.instance_type); it != types.end()) {
    g.cpu = sim::Millicores::cores(it->second.vcpus);
    g.memory = it->second.memory;
  } else if (!f.optional("cpu") || !f.optional("memory")) {
    t.fail(fmt::format("unknown instance type '{}': give cpu and memory explicitly ({})",
                       shorten(g.instance_type), suggest(g.instance_type, types)));
  }
}

// A group without `power` draws what the catalog's per-vCPU and per-GB coefficients give for its
// capacities (models/catalog/instance_types.yaml, host_power, with its source), recorded as an
// assumption so validate and results.json show it; energy never reads 0 W unannounced.
void default_power(ReadContext& cx, const Field& f, HostGroup& g) {
  const auto& c = cx.catalog().host_power();
  const double vcpus = g.cpu.cores_value();
  const double gb = static_cast<double>(g.memory.count()) / 1e9;
  g.power = PowerModel{vcpus * c.idle_watts_per_vcpu + gb * c.watts_per_gb,
                       vcpus * c.peak_watts_per_vcpu + gb * c.watts_per_gb};
  const std::string value =
      fmt::format("{{idle_watts: {:.0f}, peak_watts: {:.0f}}}", g.power->idle_watts,
                  g.power->peak_watts);
  cx.assume({f.path + ".power", value,
             c.source.empty()
                 ? std::string{"the catalog has no host_power coefficients: energy reads 0"}
                 : fmt::format("no power given: {:g} vCPU x {}/{} W idle/peak + {:.0f} GB x {} W "
                               "({})",
                               vcpus, c.idle_watts_per_vcpu, c.peak_watts_per_vcpu, gb,
                               c.watts_per_gb, c.source),
             f.where()});
}

}  // namespace

HostGroup read_host_group(ReadContext& cx, const Field& f) {
  f.check_keys(keys("host_group"));
  HostGroup g;
  g.name = cx.unique_name(f, "host group");
  if (auto t = f.optional("from_trace")) return host_group_from_trace(cx, f, *t, std::move(g));
  if (auto c = f.optional("count")) g.count = static_cast<int>(c->integer(1, 10'000'000));
  if (auto t = f.optional("instance_type")) read_instance_type(cx, f, *t, g);
  if (auto c = f.optional("cpu")) g.cpu = c->positive<sim::Millicores>();
  if (auto m = f.optional("memory")) g.memory = m->positive<sim::Bytes>();
  if (g.cpu == sim::Millicores{}) f["cpu"].fail("missing: give instance_type or cpu and memory");
  if (g.memory == sim::Bytes{}) f["memory"].fail("missing: give instance_type or cpu and memory");
  if (auto d = f.optional("disk_bandwidth")) g.disk_bandwidth = d->positive<sim::DataRate>();
  if (auto d = f.optional("disk_iops")) g.disk_iops = d->integer(1, 100'000'000);
  if (auto n = f.optional("network_bandwidth")) g.network_bandwidth = n->positive<sim::DataRate>();
  if (auto z = f.optional("zone")) g.zone = z->text();
  if (auto r = f.optional("rack")) g.rack = r->text();
  if (auto p = f.optional("power")) g.power = read_power(*p);
  else default_power(cx, f, g);
  if (auto c = f.optional("price_per_hour")) g.price_per_hour = non_negative(*c, kMaxPrice);
  return g;
}

}  // namespace vmcsim::app::scenario
