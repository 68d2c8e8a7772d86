#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>

#include "models/platform_test_support.hpp"
#include "sim/random.hpp"

#include <fmt/format.h>

using namespace vmcsim;
using namespace vmcsim::models;
using namespace vmcsim::sim::literals;
using vmcsim::models::testing::make_image;
using vmcsim::models::testing::mc;
using vmcsim::models::testing::World;

namespace {

// Phases are contiguous, ordered and cover requested->ready (and stop requested->stopped).
void check_phases(const Instance& i) {
  INFO("instance " << i.id << " (" << i.profile->name << ")");
  if (i.state == InstanceState::failed) {
    CHECK(i.phases.empty());
    return;
  }
  REQUIRE(i.boot_phase_count == i.profile->boot_phases.size());
  REQUIRE(i.phases.size() >= i.boot_phase_count);
  for (std::size_t k = 0; k < i.phases.size(); ++k) {
    const PhaseSpan& p = i.phases[k];
    CHECK(p.start <= p.end);
    if (k == 0)
      CHECK(p.start == i.requested_at);
    else if (k == i.boot_phase_count)
      CHECK(p.start == i.stop_requested_at);
    else
      CHECK(p.start == i.phases[k - 1].end);
    const auto& specs = k < i.boot_phase_count ? i.profile->boot_phases : i.profile->stop_phases;
    CHECK(p.name == specs[k < i.boot_phase_count ? k : k - i.boot_phase_count].name);
  }
  CHECK(i.phases[i.boot_phase_count - 1].end == i.ready_at);
  if (i.state == InstanceState::stopped) {
    REQUIRE(i.phases.size() == i.boot_phase_count + i.profile->stop_phases.size());
    CHECK(i.phases.back().end == i.stopped_at);
  }
}

sim::Bytes used(const Node& n, MemoryUse use) {
  return n.host().memory().used(use);
}

}  // namespace

TEST_CASE("a VM reserves its memory plus the hypervisor overhead formula, exactly") {
  World w;
  Node& host = w.add_host("h1", 16, sim::Bytes::gib(64));
  const PlatformProfile& kvm = w.catalog.profile("kvm-ubuntu");
  std::vector<InstanceState> states;
  w.runtime.on_state_change.connect([&](const Instance& i) { states.push_back(i.state); });
  const InstanceId id =
      w.runtime.start(w.spec("web", "kvm-ubuntu", mc(2000), sim::Bytes::gib(8)), host);
  // OpenShift: 0.002 x guest memory + 218 MiB + 8 MiB x vCPUs.
  const sim::Bytes overhead =
      sim::Bytes::gib(8) * 0.002 + sim::Bytes::mib(218) + sim::Bytes::mib(8) * 2;
  const Instance& vm = w.runtime.instance(id);
  CHECK(vm.kind == PlatformKind::vm);
  CHECK(vm.memory.hypervisor_overhead == overhead);
  CHECK(vm.memory.guest_os == kvm.guest_os_memory.value);
  CHECK(vm.memory.application == sim::Bytes::gib(8) - kvm.guest_os_memory.value);
  CHECK(host.memory_used() == sim::Bytes::gib(8) + overhead);
  CHECK(used(host, MemoryUse::hypervisor_overhead) == overhead);
  CHECK(used(host, MemoryUse::guest_os) == kvm.guest_os_memory.value);
  CHECK(vm.overhead.cpu_time_factor == Approx(1.02));
  CHECK(vm.overhead.random_iops_factor == Approx(0.5));
  CHECK(vm.overhead.network_rtt_added == 30_us);

  bool ready = false;
  w.sim.run();
  CHECK(vm.state == InstanceState::running);
  check_phases(vm);
  CHECK(vm.phases.size() == 7);
  CHECK(vm.startup_time() > 5_s);  // a full guest boot

  w.runtime.stop(id, [&](Instance& i) { ready = i.state == InstanceState::stopped; });
  CHECK(vm.state == InstanceState::stopping);
  w.sim.run();
  CHECK(ready);
  check_phases(vm);
  CHECK(host.memory_used() == sim::Bytes{});
  CHECK(states == std::vector<InstanceState>{InstanceState::requested, InstanceState::starting,
                                             InstanceState::running, InstanceState::stopping,
                                             InstanceState::stopped});
}

TEST_CASE("containers reserve their limit plus the runtime overhead of runc, gVisor and Kata") {
  World w;
  Node& host = w.add_host("h1", 16, sim::Bytes::gib(64));
  const Image image = make_image("app", "app", 3, sim::Bytes::mib(20));
  std::vector<InstanceId> ids;
  for (const char* runtime : {"runc", "gvisor", "kata"})
    ids.push_back(
        w.runtime.start(w.spec("api", runtime, mc(500), sim::Bytes::mib(512), &image), host));
  w.sim.run();
  const sim::Bytes expected_overhead =
      sim::Bytes{0} + sim::Bytes::parse("28.1MB") + sim::Bytes::parse("184.3MB");
  CHECK(used(host, MemoryUse::runtime_overhead) == expected_overhead);
  CHECK(used(host, MemoryUse::application) == sim::Bytes::mib(512) * 3);
  CHECK(used(host, MemoryUse::guest_os) == sim::Bytes{});
  for (const InstanceId id : ids) {
    const Instance& c = w.runtime.instance(id);
    CHECK(c.kind == PlatformKind::container);
    CHECK(c.state == InstanceState::running);
    check_phases(c);
  }
  // Kata's sandbox boots a guest: it is the slowest to start (Quark: 607 / 708 / 1747 ms).
  CHECK(w.runtime.instance(ids[2]).phase_time("sandbox") >
        w.runtime.instance(ids[0]).phase_time("sandbox"));
  for (const InstanceId id : ids)
    w.runtime.stop(id);
  w.sim.run();
  CHECK(host.memory_used() == sim::Bytes{});
  CHECK(host.layer_cache().used() == image.size());  // kept for the next start, unpinned
}

TEST_CASE("an instance that does not fit fails at once and holds nothing") {
  World w;
  Node& host = w.add_host("h1", 4, sim::Bytes::gib(4));
  InstanceState seen = InstanceState::requested;
  const InstanceId id = w.runtime.start(w.spec("big", "kvm-ubuntu", mc(2000), sim::Bytes::gib(4)),
                                        host, [&](Instance& i) { seen = i.state; });
  const Instance& i = w.runtime.instance(id);
  CHECK(i.state == InstanceState::failed);
  CHECK_THAT(i.failure, Catch::Contains("not enough memory on h1"));
  CHECK(host.memory_used() == sim::Bytes{});
  w.sim.run();
  CHECK(seen == InstanceState::failed);
  CHECK_THROWS_AS(w.runtime.stop(id), std::logic_error);
}

TEST_CASE("a Firecracker microVM boots to init in about 125 ms") {
  World w;
  std::vector<InstanceId> ids;
  for (int k = 0; k < 200; ++k) {
    Node& host = w.add_host(fmt::format("h{}", k), 2, sim::Bytes::gib(4));
    ids.push_back(
        w.runtime.start(w.spec("fn", "firecracker", mc(1000), sim::Bytes::mib(128)), host));
  }
  w.sim.run();
  std::vector<double> to_init;
  for (const InstanceId id : ids) {
    const Instance& i = w.runtime.instance(id);
    REQUIRE(i.state == InstanceState::running);
    check_phases(i);
    CHECK(i.memory.hypervisor_overhead <= sim::Bytes::mib(5));  // SPECIFICATION.md
    to_init.push_back(i.phase_time("kernel").milliseconds());
  }
  std::sort(to_init.begin(), to_init.end());
  // SPECIFICATION.md: InstanceStart to /sbin/init <= 125 ms (we model that as the p95).
  CHECK(to_init[100] == Approx(100).margin(10));
  CHECK(to_init[190] == Approx(125).margin(12));
}

TEST_CASE("microVM creation is limited to 5 per core per second on a host") {
  World w;
  Node& host = w.add_host("h1", 2, sim::Bytes::gib(16));  // 10 microVMs per second
  std::vector<InstanceId> ids;
  for (int k = 0; k < 20; ++k)
    ids.push_back(
        w.runtime.start(w.spec("fn", "firecracker", mc(1000), sim::Bytes::mib(128)), host));
  // Each holds its 128 MiB (30 MiB of it the minimal guest) plus the 5 MiB VMM, exactly.
  const PlatformProfile& fc = w.catalog.profile("firecracker");
  CHECK(host.memory_used() == (sim::Bytes::mib(128) + sim::Bytes::mib(5)) * 20);
  CHECK(used(host, MemoryUse::guest_os) == fc.guest_os_memory.value * 20);
  CHECK(used(host, MemoryUse::hypervisor_overhead) == sim::Bytes::mib(5) * 20);
  w.sim.run();
  for (int k = 0; k < 20; ++k) {
    const Instance& i = w.runtime.instance(ids[k]);
    // The k-th creation waits k / 10 s for its token before its VMM starts.
    CHECK(i.phases.front().duration() >= 100_ms * k);
    CHECK(i.phases.front().duration() < 100_ms * k + 1_s);
    w.runtime.stop(ids[k]);
  }
  w.sim.run();
  CHECK(host.memory_used() == sim::Bytes{});
}

TEST_CASE("a container on a cold host spends most of its start pulling the image") {
  // Slacker (Harter et al., FAST 2016): pulling is 76% of container start time. A "typical"
  // image here: 200 MiB in 5 layers (vmcsim assumption), registry egress 1 Gbps.
  World w;
  Node& host = w.add_host("h1", 8, sim::Bytes::gib(32));
  const Image image = make_image("typical", "t", 5, sim::Bytes::mib(40));
  const InstanceId first =
      w.runtime.start(w.spec("svc", "runc", mc(500), sim::Bytes::mib(256), &image), host);
  w.sim.run();
  const Instance& cold = w.runtime.instance(first);
  check_phases(cold);
  const double pull_share =
      (cold.phase_time("image_pull") + cold.phase_time("unpack")) / cold.startup_time();
  INFO("pull share " << pull_share << ", start " << cold.startup_time().to_string());
  CHECK(pull_share == Approx(0.76).margin(0.08));

  // A second start of the same image on the now warm host skips the pull.
  const InstanceId second =
      w.runtime.start(w.spec("svc", "runc", mc(500), sim::Bytes::mib(256), &image), host);
  w.sim.run();
  const Instance& warm = w.runtime.instance(second);
  check_phases(warm);
  CHECK(warm.phase_time("image_pull") == sim::Time::zero());
  CHECK(warm.phase_time("unpack") == sim::Time::zero());
  CHECK(warm.startup_time() * 3 < cold.startup_time());
}

TEST_CASE("containers on a VM node pay both layers and fit in what the node offers") {
  World w;
  Node& host = w.add_host("metal", 96, sim::Bytes::gib(384));
  const PlatformProfile& eks = w.catalog.profile("eks-node");
  const InstanceType& m5 = w.catalog.instance_type("m5.large");
  const InstanceId node_id = w.runtime.start(InstanceSpec::sized_like("eks", eks, m5), host);
  CHECK(w.runtime.node_of(node_id) == nullptr);  // not running yet
  w.sim.run();
  Node* node = w.runtime.node_of(node_id);
  REQUIRE(node != nullptr);
  CHECK(node->is_vm_node());
  CHECK(node->parent() == &host);
  CHECK(node->cpu_capacity() == mc(2000));
  // kube-reserved on the EKS AMI: 255 MiB + 11 MiB x 29 pods (m5.large) = 574 MiB.
  CHECK(eks.guest_memory(m5.max_pods) - eks.guest_os_memory.value -
            eks.system_reserved_memory.value ==
        sim::Bytes::mib(574));
  CHECK(node->memory_capacity() == m5.memory - eks.guest_memory(m5.max_pods));
  CHECK(host.memory_used() == m5.memory + eks.hypervisor_overhead(m5.memory, 2));

  const Image image = make_image("app", "app", 2, sim::Bytes::mib(30));
  const PlatformProfile& runc = w.catalog.profile(eks.container_runtime.value);
  const InstanceId c =
      w.runtime.start(w.spec("app", runc.name, mc(250), sim::Bytes::mib(1024), &image), *node);
  w.sim.run();
  const Instance& ci = w.runtime.instance(c);
  CHECK(ci.kind == PlatformKind::container_in_vm);
  CHECK(ci.state == InstanceState::running);
  CHECK(ci.host == &host);
  CHECK(ci.node_instance == node_id);
  CHECK(ci.overhead.cpu_time_factor == Approx(1.02 * 1.0));
  CHECK(ci.overhead.network_rtt_added == 30_us);
  CHECK(node->memory_used() == sim::Bytes::mib(1024));
  CHECK(node->layer_cache().used() == image.size());
  CHECK(host.layer_cache().used() == sim::Bytes{});  // the layers live on the VM's disk
  check_phases(ci);

  // Too big for what the node offers, though the metal host has plenty.
  const InstanceId big =
      w.runtime.start(w.spec("big", "runc", mc(250), sim::Bytes::gib(7), &image), *node);
  CHECK(w.runtime.instance(big).state == InstanceState::failed);
  // A VM node with live containers cannot stop; nested VMs are not modelled.
  CHECK_THROWS_AS(w.runtime.stop(node_id), std::logic_error);
  CHECK_THROWS_AS(w.runtime.start(w.spec("vm", "kvm-ubuntu", mc(1000), sim::Bytes::gib(1)), *node),
                  std::invalid_argument);
  w.runtime.stop(c);
  w.sim.run();
  w.runtime.stop(node_id);
  w.sim.run();
  CHECK(host.memory_used() == sim::Bytes{});
  CHECK(w.runtime.instance(node_id).state == InstanceState::stopped);
}

TEST_CASE("more containers than VMs fit on one host, by the factor the overheads predict") {
  World w;
  const sim::Bytes host_memory = sim::Bytes::gib(64);
  Node& vm_host = w.add_host("vms", 64, host_memory);
  Node& ct_host = w.add_host("containers", 64, host_memory);
  const sim::Bytes app = sim::Bytes::mib(512);
  const PlatformProfile& kvm = w.catalog.profile("kvm-ubuntu");
  const PlatformProfile& runc = w.catalog.profile("runc");
  // The service needs 512 MiB for itself: a VM needs that plus its guest OS, plus the
  // hypervisor's overhead on the host; a runc container needs that plus the runtime's.
  const sim::Bytes vm_memory = app + kvm.guest_os_memory.value;
  const sim::Bytes per_vm = vm_memory + vm_memory * kvm.hypervisor_overhead_fraction.value +
                            kvm.hypervisor_overhead_fixed.value +
                            kvm.hypervisor_overhead_per_vcpu.value;
  const sim::Bytes per_container = app + runc.runtime_overhead.value;
  const auto predicted_vms = host_memory.count() / per_vm.count();
  const auto predicted_containers = host_memory.count() / per_container.count();

  const Image image = make_image("svc", "svc", 2, sim::Bytes::mib(10));
  auto fill = [&](Node& host, auto make_spec) {
    std::int64_t started = 0;
    while (true) {
      const InstanceId id = w.runtime.start(make_spec(), host);
      if (w.runtime.instance(id).state == InstanceState::failed) return started;
      ++started;
    }
  };
  const auto vms = fill(vm_host, [&] { return w.spec("svc", "kvm-ubuntu", mc(1000), vm_memory); });
  const auto containers =
      fill(ct_host, [&] { return w.spec("svc", "runc", mc(1000), app, &image); });
  w.sim.run();
  CHECK(vms == predicted_vms);
  CHECK(containers == predicted_containers);
  CHECK(containers > vms);
  CHECK(static_cast<double>(containers) / static_cast<double>(vms) ==
        Approx(static_cast<double>(per_vm.count()) / static_cast<double>(per_container.count()))
            .epsilon(0.05));
}

TEST_CASE("the same seed gives the same timelines, another seed other ones") {
  auto timeline = [](std::uint64_t seed) {
    World w(seed);
    Node& host = w.add_host("h1", 16, sim::Bytes::gib(64));
    for (const char* p : {"kvm-ubuntu", "firecracker", "ec2-al2023"})
      w.runtime.start(w.spec("s", p, mc(1000), sim::Bytes::gib(1)), host);
    w.sim.run();
    std::vector<std::int64_t> ends;
    for (InstanceId id = 0; id < w.runtime.instance_count(); ++id)
      for (const PhaseSpan& p : w.runtime.instance(id).phases)
        ends.push_back(p.end.ns());
    return ends;
  };
  CHECK(timeline(7) == timeline(7));
  CHECK(timeline(7) != timeline(8));
}

TEST_CASE("a randomized run of many starts and stops keeps memory and phases consistent") {
  World w(2026);
  std::vector<Node*> hosts;
  for (int h = 0; h < 3; ++h)
    hosts.push_back(&w.add_host(fmt::format("h{}", h), 8, sim::Bytes::gib(8)));
  const std::vector<std::string> profiles{"kvm-ubuntu", "firecracker", "runc",
                                          "gvisor",     "kata",        "ec2-al2023"};
  const std::vector<Image> images{make_image("a", "shared", 3, sim::Bytes::mib(30)),
                                  make_image("b", "shared", 2, sim::Bytes::mib(30))};
  bool bad_memory = false;
  auto check_hosts = [&] {
    for (const Node* n : hosts)
      if (n->memory_used() < sim::Bytes{} || n->memory_used() > n->memory_capacity())
        bad_memory = true;
  };
  w.runtime.on_state_change.connect([&](const Instance&) { check_hosts(); });
  std::size_t phase_events = 0;
  w.runtime.on_phase_end.connect([&](const Instance& i, const PhaseSpan& p) {
    ++phase_events;
    if (&i.phases.back() != &p || p.end != w.sim.now()) bad_memory = true;
  });

  sim::RandomStream rng(2026, 0, "test/actions");
  std::vector<InstanceId> running;
  struct Driver {
    World* w;
    std::vector<Node*>* hosts;
    const std::vector<std::string>* profiles;
    const std::vector<Image>* images;
    sim::RandomStream* rng;
    int left;
  } d{&w, &hosts, &profiles, &images, &rng, 400};
  std::function<void()> act = [&] {
    if (d.left-- <= 0) return;
    // Stop a running instance (not a VM node) or start a new one.
    std::vector<InstanceId> stoppable;
    for (InstanceId id = 0; id < w.runtime.instance_count(); ++id)
      if (w.runtime.instance(id).state == InstanceState::running) stoppable.push_back(id);
    if (!stoppable.empty() && rng.uniform01() < 0.4) {
      w.runtime.stop(stoppable[rng.below(stoppable.size())]);
    } else {
      const std::string& p = profiles[rng.below(profiles.size())];
      const Image* image = &images[rng.below(images.size())];
      const sim::Bytes memory =
          sim::Bytes::mib(512 + 256 * static_cast<std::int64_t>(rng.below(6)));
      w.runtime.start(w.spec("svc", p, mc(500), memory, image), *hosts[rng.below(hosts.size())]);
    }
    w.sim.schedule_in(sim::Time::from_seconds(rng.uniform01() * 2.0), [&] { act(); });
  };
  w.sim.schedule_in(sim::Time::zero(), [&] { act(); });
  w.sim.run();
  // Stop everything still running, then let it finish.
  for (InstanceId id = 0; id < w.runtime.instance_count(); ++id)
    if (w.runtime.instance(id).state == InstanceState::running) w.runtime.stop(id);
  w.sim.run();

  CHECK_FALSE(bad_memory);
  CHECK(phase_events > 400);
  std::size_t failed = 0, stopped = 0;
  for (InstanceId id = 0; id < w.runtime.instance_count(); ++id) {
    const Instance& i = w.runtime.instance(id);
    CHECK((i.state == InstanceState::stopped || i.state == InstanceState::failed));
    failed += i.state == InstanceState::failed;
    stopped += i.state == InstanceState::stopped;
    check_phases(i);
  }
  CHECK(failed > 0);  // the hosts were really filled
  CHECK(stopped > 50);
  for (const Node* n : hosts) {
    CHECK(n->memory_used() == sim::Bytes{});
    CHECK(n->live_instances() == 0);
    CHECK(n->cpu_allocated() == sim::Millicores{});
  }
}

TEST_CASE("every Fargate task pulls its whole image, even on a host that pulled it before") {
  World w;
  Node& host = w.add_host("h1", 8, sim::Bytes::gib(32));
  const Image image = make_image("app", "f", 2, sim::Bytes::mib(50));
  std::vector<InstanceId> ids;
  for (int k = 0; k < 2; ++k) {
    ids.push_back(
        w.runtime.start(w.spec("task", "fargate", mc(1000), sim::Bytes::gib(2), &image), host));
    w.sim.run();
  }
  for (const InstanceId id : ids) {
    const Instance& t = w.runtime.instance(id);
    CHECK(t.kind == PlatformKind::microvm);
    check_phases(t);
    // 100 MiB over the 1 Gbps registry: at least 0.8 s each time.
    CHECK(t.phase_time("image_pull") > 800_ms);
  }
  CHECK(host.layer_cache().used() == sim::Bytes{});
  for (const InstanceId id : ids)
    w.runtime.stop(id);
  w.sim.run();
  CHECK(host.memory_used() == sim::Bytes{});
}

TEST_CASE("an instance's phase durations do not depend on what else was created before it") {
  auto firecracker_kernel = [](std::vector<std::string> before) {
    World w(99);
    Node& host = w.add_host("h1", 16, sim::Bytes::gib(64));
    const Image image = make_image("app", "d", 1, sim::Bytes::mib(10));
    for (const std::string& p : before)
      w.runtime.start(w.spec("other", p, mc(1000), sim::Bytes::gib(1), &image), host);
    const InstanceId id =
        w.runtime.start(w.spec("fn", "firecracker", mc(1000), sim::Bytes::mib(128)), host);
    w.sim.run();
    return w.runtime.instance(id).phase_time("kernel");
  };
  // Same instance id (2), different earlier instances and kinds: the same draw.
  CHECK(firecracker_kernel({"kvm-ubuntu", "runc"}) == firecracker_kernel({"runc", "kata"}));
}

TEST_CASE("a service's own app_init replaces the profile's") {
  World w;
  Node& host = w.add_host("h1", 4, sim::Bytes::gib(8));
  InstanceSpec s = w.spec("java", "firecracker", mc(1000), sim::Bytes::mib(512));
  s.app_init = sim::Distribution{sim::Constant{2.5}};
  const InstanceId id = w.runtime.start(s, host);
  w.sim.run();
  CHECK(w.runtime.instance(id).phase_time("app_init") == 2500_ms);
  CHECK(w.runtime.instance(id).startup_time() > 2500_ms);
}

TEST_CASE("containers unpacking in two VM nodes share the physical host's CPU and disk") {
  // A 1-core, 1 GB/s host under two ecs-ec2-node VMs (m5.large: 2 vCPUs and a 1 GB/s disk each).
  // Unpacking 60 MiB costs 60 MiB / 400 MiB/s = 0.15 s of one core, then 60 MiB through the disk.
  // Alone, that is 0.15 s + 62.9 ms; two at once get half the host's core and half its disk
  // (max-min fair), so each takes twice as long, although each VM has CPU and disk to spare.
  const Image image = make_image("app", "vmnode", 2, sim::Bytes::mib(30));
  const Catalog catalog = Catalog::load_default();
  const PlatformProfile& node_profile = catalog.profile("ecs-ec2-node");
  const double unpack_rate = catalog.profile("runc").unpack_throughput.value.bytes_per_second();
  const double bytes = static_cast<double>(image.size().count());
  const sim::Time alone = sim::Time::from_seconds(bytes / unpack_rate + bytes / 1e9);

  // Boots `nodes` VM nodes on one host, then starts a container on each at the same instant.
  const auto unpack_times = [&](int nodes) {
    World w;
    Node& host = w.add_host("metal", 1, sim::Bytes::gib(64));
    const InstanceType& m5 = w.catalog.instance_type("m5.large");
    std::vector<InstanceId> vms;
    for (int k = 0; k < nodes; ++k)
      vms.push_back(w.runtime.start(InstanceSpec::sized_like("node", node_profile, m5), host));
    w.sim.run();
    const double busy_before = w.flows.busy_seconds(host.host().cpu(), w.sim.now());
    std::vector<InstanceId> containers;
    for (const InstanceId vm : vms) {
      Node* node = w.runtime.node_of(vm);
      REQUIRE(node != nullptr);
      containers.push_back(
          w.runtime.start(w.spec("app", "runc", mc(250), sim::Bytes::mib(256), &image), *node));
    }
    w.sim.run();
    // The metal's CPU carried every unpack: busy for their CPU time at one core each.
    CHECK(w.flows.busy_seconds(host.host().cpu(), w.sim.now()) - busy_before ==
          Approx(nodes * bytes / unpack_rate));
    std::vector<sim::Time> times;
    for (const InstanceId c : containers) {
      check_phases(w.runtime.instance(c));
      times.push_back(w.runtime.instance(c).phase_time("unpack"));
    }
    return times;
  };

  const auto one = unpack_times(1);
  CHECK(std::llabs((one[0] - alone).ns()) <= 2);
  for (const sim::Time t : unpack_times(2))
    CHECK(std::llabs((t - alone * 2).ns()) <= 4);
}
