// [fn] `services[].function` (run a service as a function) and the top-level `functions`
// section: the Azure Functions 2019 trace replayed per function, each function its own service
// with its own per-minute invocation series (models/serverless, docs/serverless.md).
#include <algorithm>
#include <cmath>

#include "app/importers/azure_functions.hpp"
#include "app/scenario/section_readers.hpp"
#include "models/registry/model_registries.hpp"

namespace vmcsim::app::scenario {

const KeyTables& function_key_tables() {
  static const KeyTables tables{
      {"function", {"concurrency", "keep_alive", "provisioned", "max_instances", "scaling_limit"}},
      {"keep_alive",
       {"policy", "time", "range", "bin", "head", "tail", "margin", "cv_threshold",
        "out_of_bounds_threshold", "arima_margin", "arima_history", "arima_criterion"}},
      {"scaling_limit", {"burst", "per"}},
      {"functions", {"trace", "sample", "seed", "image", "cpu", "memory", "function"}},
      {"functions_trace", {"invocations", "durations", "memory"}},
  };
  return tables;
}

namespace {

models::serverless::KeepAliveSpec read_keep_alive(const Field& f) {
  f.check_keys(keys("keep_alive"));
  models::serverless::KeepAliveSpec k;
  const auto& group = models::registry::keep_alive_policies();
  const Field p = f.required("policy");
  const auto* m = group.find(p.text());
  if (m == nullptr) p.fail(group.unknown(shorten(p.text())));
  k.policy = m->factory;
  if (auto t = f.optional("time")) k.keep_alive = t->quantity<sim::Time>();
  auto& h = k.hybrid;
  if (auto t = f.optional("range")) h.range = t->positive<sim::Time>();
  if (auto t = f.optional("bin")) h.bin = t->positive<sim::Time>();
  if (h.range < h.bin) f["bin"].fail("the bin must not be wider than the range");
  if (auto t = f.optional("head")) h.head = t->number(0.0, 1.0);
  if (auto t = f.optional("tail")) h.tail = t->number(0.0, 1.0);
  if (h.tail < h.head) f["tail"].fail("the tail percentile must not be below the head");
  if (auto t = f.optional("margin")) h.margin = t->number(0.0, 1.0);
  if (auto t = f.optional("cv_threshold")) h.cv_threshold = t->number(0.0, 1e6);
  // The share of idle times beyond the range from which the ARIMA case applies: at 1 only when
  // every idle time is beyond it, at 0 from the first idle time on.
  if (auto t = f.optional("out_of_bounds_threshold"))
    h.out_of_bounds_threshold = t->number(0.0, 1.0);
  // The ARIMA case: pre-warm at F (1 - m), kept until F (1 + m); below 1 so that the
  // pre-warm window stays positive. The history must hold enough idle times to forecast.
  if (auto t = f.optional("arima_margin")) h.arima_margin = t->number(0.0, 0.99);
  if (auto t = f.optional("arima_history"))
    h.arima_history =
        static_cast<std::size_t>(t->integer(static_cast<long long>(h.arima_min_samples), 100'000));
  if (auto t = f.optional("arima_criterion")) {
    const auto& criteria = models::registry::arima_criteria();
    const auto* c = criteria.find(t->text());
    if (c == nullptr) t->fail(criteria.unknown(shorten(t->text())));
    h.arima_criterion = c->factory;
  }
  return k;
}

}  // namespace

void read_function(const Field& f, Service& sv) {
  f.check_keys(keys("function"));
  auto& fc = sv.function;
  fc.enabled = true;
  sv.concurrency = 1;  // Lambda: one request per execution environment
  if (auto c = f.optional("concurrency")) sv.concurrency = static_cast<int>(c->integer(1, 100000));
  if (auto k = f.optional("keep_alive")) fc.keep_alive = read_keep_alive(*k);
  if (auto p = f.optional("provisioned")) fc.provisioned = static_cast<int>(p->integer(0, 100000));
  if (auto m = f.optional("max_instances")) {
    fc.max_instances = static_cast<int>(m->integer(0, 10'000'000));
    if (fc.max_instances > 0 && fc.max_instances < fc.provisioned)
      m->fail(fmt::format("{} is below provisioned ({})", fc.max_instances, fc.provisioned));
  }
  if (auto l = f.optional("scaling_limit")) {
    l->check_keys(keys("scaling_limit"));
    const double burst = l->required("burst").number(1.0, 1e9);
    const sim::Time per = l->required("per").positive<sim::Time>();
    fc.scaling_limit = {burst, burst / per.seconds()};
  }
  sv.replicas = fc.provisioned;  // scale to zero: only the provisioned instances at t = 0
  sv.replicas_written = true;
}

namespace {

// The function's execution time as a distribution: the durations file's percentiles are points
// of its quantile function; 101 values read off the piecewise-linear curve through them at
// (i + 1/2) / 101 make an Empirical with (about) that quantile function.
TimeDistribution execution_time(const importers::AzureFunctionDurations& d) {
  TimeDistribution spec;
  std::vector<std::pair<double, double>> q;  // (probability, seconds)
  for (const auto& p : d.percentiles)
    q.emplace_back(p.percentile / 100.0, p.value.seconds());
  if (q.empty()) {
    spec.value = d.average;
    spec.distribution = sim::Constant{d.average.seconds()};
    return spec;
  }
  std::sort(q.begin(), q.end());
  std::vector<double> values;
  for (int i = 0; i < 101; ++i) {
    const double u = (i + 0.5) / 101.0;
    auto hi = std::lower_bound(q.begin(), q.end(), std::pair{u, -1.0});
    if (hi == q.begin()) values.push_back(hi->second);
    else if (hi == q.end()) values.push_back(q.back().second);
    else {
      const auto lo = hi - 1;
      const double w = hi->first > lo->first ? (u - lo->first) / (hi->first - lo->first) : 0.0;
      values.push_back(lo->second + w * (hi->second - lo->second));
    }
  }
  spec.kind = DistKind::empirical;
  for (const double v : values)
    spec.samples.push_back(sim::Time::from_seconds(v));
  spec.distribution = sim::Empirical{std::move(values)};
  return spec;
}

// The invocations of one function as rate steps (requests per second per minute), up to the
// scenario's duration; a step only where the rate changes.
std::vector<RateStep> minute_steps(const importers::AzureFunction& fn, sim::Time duration,
                                   double* first_rate) {
  std::vector<RateStep> steps;
  double last = -1.0;
  for (std::size_t m = 0; m < fn.per_minute.size(); ++m) {
    const sim::Time at = sim::Time::from_s(60) * static_cast<std::int64_t>(m);
    if (at >= duration) break;
    const double rate = fn.per_minute[m] / 60.0;
    if (m == 0) *first_rate = rate;
    else if (rate != last) steps.push_back({at, rate});
    last = rate;
  }
  return steps;
}

}  // namespace

void read_functions(ReadContext& cx, const Field& f, Scenario& s) {
  f.check_keys(keys("functions"));
  const Field t = f.required("trace");
  t.check_keys(keys("functions_trace"));
  const std::string inv = cx.resolve_file(t.required("invocations"));
  const std::string dur = t.optional("durations") ? cx.resolve_file(t["durations"]) : "";
  const std::string mem = t.optional("memory") ? cx.resolve_file(t["memory"]) : "";
  const std::size_t sample =
      f.optional("sample") ? static_cast<std::size_t>(f["sample"].integer(0, 10'000'000)) : 0;
  const std::uint64_t seed =
      f.optional("seed") ? static_cast<std::uint64_t>(f["seed"].integer(0, 1LL << 62)) : s.seed;
  Service base;
  base.image = f.required("image").text();
  if (std::none_of(s.images.begin(), s.images.end(),
                   [&](const Image& im) { return im.name == base.image; }))
    f["image"].fail(fmt::format("undefined image '{}' (define it under images)",
                                shorten(base.image)));
  base.cpu_request = base.cpu_limit = f.required("cpu").positive<sim::Millicores>();
  const sim::Bytes fallback_memory = f.required("memory").positive<sim::Bytes>();
  if (auto fn = f.optional("function")) {
    read_function(*fn, base);
  } else {  // defaults: fixed keep-alive of 10 min, one request per instance
    base.function.enabled = true;
    base.concurrency = 1;
    base.replicas = 0;
    base.replicas_written = true;
  }
  base.where = f.where();

  const auto trace = importers::load_azure_functions_sample(inv, dur, mem, sample, seed);
  std::size_t without_durations = 0, without_memory = 0;
  for (const auto& fn : trace.functions) {
    Service sv = base;
    sv.name = "fn-" + fn.id.function.substr(0, 8);
    for (int k = 2; std::any_of(s.services.begin(), s.services.end(),
                                [&](const Service& o) { return o.name == sv.name; });
         ++k)
      sv.name = fmt::format("fn-{}-{}", fn.id.function.substr(0, 8), k);
    const sim::Bytes memory =
        fn.memory ? sim::Bytes::mib(static_cast<std::int64_t>(std::ceil(
                        std::max(1.0, fn.memory->average.mib_value()))))
                  : fallback_memory;
    without_memory += !fn.memory;
    sv.memory_request = sv.memory_limit = memory;
    if (fn.durations) {
      sv.work.cpu_time = execution_time(*fn.durations);
    } else {
      ++without_durations;
    }
    Workload w;
    w.service = sv.name;
    w.kind = WorkloadKind::step;
    w.steps = minute_steps(fn, s.duration, &w.rate);
    w.where = f.where();
    s.services.push_back(std::move(sv));
    s.workloads.push_back(std::move(w));
  }
  if (without_durations > 0)
    cx.assume({f.path + ".trace.durations", "the services' work (cpu_time 10 ms)",
               fmt::format("{} of {} functions have no durations row", without_durations,
                           trace.functions.size()),
               f.where()});
  if (without_memory > 0)
    cx.assume({f.path + ".memory", fmt::format("{}", fallback_memory),
               fmt::format("{} of {} functions have no memory row", without_memory,
                           trace.functions.size()),
               f.where()});
}

}  // namespace vmcsim::app::scenario
