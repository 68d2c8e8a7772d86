// The one translation unit that holds Catch2's runner, and the checkout's compiled-in paths
// (compiled_paths.hpp).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

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
