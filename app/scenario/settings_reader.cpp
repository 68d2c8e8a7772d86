// `slo`, `cost` and `output`.
#include <algorithm>

#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

const KeyTables& settings_key_tables() {
  static const KeyTables tables{
      {"slo", {"startup_p99", "request_latency_p99", "request_latency_threshold"}},
      {"cost", {"currency", "per_vcpu_hour", "per_gib_hour", "per_kwh"}},
      {"output", {"directory", "formats", "baseline"}},
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
  return o;
}

}  // namespace vmcsim::app::scenario
