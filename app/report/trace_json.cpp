#include "app/report/trace_json.hpp"

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/random.hpp"

namespace vmcsim::app::report {
namespace {

using ojson = nlohmann::ordered_json;

double microseconds(sim::Time t) {
  return static_cast<double>(t.ns()) / 1000.0;
}

ojson metadata(std::string_view name, int pid, int tid, std::string_view key, ojson value) {
  return ojson{{"name", name},
               {"ph", "M"},
               {"pid", pid},
               {"tid", tid},
               {"args", ojson{{key, std::move(value)}}}};
}

ojson slice(std::string_view name, std::string_view category, sim::Time start, sim::Time end,
            int pid, int tid, const InstanceRecord& instance) {
  return ojson{{"name", name},
               {"cat", category},
               {"ph", "X"},
               {"ts", microseconds(start)},
               {"dur", microseconds(end) - microseconds(start)},
               {"pid", pid},
               {"tid", tid},
               {"args", ojson{{"service", instance.service},
                              {"platform", to_string(instance.kind)},
                              {"profile", instance.profile},
                              {"node", instance.node}}}};
}

}  // namespace

std::string trace_process_name(const InstanceRecord& instance) {
  return fmt::format("{} [{} r{}]", instance.host.empty() ? "(unplaced)" : instance.host,
                     instance.variant, instance.replication);
}

namespace {

// What a TraceOptions selection keeps: a time window and a set of hosts.
class Selection {
 public:
  Selection(const RunResults& results, const TraceOptions& options) : options_(options) {
    if (!options.hosts.empty()) {
      hosts_.insert(options.hosts.begin(), options.hosts.end());
    } else if (options.host_count) {
      std::set<std::string> used;  // sorted: the draw does not depend on instance order
      for_each_instance(results, [&](const InstanceRecord& i) {
        if (!i.host.empty()) used.insert(i.host);
      });
      std::vector<std::string> pool(used.begin(), used.end());
      // A partial Fisher-Yates shuffle with a stream of its own: the same seed, the same hosts.
      sim::RandomStream rng{options.host_seed, 0, "trace/hosts"};
      const std::size_t n = std::min(*options.host_count, pool.size());
      for (std::size_t k = 0; k < n; ++k)
        std::swap(pool[k], pool[k + rng.below(pool.size() - k)]);
      hosts_.insert(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }
  bool host_kept(const std::string& host) const {
    return !options_.selects_hosts() || hosts_.contains(host);
  }
  bool slice_kept(sim::Time start, sim::Time end) const {
    return (!options_.from || end >= *options_.from) && (!options_.to || start <= *options_.to);
  }
  const std::set<std::string>& hosts() const { return hosts_; }

 private:
  const TraceOptions& options_;
  std::set<std::string> hosts_;
};

// The counts of what a selection leaves out, for otherData.
struct LeftOut {
  std::uint64_t instances = 0, slices = 0, failure_events = 0;
};

ojson other_data(const RunResults& results, const TraceOptions& options, const Selection& sel,
                 const LeftOut& left_out) {
  ojson data{{"scenario", results.scenario_name},
             {"vmcsim_version", results.vmcsim_version},
             {"seed", results.seed}};
  if (!options.selects()) return data;
  ojson s = ojson::object();
  // ns / 1e9 (one rounding) rather than Time::seconds(), so 61 s prints as 61.0.
  const auto seconds = [](sim::Time t) { return static_cast<double>(t.ns()) / 1e9; };
  if (options.from) s["from_s"] = seconds(*options.from);
  if (options.to) s["to_s"] = seconds(*options.to);
  if (options.host_count) {
    s["host_sample"] = *options.host_count;
    s["host_seed"] = options.host_seed;
  }
  if (options.selects_hosts()) s["hosts"] = ojson(sel.hosts());
  s["instances_left_out"] = left_out.instances;
  s["slices_left_out"] = left_out.slices;
  s["failure_events_left_out"] = left_out.failure_events;
  data["selection"] = std::move(s);
  return data;
}

ojson instant(std::string name, sim::Time at, int pid, const FailureEventRecord& f) {
  return ojson{
      {"name", std::move(name)},
      {"cat", "failure"},
      {"ph", "i"},
      {"s", "p"},
      {"ts", microseconds(at)},
      {"pid", pid},
      {"tid", 0},
      {"args",
       ojson{{"target", f.target}, {"cause", f.cause}, {"replicas_lost", f.replicas_lost}}}};
}

// Failures as instant events, one process per run: the failure, the platform's replacement
// request (detected) and the recovery.
// A failure's target is a host for host_down/up and drain_start/end, a service for a crash.
bool host_failure(const FailureEventRecord& f) {
  return f.kind.starts_with("host_") || f.kind.starts_with("drain_");
}

// Calls emit for each kept failure event and counts the others in left_out.
template <class Emit>
void emit_failures(const RunResults& results, const TraceOptions& options, const Selection& sel,
                   int pids, Emit& emit, LeftOut& left_out) {
  std::map<std::string, int> processes;
  for (const auto& f : results.failures) {
    if (options.replication && f.replication != *options.replication) continue;
    const std::string process = fmt::format("failures [{} r{}]", f.variant, f.replication);
    const bool host_kept = !host_failure(f) || sel.host_kept(f.target);
    const auto each = [&](const std::string& name, sim::Time at) {
      if (!host_kept || !sel.slice_kept(at, at)) {
        ++left_out.failure_events;
        return;
      }
      auto [it, added] =
          processes.try_emplace(process, pids + static_cast<int>(processes.size()) + 1);
      if (added) emit(metadata("process_name", it->second, 0, "name", process));
      emit(instant(name, at, it->second, f));
    };
    each(fmt::format("{} {}", f.kind, f.target), f.at);
    if (f.detected) each("replacement requested", *f.detected);
    if (f.recovered) each("recovered", *f.recovered);
  }
}

// [fn] A function's instance: the start it was made for (a cold start, or a pre-warm window)
// as a complete event spanning the wait from its request to ready (an instant if it never got
// ready), and its unload by the keep-alive policy as an instant on its thread.
template <class Emit>
void emit_function_events(const InstanceRecord& instance, int pid, int tid, Emit& emit) {
  if (!instance.function_start.empty()) {
    if (instance.ready && instance.requested <= *instance.ready) {
      emit(slice(instance.function_start, "function", instance.requested, *instance.ready, pid,
                 tid, instance));
    } else {
      emit(ojson{{"name", instance.function_start}, {"cat", "function"}, {"ph", "i"}, {"s", "t"},
                 {"ts", microseconds(instance.requested)}, {"pid", pid}, {"tid", tid}});
    }
  }
  if (instance.keep_alive_unload && instance.stopped)
    emit(ojson{{"name", "keep-alive unload"}, {"cat", "function"}, {"ph", "i"}, {"s", "t"},
               {"ts", microseconds(*instance.stopped)}, {"pid", pid}, {"tid", tid}});
}

// Calls emit(event) for every kept trace event in order, without holding them all: a trace of
// a million instances is streamed, not built in memory. Counts what the selection leaves out.
// Pids and thread numbers are assigned over every instance (kept or not), so they do not depend
// on the selection; a process's metadata is written with its first kept instance.
template <class Emit>
void for_each_trace_event(const RunResults& results, const TraceOptions& options,
                          const Selection& sel, Emit&& emit, LeftOut& left_out) {
  struct Process {
    int pid = 0;
    int instances = 0;
    bool written = false;
  };
  std::map<std::string, Process> processes;
  // One record at a time, read back from the run's spool (instance_spool.hpp).
  for_each_instance(results, [&](const InstanceRecord& instance) {
    if (options.replication && instance.replication != *options.replication) return;
    const std::string process = trace_process_name(instance);
    auto [it, added] =
        processes.try_emplace(process, Process{static_cast<int>(processes.size()) + 1, 0, false});
    Process& p = it->second;
    const int pid = p.pid;
    const int tid = ++p.instances;
    for (const auto& phase : instance.phases) {
      if (phase.end < phase.start) {
        throw std::invalid_argument(fmt::format(
            "trace: phase '{}' of {} instance {} of service '{}' ends ({}) before it starts ({})",
            phase.name, process, tid, instance.service, phase.end.to_string(),
            phase.start.to_string()));
      }
    }
    const bool running = instance.ready && instance.stopped && *instance.ready <= *instance.stopped;
    const std::size_t slices = instance.phases.size() + (running ? 1 : 0);
    std::size_t kept = 0;
    if (sel.host_kept(instance.host)) {
      for (const auto& phase : instance.phases)
        kept += sel.slice_kept(phase.start, phase.end) ? 1 : 0;
      if (running) kept += sel.slice_kept(*instance.ready, *instance.stopped) ? 1 : 0;
    }
    left_out.slices += slices - kept;
    // An instance shows if a slice of it does, or (with nothing to show anywhere) if it is
    // wanted at all: a never placed instance with no phase still gets its thread.
    const bool shown = kept > 0 || (slices == 0 && sel.host_kept(instance.host) &&
                                    sel.slice_kept(instance.requested, instance.requested));
    if (!shown) {
      ++left_out.instances;
      return;
    }
    if (!p.written) {
      p.written = true;
      emit(metadata("process_name", pid, 0, "name", process));
      emit(metadata("process_sort_index", pid, 0, "sort_index", pid));
    }
    const std::string thread =
        instance.node.empty() ? fmt::format("{} #{}", instance.service, tid)
                              : fmt::format("{} #{} on {}", instance.service, tid, instance.node);
    emit(metadata("thread_name", pid, tid, "name", thread));
    for (const auto& phase : instance.phases)
      if (sel.slice_kept(phase.start, phase.end))
        emit(slice(phase.name, "phase", phase.start, phase.end, pid, tid, instance));
    if (running && sel.slice_kept(*instance.ready, *instance.stopped))
      emit(slice("running", "lifetime", *instance.ready, *instance.stopped, pid, tid, instance));
    emit_function_events(instance, pid, tid, emit);  // [fn] a shown instance keeps them
  });
  emit_failures(results, options, sel, static_cast<int>(processes.size()), emit, left_out);
}

// What a selection leaves out, counted before the first event is written (otherData comes
// first): one pass that emits nothing.
LeftOut left_out_of(const RunResults& results, const TraceOptions& options, const Selection& sel) {
  LeftOut left_out;
  if (options.selects())
    for_each_trace_event(
        results, options, sel, [](const ojson&) {}, left_out);
  return left_out;
}

}  // namespace

nlohmann::ordered_json trace_to_json(const RunResults& results, const TraceOptions& options) {
  const Selection sel{results, options};
  LeftOut left_out;
  ojson events = ojson::array();
  for_each_trace_event(
      results, options, sel, [&](ojson event) { events.push_back(std::move(event)); }, left_out);
  return ojson{{"displayTimeUnit", "ms"},
               {"otherData", other_data(results, options, sel, left_out)},
               {"traceEvents", std::move(events)}};
}

void write_trace_json(const RunResults& results, std::ostream& out, const TraceOptions& options) {
  // One event per line keeps big traces streamable and readable by line tools.
  // Invalid UTF-8 in a name becomes U+FFFD instead of an exception (as in results.json).
  constexpr auto kReplace = ojson::error_handler_t::replace;
  const Selection sel{results, options};
  out << "{\"displayTimeUnit\":\"ms\",\"otherData\":"
      << other_data(results, options, sel, left_out_of(results, options, sel))
             .dump(-1, ' ', false, kReplace)
      << ",\"traceEvents\":[";
  const char* separator = "\n";
  LeftOut counted;
  for_each_trace_event(
      results, options, sel,
      [&](const ojson& event) {
        out << separator << event.dump(-1, ' ', false, kReplace);
        separator = ",\n";
      },
      counted);
  out << "\n]}\n";
}

}  // namespace vmcsim::app::report
