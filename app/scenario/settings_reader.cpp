// `slo`, `cost` and `output`.
#include <algorithm>

#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

const KeyTables& settings_key_tables() {
  static const KeyTables tables{
      {"slo", {"startup_p99", "request_latency_p99", "request_latency_threshold"}},
      {"cost", {"currency", "per_vcpu_hour", "per_gib_hour", "per_kwh"}},
      {"output", {"directory", "formats", "baseline", "trace", "instances"}},
      {"trace_selection", {"from", "to", "hosts", "seed"}},
  };
  return tables;
}

Slo read_slo(const Field& f) {
  f.check_keys(keys("slo"));
  Slo s;
  if (auto t = f.optional("startup_p99")) s.startup_p99 = t->positive<sim::Time>();
  if (auto t = f.optional("request_latency_p99")) s.request_latency_p99 = t->positive<sim::Time>();
  if (auto t = f.optional("request_latency_threshold"))
    s.request_latency_threshold = t->positive<sim::Time>();
  if (!s.startup_p99 && !s.request_latency_p99 && !s.request_latency_threshold)
    f.fail(
        "give at least one objective (startup_p99, request_latency_p99, "
        "request_latency_threshold)");
  return s;
}

Cost read_cost(const Field& f) {
  f.check_keys(keys("cost"));
  Cost c;
  if (auto x = f.optional("currency")) c.currency = x->text();
  if (auto x = f.optional("per_vcpu_hour")) c.per_vcpu_hour = non_negative(*x, kMaxPrice);
  if (auto x = f.optional("per_gib_hour")) c.per_gib_hour = non_negative(*x, kMaxPrice);
  if (auto x = f.optional("per_kwh")) c.per_kwh = non_negative(*x, kMaxPrice);
  return c;
}

namespace {

// Every host name of the scenario's groups as the runner names them (app/runner/world.cpp:
// "<group>" for a group of one, "<group>-<i>" otherwise); groups from a node trace take the
// trace's names, which only the runner reads, so `complete` is false when there are any.
std::vector<std::string> host_names(const Scenario& s, bool& complete) {
  std::vector<std::string> names;
  complete = true;
  for (const HostGroup& g : s.hosts) {
    if (g.from_trace) {
      complete = false;
      continue;
    }
    for (int i = 0; i < g.count; ++i)
      names.push_back(g.count == 1 ? g.name : fmt::format("{}-{}", g.name, i));
  }
  return names;
}

std::size_t host_count(const Scenario& s) {
  std::size_t n = 0;
  for (const HostGroup& g : s.hosts)
    n += static_cast<std::size_t>(std::max(0, g.count));
  return n;
}

// output.trace (scenario.hpp TraceSelection).
TraceSelection read_trace_selection(const Field& f, const Scenario& s) {
  f.check_keys(keys("trace_selection"));
  TraceSelection t;
  if (auto x = f.optional("from")) {
    t.from = x->quantity<sim::Time>();
    if (s.duration > sim::Time::zero() && *t.from >= s.duration)
      x->fail(fmt::format("the trace window starts at or after the end of the run ({})",
                          s.duration.to_string()));
  }
  if (auto x = f.optional("to")) {
    t.to = x->positive<sim::Time>();
    if (t.from && *t.to <= *t.from)
      x->fail(fmt::format("the trace window ends ({}) at or before it starts ({})",
                          t.to->to_string(), t.from->to_string()));
  }
  if (auto x = f.optional("seed"))
    t.host_seed = static_cast<std::uint64_t>(x->integer(0, std::numeric_limits<long long>::max()));
  if (auto x = f.optional("hosts")) {
    if (x->node.IsSequence()) {
      bool complete = true;
      const std::vector<std::string> known = host_names(s, complete);
      for (const Field& e : x->elements(false)) {
        std::string name = e.text();
        if (std::find(t.hosts.begin(), t.hosts.end(), name) != t.hosts.end())
          e.fail(fmt::format("host '{}' is listed twice", shorten(name)));
        if (complete && std::find(known.begin(), known.end(), name) == known.end()) {
          const std::string close = closest_match(name, known);
          const std::string hint =
              close.empty() ? std::string{} : fmt::format(" (did you mean '{}'?)", close);
          e.fail(fmt::format("undefined host '{}'{}", shorten(name), hint));
        }
        t.hosts.push_back(std::move(name));
      }
    } else {
      const std::size_t hosts = host_count(s);
      t.host_count = static_cast<std::size_t>(
          x->integer(1, static_cast<long long>(std::max<std::size_t>(1, hosts))));
    }
  } else if (f.optional("seed")) {
    f["seed"].fail("seed draws the host sample: give hosts as a count too");
  }
  return t;
}

}  // namespace

Output read_output(const ReadContext& cx, const Field& f, const Scenario& s) {
  f.check_keys(keys("output"));
  Output o;
  if (auto d = f.optional("directory")) o.directory = d->text();
  if (auto fm = f.optional("formats")) {
    static const std::vector<std::string> allowed{"table", "json", "csv", "trace", "html"};
    o.formats.clear();
    for (const Field& e : fm->elements(false)) {
      const std::string v = e.text();
      if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
        e.fail(
            fmt::format("unknown value '{}' (allowed: {})", shorten(v), fmt::join(allowed, ", ")));
      o.formats.push_back(v);
    }
  }
  if (auto b = f.optional("baseline")) {
    o.baseline = b->text();
    if (std::none_of(s.variants.begin(), s.variants.end(),
                     [&](const Variant& v) { return v.name == o.baseline; })) {
      if (cx.failed("variant", o.baseline)) throw RefersToFailedEntry{};
      b->fail(fmt::format("undefined variant '{}'", shorten(o.baseline)));
    }
  }
  if (auto t = f.optional("trace")) o.trace = read_trace_selection(*t, s);
  if (auto c = f.optional("instances")) {
    const std::string v = c->text();
    if (v == "auto")
      o.instances = InstancesCompression::automatic;
    else if (v == "gzip")
      o.instances = InstancesCompression::gzip;
    else if (v == "plain")
      o.instances = InstancesCompression::none;
    else
      c->fail(fmt::format("unknown value '{}' (allowed: auto, gzip, plain)", shorten(v)));
  }
  return o;
}

}  // namespace vmcsim::app::scenario
