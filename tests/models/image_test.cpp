#include <catch2/catch.hpp>

#include "models/image/image_puller.hpp"
#include "models/platform_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::make_image;

namespace {
// One host with a puller, pulling from a registry over the shared FlowModel.
struct PullWorld {
  explicit PullWorld(PullPolicy policy = {}, sim::Bytes cache = sim::Bytes::gib(10),
                     sim::DataRate egress = sim::DataRate::gbps(8),
                     sim::DataRate nic = sim::DataRate::gbps(8))
      : host(HostSpec{"h",
                      sim::Millicores::cores(4),
                      sim::Bytes::gib(16),
                      sim::DataRate::parse("1GB/s"),
                      1000.0,
                      nic,
                      {},
                      0.0,
                      0.0},
             flows),
        registry(flows, RegistrySpec{"hub", egress, 10_ms}),
        cache(cache),
        puller(sim, host, {}, this->cache, policy) {}

  // Pulls and records when it finished and what it moved.
  void pull(const Image& image, sim::Time& finished, PullResult& result) {
    puller.pull(image, registry, [this, &finished, &result](const PullResult& r) {
      finished = sim.now();
      result = r;
    });
  }

  sim::Simulation sim;
  FlowModel flows{sim};
  Host host;
  Registry registry;
  LayerCache cache;
  ImagePuller puller;
};
}  // namespace

TEST_CASE("the layer cache evicts the least recently used unpinned layer") {
  LayerCache cache{sim::Bytes::mib(300)};
  cache.insert({"a", sim::Bytes::mib(100)});
  cache.insert({"b", sim::Bytes::mib(100)});
  cache.insert({"c", sim::Bytes::mib(100)});
  cache.touch("a");  // b is now the least recently used
  auto evicted = cache.insert({"d", sim::Bytes::mib(100)});
  CHECK(evicted == std::vector<std::string>{"b"});
  cache.pin("c");
  evicted = cache.insert({"e", sim::Bytes::mib(150)});  // needs 150: c is pinned, so a then d
  CHECK(evicted == std::vector<std::string>{"a", "d"});
  CHECK(cache.used() == sim::Bytes::mib(250));
  CHECK(cache.contains("c"));
  CHECK_FALSE(cache.over_capacity());
  cache.pin("e");
  cache.insert({"f", sim::Bytes::mib(100)});  // nothing evictable: may exceed capacity
  CHECK(cache.over_capacity());
  CHECK(cache.evictions() == 3);
  CHECK_THROWS_AS(cache.unpin("zz"), std::logic_error);
}

TEST_CASE("a pull takes request latency plus bytes over the available bandwidth") {
  PullWorld w;  // 8 Gbps = 1 GB/s everywhere
  const Image image{"app", {{"l0", sim::Bytes{500'000'000}}}};
  sim::Time done;
  PullResult r;
  w.pull(image, done, r);
  w.sim.run();
  CHECK(done.seconds() == Approx(0.010 + 0.5).epsilon(1e-6));
  CHECK(r.downloaded == sim::Bytes{500'000'000});
  CHECK(w.cache.contains("l0"));
}

TEST_CASE("concurrent pulls from two hosts share the registry egress") {
  PullWorld w(PullPolicy{}, sim::Bytes::gib(10), sim::DataRate::gbps(8), sim::DataRate::gbps(8));
  Host other{HostSpec{"h2",
                      sim::Millicores::cores(4),
                      sim::Bytes::gib(16),
                      sim::DataRate::parse("1GB/s"),
                      1000.0,
                      sim::DataRate::gbps(8),
                      {},
                      0,
                      0},
             w.flows};
  LayerCache other_cache{sim::Bytes::gib(10)};
  ImagePuller other_puller{w.sim, other, {}, other_cache, PullPolicy{}};
  const Image image{"app", {{"l0", sim::Bytes{500'000'000}}}};
  sim::Time a, b;
  PullResult ra;
  w.pull(image, a, ra);
  other_puller.pull(image, w.registry, [&](const PullResult&) { b = w.sim.now(); });
  w.sim.run();
  // Each host gets half of the 1 GB/s egress: twice as long as alone.
  CHECK(a.seconds() == Approx(0.010 + 1.0).epsilon(1e-6));
  CHECK(b == a);
}

TEST_CASE("a layer shared by two images is pulled once per host") {
  PullWorld w;
  const Image base_a{"a", {{"base", sim::Bytes{300'000'000}}, {"a-top", sim::Bytes{10'000'000}}}};
  const Image base_b{"b", {{"base", sim::Bytes{300'000'000}}, {"b-top", sim::Bytes{20'000'000}}}};
  sim::Time ta, tb;
  PullResult ra, rb;
  w.pull(base_a, ta, ra);
  w.sim.run();
  w.pull(base_b, tb, rb);
  w.sim.run();
  CHECK(ra.downloaded == sim::Bytes{310'000'000});
  CHECK(rb.downloaded == sim::Bytes{20'000'000});
  CHECK(rb.reused == sim::Bytes{300'000'000});
  CHECK(w.cache.used() == sim::Bytes{330'000'000});
}

TEST_CASE("a second pull of a cached image moves no bytes and takes no time") {
  PullWorld w;
  const Image image = make_image("app", "x", 4, sim::Bytes::mib(50));
  sim::Time t1, t2;
  PullResult r1, r2;
  w.pull(image, t1, r1);
  w.sim.run();
  const sim::Time second_start = w.sim.now();
  w.pull(image, t2, r2);
  w.sim.run();
  CHECK(r2.downloaded == sim::Bytes{});
  CHECK(r2.reused == image.size());
  CHECK(t2 == second_start);
  CHECK(t1 > 200_ms);
}

TEST_CASE("concurrent pulls of the same layer on one host share one download") {
  PullWorld w(PullPolicy{false, 3});
  const Image image{"app", {{"l0", sim::Bytes{400'000'000}}}};
  sim::Time t1, t2;
  PullResult r1, r2;
  w.pull(image, t1, r1);
  w.pull(image, t2, r2);
  w.sim.run();
  CHECK(r1.downloaded == sim::Bytes{400'000'000});
  CHECK(r2.downloaded == sim::Bytes{});
  CHECK(t2 == t1);                                    // the second waited for the first
  CHECK(t1.seconds() == Approx(0.41).epsilon(1e-6));  // and the first got the full bandwidth
}

TEST_CASE("serialized image pulls run one image at a time, parallel ones share the link") {
  const Image a = make_image("a", "a", 1, sim::Bytes{500'000'000});
  const Image b = make_image("b", "b", 1, sim::Bytes{500'000'000});
  sim::Time ta, tb;
  PullResult r;
  {
    PullWorld w(PullPolicy{true, 3});
    w.pull(a, ta, r);
    w.pull(b, tb, r);
    w.sim.run();
    CHECK(ta.seconds() == Approx(0.51).epsilon(1e-6));
    CHECK(tb.seconds() == Approx(1.02).epsilon(1e-6));
  }
  {
    PullWorld w(PullPolicy{false, 3});
    w.pull(a, ta, r);
    w.pull(b, tb, r);
    w.sim.run();
    CHECK(ta.seconds() == Approx(1.01).epsilon(1e-6));
    CHECK(tb == ta);
  }
}

TEST_CASE("at most max_parallel_layers layers of an image download at once") {
  // Four equal layers: with 1 at a time each pays its own request latency in sequence;
  // with 4 at a time the latencies overlap. Bytes take the same total time either way.
  const Image image = make_image("app", "p", 4, sim::Bytes{100'000'000});
  sim::Time serial, parallel;
  PullResult r;
  {
    PullWorld w(PullPolicy{true, 1});
    w.pull(image, serial, r);
    w.sim.run();
  }
  {
    PullWorld w(PullPolicy{true, 4});
    w.pull(image, parallel, r);
    w.sim.run();
  }
  CHECK(serial.seconds() == Approx(4 * 0.010 + 0.4).epsilon(1e-6));
  CHECK(parallel.seconds() == Approx(0.010 + 0.4).epsilon(1e-6));
}
