// Probes for the runner's guards (catch_main.cpp), run only by the CTest tests that expect them
// to fail (tests/CMakeLists.txt): hidden, so no other run selects them.
#include <catch2/catch.hpp>

TEST_CASE("a case that asserts nothing", "[.catch-guard]") {
  // Deliberately empty: the runner must fail it.
}
