#pragma once
// Importer for the Alibaba GPU cluster trace 2023 (alibaba/clusterdata, cluster-trace-gpu-v2023;
// cite Weng et al., USENIX ATC 2023).
//
// Pod list, with a header row:
//   name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,
//   deletion_time,scheduled_time          (times: integer seconds from the trace start)
// Node list, with a header row:
//   sn,cpu_milli,memory_mib,gpu,model
// Columns are found by name in the header, so extra or reordered columns are fine.
//
// Empty fields, and what they mean here:
//   gpu_spec empty        -> the pod accepts any GPU model (empty string kept).
//   scheduled_time empty  -> the pod was never scheduled (it is Pending): std::nullopt.
//   model empty           -> the node has no GPU (the trace leaves it empty exactly when gpu=0);
//                            a node with GPUs and no model is an error.
// Every other field is required; a bad or missing value is an InputError at its line/column.
#include <optional>
#include <string>
#include <vector>

#include "app/importers/csv_reader.hpp"

namespace vmcsim::app::importers {

struct AlibabaPod {
  std::string name;
  sim::Millicores cpu;
  sim::Bytes memory;
  int num_gpu = 0;
  int gpu_milli = 0;     // share of each GPU in thousandths (1000 = whole GPU)
  std::string gpu_spec;  // required GPU model(s); empty = any
  std::string qos;       // LS, BE, Burstable, Guaranteed
  std::string phase;     // Running, Failed, Pending, Succeeded
  sim::Time creation;
  sim::Time deletion;
  std::optional<sim::Time> scheduled;  // nullopt: never scheduled
};

struct AlibabaNode {
  std::string name;  // "sn"
  sim::Millicores cpu;
  sim::Bytes memory;
  int gpus = 0;
  std::string model;  // empty when gpus == 0
};

struct AlibabaPodList {
  std::vector<AlibabaPod> pods;
  ImportReport report;
};
struct AlibabaNodeList {
  std::vector<AlibabaNode> nodes;
  ImportReport report;
};

// Streaming: calls `pod` per line, keeps nothing.
ImportReport read_alibaba_pods(const std::string& path, const ImportOptions& options,
                               const std::function<void(const AlibabaPod&)>& pod);
ImportReport read_alibaba_nodes(const std::string& path, const ImportOptions& options,
                                const std::function<void(const AlibabaNode&)>& node);
AlibabaPodList load_alibaba_pods(const std::string& path, const ImportOptions& options = {});
AlibabaNodeList load_alibaba_nodes(const std::string& path, const ImportOptions& options = {});

// Counts and totals for `vmcsim import`.
std::string summarize(const AlibabaPodList& list);
std::string summarize(const AlibabaNodeList& list);

}  // namespace vmcsim::app::importers
