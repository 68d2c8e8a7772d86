#include "app/importers/trace_formats.hpp"

#include "app/importers/alibaba_gpu.hpp"
#include "app/importers/azure_functions.hpp"
#include "app/importers/azure_vm.hpp"
#include "app/importers/google_2011.hpp"
#include "app/importers/replay_csv.hpp"

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
            [](const Files& t, const Options& o) { return summarize(load_replay_csv(t.file, o)); }},
           "",
           {"replay-csv"}},
          {"azure-functions-2019",
           "Azure Functions 2019 per-minute invocation counts (with --durations and --memory "
           "for import)",
           {kRequestWorkload,
            [](const Files& t, const Options& o) {
              return summarize(load_azure_functions(t.file, t.durations, t.memory, o));
            }}},
          {"alibaba-pods",
           "Alibaba GPU cluster 2023 (Weng et al., ATC 2023) pod list",
           {kPodTrace, [](const Files& t,
                          const Options& o) { return summarize(load_alibaba_pods(t.file, o)); }},
           "",
           {"alibaba-gpu-2023"}},
          {"alibaba-nodes",
           "Alibaba GPU cluster 2023 node list",
           {kHostNodes, [](const Files& t,
                           const Options& o) { return summarize(load_alibaba_nodes(t.file, o)); }},
           "",
           {"alibaba-gpu-2023-nodes"}},
          {"google-2011",
           "Google cluster 2011 task events (import only)",
           {kImportOnly,
            [](const Files& t, const Options& o) {
              return summarize(load_google_task_events(t.file, o));
            }}},
          {"google-2011-machines",
           "Google cluster 2011 machine events (import only)",
           {kImportOnly,
            [](const Files& t, const Options& o) {
              return summarize(load_google_machine_events(t.file, o));
            }}},
          {"azure-vm-2019",
           "Azure VM 2019 vmtable (import only)",
           {kImportOnly,
            [](const Files& t, const Options& o) {
              return summarize(load_azure_vmtable(t.file, o));
            }}},
          {"azure-vm-2019-cpu",
           "Azure VM 2019 CPU readings (import only)",
           {kImportOnly, [](const Files& t,
                            const Options& o) { return summarize(load_azure_vm_cpu(t.file, o)); }}},
      }};
  return group;
}

std::vector<std::string> trace_format_names(TraceUse use) {
  std::vector<std::string> out;
  for (const auto& m : trace_formats().modules())
    if (use == kImportOnly || (m.factory.uses & use) != 0) out.push_back(m.name);
  return out;
}

}  // namespace vmcsim::app::importers
