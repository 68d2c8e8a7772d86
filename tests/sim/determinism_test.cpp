#include <catch2/catch.hpp>

#include <string>

#include "queueing_model.hpp"

using namespace vmcsim::sim::literals;
using vmcsim::test::QueueConfig;
using vmcsim::test::QueueModel;

namespace {

// Runs a small M/M/2/5 queue and returns its event trace (time in ns, event, customer).
std::string trace_of(std::uint64_t seed, std::uint64_t replication = 0) {
  QueueConfig config;
  config.arrival_rate = 1.8;
  config.service_rate = 1.0;
  config.servers = 2;
  config.capacity = 5;
  config.warm_up = 0_s;
  config.horizon = 500_s;
  config.seed = seed;
  config.replication = replication;
  std::string trace;
  QueueModel{config, &trace}.run();
  return trace;
}

}  // namespace

TEST_CASE("a randomized queue run twice with the same seed gives a byte-identical trace") {
  const std::string first = trace_of(42);
  const std::string second = trace_of(42);
  // About 900 arrivals in 500 s, each with several events: a trace worth comparing.
  REQUIRE(first.size() > 10'000);
  CHECK(first.find("blocked") != std::string::npos);  // every kind of event is exercised
  CHECK(first == second);
}

TEST_CASE("a different seed or replication gives a different trace") {
  const std::string base = trace_of(42);
  CHECK(trace_of(43) != base);
  CHECK(trace_of(42, 1) != base);
}
