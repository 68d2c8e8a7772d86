// Quantities never wrap: parse ranges, saturating conversions, and (in Debug and checked
// builds) contract checks on the arithmetic of Time, Bytes and Millicores.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "sim/assert.hpp"
#include "sim/checked.hpp"
#include "sim/parse_error.hpp"
#include "sim/random.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

using namespace vmcsim::sim;

namespace {
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
}  // namespace

TEST_CASE("saturating arithmetic sticks at the 64-bit limits instead of wrapping") {
  CHECK(saturating_add(kMax, 1) == kMax);
  CHECK(saturating_add(kMin, -1) == kMin);
  CHECK(saturating_add(40, 2) == 42);
  CHECK(saturating_mul(kMax / 2, 3) == kMax);
  CHECK(saturating_mul(kMax / 2, -3) == kMin);
  CHECK(saturating_mul(-7, 6) == -42);
  std::int64_t out = 0;
  CHECK(add_overflows(kMax, 1, out));
  CHECK_FALSE(mul_overflows(1LL << 31, 1LL << 31, out));
  CHECK(out == 1LL << 62);
}

TEST_CASE("a size of 10000TiB prints as 10000TiB (its to_string overflowed)") {
  CHECK(Bytes::tib(10000).to_string() == "10000TiB");
  CHECK(Bytes::parse("10000TiB").to_string() == "10000TiB");
  CHECK(Bytes::max_input().to_string() == "1048576TiB");
  CHECK(Bytes{kMax}.to_string() == "9223372036854775807B");
  CHECK(Bytes{-(1LL << 40) * 3 / 2}.to_string() == "-1.5TiB");
  CHECK(Bytes::parse(Bytes::mib(1536 * 1024).to_string()) == Bytes::gib(1536));
}

TEST_CASE("sizes above 1EiB are a parse error, not a value that overflows later") {
  CHECK(Bytes::parse("1048576TiB") == Bytes::max_input());
  CHECK_THROWS_WITH(Bytes::parse("1048577TiB"), Catch::Contains("too large (at most 1EiB)"));
  CHECK_THROWS_AS(Bytes::parse("9223372036854775807"), ParseError);
}

TEST_CASE("a CPU of 4611686018427388 cores is a parse error (summing two overflowed)") {
  CHECK_THROWS_WITH(Millicores::parse("4611686018427388"),
                    Catch::Contains("too large (at most 1000000000 cores)"));
  CHECK(Millicores::parse("1000000000") == Millicores::max_input());
  CHECK_THROWS_AS(Millicores::parse("1000000000001m"), ParseError);
}

TEST_CASE("rates must be finite and at most 10^18 bytes per second") {
  CHECK(DataRate::parse("1000000TB/s").bytes_per_second() == Approx(1e18));
  CHECK_THROWS_WITH(DataRate::parse("1000001TB/s"), Catch::Contains("too large"));
  CHECK_THROWS_WITH(DataRate::parse("999999999999999999999999999999Gbps"),
                    Catch::Contains("too large"));
}

TEST_CASE("a duration of 9223372036854775807ns is out of range (adding it overflowed)") {
  CHECK_THROWS_WITH(Time::parse("9223372036854775807ns"),
                    Catch::Contains("out of range (at most 100 years, 36525d)"));
  CHECK(Time::parse("36525d") == Time::max_input());
  CHECK_THROWS_AS(Time::parse("36525d1ns"), ParseError);
  CHECK_THROWS_AS(Time::parse("-36526d"), ParseError);
  // Any two parsed durations add up without overflow.
  CHECK((Time::max_input() + Time::max_input()).ns() == 2 * Time::max_input().ns());
}

TEST_CASE("converting a huge number of seconds saturates at Time::max() instead of wrapping") {
  // A rate of 1e-12 per second means a gap of 1e12 s between arrivals: never, within the range.
  CHECK(Time::from_seconds(1e12) == Time::max());
  CHECK(Time::from_seconds(-1e12) == -Time::max());
  CHECK(Time::from_seconds(std::numeric_limits<double>::infinity()) == Time::max());
  CHECK(Time::from_s(9'300'000'000) == Time::max());
  CHECK(Time::from_ms(-kMax) == -Time::max());
  CHECK(Time::from_us(kMax / 1000) == Time::from_ns(kMax / 1000 * 1000));
  CHECK(Time::from_seconds(1.5) == Time::from_ms(1500));
  CHECK(Time::from_ms(2) * 1e30 == Time::max());
  CHECK(Time::saturating_add(Time::max(), Time::from_s(1)) == Time::max());
  CHECK(Time::saturating_add(-Time::max(), -Time::from_s(1)) == -Time::max());
  CHECK(Bytes::from_gib(1e30) == Bytes{kMax});
  CHECK(Bytes{1} * 1e300 == Bytes{kMax});
  CHECK(Bytes::saturating_add(Bytes{kMax}, Bytes{1}) == Bytes{kMax});
  CHECK(Millicores::saturating_add(Millicores{kMax}, Millicores{1}) == Millicores{kMax});
}

TEST_CASE("the extreme time prints without overflowing its negation") {
  CHECK(Time::from_ns(kMin).to_string() == "-9223372036854775808ns");
  CHECK((-Time::max()).to_string() == "-9223372036.854775807s");
}

#if VMCSIM_CHECKS_ON
TEST_CASE("in checked builds, overflowing arithmetic on quantities is a contract violation") {
  CHECK_THROWS_AS(Time::max() + Time::from_ns(1), ContractViolation);
  CHECK_THROWS_AS(-Time::max() - Time::from_s(1), ContractViolation);
  CHECK_THROWS_AS(Time::max() * 2, ContractViolation);
  Millicores m{kMax / 2 + 1};
  CHECK_THROWS_AS(m += m, ContractViolation);
  CHECK_THROWS_AS(Bytes{kMax} + Bytes{1}, ContractViolation);
  CHECK_THROWS_AS(Bytes::mib(1LL << 44), ContractViolation);
  CHECK_THROWS_AS(Millicores::cores(kMax / 100), ContractViolation);
}
#endif

TEST_CASE("round_half_away gives std::llround's integer for every value a time or size can round") {
  std::vector<double> xs{0.0,
                         -0.0,
                         0.5,
                         -0.5,
                         1.5,
                         2.5,
                         -2.5,
                         0.49999999999999994,
                         -0.49999999999999994,
                         4503599627370495.5,  // 2^52 - 0.5, the last half below 2^52
                         -4503599627370495.5,
                         0x1p52,
                         0x1p52 + 1,
                         0x1p53 + 2,
                         0x1p62,
                         -0x1p62,
                         std::nextafter(0x1p63, 0.0),
                         std::nextafter(-0x1p63, 0.0)};
  RandomStream rng{7, 0, "tests/round_half_away"};
  for (int i = 0; i < 100000; ++i) {
    const double scale = std::ldexp(1.0, static_cast<int>(rng.below(62)));
    const double x = (rng.uniform01() - 0.5) * scale;
    xs.push_back(x);
    xs.push_back(std::floor(x) + 0.5);  // exact halves where the scale allows them
  }
  for (const double x : xs) {
    INFO(std::hexfloat << x);
    CHECK(round_half_away(x) == std::llround(x));
  }
}
