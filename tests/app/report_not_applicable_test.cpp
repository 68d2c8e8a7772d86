// A value no replication has (time to capacity without a burst, SLO violations without a request)
// prints as "n/a", never as 0.
#include <catch2/catch.hpp>

#include "app/report/metrics.hpp"

using namespace vmcsim::app;
using namespace vmcsim::app::report;

TEST_CASE("an estimate without replications prints n/a, a measured zero prints 0") {
  CHECK(format_estimate(Estimate{0.0, 0.0, 0}, 1) == "n/a");
  CHECK(format_estimate(Estimate{0.0, 0.0, 2}, 1) == "0.0");
  CHECK(format_estimate(Estimate{27.4, 1.3, 3}, 1) == "27.4 ± 1.3");
}

TEST_CASE("a paired difference no replication has says it is not applicable") {
  const PairedDifference none{"time_to_capacity_s", "vm", "runc", 0.0, 0.0, 0};
  const std::string text = describe_difference(none);
  CHECK_THAT(text, Catch::Contains("time to capacity is not applicable"));
  CHECK_THAT(text, !Catch::Contains("0.00"));
  const PairedDifference some{"time_to_capacity_s", "vm", "runc", 8.0, 0.0, 1};
  CHECK_THAT(describe_difference(some), Catch::Contains("reaches capacity 8.00 s"));
}
