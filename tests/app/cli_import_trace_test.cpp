// `vmcsim import trace` as the built binary runs it on the shared trace fixtures: the format
// detected from the header or field count (the trace format table's), human units, the scenario
// section that replays the trace, the Google 2011 task-usage table, bad lines at file:line.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "cli_run.hpp"

namespace fs = std::filesystem;
using vmcsim::test::run_vmcsim;
using vmcsim::test::ScratchDir;

namespace {

vmcsim::test::CliRun import_trace(const std::string& args, const ScratchDir& scratch) {
  return run_vmcsim("import trace " + args, scratch.path());
}

std::string trace(const std::string& relative) {
  return "'" + vmcsim::test::data_dir() + "/traces/" + relative + "'";
}

}  // namespace

TEST_CASE("import trace detects each fixture's format without --format") {
  ScratchDir scratch{"trace-detect"};
  const std::vector<std::pair<std::string, std::string>> cases{
      {"alibaba-gpu-2023/openb_pod_list_default.csv", "alibaba-pods"},
      {"alibaba-gpu-2023/openb_node_list_all_node.csv", "alibaba-nodes"},
      {"google-2011-sample/task-events-sample-1.csv", "google-2011"},
      {"google-2011-sample/machine-events-sample-1.csv", "google-2011-machines"},
      {"google-2011-sample/task-usage-sample-1.csv", "google-2011-usage"},
      {"azure-vm-sample/vmtable.csv.gz", "azure-vm-2019"},
      {"azure-vm-sample/vm_cpu_readings-file-1-of-125.csv.gz", "azure-vm-2019-cpu"},
      {"azure-functions-2019-format/invocations.csv", "azure-functions-2019"}};
  for (const auto& [file, format] : cases) {
    const auto r = import_trace(trace(file), scratch);
    INFO(file << "\n" << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("# format " + format + " (detected)\n"));
  }
}

TEST_CASE("a file no format fits unambiguously asks for --format, naming the field count") {
  ScratchDir scratch{"trace-ambiguous"};
  const fs::path file = scratch.path() / "odd.csv";
  std::ofstream{file} << "1,2,3\n4,5,6\n";
  const auto r = import_trace("'" + file.string() + "'", scratch);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith(file.string() + ":1:1: error:") &&
                        Catch::Contains("3 fields fit no format; give --format"));
}

TEST_CASE("import trace prints people's units, not millicores and MiB counts") {
  ScratchDir scratch{"trace-units"};
  const auto r = import_trace(trace("alibaba-gpu-2023/openb_pod_list_default.csv"), scratch);
  REQUIRE(r.exit_code == 0);
  // 85436012m and 303546211 MiB in the fixture.
  CHECK_THAT(r.out, Catch::Contains("85,436 cores") && Catch::Contains("289.5 TiB of memory") &&
                        Catch::Contains("8,152 pods"));
  CHECK_THAT(r.out, !Catch::Contains("85436012m") && !Catch::Contains("MiB,"));
}

TEST_CASE("import trace prints the scenario section that replays the trace, and it loads") {
  ScratchDir scratch{"trace-fragment"};
  const auto r = import_trace(trace("alibaba-gpu-2023/openb_pod_list_default.csv"), scratch);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("workloads:\n  - kind: pod_trace\n    trace: {file: ") &&
                        Catch::Contains("format: alibaba-pods}"));
  const auto nodes = import_trace(trace("alibaba-gpu-2023/openb_node_list_all_node.csv"), scratch);
  CHECK_THAT(nodes.out, Catch::Contains("hosts:\n  - name: nodes\n    from_trace: {file: "));
  // The two sections, with variants, make a scenario validate accepts.
  const fs::path scenario = scratch.path() / "bench.yaml";
  std::ofstream{scenario} << "name: b\nduration: 1h\n"
                          << nodes.out << r.out
                          << "variants:\n  - {name: c, platform: container, profile: runc, "
                             "placement: \"k8s:MostAllocated\"}\n";
  const auto v = run_vmcsim("validate '" + scenario.string() + "'", scratch.path());
  INFO(vmcsim::test::read_text(scenario) << v.err);
  CHECK(v.exit_code == 0);
  const auto usage = import_trace(trace("google-2011-sample/task-usage-sample-1.csv"), scratch);
  CHECK_THAT(usage.out, Catch::Contains("# google-2011-usage is summarized only"));
}

TEST_CASE("the Google 2011 task-usage table imports its 20 fields") {
  ScratchDir scratch{"trace-usage"};
  const auto r = import_trace(
      "--format google-2011-usage " + trace("google-2011-sample/task-usage-sample-1.csv"), scratch);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("Google 2011 task usage: 11 measurements"));
}

TEST_CASE("a bad line of a detected trace is reported at file:line") {
  ScratchDir scratch{"trace-bad-line"};
  const fs::path file = scratch.path() / "usage.csv";
  std::ofstream{file} << "10000000,50000000,1,0,0,0.1,0.2,0.08,0,0,0.07,0,0,0.04,0,2.4,0.007,0,1,0\n"
                      << "10000000,50000000,1,1,0,x,0.2,0.08,0,0,0.07,0,0,0.04,0,2.4,0.007,0,1,0\n";
  const auto r = import_trace("'" + file.string() + "'", scratch);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith(file.string() + ":2:"));
}
