#pragma once
// A small world for platform tests: one simulation, its FlowModel, the shipped catalog, a
// registry, and hosts made to order.
#include <memory>
#include <string>
#include <vector>
#include "models/catalog/catalog.hpp"
#include "models/host.hpp"
#include "models/image/registry.hpp"
#include "models/platform/runtime.hpp"
#include "sim/simulation.hpp"

namespace vmcsim::models::testing {

struct World {
  explicit World(std::uint64_t seed = 42,
                 RegistrySpec registry_spec = {"hub", sim::DataRate::gbps(1),
                                               sim::Time::from_ms(20)})
      : registry(flows, std::move(registry_spec)), runtime(sim, flows, seed) {}

  Node& add_host(const std::string& name, int cores, sim::Bytes memory, NodeOptions options = {}) {
    hosts.push_back(std::make_unique<Host>(HostSpec{name,
                                                    sim::Millicores::cores(cores),
                                                    memory,
                                                    sim::DataRate::parse("1GB/s"),
                                                    10000.0,
                                                    sim::DataRate::gbps(10),
                                                    {},
                                                    100.0,
                                                    300.0},
                                           flows));
    return runtime.add_host(*hosts.back(), options);
  }

  InstanceSpec spec(const std::string& service, const std::string& profile, sim::Millicores cpu,
                    sim::Bytes memory, const Image* image = nullptr) {
    InstanceSpec s;
    s.service = service;
    s.profile = &catalog.profile(profile);
    s.cpu = cpu;
    s.memory = memory;
    s.image = image;
    s.registry = image != nullptr ? &registry : nullptr;
    return s;
  }

  sim::Simulation sim;
  FlowModel flows{sim};
  Catalog catalog = Catalog::load_default();
  Registry registry;
  PlatformRuntime runtime;
  std::vector<std::unique_ptr<Host>> hosts;
};

// A test image of `layers` layers of `size_each`, digests "<prefix>-<i>".
inline Image make_image(const std::string& name, const std::string& prefix, int layers,
                        sim::Bytes size_each) {
  Image image{name, {}};
  for (int i = 0; i < layers; ++i)
    image.layers.push_back(Layer{prefix + "-" + std::to_string(i), size_each});
  return image;
}

}  // namespace vmcsim::models::testing

namespace vmcsim::models::testing {
inline sim::Millicores mc(std::int64_t millicores) {
  return sim::Millicores{millicores};
}
}  // namespace vmcsim::models::testing
