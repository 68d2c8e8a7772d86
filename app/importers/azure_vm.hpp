#pragma once
// Importer for the Azure VM trace 2019 (AzurePublicDataset v2, Cortez et al., SOSP 2017):
// vmtable and the CPU readings, plain or gzip (".gz"). Neither file has a header row.
//   vmtable:      vmid,subscriptionid,deploymentid,vmcreated,vmdeleted,maxcpu,avgcpu,p95maxcpu,
//                 vmcategory,vmcorecountbucket,vmmemorybucket
//   cpu readings: timestamp,vmid,mincpu,maxcpu,avgcpu
// Times are seconds from the trace start. CPU values are utilisation in percent (0..100).
// The buckets are the VM size class: cores "2", "4", "8", "24", ">24"; memory in GB "0.75",
// "1.75", ..., ">64" (Azure's GB are GiB: a 1.75 GB A1 is 1.75 GiB). A bucket "<x"/">x" keeps
// x as its value and sets open_ended.
#include <string>
#include <vector>

#include "app/importers/csv_reader.hpp"

namespace vmcsim::app::importers {

struct AzureVm {
  std::string vm_id;
  std::string subscription_id;
  std::string deployment_id;
  sim::Time created;
  sim::Time deleted;
  double max_cpu_percent = 0;
  double avg_cpu_percent = 0;
  double p95_max_cpu_percent = 0;
  std::string category;  // Delay-insensitive, Interactive, Unknown
  int cores = 0;
  bool cores_open_ended = false;  // ">24": more than `cores`
  sim::Bytes memory;
  bool memory_open_ended = false;  // ">64": more than `memory`
};

struct AzureVmCpuReading {
  sim::Time time;
  std::string vm_id;
  double min_cpu_percent = 0;
  double max_cpu_percent = 0;
  double avg_cpu_percent = 0;
};

struct AzureVmTable {
  std::vector<AzureVm> vms;
  ImportReport report;
};
struct AzureVmCpuReadings {
  std::vector<AzureVmCpuReading> readings;
  ImportReport report;
};

ImportReport read_azure_vmtable(const std::string& path, const ImportOptions& options,
                                const std::function<void(const AzureVm&)>& vm);
ImportReport read_azure_vm_cpu(const std::string& path, const ImportOptions& options,
                               const std::function<void(const AzureVmCpuReading&)>& reading);
AzureVmTable load_azure_vmtable(const std::string& path, const ImportOptions& options = {});
AzureVmCpuReadings load_azure_vm_cpu(const std::string& path, const ImportOptions& options = {});

std::string summarize(const AzureVmTable& table);
std::string summarize(const AzureVmCpuReadings& readings);

}  // namespace vmcsim::app::importers
