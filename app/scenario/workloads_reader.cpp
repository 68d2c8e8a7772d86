// `workloads`: request arrivals per service (poisson, onoff, mmpp, diurnal, step, trace) with
// bursts, or the pods of a cluster trace (pod_trace).
#include <algorithm>
#include <cmath>

#include "app/importers/trace_formats.hpp"
#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

const KeyTables& workload_key_tables() {
  static const KeyTables tables{
      {"workload",
       {"service", "kind", "rate", "on", "off", "states", "amplitude", "period", "peak_at", "steps",
        "trace", "bursts", "lifetimes", "arrival_speedup", "patience", "max_pods"}},
      {"mmpp_state", {"rate", "mean_sojourn"}},
      {"rate_step", {"at", "rate"}},
      {"trace", {"file", "format"}},
      {"burst", {"at", "duration", "multiplier"}},
  };
  return tables;
}

const std::vector<std::string>& known_trace_formats() {
  static const std::vector<std::string> formats =
      importers::trace_format_names(importers::kRequestWorkload);
  return formats;
}

namespace {

// A burst multiplies the rate at most this much (a million-fold burst is a different workload).
constexpr double kMaxBurstMultiplier = 1e4;

std::vector<std::string> parameters_of(WorkloadKind kind) {
  switch (kind) {
    case WorkloadKind::poisson:
      return {"rate"};
    case WorkloadKind::onoff:
      return {"rate", "on", "off"};
    case WorkloadKind::mmpp:
      return {"states"};
    case WorkloadKind::diurnal:
      return {"rate", "amplitude", "period", "peak_at"};
    case WorkloadKind::step:
      return {"steps"};
    case WorkloadKind::trace:
    case WorkloadKind::pod_trace:
      return {"trace"};
  }
  return {};
}

void read_mmpp(const Field& f, Workload& w) {
  const auto states = f.required("states").elements(false);
  if (states.size() < 2) f["states"].fail("an MMPP needs at least two states");
  for (const Field& st : states) {
    st.check_keys(keys("mmpp_state"));
    w.states.push_back({request_rate(st.required("rate"), true),
                        st.required("mean_sojourn").positive<sim::Time>()});
  }
}

void read_diurnal(ReadContext& cx, const Field& f, Workload& w) {
  w.rate = request_rate(f.required("rate"), false);
  w.amplitude = non_negative(f.required("amplitude"));
  if (w.amplitude > 1) f["amplitude"].fail("must be at most 1 (the rate would go negative)");
  if (auto p = f.optional("period")) {
    w.period = p->positive<sim::Time>();
  } else {
    w.period = sim::Time::from_s(86400);
    cx.assume(
        {f.path + ".period", "24h", "a diurnal cycle lasts a day unless period says", f.where()});
  }
  if (auto p = f.optional("peak_at")) {
    w.peak_at = p->quantity<sim::Time>();
    if (!(w.peak_at < w.period)) p->fail("must be within the period");
  }
}

void read_rate_steps(const Field& f, Workload& w, sim::Time duration) {
  for (const Field& st : f.required("steps").elements(false)) {
    st.check_keys(keys("rate_step"));
    const RateStep step{st.required("at").quantity<sim::Time>(), non_negative(st.required("rate"))};
    if (!w.steps.empty() && !(w.steps.back().at < step.at))
      st["at"].fail("steps must be in increasing time order");
    if (!(step.at < duration))
      st["at"].fail(
          fmt::format("{} is not before the end of the scenario ({})", step.at, duration));
    w.steps.push_back(step);
  }
}

// The arrival process of kind w.kind (all but pod_trace).
void read_arrivals(ReadContext& cx, const Field& f, Workload& w, const Scenario& s) {
  switch (w.kind) {
    case WorkloadKind::poisson:
      w.rate = request_rate(f.required("rate"), false);
      break;
    case WorkloadKind::onoff:
      w.rate = request_rate(f.required("rate"), false);
      w.on = read_distribution<sim::Time>(f.required("on"));
      w.off = read_distribution<sim::Time>(f.required("off"));
      break;
    case WorkloadKind::mmpp:
      read_mmpp(f, w);
      break;
    case WorkloadKind::diurnal:
      read_diurnal(cx, f, w);
      break;
    case WorkloadKind::step:
      read_rate_steps(f, w, s.duration);
      break;
    case WorkloadKind::trace:
      w.trace = cx.trace_ref(f.required("trace"), known_trace_formats());
      break;
    case WorkloadKind::pod_trace:
      break;  // read by read_pod_trace()
  }
}

std::vector<Burst> read_bursts(const Field& b, const Scenario& s) {
  std::vector<Burst> out;
  for (const Field& e : b.elements()) {
    e.check_keys(keys("burst"));
    Burst burst;
    burst.at = e.required("at").quantity<sim::Time>();
    if (!(burst.at < s.duration))
      e["at"].fail(
          fmt::format("{} is not before the end of the scenario ({})", burst.at, s.duration));
    burst.duration = e.required("duration").positive<sim::Time>();
    burst.multiplier = positive_number(e.required("multiplier"), kMaxBurstMultiplier);
    out.push_back(burst);
  }
  return out;
}

void read_pod_trace_options(const Field& f, Workload& w) {
  if (auto l = f.optional("lifetimes")) {
    const std::string v = l->text();
    if (v != "trace" && v != "hold")
      l->fail(fmt::format("unknown value '{}' (allowed: trace, hold)", shorten(v)));
    w.hold_pods = v == "hold";
  }
  if (auto k = f.optional("arrival_speedup")) {
    w.arrival_speedup = k->number(-Field::kMaxNumber, 1e6);
    if (!(w.arrival_speedup >= 1.0) || !std::isfinite(w.arrival_speedup))
      k->fail("must be a number of at least 1 (the gaps between pod creations are divided by it)");
    if (w.hold_pods && w.arrival_speedup != 1.0)
      k->fail(
          "does not apply with lifetimes: hold (held pods never leave, so their pace "
          "does not change what fits)");
  }
  if (auto p = f.optional("patience")) w.patience = p->positive<sim::Time>();
  if (auto m = f.optional("max_pods"))
    w.max_pods = static_cast<std::size_t>(m->integer(0, 1'000'000'000));
}

// The pods of a cluster trace, replayed against the hosts by the placement benchmark.
Workload read_pod_trace(ReadContext& cx, const Field& f, const Scenario& s, Workload w) {
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (k != "kind" && k != "trace" && k != "lifetimes" && k != "arrival_speedup" &&
        k != "patience" && k != "max_pods")
      f[k].fail(
          "does not apply to the pod_trace workload (it takes trace, lifetimes, "
          "arrival_speedup, patience, max_pods: each pod in the trace carries its own "
          "demand)");
  }
  if (!s.services.empty())
    f.fail("a scenario with a pod_trace workload has no services (its pods come from the trace)");
  if (!s.workloads.empty()) f.fail("a scenario with a pod_trace workload has no other workload");
  w.trace = cx.trace_ref(f.required("trace"), importers::trace_format_names(importers::kPodTrace));
  read_pod_trace_options(f, w);
  cx.has_pod_trace = true;
  return w;
}

}  // namespace

Workload read_workload(ReadContext& cx, const Field& f, const Scenario& s) {
  f.check_keys(keys("workload"));
  Workload w;
  w.where = f.where();
  w.kind =
      read_enum(f.required("kind"), {WorkloadKind::poisson, WorkloadKind::onoff, WorkloadKind::mmpp,
                                     WorkloadKind::diurnal, WorkloadKind::step, WorkloadKind::trace,
                                     WorkloadKind::pod_trace});
  if (w.kind == WorkloadKind::pod_trace) return read_pod_trace(cx, f, s, std::move(w));
  if (cx.has_pod_trace) f.fail("a scenario with a pod_trace workload has no other workload");
  const Field svc = f.required("service");
  w.service = svc.text();
  if (std::none_of(s.services.begin(), s.services.end(),
                   [&](const Service& x) { return x.name == w.service; })) {
    if (cx.failed("service", w.service)) throw RefersToFailedEntry{};
    svc.fail(fmt::format("undefined service '{}'", shorten(w.service)));
  }
  cx.check_unique(svc, w.service, "workload service");
  const std::vector<std::string> takes = parameters_of(w.kind);
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    const std::string k = it->first.Scalar();
    const bool common = k == "service" || k == "kind" || k == "bursts";
    if (!common && std::find(takes.begin(), takes.end(), k) == takes.end())
      f[k].fail(fmt::format("does not apply to the {} workload (it takes {})", to_string(w.kind),
                            fmt::join(takes, ", ")));
  }
  read_arrivals(cx, f, w, s);
  if (auto b = f.optional("bursts")) {
    w.bursts_where = b->where();
    w.bursts = read_bursts(*b, s);
  }
  return w;
}

}  // namespace vmcsim::app::scenario
