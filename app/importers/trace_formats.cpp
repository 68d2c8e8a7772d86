#include "app/importers/trace_formats.hpp"

#include "app/importers/alibaba_gpu.hpp"
#include "app/importers/azure_functions.hpp"
#include "app/importers/azure_vm.hpp"
#include "app/importers/google_2011.hpp"
#include "app/importers/replay_csv.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

namespace vmcsim::app::importers {

const models::registry::ModuleGroup<TraceFormat>& trace_formats() {
  using Files = TraceFiles;
  using Options = ImportOptions;
  static const models::registry::ModuleGroup<TraceFormat> group{
      "trace format",
      {
          {"timestamps",
           "request arrivals: one time in seconds per line, or a vmcsim replay CSV "
           "(timestamp,service,cpu_time,io_bytes)",
           {kRequestWorkload,
            [](const Files& t, const Options& o) { return summarize(load_replay_csv(t.file, o)); },
            {"timestamp", "service", "cpu_time", "io_bytes"},
            1},
           "",
           {"replay-csv"}},
          {"azure-functions-2019",
           "Azure Functions 2019 per-minute invocation counts (with --durations and --memory "
           "for import)",
           {kRequestWorkload,
            [](const Files& t, const Options& o) {
              return summarize(load_azure_functions(t.file, t.durations, t.memory, o));
            },
            {"HashOwner", "HashApp", "HashFunction", "Trigger"}}},
          {"alibaba-pods",
           "Alibaba GPU cluster 2023 (Weng et al., ATC 2023) pod list",
           {kPodTrace, [](const Files& t,
                          const Options& o) { return summarize(load_alibaba_pods(t.file, o)); },
            {"name", "cpu_milli", "memory_mib", "num_gpu"}},
           "",
           {"alibaba-gpu-2023"}},
          {"alibaba-nodes",
           "Alibaba GPU cluster 2023 node list",
           {kHostNodes, [](const Files& t,
                           const Options& o) { return summarize(load_alibaba_nodes(t.file, o)); },
            {"sn", "cpu_milli", "memory_mib", "gpu"}},
           "",
           {"alibaba-gpu-2023-nodes"}},
          {"google-2011",
           "Google cluster 2011 task events (import only)",
           {kImportOnly,
            [](const Files& t, const Options& o) {
              return summarize(load_google_task_events(t.file, o));
            },
            {},
            13}},
          {"google-2011-machines",
           "Google cluster 2011 machine events (import only)",
           {kImportOnly,
            [](const Files& t, const Options& o) {
              return summarize(load_google_machine_events(t.file, o));
            },
            {},
            6}},
          {"google-2011-usage",
           "Google cluster 2011 task usage, 20 fields (import only)",
           {kImportOnly,
            [](const Files& t, const Options& o) {
              return summarize(load_google_task_usage(t.file, o));
            },
            {},
            20}},
          {"azure-vm-2019",
           "Azure VM 2019 vmtable (import only)",
           {kImportOnly,
            [](const Files& t, const Options& o) {
              return summarize(load_azure_vmtable(t.file, o));
            },
            {},
            11}},
          {"azure-vm-2019-cpu",
           "Azure VM 2019 CPU readings (import only)",
           {kImportOnly, [](const Files& t,
                            const Options& o) { return summarize(load_azure_vm_cpu(t.file, o)); },
            {},
            5}},
      }};
  return group;
}

namespace {

// The first line of `path`, and the first record (the line after a '#' header, as the Google
// fixture samples have).
struct FirstLines {
  std::vector<std::string> header;
  std::size_t record_fields = 0;
  int record_line = 0;
};

std::vector<std::string> split(std::string_view line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i)
    if (i == line.size() || line[i] == ',') {
      out.emplace_back(line.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

FirstLines first_lines(const std::string& path) {
  CsvReader r{path};
  FirstLines out;
  if (!r.next()) throw InputError({path, 0, 0}, "", "the file is empty");
  out.header = split(r.line());
  out.record_fields = r.size();
  out.record_line = r.line_number();
  if (!r.line().empty() && r.line().front() == '#' && r.next()) {
    out.record_fields = r.size();
    out.record_line = r.line_number();
  }
  return out;
}

}  // namespace

std::string detect_trace_format(const std::string& path) {
  const FirstLines first = first_lines(path);
  const auto& modules = trace_formats().modules();
  for (const auto& m : modules) {
    const auto& h = m.factory.header;
    if (!h.empty() && first.header.size() >= h.size() &&
        std::equal(h.begin(), h.end(), first.header.begin()))
      return m.name;
  }
  std::vector<std::string> by_count;
  for (const auto& m : modules)
    if (m.factory.fields == first.record_fields) by_count.push_back(m.name);
  if (by_count.size() == 1) return by_count.front();
  throw InputError(
      {path, first.record_line, 1}, "",
      fmt::format("cannot tell the trace format: the first line is no known header and {} "
                  "field{} fit{} {}; give --format ({})",
                  first.record_fields, first.record_fields == 1 ? "" : "s",
                  first.record_fields == 1 ? "s" : "",
                  by_count.empty() ? std::string{"no format"}
                                   : fmt::format("{}", fmt::join(by_count, " and ")),
                  fmt::join(trace_format_names(kImportOnly), ", ")));
}

std::string trace_fragment(const std::string& name, const std::string& file) {
  const auto* format = trace_formats().find(name);
  if (format == nullptr) return {};
  const std::string ref = fmt::format("{{file: {}, format: {}}}",
                                      YAML::Dump(YAML::Node(file)), format->name);
  const unsigned uses = format->factory.uses;
  if ((uses & kRequestWorkload) != 0)
    return fmt::format(
        "# the requests of a service (name it); paths are absolute\nworkloads:\n"
        "  - service: SERVICE\n    kind: trace\n    trace: {}\n",
        ref);
  if ((uses & kPodTrace) != 0)
    return fmt::format(
        "# the placement benchmark (docs/scheduler-benchmark.md); paths are absolute\n"
        "workloads:\n  - kind: pod_trace\n    trace: {}\n",
        ref);
  if ((uses & kHostNodes) != 0)
    return fmt::format("# one host per node of the list; paths are absolute\nhosts:\n"
                       "  - name: nodes\n    from_trace: {}\n",
                       ref);
  return fmt::format(
      "# {} is summarized only: no scenario section replays it (vmcsim list trace-formats)\n",
      format->name);
}

std::vector<std::string> trace_format_names(TraceUse use) {
  std::vector<std::string> out;
  for (const auto& m : trace_formats().modules())
    if (use == kImportOnly || (m.factory.uses & use) != 0) out.push_back(m.name);
  return out;
}

}  // namespace vmcsim::app::importers
