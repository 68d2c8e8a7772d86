// `topology` (generated or explicit links) and `registry`.
#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

const KeyTables& topology_key_tables() {
  static const KeyTables tables{
      {"topology", {"generator", "links"}},
      {"topology_generator", {"zones", "racks_per_zone", "hosts_per_rack", "uplinks"}},
      {"link", {"bandwidth", "latency"}},
      {"explicit_link", {"from", "to", "bandwidth", "latency"}},
      {"registry", {"bandwidth", "latency"}},
  };
  return tables;
}

namespace {

Link read_link(const Field& f, const char* table) {
  f.check_keys(keys(table));
  Link l;
  l.bandwidth = f.required("bandwidth").positive<sim::DataRate>();
  if (auto t = f.optional("latency")) l.latency = t->quantity<sim::Time>();
  return l;
}

TopologyGenerator read_generator(const Field& gen) {
  gen.check_keys(keys("topology_generator"));
  TopologyGenerator g;
  g.zones = static_cast<int>(gen.required("zones").integer(1, 1000));
  g.racks_per_zone = static_cast<int>(gen.required("racks_per_zone").integer(1, 100000));
  g.hosts_per_rack = static_cast<int>(gen.required("hosts_per_rack").integer(1, 100000));
  g.uplinks = read_link(gen.required("uplinks"), "link");
  return g;
}

ExplicitLink read_explicit_link(const Field& e) {
  e.check_keys(keys("explicit_link"));
  ExplicitLink x;
  x.from = e.required("from").text();
  x.to = e.required("to").text();
  x.link.bandwidth = e.required("bandwidth").positive<sim::DataRate>();
  if (auto l = e.optional("latency")) x.link.latency = l->quantity<sim::Time>();
  return x;
}

}  // namespace

Topology read_topology(ReadContext&, const Field& f) {
  f.check_keys(keys("topology"));
  Topology t;
  const auto gen = f.optional("generator");
  const auto links = f.optional("links");
  if (gen.has_value() == links.has_value()) f.fail("give exactly one of generator or links");
  if (gen) {
    t.generator = read_generator(*gen);
  } else {
    for (const Field& e : links->elements(false))
      t.links.push_back(read_explicit_link(e));
  }
  return t;
}

void check_topology_holds_hosts(const Field& f, const Scenario& s) {
  if (const auto& g = s.topology->generator) {
    // Hosts fill the generated racks in order; every host needs a slot.
    const long long slots = 1LL * g->zones * g->racks_per_zone * g->hosts_per_rack;
    if (slots < s.host_count())
      f["generator"].fail(
          fmt::format("has room for {} hosts, but hosts declare {}", slots, s.host_count()));
  }
}

Registry read_registry(ReadContext&, const Field& f) {
  const Link l = read_link(f, "registry");
  return Registry{l.bandwidth, l.latency};
}

}  // namespace vmcsim::app::scenario
