// side_by_side: boots one VM, one microVM and one container on the same host and prints their
// phase timelines side by side, as a table and as a crude ASCII Gantt chart.
//
//   build/bin/side_by_side [seed]
//
// What to look for: the VM spends seconds in firmware, kernel and init; the microVM is in
// init after ~0.1 s; the container on a cold host waits for its image, not for a kernel.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "models/catalog/catalog.hpp"
#include "models/host.hpp"
#include "models/image/registry.hpp"
#include "models/platform/runtime.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using namespace vmcsim::models;

namespace {

void print_table(const PlatformRuntime& rt) {
  fmt::print("{:<14} {:<12} {:<14} {:>10} {:>10} {:>10}\n", "instance", "kind", "phase", "start",
             "end", "duration");
  for (InstanceId id = 0; id < rt.instance_count(); ++id) {
    const Instance& i = rt.instance(id);
    for (std::size_t k = 0; k < i.boot_phase_count; ++k) {
      const PhaseSpan& p = i.phases[k];
      fmt::print("{:<14} {:<12} {:<14} {:>10} {:>10} {:>10}\n", k == 0 ? i.service : "",
                 k == 0 ? to_string(i.kind) : "", p.name, p.start.to_string(), p.end.to_string(),
                 p.duration().to_string());
    }
    fmt::print("{:<14} {:<12} {:<14} {:>32}\n", "", "", "= ready", i.startup_time().to_string());
    fmt::print("{:<14} memory: application {}, guest OS {}, hypervisor {}, runtime {}\n\n", "",
               i.memory.application.to_string(), i.memory.guest_os.to_string(),
               i.memory.hypervisor_overhead.to_string(), i.memory.runtime_overhead.to_string());
  }
}

// One row per instance; each phase drawn with its own character, scaled to `width` columns.
void print_gantt(const PlatformRuntime& rt, int width) {
  sim::Time end;
  for (InstanceId id = 0; id < rt.instance_count(); ++id)
    end = std::max(end, rt.instance(id).ready_at);
  const std::string marks = "#=+*o~%x";
  fmt::print("0{:>{}}\n", end.to_string(), width + 15);
  for (InstanceId id = 0; id < rt.instance_count(); ++id) {
    const Instance& i = rt.instance(id);
    std::string row(static_cast<std::size_t>(width), ' ');
    std::string legend;
    for (std::size_t k = 0; k < i.boot_phase_count; ++k) {
      const PhaseSpan& p = i.phases[k];
      const auto from = static_cast<int>(p.start / end * width);
      const auto to = std::max(from + 1, static_cast<int>(p.end / end * width));
      const char c = marks[k % marks.size()];
      if (p.duration() > sim::Time::zero())
        for (int x = from; x < std::min(to, width); ++x)
          row[static_cast<std::size_t>(x)] = c;
      legend += fmt::format("{}{}={} ", legend.empty() ? "" : "", c, p.name);
    }
    fmt::print("{:<14}|{}|\n{:<14} {}\n", i.service, row, "", legend);
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::uint64_t seed = argc > 1 ? std::stoull(argv[1]) : 1;
    const Catalog catalog = Catalog::load_default();
    sim::Simulation sim;
    FlowModel flows{sim};
    Host metal{HostSpec{"metal",
                        sim::Millicores::cores(96),
                        sim::Bytes::gib(384),
                        sim::DataRate::parse("2GB/s"),
                        100000.0,
                        sim::DataRate::gbps(25),
                        {},
                        200.0,
                        700.0},
               flows};
    Registry registry{flows,
                      RegistrySpec{"registry", sim::DataRate::gbps(1), sim::Time::from_ms(20)}};
    PlatformRuntime rt{sim, flows, seed};
    Node& host = rt.add_host(metal);

    Image image{"web:1.0", {}};
    for (int k = 0; k < 5; ++k)
      image.layers.push_back({fmt::format("sha256:web{}", k), sim::Bytes::mib(40)});

    auto spec = [&](const char* service, const char* profile, sim::Millicores cpu,
                    sim::Bytes memory) {
      InstanceSpec s;
      s.service = service;
      s.profile = &catalog.profile(profile);
      s.cpu = cpu;
      s.memory = memory;
      return s;
    };
    const InstanceSpec vm =
        spec("vm/kvm", "kvm-ubuntu", sim::Millicores::cores(2), sim::Bytes::gib(4));
    const InstanceSpec micro =
        spec("microvm/fc", "firecracker", sim::Millicores::cores(1), sim::Bytes::mib(256));
    InstanceSpec container =
        spec("container/runc", "runc", sim::Millicores{500}, sim::Bytes::mib(256));
    container.image = &image;
    container.registry = &registry;
    rt.start(vm, host);
    rt.start(micro, host);
    rt.start(container, host);
    sim.run();

    fmt::print("One host ({} cores, {}), seed {}; image {} ({}) pulled over {}.\n\n",
               metal.spec().cpu.cores_value(), metal.spec().memory.to_string(), seed, image.name,
               image.size().to_string(), registry.spec().egress.to_string());
    print_table(rt);
    print_gantt(rt, 64);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "side_by_side: " << e.what() << "\n";
    return 2;
  }
}
