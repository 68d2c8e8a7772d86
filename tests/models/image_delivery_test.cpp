// Image delivery under issue 11: the kubelet's pull serialization and maxParallelImagePulls,
// registry-side request rate limits, and peer-to-peer distribution among nodes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "models/image/image_puller.hpp"
#include "models/image/peer_directory.hpp"
#include "models/platform_test_support.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::make_image;

namespace {

HostSpec host_spec(const std::string& name, sim::DataRate nic) {
  return HostSpec{name, sim::Millicores::cores(8), sim::Bytes::gib(32), sim::DataRate::parse("1GB/s"),
                  1000.0, nic, {}, 0.0, 0.0};
}

// `n` hosts with a puller each, one registry, all on one FlowModel.
struct Fleet {
  Fleet(int n, PullPolicy policy, RegistrySpec registry_spec, sim::DataRate nic)
      : registry(flows, std::move(registry_spec)) {
    for (int i = 0; i < n; ++i) {
      hosts.push_back(std::make_unique<Host>(host_spec("h" + std::to_string(i), nic), flows));
      caches.push_back(std::make_unique<LayerCache>(sim::Bytes::gib(20)));
      pullers.push_back(
          std::make_unique<ImagePuller>(sim, *hosts.back(), std::vector<ResourceId>{},
                                        *caches.back(), policy));
    }
  }
  void use_peers() {
    for (auto& p : pullers)
      p->set_peers(&peers);
  }
  // Pulls `image` on host `h`; its finish time lands in `done`.
  void pull(int h, const Image& image, sim::Time& done) {
    pullers[h]->pull(image, registry, [this, &done](const PullResult&) { done = sim.now(); });
  }

  sim::Simulation sim;
  FlowModel flows{sim};
  Registry registry;
  PeerDirectory peers;
  std::vector<std::unique_ptr<Host>> hosts;
  std::vector<std::unique_ptr<LayerCache>> caches;
  std::vector<std::unique_ptr<ImagePuller>> pullers;
};

// 1 GB/s everywhere, no request latency: a 100 MB image takes 0.1 s alone.
RegistrySpec fast_registry() { return RegistrySpec{"r", sim::DataRate::gbps(8), 0_ms}; }

}  // namespace

TEST_CASE("with serializeImagePulls on, distinct images on one node are pulled one at a time") {
  Fleet f(1, PullPolicy{}, fast_registry(), sim::DataRate::gbps(8));
  std::vector<Image> images;
  for (int i = 0; i < 4; ++i)
    images.push_back(make_image("img" + std::to_string(i), "i" + std::to_string(i), 1,
                                sim::Bytes{100'000'000}));
  std::vector<sim::Time> done(4);
  for (int i = 0; i < 4; ++i)
    f.pull(0, images[i], done[i]);
  CHECK(f.pullers[0]->image_pulls_in_progress() == 1);
  f.sim.run();
  std::sort(done.begin(), done.end());
  // Each pull has the whole NIC to itself and starts when the previous one ends.
  for (int i = 0; i < 4; ++i)
    CHECK(done[i].seconds() == Approx(0.1 * (i + 1)).epsilon(1e-6));
}

TEST_CASE("with serializeImagePulls off, pulls run in parallel up to maxParallelImagePulls") {
  PullPolicy policy;
  policy.serialize_image_pulls = false;
  policy.max_parallel_image_pulls = 2;
  Fleet f(1, policy, fast_registry(), sim::DataRate::gbps(8));
  std::vector<Image> images;
  for (int i = 0; i < 4; ++i)
    images.push_back(make_image("img" + std::to_string(i), "i" + std::to_string(i), 1,
                                sim::Bytes{100'000'000}));
  std::vector<sim::Time> done(4);
  for (int i = 0; i < 4; ++i)
    f.pull(0, images[i], done[i]);
  CHECK(f.pullers[0]->image_pulls_in_progress() == 2);
  f.sim.run();
  std::sort(done.begin(), done.end());
  // Two at a time share the NIC: each pair takes 0.2 s.
  CHECK(done[0].seconds() == Approx(0.2).epsilon(1e-6));
  CHECK(done[1].seconds() == Approx(0.2).epsilon(1e-6));
  CHECK(done[3].seconds() == Approx(0.4).epsilon(1e-6));

  SECTION("and all at once without a limit") {
    PullPolicy open;
    open.serialize_image_pulls = false;
    Fleet g(1, open, fast_registry(), sim::DataRate::gbps(8));
    for (int i = 0; i < 4; ++i)
      g.pull(0, images[i], done[i]);
    CHECK(g.pullers[0]->image_pulls_in_progress() == 4);
  }
}

TEST_CASE("a registry's layer request rate limit delays downloads as a token bucket does") {
  // ECR-like quota scaled down: 10 layer requests per second, burst 10. 30 one-layer images
  // on 30 hosts: the 30th layer request is served (30 - 10) / 10 = 2 s after the start.
  RegistrySpec spec = fast_registry();
  spec.egress = sim::DataRate::gbps(8000);  // bandwidth not binding
  spec.layer_request_rate = 10;
  spec.layer_request_burst = 10;
  Fleet f(30, PullPolicy{}, spec, sim::DataRate::gbps(8000));
  const Image image = make_image("app", "a", 1, sim::Bytes{1'000'000});
  std::vector<sim::Time> done(30);
  for (int h = 0; h < 30; ++h)
    f.pull(h, image, done[h]);
  f.sim.run();
  std::sort(done.begin(), done.end());
  CHECK(done[9].seconds() < 0.01);
  CHECK(done[29].seconds() == Approx(2.0).margin(0.01));
  CHECK(f.registry.layer_requests() == 30);
  CHECK(f.registry.layer_request_wait().seconds() > 0.0);
}

TEST_CASE("an image request limit such as Docker Hub's delays whole pulls") {
  // 100 pulls per 6 hours (anonymous): the 101st pull waits 216 s for its token.
  RegistrySpec spec = fast_registry();
  spec.image_request_rate = 100.0 / 21600.0;
  spec.image_request_burst = 100;
  Fleet f(101, PullPolicy{}, spec, sim::DataRate::gbps(8000));
  const Image image = make_image("app", "a", 1, sim::Bytes{1'000});
  std::vector<sim::Time> done(101);
  for (int h = 0; h < 101; ++h)
    f.pull(h, image, done[h]);
  f.sim.run();
  std::sort(done.begin(), done.end());
  CHECK(done[99].seconds() < 1.0);
  CHECK(done[100].seconds() == Approx(216.0).margin(0.01));
}

TEST_CASE("with peer-to-peer distribution the registry serves each layer once and a fleet pulls faster") {
  // 32 nodes with 10 Gbps NICs pull a 4-layer, 400 MB image from a 1 Gbps registry.
  const Image image = make_image("app", "a", 4, sim::Bytes{100'000'000});
  RegistrySpec spec{"r", sim::DataRate::gbps(1), 20_ms};
  auto last_done = [&](bool p2p, std::uint64_t* registry_layers) {
    auto f = std::make_unique<Fleet>(32, PullPolicy{}, spec, sim::DataRate::gbps(10));
    if (p2p) f->use_peers();
    std::vector<sim::Time> done(32);
    for (int h = 0; h < 32; ++h)
      f->pull(h, image, done[h]);
    f->sim.run();
    *registry_layers = f->registry.layer_requests();
    for (int h = 0; h < 32; ++h)
      CHECK(f->caches[h]->layer_count() == 4);
    return *std::max_element(done.begin(), done.end());
  };
  std::uint64_t plain_layers = 0, p2p_layers = 0;
  const sim::Time plain = last_done(false, &plain_layers);
  const sim::Time p2p = last_done(true, &p2p_layers);
  CHECK(plain_layers == 32 * 4);
  CHECK(p2p_layers == 4);
  // Plain: 32 x 400 MB through 125 MB/s of registry egress, 102 s.
  CHECK(plain.seconds() == Approx(32 * 400.0 / 125.0).epsilon(0.01));
  CHECK(p2p < plain / 4);
  // Within NIC limits: no node can have its 400 MB faster than its own 1.25 GB/s NIC allows,
  // and the seed's 400 MB came through the 125 MB/s registry.
  CHECK(p2p.seconds() > 400.0 / 125.0);
}
