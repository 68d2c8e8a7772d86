#pragma once
// Paths of this checkout that the tests need. They are compiled into catch_main.cpp alone, so
// every other test source is the same text in every checkout and build folder (ccache can share
// it between worktrees and a fresh clone).
#include <filesystem>

namespace vmcsim::test {
const char* compiled_default_data();  // ../shared/fixtures beside the source tree
const char* compiled_test_data();     // tests/data
const char* compiled_source_dir();    // the source tree's top
const char* compiled_cli_path();      // the built vmcsim binary

// The same as paths, declared once: the tests compile in batches (unity build), where two files'
// own copies would clash.
inline const std::filesystem::path source_dir{compiled_source_dir()};
inline const std::filesystem::path test_data{compiled_test_data()};
// The small scenario most CLI tests run.
inline const std::filesystem::path small_scenario = test_data / "runner" / "small.yaml";
}  // namespace vmcsim::test

#define VMCSIM_DEFAULT_DATA (::vmcsim::test::compiled_default_data())
#define VMCSIM_TEST_DATA (::vmcsim::test::compiled_test_data())
#define VMCSIM_SOURCE_DIR_FOR_TESTS (::vmcsim::test::compiled_source_dir())
#define VMCSIM_CLI (::vmcsim::test::compiled_cli_path())
