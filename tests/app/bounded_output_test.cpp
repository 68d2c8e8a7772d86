// Bounded output at scale (issue 15): trace.json limited to a time window or a sample of hosts,
// instances.csv gzip-compressed, and a pod-trace replay's table row carried between MPI ranks.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <boost/iostreams/copy.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>
#include <nlohmann/json.hpp>

#include "app/diagnostic.hpp"
#include "app/report/csv_writers.hpp"
#include "app/report/trace_json.hpp"
#include "app/report/write_all.hpp"
#include "app/runner/placement_row_codec.hpp"
#include "app/scenario/loader.hpp"
#include "cli_run.hpp"
#include "sample_results.hpp"

using namespace vmcsim;
using namespace vmcsim::app::report;
using namespace vmcsim::sim::literals;

namespace {

using vmcsim::test::read_text;

std::set<std::string> hosts_in(const nlohmann::ordered_json& trace) {
  std::set<std::string> hosts;
  for (const auto& e : trace["traceEvents"])
    if (e["ph"] == "M" && e["name"] == "process_name") {
      const std::string name = e["args"]["name"];
      hosts.insert(name.substr(0, name.find(' ')));
    }
  return hosts;
}

std::size_t slices_in(const nlohmann::ordered_json& trace) {
  std::size_t n = 0;
  for (const auto& e : trace["traceEvents"])
    n += e["ph"] == "X" ? 1 : 0;
  return n;
}

std::string gunzip(const std::string& bytes) {
  namespace io = boost::iostreams;
  std::istringstream in(bytes);
  io::filtering_istream z;
  z.push(io::gzip_decompressor());
  z.push(in);
  std::ostringstream out;
  io::copy(z, out);
  return out.str();
}

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("vmcsim-bounded-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  ~TempDir() { std::filesystem::remove_all(path); }
};

const std::string kScenario = R"(name: t
duration: 10m
hosts:
  - {name: h, count: 4, cpu: "8", memory: 32GiB}
  - {name: solo, cpu: "8", memory: 32GiB}
registry: {bandwidth: 1Gbps, latency: 20ms}
images:
  web: {size: 60MiB, layers: 1}
services:
  - {name: web, image: web, cpu: 500m, memory: 512MiB, replicas: 2}
workloads:
  - {service: web, kind: poisson, rate: 10}
variants:
  - {name: c, platform: container, profile: runc}
)";

std::string load_error(const std::string& output) {
  try {
    (void)app::scenario::load_scenario_text(kScenario + output, "t.yaml");
  } catch (const app::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a trace window leaves out the slices outside it and says how many") {
  const auto r = test::sample_results();
  const auto all = trace_to_json(r);
  TraceOptions window;
  window.from = 61_s;
  window.to = 62_s;
  const auto part = trace_to_json(r, window);
  const auto& selection = part["otherData"]["selection"];
  CHECK(selection["from_s"] == 61.0);
  CHECK(selection["to_s"] == 62.0);
  CHECK(slices_in(part) < slices_in(all));
  CHECK(slices_in(part) + selection["slices_left_out"].get<std::size_t>() == slices_in(all));
  for (const auto& e : part["traceEvents"])
    if (e["ph"] == "X") {
      CHECK(e["ts"].get<double>() <= 62e6);
      CHECK(e["ts"].get<double>() + e["dur"].get<double>() >= 61e6);
    }
  // No selection: the trace is what it always was, with no selection entry.
  CHECK_FALSE(all["otherData"].contains("selection"));
}

TEST_CASE("a host sample keeps that many hosts, the same ones for the same seed") {
  const auto r = test::sample_results();
  const auto all_hosts = hosts_in(trace_to_json(r));
  REQUIRE(all_hosts.size() >= 3);
  TraceOptions sample;
  sample.host_count = 2;
  sample.host_seed = 7;
  const auto a = trace_to_json(r, sample);
  CHECK(hosts_in(a).size() == 2);
  CHECK(hosts_in(a) == hosts_in(trace_to_json(r, sample)));
  for (const auto& h : hosts_in(a))
    CHECK(all_hosts.contains(h));
  CHECK(a["otherData"]["selection"]["hosts"].size() == 2);
  CHECK(a["otherData"]["selection"]["instances_left_out"].get<std::size_t>() > 0);
  // A host keeps its process id and thread numbers from the full trace.
  const auto full = trace_to_json(r);
  std::set<std::string> kept_names, full_names;
  for (const auto& e : a["traceEvents"])
    if (e["ph"] == "M" && e["name"] == "thread_name") kept_names.insert(e.dump());
  for (const auto& e : full["traceEvents"])
    if (e["ph"] == "M" && e["name"] == "thread_name") full_names.insert(e.dump());
  for (const auto& n : kept_names)
    CHECK(full_names.contains(n));
}

TEST_CASE("a host list keeps exactly the hosts named") {
  const auto r = test::sample_results();
  TraceOptions list;
  list.hosts = {"host-0"};
  CHECK(hosts_in(trace_to_json(r, list)) == std::set<std::string>{"host-0"});
  const auto streamed = nlohmann::ordered_json::parse([&] {
    std::ostringstream o;
    write_trace_json(r, o, list);
    return o.str();
  }());
  CHECK(streamed == trace_to_json(r, list));
}

TEST_CASE("output.trace is read from the scenario and its mistakes are placed at their line") {
  const auto s = app::scenario::load_scenario_text(
      kScenario + "output:\n  trace: {from: 1m, to: 2m, hosts: 2, seed: 5}\n  instances: gzip\n",
      "t.yaml");
  CHECK(s.output.trace.from == 1_min);
  CHECK(s.output.trace.to == 2_min);
  CHECK(s.output.trace.host_count == 2u);
  CHECK(s.output.trace.host_seed == 5u);
  CHECK(s.output.instances == app::scenario::InstancesCompression::gzip);
  const auto listed = app::scenario::load_scenario_text(
      kScenario + "output:\n  trace: {hosts: [h-1, solo]}\n", "t.yaml");
  CHECK(listed.output.trace.hosts == std::vector<std::string>{"h-1", "solo"});

  CHECK_THAT(load_error("output:\n  trace: {from: 2m, to: 1m}\n"),
             Catch::StartsWith("t.yaml:16:25: error: output.trace.to: the trace window ends"));
  CHECK_THAT(load_error("output:\n  trace: {hosts: [h-1, h-9]}\n"),
             Catch::Contains("t.yaml:16:24: error: output.trace.hosts[1]: undefined host 'h-9'"));
  CHECK_THAT(load_error("output:\n  trace: {hosts: 6}\n"),
             Catch::StartsWith("t.yaml:16:18: error: output.trace.hosts"));
  CHECK_THAT(load_error("output:\n  trace: {from: 10m}\n"),
             Catch::Contains("starts at or after the end of the run"));
  CHECK_THAT(load_error("output:\n  trace: {seed: 3}\n"),
             Catch::Contains("give hosts as a count too"));
  CHECK_THAT(load_error("output:\n  instances: zip\n"),
             Catch::Contains("unknown value 'zip' (allowed: auto, gzip, plain)"));
}

TEST_CASE("instances.csv.gz holds the bytes of instances.csv, and is what a large run writes") {
  const auto r = test::sample_results();
  TempDir dir;
  WriteOptions gzip;
  gzip.gzip_instances = true;
  write_all(r, dir.path / "gz", gzip);
  write_all(r, dir.path / "plain");
  CHECK_FALSE(std::filesystem::exists(dir.path / "gz" / "instances.csv"));
  CHECK_FALSE(std::filesystem::exists(dir.path / "plain" / "instances.csv.gz"));
  const std::string compressed = read_text(dir.path / "gz" / "instances.csv.gz");
  CHECK(gunzip(compressed) == read_text(dir.path / "plain" / "instances.csv"));
  // Deterministic bytes (no time stamp in the gzip header).
  write_all(r, dir.path / "gz2", gzip);
  CHECK(read_text(dir.path / "gz2" / "instances.csv.gz") == compressed);
  // A later plain run into the same folder leaves no stale .gz behind.
  write_all(r, dir.path / "gz");
  CHECK_FALSE(std::filesystem::exists(dir.path / "gz" / "instances.csv.gz"));
  // The automatic rule: gzip above kGzipInstancesAbove rows only.
  CHECK(instances_file_name(r, {}) == "instances.csv");
  auto big = r;
  big.instances.resize(kGzipInstancesAbove + 1, r.instances.front());
  CHECK(instances_file_name(big, {}) == "instances.csv.gz");
  WriteOptions plain;
  plain.gzip_instances = false;
  CHECK(instances_file_name(big, plain) == "instances.csv");
}

TEST_CASE("a replay's table row survives the trip between MPI ranks") {
  app::runner::PlacementRow row;
  row.variant = "best-fit";
  row.placement = "k8s:MostAllocated";
  row.profile = "kvm-ubuntu";
  row.vm_per_pod = true;
  auto& res = row.result;
  res.pods_total = 10;
  res.pods_placed = 7;
  res.pods_gave_up = 2;
  res.pods_still_waiting = 1;
  res.pending_p50 = 1500_ms;
  res.pending_p99 = 42_s;
  res.never_placed_wait_mean = 3_min;
  res.peak_nodes_used = 5;
  res.stranded_mean.cpu = sim::Millicores{2500};
  res.stranded_peak.memory = sim::Bytes::gib(3);
  res.gpu_fragmentation_mean = 1234.5;
  res.gpu_fragmentation_peak = 2000;
  res.peak_demand = {0.5, 0.75, 0.0, 0.0, 1.25};
  res.timing = {17, 3.25, 9.5};
  const auto back = app::runner::decode_placement_row(app::runner::encode_placement_row(row));
  const std::vector<app::runner::PlacementRow> a{row}, b{back};
  CHECK(app::runner::placement_table(a) == app::runner::placement_table(b));
  CHECK(back.result.timing.mean_us == 3.25);
  CHECK(back.result.timing.p99_us == 9.5);
  CHECK(back.result.pods_total == 10);
}
