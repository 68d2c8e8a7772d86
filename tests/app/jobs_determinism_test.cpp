// Every run path gives a byte-identical results.json (as `cmp` compares it) whatever --jobs is:
// the sweep and the pod-trace scheduler benchmark, beside the plain run of run_command_test.cpp.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "cli_run.hpp"

namespace {

namespace fs = std::filesystem;
using vmcsim::test::read_text;
using vmcsim::test::run_vmcsim;
using vmcsim::test::ScratchDir;

// Runs `command` (run or sweep, with its scenario) into <dir>/j1 and <dir>/j2 with --jobs 1 and 2
// and checks the result files are the same bytes.
void check_same_bytes_across_jobs(const std::string& command, const fs::path& dir,
                                  std::initializer_list<const char*> files) {
  for (const char* jobs : {"1", "2"}) {
    const auto r = run_vmcsim(command + " --quiet --replications 2 --jobs " + jobs + " --out '" +
                                  (dir / (std::string{"j"} + jobs)).string() + "'",
                              dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  for (const char* file : files) {
    INFO(file);
    CHECK(read_text(dir / "j1" / file) == read_text(dir / "j2" / file));
  }
}

}  // namespace

TEST_CASE("vmcsim sweep writes the same results.json and sweep.csv bytes with 1 or 2 workers") {
  ScratchDir dir{"sweep-jobs"};
  check_same_bytes_across_jobs(
      "sweep '" + (fs::path{VMCSIM_TEST_DATA} / "runner" / "small.yaml").string() + "'",
      dir.path(), {"results.json", "sweep.csv", "instances.csv"});
}

TEST_CASE("the scheduler benchmark writes the same results.json bytes with 1 or 2 workers") {
  ScratchDir dir{"bench-jobs"};
  // The shipped benchmark on its first 200 pods (placement.txt shows decision times: not compared).
  std::string text = read_text(fs::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "scenarios" /
                               "scheduler-benchmark-alibaba.yaml");
  const std::string anchor = "    patience: 1h\n";
  REQUIRE(text.find(anchor) != std::string::npos);
  text.replace(text.find(anchor), anchor.size(), anchor + "    max_pods: 200\n");
  std::ofstream{dir.path() / "bench.yaml"} << text;
  check_same_bytes_across_jobs("run '" + (dir.path() / "bench.yaml").string() + "'", dir.path(),
                               {"results.json", "instances.csv", "timeseries.csv"});
}
