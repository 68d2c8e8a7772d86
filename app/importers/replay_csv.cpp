#include "app/importers/replay_csv.hpp"

#include <map>

#include <fmt/format.h>

namespace vmcsim::app::importers {

ImportReport read_replay_csv(const std::string& path, const ImportOptions& options,
                             const std::function<void(const ReplayRequest&)>& request) {
  sim::Time previous = sim::Time::zero();
  return for_each_row(path, {"timestamp", "service", "cpu_time", "io_bytes"}, options,
                      [&](const CsvReader& r, const auto& c) {
                        ReplayRequest q;
                        q.timestamp = r.time(c[0], "s");
                        if (q.timestamp < previous)
                          throw r.error_at(
                              c[0], fmt::format("timestamp {} is before the previous line's {}",
                                                q.timestamp.to_string(), previous.to_string()));
                        q.service = r.string(c[1]);
                        if (q.service.empty()) throw r.error_at(c[1], "empty service name");
                        q.cpu_time = r.time(c[2], "s");
                        q.io_bytes = r.bytes(c[3], "B");
                        previous = q.timestamp;
                        request(q);
                      });
}

ReplayTrace load_replay_csv(const std::string& path, const ImportOptions& options) {
  ReplayTrace out;
  out.report =
      read_replay_csv(path, options, [&](const ReplayRequest& q) { out.requests.push_back(q); });
  return out;
}

std::string summarize(const ReplayTrace& trace) {
  struct Totals {
    std::size_t requests = 0;
    sim::Time cpu;
    sim::Bytes io;
  };
  std::map<std::string, Totals> services;
  sim::Time last;
  for (const auto& q : trace.requests) {
    auto& t = services[q.service];
    ++t.requests;
    // Totals over a trace of any length: saturate rather than overflow.
    t.cpu = sim::Time::saturating_add(t.cpu, q.cpu_time);
    t.io = sim::Bytes::saturating_add(t.io, q.io_bytes);
    last = q.timestamp;
  }
  std::string out = fmt::format("Replay CSV: {} requests to {} services over {}\n",
                                trace.requests.size(), services.size(), last.to_string());
  for (const auto& [name, t] : services)
    out += fmt::format("  {}: {} requests, cpu {}, io {}\n", name, t.requests, t.cpu.to_string(),
                       t.io.to_string());
  return out + describe_skips(trace.report);
}

}  // namespace vmcsim::app::importers
