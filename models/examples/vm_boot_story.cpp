// vm_boot_story: a VM boot and a container start written as processes (sim/process.hpp), so
// the code reads like the startup phases. Phase durations are drawn from the catalog profiles
// (kvm-ubuntu, runc); the container's image pull is the real ImagePuller, over the registry and
// the host's NIC. Prints the timeline.
//
//   build/bin/vm_boot_story [seed]
//
// The platform models (PlatformRuntime) run the same pipelines as plain event handlers, which
// is what large runs use; this is the same story told for people.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/catalog/catalog.hpp"
#include "models/host.hpp"
#include "models/image/registry.hpp"
#include "models/platform/runtime.hpp"
#include "sim/process.hpp"
#include "sim/random.hpp"

using namespace vmcsim;
using namespace vmcsim::models;
using sim::Process;
using sim::ProcessPool;
using sim::Time;

namespace {

struct Span {
  std::string who, phase;
  Time start, end;
};

// One instance's startup: each phase a timeout drawn from its profile, noted on the timeline.
struct Startup {
  ProcessPool& pool;
  std::vector<Span>& timeline;
  std::uint64_t seed;
  const char* who;
  const PlatformProfile& profile;

  // Waits `d`, noting it as `phase`: a sub-process, so the caller's story stays one line each.
  static Process wait(ProcessPool& pool, Startup s, const char* phase, Time d) {
    const Time start = pool.simulation().now();
    co_await sim::timeout(d);
    s.timeline.push_back({s.who, phase, start, pool.simulation().now()});
  }
  // A phase whose duration the profile gives (its stream: seed, "<who>/<phase>").
  Process phase(const char* name) const {
    const PhaseSpec* spec = profile.find_boot_phase(name);
    if (spec == nullptr) throw std::out_of_range(profile.name + " has no boot phase " + name);
    sim::RandomStream stream{seed, 0, fmt::format("{}/{}", who, name)};
    const double seconds = spec->duration.sample(stream);
    return wait(pool, *this, name, Time::from_seconds(std::max(0.0, seconds)));
  }
};

Process vm_boot(ProcessPool&, Startup vm) {
  co_await vm.phase("provision");      // libvirt defines the VM and clones its disk
  co_await vm.phase("volume_attach");  // virtio-blk
  co_await vm.phase("firmware");       // SeaBIOS/OVMF power-on self test
  co_await vm.phase("kernel");         // the guest kernel and its initramfs
  co_await vm.phase("init");           // systemd and cloud-init
  co_await vm.phase("agent_ready");    // the guest agent answers
  co_await vm.phase("app_init");       // the application itself
}

Process container_start(ProcessPool& pool, Startup c, Node& node, const Image& image,
                        Registry& registry) {
  co_await c.phase("schedule");  // the runtime API call
  // The pull is the platform model's: bridge its callback into the story with an Event.
  const Time pull_start = pool.simulation().now();
  sim::Event<PullResult> pulled;
  node.puller().pull(image, registry, [&pulled](const PullResult& r) { pulled.succeed(r); });
  const PullResult pull = co_await pulled;
  c.timeline.push_back({c.who, "image_pull", pull_start, pool.simulation().now()});
  // Decompressing what was downloaded, at the profile's unpack throughput.
  co_await Startup::wait(pool, c, "unpack",
                         c.profile.unpack_throughput.value.time_to_transfer(pull.downloaded));
  co_await c.phase("sandbox");   // namespaces, cgroups, network
  co_await c.phase("app_init");  // the application itself
}

Process both_ready(ProcessPool& pool, Process& vm, Process& container) {
  co_await container;
  fmt::print("container ready at {:.3f} s\n", pool.simulation().now().seconds());
  co_await vm;
  fmt::print("VM ready at {:.3f} s\n\n", pool.simulation().now().seconds());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::uint64_t seed = argc > 1 ? std::stoull(argv[1]) : 1;
    const Catalog catalog = Catalog::load_default();
    sim::Simulation sim;
    FlowModel flows{sim};
    HostSpec spec;  // a large bare-metal host; power is not part of this story
    spec.name = "metal";
    spec.cpu = sim::Millicores::cores(96);
    spec.memory = sim::Bytes::gib(384);
    spec.disk_bandwidth = sim::DataRate::parse("2GB/s");
    spec.disk_iops = 100000.0;
    spec.network_bandwidth = sim::DataRate::gbps(25);
    Host metal{spec, flows};
    Registry registry{flows,
                      RegistrySpec{"registry", sim::DataRate::gbps(1), sim::Time::from_ms(20)}};
    PlatformRuntime runtime{sim, flows, seed};
    Node& node = runtime.add_host(metal);  // the host's layer cache and image puller
    Image image{"web:1.0", {}};
    for (int k = 0; k < 5; ++k)
      image.layers.push_back({fmt::format("sha256:web{}", k), sim::Bytes::mib(40)});

    std::vector<Span> timeline;
    ProcessPool pool{sim};
    Process vm = vm_boot(pool, {pool, timeline, seed, "vm", catalog.profile("kvm-ubuntu")});
    Process container = container_start(
        pool, {pool, timeline, seed, "container", catalog.profile("runc")}, node, image, registry);
    Process watcher = both_ready(pool, vm, container);
    sim.run();

    std::stable_sort(timeline.begin(), timeline.end(),
                     [](const Span& a, const Span& b) { return a.who > b.who; });
    fmt::print("{:<10} {:<14} {:>9} {:>9} {:>9}\n", "who", "phase", "start s", "end s", "took s");
    for (const Span& s : timeline)
      fmt::print("{:<10} {:<14} {:>9.3f} {:>9.3f} {:>9.3f}\n", s.who, s.phase, s.start.seconds(),
                 s.end.seconds(), (s.end - s.start).seconds());
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "vm_boot_story: " << e.what() << "\n";
    return 2;
  }
}
