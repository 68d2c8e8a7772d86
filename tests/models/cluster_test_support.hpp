#pragma once
// Small worlds for Cluster tests: the shipped catalog, a test image, hosts and services made to
// order, and load generators that submit requests on the simulated clock.
#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

#include "models/catalog/catalog.hpp"
#include "models/cluster/cluster.hpp"
#include "sim/distributions.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

namespace vmcsim::models::testing {

inline HostConfig cluster_host(const std::string& name, int cores, sim::Bytes memory) {
  HostSpec spec{name,    sim::Millicores::cores(cores), memory, sim::DataRate::parse("1GB/s"),
                10000.0, sim::DataRate::gbps(10),       {},     100.0,
                300.0};
  return HostConfig{spec, 1.0, sim::Bytes::gib(100)};
}

// A service of `replicas` instances of `cpu` and `memory` (request = limit) from `image`, each
// request taking `cpu_seconds` of CPU.
inline ServiceConfig cluster_service(const std::string& name, sim::Millicores cpu,
                                     sim::Bytes memory, int replicas, double cpu_seconds,
                                     const Image& image) {
  ServiceConfig s;
  s.name = name;
  s.cpu_request = s.cpu_limit = cpu;
  s.memory_request = s.memory_limit = memory;
  s.replicas = replicas;
  s.cpu_time = sim::Constant{cpu_seconds};
  s.image = &image;
  return s;
}

struct ClusterWorld {
  Catalog catalog = Catalog::load_default();
  Image image{"app:1",
              {{"sha256:app-0", sim::Bytes::mib(40)}, {"sha256:app-1", sim::Bytes::mib(10)}}};

  ServiceConfig service(const std::string& name, sim::Millicores cpu, sim::Bytes memory,
                        int replicas, double cpu_seconds) const {
    return cluster_service(name, cpu, memory, replicas, cpu_seconds, image);
  }

  // A config of `kind` over `hosts` hosts of 16 cores and 64 GiB: kvm-ubuntu VMs, Firecracker
  // microVMs, runc containers, or runc containers on one ecs-ec2-node m5.large node VM.
  ClusterConfig config(PlatformKind kind, int hosts = 2) const {
    ClusterConfig c;
    for (int h = 0; h < hosts; ++h)
      c.hosts.push_back(cluster_host(fmt::format("h{}", h), 16, sim::Bytes::gib(64)));
    c.registry = RegistrySpec{"hub", sim::DataRate::gbps(1), sim::Time::from_ms(20)};
    c.variant.name = std::string(to_string(kind));
    c.variant.platform = kind;
    switch (kind) {
      case PlatformKind::vm:
        c.variant.profile = &catalog.profile("kvm-ubuntu");
        break;
      case PlatformKind::microvm:
        c.variant.profile = &catalog.profile("firecracker");
        break;
      case PlatformKind::container:
        c.variant.profile = &catalog.profile("runc");
        break;
      case PlatformKind::container_in_vm:
        c.variant.profile = &catalog.profile("runc");
        c.variant.node_profile = &catalog.profile("ecs-ec2-node");
        c.variant.node_instance_type = catalog.instance_type("m5.large");
        c.variant.initial_nodes = 1;
        break;
    }
    c.seed = 7;
    return c;
  }
};

// Submits requests to one service at a rate that can change: constant spacing (deterministic)
// or Poisson (exponential gaps from its own stream).
class Load {
 public:
  Load(sim::Simulation& sim, Cluster& cluster, std::size_t service, double rps, bool poisson,
       std::uint64_t seed = 1)
      : sim_(sim),
        cluster_(cluster),
        service_(service),
        rps_(rps),
        poisson_(poisson),
        stream_(seed, 0, "test/load") {
    schedule();
  }
  void set_rps(double rps) { rps_ = rps; }
  ~Load() { sim_.cancel(next_); }

 private:
  void schedule() {
    const double gap = poisson_ ? sim::Exponential(1.0 / rps_).sample(stream_) : 1.0 / rps_;
    next_ = sim_.schedule_in(sim::Time::from_seconds(gap), [this] {
      cluster_.submit(service_);
      schedule();
    });
  }
  sim::Simulation& sim_;
  Cluster& cluster_;
  std::size_t service_;
  double rps_;
  bool poisson_;
  sim::RandomStream stream_;
  sim::EventId next_;
};

// Where a cluster's placements of its first `until` went: per zone label of the chosen host, and
// the reasons of those that found no node.
struct ZonePlacements {
  std::map<std::string, int> per_zone;
  std::vector<std::string> unplaced;
};
inline ZonePlacements placements_by_zone(const ClusterConfig& config,
                                         sim::Time until = sim::Time::from_s(5)) {
  sim::Simulation sim;
  Cluster cluster{sim, config};
  std::map<std::string, std::string> zone_of;
  for (const auto& h : cluster.hosts())
    zone_of[h->name()] = h->label("zone");
  ZonePlacements out;
  cluster.on_placement.connect([&](const PlacementDecision& d) {
    if (d.node.empty()) {
      out.unplaced.push_back(d.reason);
    } else {
      ++out.per_zone[zone_of.at(d.node)];
    }
  });
  sim.run_until(until);
  return out;
}

}  // namespace vmcsim::models::testing
