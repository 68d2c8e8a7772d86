#include "app/diagnostic.hpp"

#include <catch2/catch.hpp>

using vmcsim::app::InputError;

TEST_CASE("an input error prints file, line and column like a compiler") {
  InputError e({"a.yaml", 3, 7}, "services[0].cpu", "bad cpu");
  CHECK(std::string(e.what()) == "a.yaml:3:7: error: bad cpu");
  CHECK(e.field() == "services[0].cpu");
  CHECK(e.message() == "bad cpu");
  CHECK(e.line() == 3);
  CHECK(e.column() == 7);
}

TEST_CASE("an input error omits the unknown column and line") {
  CHECK(std::string(InputError({"t.csv", 12, 0}, "cpu", "m").what()) == "t.csv:12: error: m");
  CHECK(std::string(InputError({"t.csv", 0, 0}, "", "missing").what()) == "t.csv: error: missing");
}
