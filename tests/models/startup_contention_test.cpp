#include <catch2/catch.hpp>

#include <vector>

#include "models/platform_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::make_image;
using vmcsim::models::testing::World;

namespace {

// Mean startup of `n` Kata pods started together on one host of `cores` cores, once its image
// is cached (a first pod pulls it).
double mean_kata_startup(int n, int cores, const PlatformProfile* profile = nullptr) {
  World w;
  Node& host = w.add_host("h", cores, sim::Bytes::gib(512));
  const Image image = make_image("app:1", "sha256:app", 2, sim::Bytes::mib(10));
  InstanceSpec spec = w.spec("pod", "kata", sim::Millicores{100}, sim::Bytes::mib(128), &image);
  if (profile != nullptr) spec.profile = profile;
  w.runtime.start(spec, host);
  w.sim.run();
  std::vector<InstanceId> ids;
  for (int k = 0; k < n; ++k)
    ids.push_back(w.runtime.start(spec, host));
  w.sim.run();
  double total = 0;
  for (const InstanceId id : ids) {
    REQUIRE(w.runtime.instance(id).state == InstanceState::running);
    total += w.runtime.instance(id).startup_time().seconds();
  }
  return total / n;
}

}  // namespace

TEST_CASE("a Kata pod alone starts in the published serial time") {
  // kuasar Benchmark.md: Kata through CRI 850 to 950 ms serial.
  const double alone = mean_kata_startup(1, 32);
  CHECK(alone > 0.80);
  CHECK(alone < 1.05);
}

TEST_CASE("Kata pods started together on one host take longer the more there are") {
  // kuasar Benchmark.md: 1.6 to 1.8 s with 50 in parallel against 0.85 to 0.95 s serial. The
  // sandbox's CPU time shares the host's cores, so the mean grows with N once N exceeds them.
  const double one = mean_kata_startup(1, 32);
  const double ten = mean_kata_startup(10, 32);
  const double fifty = mean_kata_startup(50, 32);
  const double hundred = mean_kata_startup(100, 32);
  CHECK(ten == Approx(one).epsilon(0.15));  // fewer starts than cores: no contention
  CHECK(fifty > 1.3 * one);
  CHECK(hundred > 1.5 * fifty);
  // 50 x 0.9 CPU-s on 32 cores end together at about 1.4 s.
  CHECK(fifty == Approx(50 * 0.9 / 32).epsilon(0.1));
}

TEST_CASE("a per-node limit on concurrent starts queues the rest in order") {
  World w;
  PlatformProfile fc = w.catalog.profile("firecracker");
  fc.max_concurrent_starts.value = 2;
  fc.creation_rate_per_core.value = 0;  // isolate the start limit
  Node& host = w.add_host("h", 64, sim::Bytes::gib(64));
  InstanceSpec spec = w.spec("fn", "firecracker", sim::Millicores{1000}, sim::Bytes::mib(256));
  spec.profile = &fc;
  std::vector<InstanceId> ids;
  for (int k = 0; k < 6; ++k)
    ids.push_back(w.runtime.start(spec, host));
  w.sim.run();
  // Three waves of two: each start's ready time is at least that of the one two places ahead.
  for (std::size_t k = 2; k < ids.size(); ++k)
    CHECK(w.runtime.instance(ids[k]).ready_at >= w.runtime.instance(ids[k - 2]).ready_at);
  CHECK(w.runtime.instance(ids[5]).startup_time() > 2 * w.runtime.instance(ids[0]).startup_time());
  // The wait is part of the first phase: phases stay contiguous from the request.
  const Instance& last = w.runtime.instance(ids[5]);
  CHECK(last.phases.front().start == last.requested_at);
}

TEST_CASE("the Firecracker creation limit of 5 microVMs per core per second stays") {
  World w;
  Node& host = w.add_host("h", 2, sim::Bytes::gib(64));
  InstanceSpec spec = w.spec("fn", "firecracker", sim::Millicores{1000}, sim::Bytes::mib(256));
  std::vector<InstanceId> ids;
  for (int k = 0; k < 40; ++k)
    ids.push_back(w.runtime.start(spec, host));
  w.sim.run();
  // 10 per second on 2 cores: the 40th waits 3.9 s for its slot.
  CHECK(w.runtime.instance(ids.back()).startup_time() > 3.9_s);
}

TEST_CASE("lazy loading pulls the share of the image read at startup") {
  World w;
  Node& host = w.add_host("h", 8, sim::Bytes::gib(64));
  const Image image = make_image("big:1", "sha256:big", 4, sim::Bytes::mib(250));
  PlatformProfile lazy = w.catalog.profile("runc");
  lazy.image_fetch_fraction.value = 0.065;  // Brooker et al., ATC'23: about 6.5% is read
  InstanceSpec full = w.spec("a", "runc", sim::Millicores{100}, sim::Bytes::mib(128), &image);
  const InstanceId a = w.runtime.start(full, host);
  w.sim.run();
  World w2;
  Node& host2 = w2.add_host("h", 8, sim::Bytes::gib(64));
  InstanceSpec slice = w2.spec("b", "runc", sim::Millicores{100}, sim::Bytes::mib(128), &image);
  slice.profile = &lazy;
  const InstanceId b = w2.runtime.start(slice, host2);
  w2.sim.run();
  const double pulled_full = w.runtime.instance(a).phase_time("image_pull").seconds();
  const double pulled_lazy = w2.runtime.instance(b).phase_time("image_pull").seconds();
  CHECK(pulled_lazy < 0.2 * pulled_full);
  CHECK(host2.layer_cache().used() < sim::Bytes::mib(70));
}
