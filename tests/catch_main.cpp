// The one translation unit that holds Catch2's runner, and the checkout's compiled-in paths
// (compiled_paths.hpp).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

// Every run of these suites, CTest's or a developer's, treats two warnings as failures: a case
// that asserts nothing (a test that cannot fail), and a test filter that selects no case (CTest
// once ran seven cases this way: CMake split each name at its ';' into two entries that matched
// nothing and passed). Catch2 v2 takes one -w on its command line, so they are set here.
int main(int argc, char* argv[]) {
  Catch::Session session;
  if (const int status = session.applyCommandLine(argc, argv); status != 0) return status;
  Catch::ConfigData& config = session.configData();
  config.warnings = static_cast<Catch::WarnAbout::What>(
      config.warnings | Catch::WarnAbout::NoAssertions | Catch::WarnAbout::NoTests);
  return session.run();
}

namespace vmcsim::test {
const char* compiled_default_data() {
  return VMCSIM_PATH_DEFAULT_DATA;
}
const char* compiled_test_data() {
  return VMCSIM_PATH_TEST_DATA;
}
const char* compiled_source_dir() {
  return VMCSIM_PATH_SOURCE_DIR;
}
const char* compiled_cli_path() {
  return VMCSIM_PATH_CLI;
}
}  // namespace vmcsim::test
