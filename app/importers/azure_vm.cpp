#include "app/importers/azure_vm.hpp"

#include "app/importers/human_units.hpp"

#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

namespace vmcsim::app::importers {

namespace {

const std::vector<std::string> kVmColumns{
    "vmid",   "subscriptionid", "deploymentid", "vmcreated",         "vmdeleted",     "maxcpu",
    "avgcpu", "p95maxcpu",      "vmcategory",   "vmcorecountbucket", "vmmemorybucket"};
const std::vector<std::string> kCpuColumns{"timestamp", "vmid", "mincpu", "maxcpu", "avgcpu"};

double percent(const CsvReader& r, std::size_t i) {
  const double v = r.real(i);
  // Readings slightly above 100 occur in the trace (sampling); only reject nonsense.
  if (v < 0 || v > 1000) throw r.error_at(i, fmt::format("{} is not a CPU percentage", v));
  return v;
}

// Strips a leading '<' or '>' from a bucket, reporting whether it was there.
std::string_view bucket(const CsvReader& r, std::size_t i, bool& open_ended) {
  std::string_view t = r.text(i);
  open_ended = !t.empty() && (t.front() == '>' || t.front() == '<');
  if (open_ended) t.remove_prefix(1);
  if (t.empty()) throw r.error_at(i, "empty bucket");
  return t;
}

}  // namespace

ImportReport read_azure_vmtable(const std::string& path, const ImportOptions& options,
                                const std::function<void(const AzureVm&)>& vm) {
  return for_each_headerless_row(path, kVmColumns, options, [&](const CsvReader& r, const auto&) {
    AzureVm v;
    v.vm_id = r.string(0);
    if (v.vm_id.empty()) throw r.error_at(0, "empty vm id");
    v.subscription_id = r.string(1);
    v.deployment_id = r.string(2);
    v.created = r.seconds(3);
    v.deleted = r.seconds(4);
    if (v.deleted < v.created) throw r.error_at(4, "deleted before created");
    v.max_cpu_percent = percent(r, 5);
    v.avg_cpu_percent = percent(r, 6);
    v.p95_max_cpu_percent = percent(r, 7);
    v.category = r.string(8);
    // Buckets in the trace are 2, 4, 8, 24, 30; an int holds any plausible one.
    v.cores = static_cast<int>(
        r.integer_part(9, bucket(r, 9, v.cores_open_ended), 1, std::numeric_limits<int>::max()));
    const std::string memory{bucket(r, 10, v.memory_open_ended)};
    try {
      v.memory = sim::Bytes::parse(memory + "GiB");
    } catch (const std::exception&) {
      throw r.error_at(10, fmt::format("'{}' is not a memory bucket in GB", r.text(10)));
    }
    vm(v);
  });
}

ImportReport read_azure_vm_cpu(const std::string& path, const ImportOptions& options,
                               const std::function<void(const AzureVmCpuReading&)>& reading) {
  return for_each_headerless_row(path, kCpuColumns, options, [&](const CsvReader& r, const auto&) {
    AzureVmCpuReading c;
    c.time = r.seconds(0);
    c.vm_id = r.string(1);
    if (c.vm_id.empty()) throw r.error_at(1, "empty vm id");
    c.min_cpu_percent = percent(r, 2);
    c.max_cpu_percent = percent(r, 3);
    c.avg_cpu_percent = percent(r, 4);
    if (c.min_cpu_percent > c.max_cpu_percent) throw r.error_at(2, "mincpu above maxcpu");
    reading(c);
  });
}

AzureVmTable load_azure_vmtable(const std::string& path, const ImportOptions& options) {
  AzureVmTable out;
  out.report = read_azure_vmtable(path, options, [&](const AzureVm& v) { out.vms.push_back(v); });
  return out;
}

AzureVmCpuReadings load_azure_vm_cpu(const std::string& path, const ImportOptions& options) {
  AzureVmCpuReadings out;
  out.report = read_azure_vm_cpu(path, options,
                                 [&](const AzureVmCpuReading& c) { out.readings.push_back(c); });
  return out;
}

std::string summarize(const AzureVmTable& table) {
  std::int64_t cores = 0;
  sim::Bytes memory;
  std::map<std::string, std::size_t> categories;
  for (const auto& v : table.vms) {
    cores += v.cores;  // at most 2^31 per VM: no overflow below 2^32 VMs
    memory = sim::Bytes::saturating_add(memory, v.memory);
    ++categories[v.category];
  }
  std::string out = fmt::format(
      "Azure VM 2019 vmtable: {} VMs, {} cores and {} by bucket lower bounds\n  categories:",
      table.vms.size(), cores, human_bytes(memory));
  for (const auto& [c, n] : categories)
    out += fmt::format(" {} {}", c, n);
  return out + "\n" + describe_skips(table.report);
}

std::string summarize(const AzureVmCpuReadings& readings) {
  std::set<std::string> vms;
  std::set<sim::Time> times;
  double sum = 0;
  for (const auto& c : readings.readings) {
    vms.insert(c.vm_id);
    times.insert(c.time);
    sum += c.avg_cpu_percent;
  }
  const double mean =
      readings.readings.empty() ? 0.0 : sum / static_cast<double>(readings.readings.size());
  return fmt::format(
             "Azure VM 2019 CPU readings: {} readings, {} VMs, {} timestamps, mean avgcpu "
             "{:.2f}%\n",
             readings.readings.size(), vms.size(), times.size(), mean) +
         describe_skips(readings.report);
}

}  // namespace vmcsim::app::importers
