#include <catch2/catch.hpp>

#include "sim/parse_error.hpp"
#include "sim/time.hpp"

using namespace vmcsim::sim;
using namespace vmcsim::sim::literals;

TEST_CASE("time literals count exact nanoseconds") {
  CHECK((250_ms).ns() == 250'000'000);
  CHECK((2_h).ns() == 7'200'000'000'000);
  CHECK((3_min) == 180_s);
  CHECK((1.5_s) == 1500_ms);
  CHECK((7_us).ns() == 7'000);
}

TEST_CASE("adding a millisecond a million times gives exactly a thousand seconds") {
  Time t;
  for (int i = 0; i < 1'000'000; ++i)
    t += 1_ms;
  CHECK(t == 1000_s);
}

TEST_CASE("time parses the units users write") {
  CHECK(Time::parse("250ms") == 250_ms);
  CHECK(Time::parse("1.5s") == 1500_ms);
  CHECK(Time::parse("2h") == 2_h);
  CHECK(Time::parse("90s") == 90_s);
  CHECK(Time::parse("2m") == 2_min);
  CHECK(Time::parse("2min") == 2_min);
  CHECK(Time::parse("1h30m") == 90_min);
  CHECK(Time::parse("10us") == 10_us);
  CHECK(Time::parse("0.000000001s") == 1_ns);
  CHECK(Time::parse("1d") == 24_h);
  CHECK(Time::parse(" 5ms ") == 5_ms);
  CHECK(Time::parse("-3s") == -(3_s));
}

TEST_CASE("time rejects text without a known unit, naming the problem") {
  CHECK_THROWS_WITH(Time::parse("250"), Catch::Contains("missing unit"));
  CHECK_THROWS_WITH(Time::parse("250 parsecs"), Catch::Contains("unknown unit"));
  CHECK_THROWS_WITH(Time::parse("fast"), Catch::Contains("expected a number"));
  CHECK_THROWS_WITH(Time::parse(""), Catch::Contains("empty"));
  CHECK_THROWS_AS(Time::parse("999999999999h"), ParseError);
}

TEST_CASE("time prints the shortest exact spelling and parses it back") {
  CHECK((1500_ms).to_string() == "1.5s");
  CHECK((250_ms).to_string() == "250ms");
  CHECK((2_h).to_string() == "2h");
  CHECK((90_s).to_string() == "90s");
  CHECK((2_min).to_string() == "2m");
  CHECK((1_ns).to_string() == "1ns");
  CHECK(Time{}.to_string() == "0s");
  CHECK((-(250_ms)).to_string() == "-250ms");
  for (const std::int64_t ns : {1LL, 999LL, 1'234'567LL, 61'000'000'001LL, 3'600'000'000'007LL}) {
    const Time t = Time::from_ns(ns);
    CHECK(Time::parse(t.to_string()) == t);
  }
  CHECK(fmt::format("{}", 1500_ms) == "1.5s");
}

TEST_CASE("time arithmetic keeps units straight") {
  CHECK(1_s - 250_ms == 750_ms);
  CHECK((1_s) * 3 == 3_s);
  CHECK((1_s) / 4 == 250_ms);
  CHECK((1_s) * 0.5 == 500_ms);
  CHECK((3_s) / (1_s) == Approx(3.0));
  CHECK((1500_ms).seconds() == Approx(1.5));
  CHECK(1_ms < 1_s);
}
