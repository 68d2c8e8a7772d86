#include <catch2/catch.hpp>

#include "sim/parse_error.hpp"
#include "sim/units.hpp"

using namespace vmcsim::sim;

TEST_CASE("sizes parse binary, decimal and Kubernetes units") {
  CHECK(Bytes::parse("512MiB") == Bytes::mib(512));
  CHECK(Bytes::parse("2GiB") == Bytes::gib(2));
  CHECK(Bytes::parse("1.5GB").count() == 1'500'000'000);
  CHECK(Bytes::parse("100Mi") == Bytes::mib(100));
  CHECK(Bytes::parse("1Gi") == Bytes::gib(1));
  CHECK(Bytes::parse("128M").count() == 128'000'000);
  CHECK(Bytes::parse("4096").count() == 4096);
  CHECK(Bytes::parse("10 KiB") == Bytes::kib(10));
  CHECK(Bytes::parse("0.5GiB") == Bytes::mib(512));
}

TEST_CASE("sizes reject negative values and unknown units") {
  CHECK_THROWS_WITH(Bytes::parse("-1GiB"), Catch::Contains("negative"));
  CHECK_THROWS_WITH(Bytes::parse("12 parsecs"), Catch::Contains("unknown unit 'parsecs'"));
  CHECK_THROWS_WITH(Bytes::parse("lots"), Catch::Contains("expected a number"));
  CHECK_THROWS_AS(Bytes::parse("5Mb"), ParseError);
}

TEST_CASE("sizes print in the largest binary unit and parse back") {
  CHECK(Bytes::mib(512).to_string() == "512MiB");
  CHECK(Bytes::mib(1536).to_string() == "1.5GiB");
  CHECK(Bytes{100}.to_string() == "100B");
  for (const auto b : {Bytes::mib(218), Bytes::gib(16), Bytes{1'500'000'000}, Bytes{12345}})
    CHECK(Bytes::parse(b.to_string()) == b);
}

TEST_CASE("rates parse bits and bytes per second") {
  CHECK(DataRate::parse("10Gbps").bits_per_second() == Approx(1e10));
  CHECK(DataRate::parse("100MB/s").bytes_per_second() == Approx(1e8));
  CHECK(DataRate::parse("1GiB/s").bytes_per_second() == Approx(1073741824.0));
  CHECK(DataRate::parse("800 Mbps").bits_per_second() == Approx(8e8));
  CHECK_THROWS_WITH(DataRate::parse("10"), Catch::Contains("missing unit"));
  CHECK_THROWS_WITH(DataRate::parse("10Gb"), Catch::Contains("unknown unit 'Gb'"));
  CHECK(DataRate::gbps(10).to_string() == "10Gbps");
  CHECK(DataRate::mbps(1.5).to_string() == "1.5Mbps");
}

TEST_CASE("transfer time follows from size and rate") {
  using namespace vmcsim::sim::literals;
  CHECK(DataRate::bytes_per_second(1e6).time_to_transfer(Bytes{500'000}) == 500_ms);
  CHECK(DataRate{}.time_to_transfer(Bytes{1}) == Time::max());
}

TEST_CASE("cpu quantities parse cores and Kubernetes millicores") {
  CHECK(Millicores::parse("0.5") == Millicores{500});
  CHECK(Millicores::parse("500m") == Millicores{500});
  CHECK(Millicores::parse("2") == Millicores::cores(2));
  CHECK(Millicores::parse("0.25vcpu") == Millicores{250});
  CHECK(Millicores::parse("100m").cores_value() == Approx(0.1));
  CHECK_THROWS_WITH(Millicores::parse("2GHz"), Catch::Contains("unknown unit 'GHz'"));
  CHECK(Millicores{500}.to_string() == "500m");
  CHECK(Millicores::cores(4).to_string() == "4");
}
