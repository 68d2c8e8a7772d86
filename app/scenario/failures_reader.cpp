// `failures`: random host failures and process crashes, zone outages, drains and Spot
// interruptions (models/failures/failures.hpp). Read after the hosts, topology and services,
// whose names and zones it checks.
#include <set>

#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

const KeyTables& failures_key_tables() {
  static const KeyTables tables{
      {"failures",
       {"host_failures", "crashes", "zone_outages", "drains", "spot_interruptions", "detection",
        "min_healthy_percent"}},
      {"host_failure", {"mtbf", "mttr", "hosts"}},
      {"crash", {"service", "mtbf", "kind"}},
      {"zone_outage", {"zone", "at", "duration"}},
      {"drain", {"host", "at", "duration"}},
      {"spot_interruption", {"host", "at", "notice"}},
      {"detection",
       {"node_monitor_grace_period", "not_ready_toleration", "health_check_interval",
        "unhealthy_threshold", "ha_detection", "drain_retry", "supervisor_restart"}},
      // services[]: health_reader.cpp
      {"probes", {"readiness", "liveness", "startup"}},
      {"probe", {"initial_delay", "period", "timeout", "failure_threshold", "success_threshold"}},
      {"health_check", {"interval", "timeout", "retries", "start_period"}},
      {"disruption_budget", {"min_available", "max_unavailable"}},
      {"deployment", {"minimum_healthy_percent", "maximum_percent"}},
  };
  return tables;
}

namespace {

namespace mf = models::failures;

// Host names as the runner names them ("<group>-<i>", or the group's name when count is 1) and
// the zones they are in (the group's, or the topology generator's "zone-<z>").
struct KnownHosts {
  std::vector<std::string> names;
  std::set<std::string> zones;
};

KnownHosts known_hosts(const Scenario& s) {
  KnownHosts k;
  const auto& gen = s.topology ? s.topology->generator : std::nullopt;
  int index = 0;
  for (const HostGroup& g : s.hosts)
    for (int i = 0; i < g.count; ++i, ++index) {
      k.names.push_back(g.count == 1 ? g.name : fmt::format("{}-{}", g.name, i));
      if (!g.zone.empty()) {
        k.zones.insert(g.zone);
      } else if (gen) {
        const int per_zone = std::max(1, gen->racks_per_zone * gen->hosts_per_rack);
        k.zones.insert(fmt::format("zone-{}", (index / per_zone) % std::max(1, gen->zones)));
      }
    }
  return k;
}

std::string host_name(const Field& f, const KnownHosts& k) {
  const std::string name = f.text();
  if (std::find(k.names.begin(), k.names.end(), name) != k.names.end()) return name;
  const std::string near = closest_match(name, k.names);
  f.fail(fmt::format("unknown host '{}'{}", shorten(name),
                     near.empty() ? std::string{" (hosts are named <group>-<i>)"}
                                  : fmt::format("; did you mean '{}'?", near)));
}

mf::RandomHostFailures read_host_failure(const Field& f, const KnownHosts& k) {
  f.check_keys(keys("host_failure"));
  if (f.optional("mttr") && !f.optional("mtbf"))
    f["mttr"].fail("an MTTR needs an MTBF: give mtbf, the time between failures");
  mf::RandomHostFailures r;
  r.time_between = read_distribution<sim::Time>(f.required("mtbf")).distribution;
  r.repair = read_distribution<sim::Time>(f.required("mttr")).distribution;
  if (r.time_between.mean() <= 0.0) f["mtbf"].fail("the mean time between failures must be > 0");
  if (auto hosts = f.optional("hosts"))
    for (const Field& h : hosts->elements(false))
      r.hosts.push_back(host_name(h, k));
  return r;
}

mf::RandomCrashes read_crash(const Field& f, const Scenario& s) {
  f.check_keys(keys("crash"));
  mf::RandomCrashes c;
  const Field service = f.required("service");
  c.service = service.text();
  std::vector<std::string> names;
  for (const Service& sv : s.services)
    names.push_back(sv.name);
  if (std::find(names.begin(), names.end(), c.service) == names.end()) {
    const std::string near = closest_match(c.service, names);
    service.fail(fmt::format("unknown service '{}'{}", shorten(c.service),
                             near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
  }
  c.time_between = read_distribution<sim::Time>(f.required("mtbf")).distribution;
  if (c.time_between.mean() <= 0.0) f["mtbf"].fail("the mean time between crashes must be > 0");
  if (auto k = f.optional("kind")) {
    const std::string kind = k->text();
    if (kind != "crash" && kind != "hang")
      k->fail(fmt::format("unknown kind '{}' (crash: the process exits; hang: it stops "
                          "answering)", shorten(kind)));
    c.hang = kind == "hang";
  }
  return c;
}

// Overrides of the catalog's defaults (`d` holds them on entry).
void read_detection(const Field& f, mf::DetectionConfig& d) {
  f.check_keys(keys("detection"));
  const auto time = [&](const char* key, sim::Time& out) {
    if (auto v = f.optional(key)) out = v->quantity<sim::Time>();
  };
  time("node_monitor_grace_period", d.node_monitor_grace_period);
  time("not_ready_toleration", d.not_ready_toleration);
  time("health_check_interval", d.health_check_interval);
  time("ha_detection", d.ha_detection);
  // Positive: kubectl would otherwise retry a refused eviction at the same instant forever.
  if (auto v = f.optional("drain_retry")) d.drain_retry = v->positive<sim::Time>();
  time("supervisor_restart", d.supervisor_restart);
  if (auto v = f.optional("unhealthy_threshold"))
    d.unhealthy_threshold = static_cast<int>(v->integer(1, 100));
}

void read_scheduled(ReadContext& cx, const Field& f, const KnownHosts& k, mf::FailureSpec& out) {
  if (auto list = f.optional("zone_outages"))
    for (const Field& z : list->elements(false))
      cx.attempt([&] {
        z.check_keys(keys("zone_outage"));
        mf::ZoneOutage o;
        const Field zone = z.required("zone");
        o.zone = zone.text();
        if (!k.zones.contains(o.zone)) {
          const std::vector<std::string> zones(k.zones.begin(), k.zones.end());
          const std::string near = closest_match(o.zone, zones);
          zone.fail(fmt::format("no host is in zone '{}'{}", shorten(o.zone),
                                near.empty() ? fmt::format(" (zones: {})", fmt::join(zones, ", "))
                                             : fmt::format("; did you mean '{}'?", near)));
        }
        o.at = z.required("at").quantity<sim::Time>();
        o.duration = z.required("duration").positive<sim::Time>();
        out.zone_outages.push_back(o);
      });
  if (auto list = f.optional("drains"))
    for (const Field& d : list->elements(false))
      cx.attempt([&] {
        d.check_keys(keys("drain"));
        out.drains.push_back({host_name(d.required("host"), k),
                              d.required("at").quantity<sim::Time>(),
                              d.required("duration").positive<sim::Time>()});
      });
  if (auto list = f.optional("spot_interruptions"))
    for (const Field& sp : list->elements(false))
      cx.attempt([&] {
        sp.check_keys(keys("spot_interruption"));
        mf::SpotInterruption i;
        i.host = host_name(sp.required("host"), k);
        i.at = sp.required("at").quantity<sim::Time>();
        if (auto n = sp.optional("notice")) i.notice = n->quantity<sim::Time>();
        out.spot.push_back(i);
      });
}

}  // namespace

void read_failures(ReadContext& cx, const Field& f, Scenario& s) {
  f.check_keys(keys("failures"));
  const KnownHosts k = known_hosts(s);
  mf::FailureSpec& out = s.failures;
  if (auto list = f.optional("host_failures"))
    for (const Field& h : list->elements(false))
      cx.attempt([&] { out.host_failures.push_back(read_host_failure(h, k)); });
  if (auto list = f.optional("crashes"))
    for (const Field& c : list->elements(false))
      cx.attempt([&] { out.crashes.push_back(read_crash(c, s)); });
  read_scheduled(cx, f, k, out);
  out.detection = cx.catalog().detection();
  if (auto d = f.optional("detection")) cx.attempt([&] { read_detection(*d, out.detection); });
  if (auto p = f.optional("min_healthy_percent"))
    cx.attempt([&] { out.min_healthy_percent = p->number(0, 100); });
}

}  // namespace vmcsim::app::scenario
