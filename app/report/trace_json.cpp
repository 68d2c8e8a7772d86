#include "app/report/trace_json.hpp"

#include <map>
#include <ostream>
#include <stdexcept>

#include <fmt/format.h>

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

ojson other_data(const RunResults& results) {
  return ojson{{"scenario", results.scenario_name},
               {"vmcsim_version", results.vmcsim_version},
               {"seed", results.seed}};
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
template <class Emit>
void emit_failures(const RunResults& results, const TraceOptions& options, int pids, Emit& emit) {
  std::map<std::string, int> processes;
  for (const auto& f : results.failures) {
    if (options.replication && f.replication != *options.replication) continue;
    const std::string process = fmt::format("failures [{} r{}]", f.variant, f.replication);
    auto [it, added] =
        processes.try_emplace(process, pids + static_cast<int>(processes.size()) + 1);
    if (added) emit(metadata("process_name", it->second, 0, "name", process));
    emit(instant(fmt::format("{} {}", f.kind, f.target), f.at, it->second, f));
    if (f.detected) emit(instant("replacement requested", *f.detected, it->second, f));
    if (f.recovered) emit(instant("recovered", *f.recovered, it->second, f));
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

// Calls emit(event) for every trace event in order, without holding them all: a trace of a
// million instances is streamed, not built in memory.
template <class Emit>
void for_each_trace_event(const RunResults& results, const TraceOptions& options, Emit&& emit) {
  std::map<std::string, std::pair<int, int>> processes;  // name -> (pid, instances so far)
  for (const auto& instance : results.instances) {
    if (options.replication && instance.replication != *options.replication) continue;
    const std::string process = trace_process_name(instance);
    auto [it, added] = processes.try_emplace(process, static_cast<int>(processes.size()) + 1, 0);
    const int pid = it->second.first;
    if (added) {
      emit(metadata("process_name", pid, 0, "name", process));
      emit(metadata("process_sort_index", pid, 0, "sort_index", pid));
    }
    const int tid = ++it->second.second;
    const std::string thread =
        instance.node.empty() ? fmt::format("{} #{}", instance.service, tid)
                              : fmt::format("{} #{} on {}", instance.service, tid, instance.node);
    emit(metadata("thread_name", pid, tid, "name", thread));
    for (const auto& phase : instance.phases) {
      if (phase.end < phase.start) {
        throw std::invalid_argument(fmt::format(
            "trace: phase '{}' of {} instance {} of service '{}' ends ({}) before it starts ({})",
            phase.name, process, tid, instance.service, phase.end.to_string(),
            phase.start.to_string()));
      }
      emit(slice(phase.name, "phase", phase.start, phase.end, pid, tid, instance));
    }
    if (instance.ready && instance.stopped && *instance.ready <= *instance.stopped) {
      emit(slice("running", "lifetime", *instance.ready, *instance.stopped, pid, tid, instance));
    }
    emit_function_events(instance, pid, tid, emit);  // [fn]
  }
  emit_failures(results, options, static_cast<int>(processes.size()), emit);
}

}  // namespace

nlohmann::ordered_json trace_to_json(const RunResults& results, const TraceOptions& options) {
  ojson events = ojson::array();
  for_each_trace_event(results, options, [&](ojson event) { events.push_back(std::move(event)); });
  return ojson{{"displayTimeUnit", "ms"},
               {"otherData", other_data(results)},
               {"traceEvents", std::move(events)}};
}

void write_trace_json(const RunResults& results, std::ostream& out, const TraceOptions& options) {
  // One event per line keeps big traces streamable and readable by line tools.
  // Invalid UTF-8 in a name becomes U+FFFD instead of an exception (as in results.json).
  constexpr auto kReplace = ojson::error_handler_t::replace;
  out << "{\"displayTimeUnit\":\"ms\",\"otherData\":"
      << other_data(results).dump(-1, ' ', false, kReplace) << ",\"traceEvents\":[";
  const char* separator = "\n";
  for_each_trace_event(results, options, [&](const ojson& event) {
    out << separator << event.dump(-1, ' ', false, kReplace);
    separator = ",\n";
  });
  out << "\n]}\n";
}

}  // namespace vmcsim::app::report
