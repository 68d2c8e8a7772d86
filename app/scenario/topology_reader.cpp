// `topology` (generated or explicit links) and `registry`.
#include <map>
#include <set>

#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

const KeyTables& topology_key_tables() {
  static const KeyTables tables{
      {"topology", {"generator", "links"}},
      {"topology_generator", {"zones", "racks_per_zone", "hosts_per_rack", "uplinks"}},
      {"link", {"bandwidth", "latency"}},
      {"explicit_link", {"from", "to", "bandwidth", "latency"}},
      {"registry",
       {"bandwidth", "latency", "layer_request_rate", "layer_request_burst",
        "image_request_rate", "image_request_burst"}},
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

namespace {

// Racks by name with their zone, from the host groups: an explicit topology places each host
// by its group's zone and rack.
std::map<std::string, std::string> declared_racks(const Field& links, const Scenario& s) {
  std::map<std::string, std::string> zone_of;
  for (const HostGroup& g : s.hosts) {
    if (g.zone.empty() || g.rack.empty())
      links.fail(fmt::format(
          "host group '{}' has no {}: explicit links place each host by its group's zone and "
          "rack (give both)",
          g.name, g.zone.empty() ? "zone" : "rack"));
    const auto [it, fresh] = zone_of.emplace(g.rack, g.zone);
    if (!fresh && it->second != g.zone)
      links.fail(fmt::format("rack '{}' is in zone '{}' and, for host group '{}', in zone '{}'",
                             g.rack, it->second, g.name, g.zone));
  }
  for (const HostGroup& g : s.hosts)
    if (zone_of.count(g.zone) > 0)
      links.fail(fmt::format("'{}' names both a zone and a rack", g.zone));
  return zone_of;
}

// Each link end is a declared zone or rack, the registry, or a switch joining several links.
void check_link_ends(const Field& links, const Scenario& s,
                     const std::map<std::string, std::string>& zone_of) {
  std::set<std::string> zones;
  for (const HostGroup& g : s.hosts)
    zones.insert(g.zone);
  std::map<std::string, int> uses;
  for (const ExplicitLink& l : s.topology->links)
    ++uses[l.from], ++uses[l.to];
  std::vector<std::string> known{"registry"};
  for (const auto& [rack, zone] : zone_of)
    known.push_back(rack);
  known.insert(known.end(), zones.begin(), zones.end());
  for (std::size_t i = 0; i < s.topology->links.size(); ++i) {
    const ExplicitLink& l = s.topology->links[i];
    if (l.from == l.to) links.at(i)["to"].fail(fmt::format("joins '{}' to itself", l.from));
    for (const auto& [end, key] : {std::pair{l.from, "from"}, std::pair{l.to, "to"}}) {
      if (end == "registry" || zone_of.count(end) > 0 || zones.count(end) > 0 || uses[end] > 1)
        continue;
      const std::string hint = closest_match(end, known);
      links.at(i)[key].fail(fmt::format(
          "'{}' is no rack or zone of a host group, nor the registry, nor a switch other links "
          "join{}",
          shorten(end), hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    }
  }
}

}  // namespace

void check_explicit_links(const Field& f, const Scenario& s) {
  if (!s.topology || s.topology->links.empty()) return;
  const Field links = f["links"];
  const auto zone_of = declared_racks(links, s);
  check_link_ends(links, s, zone_of);
  // Every rack must reach the registry (a pull crosses host -> rack -> links -> registry).
  std::multimap<std::string, std::string> next;
  for (const ExplicitLink& l : s.topology->links)
    next.emplace(l.from, l.to), next.emplace(l.to, l.from);
  std::set<std::string> reached{"registry"};
  std::vector<std::string> todo{"registry"};
  while (!todo.empty()) {
    const std::string v = todo.back();
    todo.pop_back();
    for (auto [it, end] = next.equal_range(v); it != end; ++it)
      if (reached.insert(it->second).second) todo.push_back(it->second);
  }
  for (const auto& [rack, zone] : zone_of)
    if (reached.count(rack) == 0)
      links.fail(fmt::format("rack '{}' (zone '{}') cannot reach the registry through these links",
                             rack, zone));
}

Registry read_registry(ReadContext&, const Field& f) {
  const Link l = read_link(f, "registry");
  Registry r{l.bandwidth, l.latency};
  // [scale] request rate limits (per second; a burst below one request means none granted)
  if (auto v = f.optional("layer_request_rate")) r.layer_request_rate = request_rate(*v, true);
  if (auto v = f.optional("image_request_rate")) r.image_request_rate = request_rate(*v, true);
  for (auto [key, burst] : {std::pair{"layer_request_burst", &r.layer_request_burst},
                            std::pair{"image_request_burst", &r.image_request_burst}})
    if (auto v = f.optional(key)) {
      *burst = non_negative(*v, kMaxRate);
      if (*burst < 1.0) v->fail(fmt::format("must be at least 1 (one request), got {}", v->text()));
    }
  return r;
}

}  // namespace vmcsim::app::scenario
