#include "app/runner/mpi_codec.hpp"

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace vmcsim::app::runner {
namespace {

namespace mm = models::metrics;

// A field added to these records must be added to visit() below too, or the ranks' results would
// silently lose it. A change of size makes the compiler say so, on the ABI CI builds (x86-64,
// libstdc++); update the visit() and then the sizes.
#if defined(__x86_64__) && defined(__GLIBCXX__) && !defined(_GLIBCXX_DEBUG)
static_assert(sizeof(mm::VariantRunMetrics) == 1168, "VariantRunMetrics changed: update visit()");
static_assert(sizeof(mm::ServiceRequests) == 224, "ServiceRequests changed: update visit()");
static_assert(sizeof(mm::InstanceAccounting) == 96, "InstanceAccounting changed: update visit()");
static_assert(sizeof(mm::FailureRecord) == 176, "FailureRecord changed: update visit()");
static_assert(sizeof(models::serverless::FunctionRunMetrics) == 72,
              "FunctionRunMetrics changed: update visit()");
#endif

// The fields of each record, once, for both directions: an IO is called on every field in
// declaration order (the encoder reads them, the decoder assigns them).
template <class IO>
void visit(IO& io, mm::PhaseSamples& p) {
  io(p.name), io(p.ms);
}
template <class IO>
void visit(IO& io, mm::StartupSamples& s) {
  io(s.total_ms), io(s.phases);
}
template <class IO>
void visit(IO& io, mm::InstanceAccounting& a) {
  io(a.requested), io(a.ready), io(a.never_placed), io(a.never_started), io(a.cancelled);
  io(a.rejected);
  io(a.reasons);
}
template <class IO>
void visit(IO& io, mm::BurstWindow& b) {
  io(b.onset), io(b.end), io(b.demand_rps), io(b.service);
}
template <class IO>
void visit(IO& io, mm::CapacityCatchUp& c) {
  io(c.burst), io(c.delay);
}
template <class IO>
void visit(IO& io, mm::Sample& s) {
  io(s.t), io(s.demand_rps), io(s.capacity_rps), io(s.cpu_utilization), io(s.memory_utilization);
  io(s.pending_instances), io(s.running_instances), io(s.hosts_used), io(s.queued_requests);
  io(s.nodes_used);
}
template <class IO>
void visit(IO& io, mm::ServiceRequests& s) {
  io(s.name), io(s.slo_latency), io(s.latency_ms), io(s.completed), io(s.slo_violations);
  io(s.failed), io(s.arrivals), io(s.mean_queued), io(s.max_queued);
  io(s.latency_stats);
}
template <class IO>
void visit(IO& io, mm::FailureRecord& f) {
  io(f.at), io(f.kind), io(f.target), io(f.cause), io(f.replicas_lost), io(f.detected);
  io(f.evictions_refused), io(f.evictions_bypassed), io(f.drained);
  io(f.recovered);
}
template <class IO>
void visit(IO& io, models::serverless::FunctionRunMetrics::PerFunction& f) {
  io(f.name), io(f.requests), io(f.cold_starts), io(f.idle_gib_seconds);
  io(f.keep_alive.range), io(f.keep_alive.histogram), io(f.keep_alive.arima);
  io(f.keep_alive.arima_fallback);
}
template <class IO>
void visit(IO& io, models::serverless::FunctionRunMetrics& f) {
  io(f.measured), io(f.requests), io(f.cold_starts), io(f.cold_wait_ms), io(f.idle_gib_seconds);
  io(f.billed_gb_seconds), io(f.per_function);
}
template <class IO>
void visit(IO& io, mm::CostLine& c) {
  io(c.what), io(c.usd);
}
template <class IO>
void visit(IO& io, mm::InstanceLifecycle::Phase& p) {
  io(p.name), io(p.start), io(p.end);
}
template <class IO>
void visit(IO& io, mm::InstanceLifecycle& i) {
  io(i.service), io(i.kind), io(i.profile), io(i.node_vm), io(i.host), io(i.node), io(i.phases);
  io(i.state), io(i.requested), io(i.ready), io(i.stopped), io(i.reason);
  io(i.function_start), io(i.keep_alive_unload);  // [fn]
}
template <class IO>
void visit(IO& io, sim::RunningStats::State& s) {
  io(s.n), io(s.mean), io(s.m2), io(s.min), io(s.max);
}
template <class IO>
void visit(IO& io, sim::QuantileSketch::State& s) {
  io(s.relative_accuracy), io(s.max_buckets), io(s.counts), io(s.min_key), io(s.zero_count);
  io(s.count), io(s.min), io(s.max);
}
template <class IO>
void visit(IO& io, mm::VariantRunMetrics& m) {
  io(m.variant), io(m.replication), io(m.end), io(m.warmup);
  io(m.startup), io(m.node_startup), io(m.instances_accounting), io(m.time_to_capacity);
  io(m.services), io(m.request_latency_ms), io(m.request_latency_stats);
  io(m.requests_completed), io(m.slo_violations), io(m.requests_failed);
  io(m.failures_modelled), io(m.availability), io(m.replicas_lost), io(m.replicas_replaced);
  io(m.failures_unrecovered), io(m.failure_log);
  io(m.requests_unserved), io(m.functions);
  io(m.memory_overhead_gib_hours), io(m.guest_os_gib_hours), io(m.hypervisor_overhead_gib_hours);
  io(m.runtime_overhead_gib_hours), io(m.reserved_memory_gib_hours);
  io(m.idle_reserved_memory_gib_hours), io(m.working_set_estimated);
  io(m.reserved_cpu_core_hours), io(m.used_cpu_core_hours), io(m.idle_reserved_cpu_core_hours);
  io(m.stranded_cpu_fraction), io(m.stranded_memory_fraction);
  io(m.packing_efficiency_cpu), io(m.packing_efficiency_memory);
  io(m.fragmentation_cpu), io(m.fragmentation_memory);
  io(m.placement_decisions), io(m.pending_ms), io(m.pending_ms_stats), io(m.evictions);
  io(m.gpu_fragmentation_milli), io(m.placement_decision_us_stats), io(m.placement_decision_us);
  io(m.fargate_waste_cpu_core_hours), io(m.fargate_waste_memory_gib_hours);
  io(m.density_mean), io(m.density_peak), io(m.hosts_used_peak), io(m.nodes_peak);
  io(m.energy_kwh), io(m.cost_usd), io(m.cost_lines);
  io(m.events_processed), io(m.timeseries), io(m.instances);
}

template <class T>
constexpr bool kScalar = std::is_arithmetic_v<T> || std::is_enum_v<T>;

struct Encoder {
  ByteWriter& w;

  template <class T>
  void operator()(const T& v) {
    if constexpr (kScalar<T>) {
      w.put_raw(&v, sizeof v);
    } else {
      visit(*this, const_cast<T&>(v));  // the encoder only reads
    }
  }
  void operator()(const std::string& s) { w.put_string(s); }
  void operator()(const sim::Time& t) { w.put_i64(t.ns()); }
  template <class T>
  void operator()(const std::optional<T>& o) {
    (*this)(o.has_value());
    if (o) (*this)(*o);
  }
  template <class T>
  void operator()(const std::vector<T>& v) {
    w.put_u64(v.size());
    for (const auto& e : v)
      (*this)(e);
  }
  void operator()(const std::vector<bool>&) = delete;
  template <class K, class V>
  void operator()(const std::map<K, V>& m) {
    w.put_u64(m.size());
    for (const auto& [k, v] : m)
      (*this)(k), (*this)(v);
  }
  void operator()(const sim::RunningStats& s) { (*this)(s.state()); }
  void operator()(const sim::QuantileSketch& q) { (*this)(q.state()); }
};

struct Decoder {
  ByteReader& r;

  template <class T>
  void operator()(T& v) {
    if constexpr (kScalar<T>) {
      r.get_raw(&v, sizeof v);
    } else {
      visit(*this, v);
    }
  }
  void operator()(std::string& s) { s = r.get_string(); }
  void operator()(sim::Time& t) { t = sim::Time::from_ns(r.get_i64()); }
  template <class T>
  void operator()(std::optional<T>& o) {
    bool present = false;
    (*this)(present);
    o.reset();
    if (present) (*this)(o.emplace());
  }
  template <class T>
  void operator()(std::vector<T>& v) {
    v.resize(r.get_u64());
    for (auto& e : v)
      (*this)(e);
  }
  template <class K, class V>
  void operator()(std::map<K, V>& m) {
    m.clear();
    for (std::uint64_t n = r.get_u64(); n > 0; --n) {
      K k{};
      V v{};
      (*this)(k), (*this)(v);
      m.emplace(std::move(k), std::move(v));
    }
  }
  void operator()(sim::RunningStats& s) {
    sim::RunningStats::State state;
    (*this)(state);
    s = sim::RunningStats::from_state(state);
  }
  void operator()(sim::QuantileSketch& q) {
    sim::QuantileSketch::State state;
    (*this)(state);
    q = sim::QuantileSketch::from_state(std::move(state));
  }
};

}  // namespace

void ByteReader::get_raw(void* p, std::size_t n) {
  // Ranks of one build send what they read back; anything else is a broken contract.
  if (bytes_.size() < n) throw std::logic_error("mpi codec: a rank's message ended early");
  std::memcpy(p, bytes_.data(), n);
  bytes_.remove_prefix(n);
}

std::uint64_t ByteReader::get_u64() {
  std::uint64_t v = 0;
  get_raw(&v, sizeof v);
  return v;
}

std::int64_t ByteReader::get_i64() {
  std::int64_t v = 0;
  get_raw(&v, sizeof v);
  return v;
}

double ByteReader::get_double() {
  double v = 0;
  get_raw(&v, sizeof v);
  return v;
}

std::string ByteReader::get_string() {
  const std::uint64_t n = get_u64();
  if (bytes_.size() < n) throw std::logic_error("mpi codec: a rank's message ended early");
  std::string s{bytes_.substr(0, n)};
  bytes_.remove_prefix(n);
  return s;
}

void encode_run(ByteWriter& out, const mm::VariantRunMetrics& run) {
  Encoder{out}(run);
}

mm::VariantRunMetrics decode_run(ByteReader& in) {
  mm::VariantRunMetrics run;
  Decoder{in}(run);
  return run;
}

void encode_instance(ByteWriter& out, const mm::InstanceLifecycle& instance) {
  Encoder{out}(instance);
}

void decode_instance(ByteReader& in, mm::InstanceLifecycle& into) {
  Decoder{in}(into);
}

}  // namespace vmcsim::app::runner
