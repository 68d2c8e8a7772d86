#include <catch2/catch.hpp>

#include <array>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/random.hpp"

using namespace vmcsim::sim;

namespace {

std::vector<std::uint64_t> take(RandomStream s, std::size_t n) {
  std::vector<std::uint64_t> out(n);
  for (auto& x : out)
    x = s.next_u64();
  return out;
}

// How many positions of two sequences hold the same value: for independent 64-bit streams the
// expected count is n / 2^64, i.e. zero.
std::size_t coincidences(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    same += a[i] == b[i];
  return same;
}

// Pearson correlation of the uniforms of two streams. Under independence it is approximately
// normal with standard error 1 / sqrt(n).
double correlation(RandomStream a, RandomStream b, std::size_t n) {
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = a.uniform01(), y = b.uniform01();
    sa += x, sb += y, saa += x * x, sbb += y * y, sab += x * y;
  }
  const double dn = static_cast<double>(n);
  const double cov = sab / dn - (sa / dn) * (sb / dn);
  const double va = saa / dn - (sa / dn) * (sa / dn), vb = sbb / dn - (sb / dn) * (sb / dn);
  return cov / std::sqrt(va * vb);
}

// Pearson's chi-square statistic of observed counts against equal expected counts.
double chi_square_uniform(const std::vector<std::uint64_t>& counts, std::uint64_t total) {
  const double expected = static_cast<double>(total) / static_cast<double>(counts.size());
  double chi2 = 0.0;
  for (const auto c : counts)
    chi2 += (static_cast<double>(c) - expected) * (static_cast<double>(c) - expected) / expected;
  return chi2;
}

// The chi-square value a fair generator exceeds with probability 1e-4.
double chi_square_critical(std::size_t buckets) {
  return boost::math::quantile(boost::math::chi_squared{static_cast<double>(buckets - 1)},
                               1.0 - 1e-4);
}

}  // namespace

TEST_CASE("the stable name hash is 64-bit FNV-1a, whatever the platform") {
  // Published FNV-1a test vectors (Fowler, Noll, Vo).
  STATIC_REQUIRE(stable_hash("") == 0xcbf29ce484222325ULL);
  STATIC_REQUIRE(stable_hash("a") == 0xaf63dc4c8601ec8cULL);
  STATIC_REQUIRE(stable_hash("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("streams with the same seed, replication and name draw the same numbers") {
  const auto a = take(RandomStream{42, 3, "host/7/disk"}, 1000);
  const auto b = take(RandomStream{42, 3, "host/7/disk"}, 1000);
  CHECK(a == b);
  CHECK(take(RandomStream{42, 3, "host/7"}.derive("disk"), 100) ==
        take(RandomStream{42, 3, "host/7"}.derive("disk"), 100));
}

TEST_CASE("a stream does not depend on which streams were created or used before it") {
  // World 1 creates and uses "web" before "db"; world 2 creates "db" first, uses it a lot, and
  // creates "web" afterwards, with a third stream in between.
  RandomStream web1{1, 0, "service/web"}, db1{1, 0, "service/db"};
  std::vector<std::uint64_t> web_seen1, db_seen1;
  for (int i = 0; i < 100; ++i)
    web_seen1.push_back(web1.next_u64()), db_seen1.push_back(db1.next_u64());

  RandomStream db2{1, 0, "service/db"};
  std::vector<std::uint64_t> db_seen2;
  for (int i = 0; i < 100; ++i)
    db_seen2.push_back(db2.next_u64());
  RandomStream other{1, 0, "service/cache"};
  for (int i = 0; i < 50; ++i)
    other.next_u64();
  RandomStream web2{1, 0, "service/web"};
  std::vector<std::uint64_t> web_seen2;
  for (int i = 0; i < 100; ++i)
    web_seen2.push_back(web2.next_u64());

  CHECK(web_seen1 == web_seen2);
  CHECK(db_seen1 == db_seen2);
}

TEST_CASE("different names, replications, seeds and children give different streams") {
  const std::size_t n = 1000;
  const auto base = take(RandomStream{42, 0, "host/1"}, n);
  CHECK(coincidences(base, take(RandomStream{42, 0, "host/2"}, n)) == 0);
  CHECK(coincidences(base, take(RandomStream{42, 1, "host/1"}, n)) == 0);
  CHECK(coincidences(base, take(RandomStream{43, 0, "host/1"}, n)) == 0);
  CHECK(coincidences(base, take(RandomStream{42, 0, "host/1"}.derive("disk"), n)) == 0);
  // Swapping seed and replication is not the same stream either.
  CHECK(coincidences(take(RandomStream{1, 2, "x"}, n), take(RandomStream{2, 1, "x"}, n)) == 0);
  CHECK(coincidences(take(RandomStream{42, 0, "host/1"}.derive("a"), n),
                     take(RandomStream{42, 0, "host/1"}.derive("b"), n)) == 0);
}

TEST_CASE("uniforms of neighbouring streams are uncorrelated") {
  const std::size_t n = 100'000;
  const double bound = 4.0 / std::sqrt(static_cast<double>(n));  // four standard errors
  const RandomStream base{42, 0, "host/1"};
  CHECK(std::abs(correlation(base, RandomStream{42, 0, "host/2"}, n)) < bound);
  CHECK(std::abs(correlation(base, RandomStream{42, 1, "host/1"}, n)) < bound);
  CHECK(std::abs(correlation(base, RandomStream{43, 0, "host/1"}, n)) < bound);
  CHECK(std::abs(correlation(base, base.derive("disk"), n)) < bound);
  // Lag one within a stream: successive draws are uncorrelated too.
  RandomStream shifted = base;
  shifted.next_u64();
  CHECK(std::abs(correlation(base, shifted, n)) < bound);
}

TEST_CASE("uniform01 stays below one and uniform01_open_left above zero, with mean one half") {
  RandomStream s{5, 0, "uniform01"};
  const std::size_t n = 100'000;
  double sum = 0.0;
  bool in_range = true;
  for (std::size_t i = 0; i < n; ++i) {
    const double u = s.uniform01();
    in_range = in_range && u >= 0.0 && u < 1.0;
    sum += u;
    const double v = s.uniform01_open_left();
    in_range = in_range && v > 0.0 && v <= 1.0;
  }
  CHECK(in_range);
  // Standard error of the mean of U(0, 1): sqrt(1/12 / n).
  CHECK(std::abs(sum / static_cast<double>(n) - 0.5) <
        5.0 * std::sqrt(1.0 / 12.0 / static_cast<double>(n)));
}

TEST_CASE("below(n) is unbiased over small ranges (chi-square)") {
  for (const std::uint64_t n : {2ULL, 7ULL, 10ULL, 1000ULL}) {
    RandomStream s{9, 0, "below"};
    const std::uint64_t draws = 200 * n + 100'000;
    std::vector<std::uint64_t> counts(n, 0);
    bool in_range = true;
    for (std::uint64_t i = 0; i < draws; ++i) {
      const std::uint64_t k = s.below(n);
      in_range = in_range && k < n;
      if (k < n) ++counts[k];
    }
    INFO("n = " << n);
    CHECK(in_range);
    CHECK(chi_square_uniform(counts, draws) < chi_square_critical(n));
  }
}

TEST_CASE("below(n) has no modulo bias over a range close to 2^64") {
  // n = 2/3 of 2^64: reducing a 64-bit value modulo n would make the lower half of [0, n) twice
  // as likely as the upper half. Count the halves.
  const std::uint64_t n = 0xAAAAAAAAAAAAAAAAULL;
  RandomStream s{9, 0, "below/large"};
  const std::uint64_t draws = 100'000;
  std::vector<std::uint64_t> halves(2, 0);
  for (std::uint64_t i = 0; i < draws; ++i)
    ++halves[s.below(n) < n / 2 ? 0 : 1];
  CHECK(chi_square_uniform(halves, draws) < chi_square_critical(2));
}

TEST_CASE("below(1) is always zero") {
  RandomStream s{9, 0, "below/one"};
  for (int i = 0; i < 100; ++i)
    REQUIRE(s.below(1) == 0);
}
