// The quantities of `vmcsim import trace` summaries (app/importers/human_units.hpp).
#include <catch2/catch.hpp>

#include <limits>

#include "app/importers/human_units.hpp"

using vmcsim::app::importers::human_bytes;
using vmcsim::app::importers::human_cores;
using vmcsim::app::importers::human_duration;
using vmcsim::app::importers::with_thousands;
namespace sim = vmcsim::sim;

TEST_CASE("with_thousands puts a comma every three digits from the right, sign first") {
  CHECK(with_thousands(0) == "0");
  CHECK(with_thousands(999) == "999");
  CHECK(with_thousands(1000) == "1,000");
  CHECK(with_thousands(85436) == "85,436");
  CHECK(with_thousands(1234567) == "1,234,567");
  CHECK(with_thousands(-1000) == "-1,000");
  CHECK(with_thousands(-999) == "-999");
  // The extremes: the smallest has no positive counterpart in long long.
  CHECK(with_thousands(std::numeric_limits<long long>::max()) == "9,223,372,036,854,775,807");
  CHECK(with_thousands(std::numeric_limits<long long>::min()) == "-9,223,372,036,854,775,808");
}

TEST_CASE("summaries read cores, bytes and durations in the unit a person would use") {
  CHECK(human_cores(sim::Millicores{85436012}) == "85,436 cores");
  CHECK(human_cores(sim::Millicores{1500}) == "1.5 cores");
  CHECK(human_bytes(sim::Bytes::mib(1536)) == "1.5 GiB");
  CHECK(human_bytes(sim::Bytes{512}) == "512 B");
  CHECK(human_duration(sim::Time::from_s(90)) == "90 s");
  CHECK(human_duration(sim::Time::from_s(5400)) == "90.0 min");
  CHECK(human_duration(sim::Time::from_s(12902960)) == "149.3 days");
  CHECK(human_duration(sim::Time::max()) == "never");
}
