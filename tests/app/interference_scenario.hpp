#pragma once
// The small multi-tenant scenario of the interference tests (tests/data/runner/tenants-sweep.yaml,
// which tests/mpi/check_mpi.sh sweeps too): tenant "noisy" bursts 16 MiB disk requests, tenant
// "quiet" sends steady 4 MiB ones; variant "shared" puts both on one host's disk (`isolation:
// ignore`), "dedicated" never lets them share a host (`isolation: nothing`).
#include <filesystem>
#include <string>

#include "cli_run.hpp"

namespace vmcsim::test {

// The scenario with its sweep over noisy's burst multiplier (5 and 40; 30 as written).
inline std::string interference_sweep_scenario() {
  return read_text(std::filesystem::path{VMCSIM_TEST_DATA} / "runner" / "tenants-sweep.yaml");
}

// The same scenario without the sweep.
inline std::string interference_scenario() {
  const std::string text = interference_sweep_scenario();
  const auto sweep = text.find("\nsweep:\n");
  REQUIRE(sweep != std::string::npos);
  return text.substr(0, sweep + 1);
}

}  // namespace vmcsim::test
