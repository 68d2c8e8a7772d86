#include "app/importers/alibaba_gpu.hpp"

#include "app/importers/human_units.hpp"

#include <map>

#include <fmt/format.h>

namespace vmcsim::app::importers {

namespace {

int small_count(const CsvReader& r, std::size_t i) {
  return static_cast<int>(r.integer(i, 0, 1'000'000));
}

sim::Millicores millicores(const CsvReader& r, std::size_t i) {
  return r.millicores(i);
}

sim::Bytes mebibytes(const CsvReader& r, std::size_t i) {
  return r.bytes_count(i, sim::Bytes::mib(1));
}

}  // namespace

ImportReport read_alibaba_pods(const std::string& path, const ImportOptions& options,
                               const std::function<void(const AlibabaPod&)>& pod) {
  static const std::vector<std::string> kColumns{
      "name", "cpu_milli", "memory_mib",    "num_gpu",       "gpu_milli",     "gpu_spec",
      "qos",  "pod_phase", "creation_time", "deletion_time", "scheduled_time"};
  return for_each_row(path, kColumns, options, [&](const CsvReader& r, const auto& c) {
    AlibabaPod p;
    p.name = r.string(c[0]);
    if (p.name.empty()) throw r.error_at(c[0], "empty pod name");
    p.cpu = millicores(r, c[1]);
    p.memory = mebibytes(r, c[2]);
    p.num_gpu = small_count(r, c[3]);
    p.gpu_milli = small_count(r, c[4]);
    if (p.gpu_milli > 1000) throw r.error_at(c[4], "a GPU share above 1000 milli");
    p.gpu_spec = r.string(c[5]);
    p.qos = r.string(c[6]);
    p.phase = r.string(c[7]);
    if (p.phase.empty()) throw r.error_at(c[7], "empty pod phase");
    p.creation = r.seconds(c[8]);
    p.deletion = r.seconds(c[9]);
    if (p.deletion < p.creation) throw r.error_at(c[9], "deletion before creation");
    if (!r.empty(c[10])) p.scheduled = r.seconds(c[10]);
    pod(p);
  });
}

ImportReport read_alibaba_nodes(const std::string& path, const ImportOptions& options,
                                const std::function<void(const AlibabaNode&)>& node) {
  static const std::vector<std::string> kColumns{"sn", "cpu_milli", "memory_mib", "gpu", "model"};
  return for_each_row(path, kColumns, options, [&](const CsvReader& r, const auto& c) {
    AlibabaNode n;
    n.name = r.string(c[0]);
    if (n.name.empty()) throw r.error_at(c[0], "empty node name");
    n.cpu = millicores(r, c[1]);
    n.memory = mebibytes(r, c[2]);
    n.gpus = small_count(r, c[3]);
    n.model = r.string(c[4]);
    if (n.gpus > 0 && n.model.empty()) throw r.error_at(c[4], "a node with GPUs needs a model");
    node(n);
  });
}

AlibabaPodList load_alibaba_pods(const std::string& path, const ImportOptions& options) {
  AlibabaPodList out;
  out.report =
      read_alibaba_pods(path, options, [&](const AlibabaPod& p) { out.pods.push_back(p); });
  return out;
}

AlibabaNodeList load_alibaba_nodes(const std::string& path, const ImportOptions& options) {
  AlibabaNodeList out;
  out.report =
      read_alibaba_nodes(path, options, [&](const AlibabaNode& n) { out.nodes.push_back(n); });
  return out;
}

std::string summarize(const AlibabaPodList& list) {
  sim::Millicores cpu;
  sim::Bytes memory;
  std::int64_t gpu_milli = 0;
  std::size_t never_scheduled = 0;
  sim::Time last;
  std::map<std::string, std::size_t> phases;
  for (const auto& p : list.pods) {
    // Totals over a trace of any length: saturate rather than overflow.
    cpu = sim::Millicores::saturating_add(cpu, p.cpu);
    memory = sim::Bytes::saturating_add(memory, p.memory);
    gpu_milli += static_cast<std::int64_t>(p.num_gpu) * p.gpu_milli;
    if (!p.scheduled) ++never_scheduled;
    last = std::max(last, p.deletion);
    ++phases[p.phase];
  }
  std::string out = fmt::format(
      "Alibaba GPU 2023 pods: {} pods, {} never scheduled, span {}\n"
      "  requested in all: {}, {} of memory, {:.1f} GPUs\n  phases:",
      with_thousands(static_cast<long long>(list.pods.size())), never_scheduled,
      human_duration(last), human_cores(cpu), human_bytes(memory),
      static_cast<double>(gpu_milli) / 1000.0);
  for (const auto& [phase, n] : phases)
    out += fmt::format(" {} {}", phase, n);
  return out + "\n" + describe_skips(list.report);
}

std::string summarize(const AlibabaNodeList& list) {
  sim::Millicores cpu;
  sim::Bytes memory;
  std::int64_t gpus = 0;
  std::map<std::string, std::size_t> models;
  for (const auto& n : list.nodes) {
    cpu = sim::Millicores::saturating_add(cpu, n.cpu);
    memory = sim::Bytes::saturating_add(memory, n.memory);
    gpus += n.gpus;
    if (n.gpus > 0) ++models[n.model];
  }
  std::string out = fmt::format(
      "Alibaba GPU 2023 nodes: {} nodes, {}, {} of memory, {} GPUs\n  models:",
      with_thousands(static_cast<long long>(list.nodes.size())), human_cores(cpu),
      human_bytes(memory), gpus);
  for (const auto& [model, n] : models)
    out += fmt::format(" {} {}", model, n);
  return out + "\n" + describe_skips(list.report);
}

}  // namespace vmcsim::app::importers
