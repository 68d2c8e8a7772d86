#pragma once
// Where tests find the shared fixtures (../shared/fixtures): $VMCSIM_DATA (CTest sets it), else
// the compiled-in VMCSIM_DEFAULT_DATA. A missing fixture fails the test with its path; never
// skipped.
#include <cstdlib>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "compiled_paths.hpp"

namespace vmcsim::test {

inline std::string fixture(const std::string& relative) {
  const char* env = std::getenv("VMCSIM_DATA");
  const std::string root = env != nullptr && *env != '\0' ? env : VMCSIM_DEFAULT_DATA;
  const std::string path = root + "/" + relative;
  INFO("fixture " << path << " (set VMCSIM_DATA to the shared fixtures directory)");
  REQUIRE(std::filesystem::is_regular_file(path));
  return path;
}

}  // namespace vmcsim::test
