#include <catch2/catch.hpp>

#include <string>

#include "sim/signal.hpp"

TEST_CASE("a signal calls its observers in the order they connected") {
  vmcsim::sim::Signal<int, const std::string&> on_change;
  std::string log;
  CHECK_FALSE(on_change.has_observers());
  on_change.connect(
      [&](int v, const std::string& s) { log.append("a").append(std::to_string(v)).append(s); });
  on_change.connect([&](int v, const std::string&) { log.append("b").append(std::to_string(v)); });
  on_change.emit(7, "x");
  CHECK(log == "a7xb7");
  CHECK(on_change.has_observers());
}
