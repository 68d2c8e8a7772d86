#include "models/failures/failures.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sim/assert.hpp"
#include "sim/random.hpp"

namespace vmcsim::models::failures {

std::string_view to_string(RecoveryKind k) {
  switch (k) {
    case RecoveryKind::kubernetes:
      return "kubernetes";
    case RecoveryKind::ecs:
      return "ecs";
    case RecoveryKind::vm_ha:
      return "vm_ha";
  }
  return "?";
}

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::host_down:
      return "host_down";
    case EventKind::host_up:
      return "host_up";
    case EventKind::drain_start:
      return "drain_start";
    case EventKind::drain_end:
      return "drain_end";
    case EventKind::crash:
      return "crash";
    case EventKind::hang:
      return "hang";
  }
  return "?";
}

int DisruptionBudget::min_ready(int desired) const {
  // The disruption controller scales a percent against the expected count rounding up, for
  // minAvailable and maxUnavailable alike (k8s.io/kubernetes pkg/controller/disruption,
  // GetScaledValueFromIntOrPercent(..., true)).
  const auto scaled = [&] {
    return percent ? static_cast<int>(std::ceil(value / 100.0 * desired - 1e-9))
                   : static_cast<int>(value);
  };
  switch (kind) {
    case Kind::none:
      return 0;
    case Kind::min_available:
      return std::max(0, scaled());
    case Kind::max_unavailable:
      return std::max(0, desired - scaled());
  }
  return 0;
}

namespace {

std::size_t host_index(std::span<const HostInfo> hosts, const std::string& name) {
  const auto it =
      std::find_if(hosts.begin(), hosts.end(), [&](const HostInfo& h) { return h.name == name; });
  VMCSIM_ASSERT(it != hosts.end(), "a failure names a host the loader did not check");
  return static_cast<std::size_t>(it - hosts.begin());
}

// A draw of at least a nanosecond, so that a process always moves forward.
sim::Time draw(const sim::Distribution& d, sim::RandomStream& s) {
  return std::max(sim::Time::from_ns(1), sim::Time::from_seconds(std::max(0.0, d.sample(s))));
}

void random_host_failures(const RandomHostFailures& r, std::span<const HostInfo> hosts,
                          sim::Time end, std::uint64_t seed, std::uint64_t replication,
                          std::vector<FailureEvent>& out) {
  std::vector<std::size_t> which;
  if (r.hosts.empty()) {
    for (std::size_t h = 0; h < hosts.size(); ++h)
      which.push_back(h);
  } else {
    for (const std::string& name : r.hosts)
      which.push_back(host_index(hosts, name));
  }
  for (const std::size_t h : which) {
    sim::RandomStream s(seed, replication, fmt::format("failures/host/{}", hosts[h].name));
    sim::Time t = draw(r.time_between, s);
    while (t < end) {
      out.push_back({t, EventKind::host_down, h, 0, 0.0, "random host failure"});
      t = sim::Time::saturating_add(t, draw(r.repair, s));
      if (t >= end) break;
      out.push_back({t, EventKind::host_up, h, 0, 0.0, "repaired"});
      t = sim::Time::saturating_add(t, draw(r.time_between, s));
    }
  }
}

}  // namespace

std::vector<FailureEvent> plan_failures(const FailureSpec& spec, std::span<const HostInfo> hosts,
                                        std::span<const std::string> services, sim::Time end,
                                        std::uint64_t seed, std::uint64_t replication) {
  std::vector<FailureEvent> out;
  for (const RandomHostFailures& r : spec.host_failures)
    random_host_failures(r, hosts, end, seed, replication, out);
  for (const RandomCrashes& c : spec.crashes) {
    const auto it = std::find(services.begin(), services.end(), c.service);
    VMCSIM_ASSERT(it != services.end(), "a crash names a service the loader did not check");
    const auto service = static_cast<std::size_t>(it - services.begin());
    sim::RandomStream s(seed, replication,
                        fmt::format("failures/{}/{}", c.hang ? "hang" : "crash", c.service));
    const EventKind kind = c.hang ? EventKind::hang : EventKind::crash;
    for (sim::Time t = draw(c.time_between, s); t < end;
         t = sim::Time::saturating_add(t, draw(c.time_between, s)))
      out.push_back(
          {t, kind, 0, service, s.uniform01(), c.hang ? "process hang" : "process crash"});
  }
  for (const ZoneOutage& z : spec.zone_outages) {
    bool any = false;
    for (std::size_t h = 0; h < hosts.size(); ++h) {
      if (hosts[h].zone != z.zone) continue;
      any = true;
      const std::string cause = "zone outage " + z.zone;
      if (z.at < end) out.push_back({z.at, EventKind::host_down, h, 0, 0.0, cause});
      const sim::Time back = sim::Time::saturating_add(z.at, z.duration);
      if (back < end) out.push_back({back, EventKind::host_up, h, 0, 0.0, cause + " over"});
    }
    VMCSIM_ASSERT(any, "a zone outage names a zone without hosts (the loader checks zones)");
    static_cast<void>(any);
  }
  for (const HostDrain& d : spec.drains) {
    const std::size_t h = host_index(hosts, d.host);
    if (d.at < end) out.push_back({d.at, EventKind::drain_start, h, 0, 0.0, "maintenance drain"});
    const sim::Time back = sim::Time::saturating_add(d.at, d.duration);
    if (back < end) out.push_back({back, EventKind::drain_end, h, 0, 0.0, "maintenance over"});
  }
  for (const SpotInterruption& sp : spec.spot) {
    const std::size_t h = host_index(hosts, sp.host);
    if (sp.at < end)
      out.push_back({sp.at, EventKind::drain_start, h, 0, 0.0, "spot interruption notice"});
    const sim::Time gone = sim::Time::saturating_add(sp.at, sp.notice);
    if (gone < end) out.push_back({gone, EventKind::host_down, h, 0, 0.0, "spot interruption"});
  }
  // Stable: equal times keep the spec's order; a repair sorts before a failure at the same time.
  std::stable_sort(out.begin(), out.end(), [](const FailureEvent& a, const FailureEvent& b) {
    if (a.at != b.at) return a.at < b.at;
    return a.kind == EventKind::host_up && b.kind != EventKind::host_up;
  });
  return out;
}

}  // namespace vmcsim::models::failures
