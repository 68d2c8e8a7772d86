// Scenario quantities at the edge of their range (issue 17), end to end through the CLI: each is
// either a clear error at its FILE:LINE:COL (exit 2) or runs correctly, never an overflow.
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "fixture_path.hpp"

using vmcsim::test::run_cli;
using vmcsim::test::TempFile;

namespace {

// tests/data/runner/small.yaml with `from` replaced by `to` (which must occur).
std::string small_with(const std::string& from, const std::string& to) {
  std::ifstream in(std::string{VMCSIM_TEST_DATA} + "/runner/small.yaml", std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a host of 10000TiB memory is refused at its line, and never wraps") {
  // The loader's documented range for a size (docs/scenario-format.md) is at most 1024TiB; the
  // value is quoted as written, not printed through a wrapped Bytes.
  const TempFile f("huge-memory.yaml", small_with("memory: 32GiB", "memory: 10000TiB"));
  const auto run = run_cli("validate '" + f.path() + "'");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output,
             Catch::StartsWith(f.path() + ":13:13: error: hosts[0].memory: must be at most "
                                          "1024TiB, got '10000TiB'"));
}

TEST_CASE("a host cpu of 4611686018427388 cores is rejected at its line by validate") {
  const TempFile f("huge-cpu.yaml", small_with("cpu: \"8\"", "cpu: \"4611686018427388\""));
  const auto run = run_cli("validate '" + f.path() + "'");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output, Catch::StartsWith(f.path() + ":12:10: error: hosts[0].cpu: invalid CPU "
                                                      "quantity '4611686018427388': too large"));
}

TEST_CASE("a registry latency of 9223372036854775807ns is rejected at its line by validate") {
  const TempFile f("huge-latency.yaml",
                   small_with("latency: 20ms", "latency: 9223372036854775807ns"));
  const auto run = run_cli("validate '" + f.path() + "'");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output, Catch::StartsWith(f.path() + ":21:"));
  CHECK_THAT(run.output, Catch::Contains("out of range (at most 100 years, 36525d)"));
}

TEST_CASE("a request rate of 1e-12 per second is refused at its line, not overflowed") {
  const TempFile f("tiny-rate.yaml", small_with("rate: 40", "rate: 1e-12"));
  const auto run = run_cli("validate '" + f.path() + "'");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output, Catch::StartsWith(f.path() + ":47:11: error: workloads[0].rate: must be "
                                                      "at least 1e-06 requests per second"));
}
