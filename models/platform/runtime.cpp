#include "models/platform/runtime.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/refusal.hpp"
#include "sim/assert.hpp"

namespace vmcsim::models {

namespace {
// A node's layer cache when its profile does not say (vmcsim assumption: a 100 GiB disk).
constexpr sim::Bytes kDefaultNodeImageCache = sim::Bytes::gib(100);

bool is_vm_like(const PlatformProfile& p) {
  return p.kind == PlatformKind::vm || p.kind == PlatformKind::microvm || p.is_node();
}
}  // namespace

PlatformRuntime::PlatformRuntime(sim::Simulation& sim, FlowModel& flows, std::uint64_t master_seed,
                                 std::uint64_t replication)
    : sim_(sim), flows_(flows), master_(master_seed, replication, "platform") {}

Node& PlatformRuntime::add_host(Host& host, const NodeOptions& options) {
  hosts_.push_back(
      std::make_unique<Node>(sim_, host, nullptr, options.upstream, options, nullptr, kNoInstance));
  return *hosts_.back();
}

InstanceMemory PlatformRuntime::memory_for(const InstanceSpec& spec, PlatformKind kind,
                                           int vcpus) const {
  const PlatformProfile& p = *spec.profile;
  InstanceMemory m;
  if (kind == PlatformKind::vm || kind == PlatformKind::microvm) {
    m.guest_os = p.guest_memory(spec.max_pods);
    if (spec.memory <= m.guest_os)
      throw ConfigurationRefused(fmt::format(
          "service '{}': {} memory {} does not exceed its guest OS, agent and reserved memory {}",
          spec.service, p.name, spec.memory.to_string(), m.guest_os.to_string()));
    m.application = spec.memory - m.guest_os;
    m.hypervisor_overhead = p.hypervisor_overhead(spec.memory, vcpus);
  } else {
    m.application = spec.memory;
    m.runtime_overhead = p.runtime_overhead.value;
  }
  return m;
}

InstanceId PlatformRuntime::start(const InstanceSpec& spec, Node& node, Notify on_ready) {
  if (spec.profile == nullptr)
    throw std::invalid_argument("start: service '" + spec.service + "' has no profile");
  const PlatformProfile& p = *spec.profile;
  PlatformKind kind;
  if (is_vm_like(p)) {
    if (node.is_vm_node())
      throw ConfigurationRefused("start: " + p.name + " on VM node " + node.name() +
                                 ": nested virtualization is not modelled");
    kind = p.kind == PlatformKind::microvm ? PlatformKind::microvm : PlatformKind::vm;
  } else if (p.kind == PlatformKind::container) {
    kind = node.is_vm_node() ? PlatformKind::container_in_vm : PlatformKind::container;
  } else {
    throw std::invalid_argument("start: profile " + p.name +
                                " is neither a VM, a node nor a "
                                "container runtime");
  }
  if (p.find_boot_phase("image_pull") && (spec.image == nullptr || spec.registry == nullptr))
    throw ConfigurationRefused("start: service '" + spec.service + "' on " + p.name +
                               " pulls an image: give its image and registry");
  if (node.is_vm_node() && instance(node.vm()).state != InstanceState::running)
    throw std::logic_error("start: VM node " + node.name() + " is not running");

  const int vcpus = spec.vcpus > 0
                        ? spec.vcpus
                        : std::max(1, static_cast<int>(std::ceil(spec.cpu.cores_value() - 1e-9)));
  const InstanceMemory memory = memory_for(spec, kind, vcpus);

  const auto id = static_cast<InstanceId>(instances_.size());
  Slot& s = instances_.emplace_back();
  s.image = spec.image;
  s.registry = spec.registry;
  s.app_init = spec.app_init;
  s.notify = std::move(on_ready);
  Instance& i = s.instance;
  i.id = id;
  i.service = spec.service;
  i.kind = kind;
  i.profile = &p;
  i.node = &node;
  i.host = node.is_vm_node() ? node.parent() : &node;
  i.node_instance = node.vm();
  i.cpu = spec.cpu;
  i.vcpus = vcpus;
  i.overhead = kind == PlatformKind::container_in_vm
                   ? instance(node.vm()).overhead.then(p.overhead())
                   : p.overhead();
  i.requested_at = spec.prior_phases.empty() ? sim_.now() : spec.prior_phases.front().start;
  s.boot_start = sim_.now();
  on_state_change.emit(i);

  if (!node.try_reserve(memory, spec.cpu)) {
    i.failure = fmt::format("not enough memory on {}: needs {}, {} free", node.name(),
                            memory.total().to_string(), node.memory_free().to_string());
    i.stopped_at = sim_.now();
    set_state(s, InstanceState::failed);
    sim_.schedule_in(sim::Time::zero(), [this, id] {
      Slot& slot = instances_[id];
      if (slot.notify) std::exchange(slot.notify, {})(slot.instance);
    });
    return id;
  }
  i.memory = memory;
  set_state(s, InstanceState::starting);
  for (const PhaseSpan& prior : spec.prior_phases) {
    i.phases.push_back(prior);
    on_phase_end.emit(i, i.phases.back());
  }
  begin_boot(id);
  return id;
}

// Takes one of the node's max_concurrent_starts slots, or waits for one in FIFO order.
void PlatformRuntime::begin_boot(InstanceId id) {
  Slot& s = instances_[id];
  const int limit = s.instance.profile->max_concurrent_starts.value;
  if (limit > 0 && startup_contention_) {
    Node& node = *s.instance.node;
    if (node.starts_in_progress_ >= limit) {
      node.waiting_starts_.push_back(id);
      return;
    }
    ++node.starts_in_progress_;
    s.holds_start_slot = true;
  }
  run_next_phase(id);
}

void PlatformRuntime::release_start_slot(Slot& s) {
  if (!s.holds_start_slot) return;
  s.holds_start_slot = false;
  Node& node = *s.instance.node;
  --node.starts_in_progress_;
  if (node.waiting_starts_.empty()) return;
  const InstanceId next = node.waiting_starts_.front();
  node.waiting_starts_.pop_front();
  VMCSIM_ASSERT(!instances_[next].killed, "a killed instance waits for a start slot");
  ++node.starts_in_progress_;
  instances_[next].holds_start_slot = true;
  run_next_phase(next);
}

void PlatformRuntime::stop(InstanceId id, Notify on_stopped) {
  Slot& s = instances_.at(id);
  if (s.instance.state != InstanceState::running)
    throw std::logic_error(fmt::format("stop: instance {} of '{}' is {}, not running", id,
                                       s.instance.service, to_string(s.instance.state)));
  if (s.offered && s.offered->live_instances() > 0)
    throw std::logic_error(fmt::format("stop: VM node {} still has {} live instances",
                                       s.offered->name(), s.offered->live_instances()));
  s.stopping = true;
  s.next_phase = 0;
  s.notify = std::move(on_stopped);
  s.instance.stop_requested_at = sim_.now();
  set_state(s, InstanceState::stopping);
  run_next_phase(id);
}

void PlatformRuntime::kill(InstanceId id, std::string_view reason) {
  Slot& s = instances_.at(id);
  Instance& i = s.instance;
  if (!i.is_live()) return;
  if (s.offered && s.offered->live_instances() > 0)
    throw std::logic_error(fmt::format("kill: VM node {} still has {} live instances",
                                       s.offered->name(), s.offered->live_instances()));
  s.killed = true;
  s.notify = {};
  auto& waiting = i.node->waiting_starts_;
  waiting.erase(std::remove(waiting.begin(), waiting.end(), id), waiting.end());
  release_start_slot(s);
  i.node->release(i.memory, i.cpu);
  i.lost_in = i.state;
  i.failure = std::string(reason);
  i.stopped_at = sim_.now();
  set_state(s, InstanceState::stopped);
}

void PlatformRuntime::set_state(Slot& s, InstanceState state) {
  s.instance.state = state;
  on_state_change.emit(s.instance);
}

sim::Time PlatformRuntime::sample(InstanceId id, const PhaseSpec& phase,
                                  const sim::Distribution& d) {
  sim::RandomStream stream = master_.derive(
      fmt::format("instance/{}/{}{}", id, instances_[id].stopping ? "stop/" : "", phase.name));
  return sim::Time::from_seconds(std::max(0.0, d.sample(stream)));
}

// Firecracker-style creation limit: a token bucket per physical host, refilled at
// rate x cores per second with a burst of one.
sim::Time PlatformRuntime::creation_wait(Slot& s) {
  const double rate = s.instance.profile->creation_rate_per_core.value;
  if (rate <= 0.0) return sim::Time::zero();
  Node& host = *s.instance.host;
  const sim::Time interval =
      sim::Time::from_seconds(1.0 / (rate * host.cpu_capacity().cores_value()));
  const sim::Time slot = std::max(sim_.now(), host.next_creation_slot_);
  host.next_creation_slot_ = slot + interval;
  return slot - sim_.now();
}

void PlatformRuntime::run_next_phase(InstanceId id) {
  Slot& s = instances_[id];
  if (s.killed) return;
  const PlatformProfile& p = *s.instance.profile;
  const auto& phases = s.stopping ? p.stop_phases : p.boot_phases;
  if (s.next_phase == phases.size()) {
    s.stopping ? finished_stopping(id) : became_ready(id);
    return;
  }
  const bool first = s.next_phase == 0;
  const PhaseSpec* phase = &phases[s.next_phase++];
  // A boot's first phase starts when the start was requested of the runtime, even if it waited
  // for a start slot.
  const sim::Time start = first && !s.stopping ? s.boot_start : sim_.now();
  if (!s.stopping && phase->name == "image_pull") {
    Node& on = *s.instance.node;
    if (on.is_vm_node() && instance(on.vm()).profile->images_precached.value) {
      // Baked into the node image: nothing to fetch or unpack.
      sim_.schedule_in(sim::Time::zero(),
                       [this, id, phase, start] { end_phase(id, *phase, start); });
      return;
    }
    const double fraction = std::clamp(p.image_fetch_fraction.value, 0.0, 1.0);
    s.pulled = fraction < 1.0 ? startup_image(*s.image, fraction) : s.image;
    ImagePuller* puller = &s.instance.node->puller();
    if (!p.cache_images_on_node.value) {
      // A fresh, private cache (as large as the image) and a puller on the node's network path.
      Node& n = *s.instance.node;
      s.own_cache = std::make_unique<LayerCache>(std::max(s.image->size(), s.pulled->size()));
      s.own_puller =
          std::make_unique<ImagePuller>(sim_, n.host(), n.puller().upstream(), *s.own_cache,
                                        p.pull_policy(), n.puller().path_latency());
      puller = s.own_puller.get();
    }
    puller->pull(*s.pulled, *s.registry, [this, id, phase, start](const PullResult& r) {
      instances_[id].to_unpack = r.downloaded;
      end_phase(id, *phase, start);
    });
    return;
  }
  if (!s.stopping && phase->name == "unpack") {
    unpack(id, *phase, start);
    return;
  }
  sim::Time d;
  if (!s.stopping && phase->name == "app_init" && s.app_init) {
    d = sample(id, *phase, *s.app_init);
  } else {
    d = sample(id, *phase, phase->duration);
  }
  if (first && !s.stopping) d += creation_wait(s);
  if (!s.stopping && phase->uses_host() && startup_contention_) {
    run_host_phase(id, *phase, start, d);
    return;
  }
  sim_.schedule_in(d, [this, id, phase, start] { end_phase(id, *phase, start); });
}

// The phase's delay, its CPU work (one core at most, through the node's CPU path) and its disk
// bytes (through the node's disk path) run side by side; the phase ends with the last of them.
void PlatformRuntime::run_host_phase(InstanceId id, const PhaseSpec& phase, sim::Time start,
                                     sim::Time delay) {
  Slot& s = instances_[id];
  constexpr double kOneCore = 1000.0;  // millicores
  s.parts_left = 1 + (phase.cpu > sim::Time::zero()) + (phase.io > sim::Bytes{});
  const auto done = [this, id, &phase, start] { part_done(id, phase, start); };
  sim_.schedule_in(delay, done);
  if (phase.cpu > sim::Time::zero())
    flows_.start_flow(s.instance.node->cpu_path().span(), phase.cpu.seconds() * kOneCore, kOneCore,
                      done);
  if (phase.io > sim::Bytes{})
    flows_.start_flow(s.instance.node->disk_path().span(), static_cast<double>(phase.io.count()),
                      kUncapped, done);
}

void PlatformRuntime::part_done(InstanceId id, const PhaseSpec& phase, sim::Time start) {
  if (instances_[id].killed) return;
  if (--instances_[id].parts_left == 0) end_phase(id, phase, start);
}

// Lazy loading: each layer's first `fraction` of bytes, under a digest of its own (a node that
// has the slice has not got the layer).
const Image* PlatformRuntime::startup_image(const Image& image, double fraction) {
  auto& slot = startup_images_[{&image, fraction}];
  if (!slot) {
    slot = std::make_unique<Image>();
    slot->name = image.name + fmt::format("@startup{:g}", fraction);
    for (const Layer& l : image.layers)
      slot->layers.push_back({l.digest + fmt::format("@startup{:g}", fraction),
                              sim::Bytes{static_cast<std::int64_t>(
                                  std::ceil(static_cast<double>(l.size.count()) * fraction))}});
  }
  return slot.get();
}

// Decompressing costs CPU time at one core (bytes / unpack_throughput), then writing the
// files costs disk bandwidth; both are shared with the node's other tenants and, on a VM node,
// with every tenant of the physical host under it.
void PlatformRuntime::unpack(InstanceId id, const PhaseSpec& phase, sim::Time start) {
  Slot& s = instances_[id];
  const double rate = s.instance.profile->unpack_throughput.value.bytes_per_second();
  if (s.to_unpack <= sim::Bytes{} || rate <= 0.0) {
    sim_.schedule_in(sim::Time::zero(), [this, id, &phase, start] { end_phase(id, phase, start); });
    return;
  }
  constexpr double kOneCore = 1000.0;  // millicores
  const double cpu_work = static_cast<double>(s.to_unpack.count()) / rate * kOneCore;
  flows_.start_flow(s.instance.node->cpu_path().span(), cpu_work, kOneCore,
                    [this, id, &phase, start] {
                      Slot& slot = instances_[id];
                      if (slot.killed) return;
                      flows_.start_flow(slot.instance.node->disk_path().span(),
                                        static_cast<double>(slot.to_unpack.count()), kUncapped,
                                        [this, id, &phase, start] { end_phase(id, phase, start); });
                    });
}

void PlatformRuntime::end_phase(InstanceId id, const PhaseSpec& phase, sim::Time start) {
  if (instances_[id].killed) return;
  Instance& i = instances_[id].instance;
  i.phases.push_back(PhaseSpan{phase.name, start, sim_.now()});
  on_phase_end.emit(i, i.phases.back());
  run_next_phase(id);
}

void PlatformRuntime::became_ready(InstanceId id) {
  Slot& s = instances_[id];
  Instance& i = s.instance;
  i.boot_phase_count = i.phases.size();
  i.ready_at = sim_.now();
  release_start_slot(s);
  if (i.profile->is_node()) {
    const sim::Bytes cache = i.profile->image_cache_capacity.value > sim::Bytes{}
                                 ? i.profile->image_cache_capacity.value
                                 : kDefaultNodeImageCache;
    const HostSpec& physical = i.host->host().spec();
    HostSpec spec{fmt::format("{}/{}-{}", physical.name, i.service, id),
                  sim::Millicores::cores(i.vcpus),
                  i.memory.application,
                  physical.disk_bandwidth,
                  physical.disk_iops,
                  physical.network_bandwidth,
                  physical.labels,
                  0.0,
                  0.0};
    auto vm_host = std::make_unique<Host>(std::move(spec), flows_);
    Host& vm_host_ref = *vm_host;
    // The VM node's pulls cross its own NIC, the physical NIC and the physical host's path.
    const ImagePuller& below = i.host->puller();
    std::vector<ResourceId> upstream{i.host->host().network()};
    upstream.insert(upstream.end(), below.upstream().begin(), below.upstream().end());
    s.offered = std::make_unique<Node>(
        sim_, vm_host_ref, std::move(vm_host), std::move(upstream),
        NodeOptions{cache, i.profile->pull_policy(), {}, below.path_latency()}, i.host, id);
    if (i.profile->peer_to_peer_images.value) s.offered->puller().set_peers(&peers_);
  }
  set_state(s, InstanceState::running);
  if (s.notify) std::exchange(s.notify, {})(i);
}

void PlatformRuntime::finished_stopping(InstanceId id) {
  Slot& s = instances_[id];
  Instance& i = s.instance;
  i.node->release(i.memory, i.cpu);
  if (s.offered) peers_.forget(&s.offered->puller());
  if (s.pulled != nullptr) (s.own_puller ? *s.own_puller : i.node->puller()).unpin(*s.pulled);
  s.own_puller.reset();
  s.own_cache.reset();
  i.stopped_at = sim_.now();
  set_state(s, InstanceState::stopped);
  if (s.notify) std::exchange(s.notify, {})(i);
}

}  // namespace vmcsim::models
