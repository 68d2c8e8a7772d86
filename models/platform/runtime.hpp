#pragma once
// PlatformRuntime: starts and stops VMs, microVMs and containers on nodes, one per simulation.
//
//   FlowModel flows{sim};
//   Host h1{HostSpec{...}, flows};
//   PlatformRuntime rt{sim, flows, seed};
//   Node& host = rt.add_host(h1);
//   InstanceSpec web;                       // service, profile, cpu, memory, image, ...
//   web.service = "web";
//   web.profile = &catalog.profile("kvm-ubuntu");
//   web.cpu = Millicores::cores(2);
//   web.memory = Bytes::gib(4);
//   InstanceId vm = rt.start(web, host, [](Instance& i) { /* running (or failed) */ });
//   rt.stop(vm, [](Instance& i) { /* stopped: memory released */ });
//
// What kind an instance is follows from its profile and where it goes: a vm/microvm profile on
// a host; a container profile on a host is a container, on a VM node a container_in_vm; a node
// profile (ecs-ec2-node, eks-node) on a host is a VM that becomes a Node (node_of()) once it is
// running. Memory is reserved on the node when the start is requested (the instance fails at
// once if it does not fit) and released when its last stop phase ends:
//   vm, microvm       memory + hypervisor overhead (fraction x memory + fixed + per-vCPU x
//                     vCPUs), split as application = memory - guest OS, guest_os, overhead;
//   container         memory (application) + the runtime's per-container overhead;
//   VM node           as a vm, with agent (plus per-pod agent memory x spec.max_pods) and
//                     system-reserved memory counted as guest_os.
// Phases named image_pull and unpack are computed: the node's ImagePuller fetches the layers
// not cached (through the FlowModel), then unpacking runs the downloaded bytes through the
// node's CPU (at unpack_throughput per core) and disk. A profile with cache_images_on_node false
// (Fargate) gives each instance a fresh cache of its own. creation_rate_per_core gates the first
// phase by a token bucket on the physical host.
// Startup under contention: a phase with host work (PhaseSpec::cpu, ::io) runs a CPU flow (at
// most one core) and a disk flow through the node's paths while its sampled duration passes, and
// ends when all are done, so simultaneous starts on one host slow each other as the fluid shares
// dictate. A profile's max_concurrent_starts bounds the starts on one node whose boot is in
// progress; later ones wait (the wait is part of their first phase, like the creation limit).
// Image delivery: image_fetch_fraction < 1 (lazy loading) pulls that share of each layer
// before the start goes on; a VM node whose profile has images_precached never pulls; VM nodes
// whose profile has peer_to_peer_images fetch layers from each other (peers()), the registry
// serving each layer once; a stopped node leaves the directory.
// InstanceSpec::prior_phases (a control plane's or placement's waits, recorded by the caller
// before the start) become the instance's first phases, so its phases still begin at
// requested_at.
// Phase durations are drawn from the stream "instance/<id>/<phase>" derived from the runtime's
// master stream: they depend on the seed, the instance's id and the phase only, never on what
// other instances drew or in which order events happened.
//
// Observers subscribe to on_phase_end and on_state_change; the runtime knows nothing of them.
#include <deque>
#include <map>
#include <memory>
#include <vector>
#include "models/image/peer_directory.hpp"
#include "models/image/registry.hpp"
#include "models/platform/instance.hpp"
#include "models/platform/node.hpp"
#include "sim/inplace_function.hpp"
#include "sim/random.hpp"
#include "sim/signal.hpp"
#include "sim/simulation.hpp"

namespace vmcsim::models {

class PlatformRuntime {
 public:
  using Notify = sim::InplaceFunction<void(Instance&), 48>;

  PlatformRuntime(sim::Simulation& sim, FlowModel& flows, std::uint64_t master_seed,
                  std::uint64_t replication = 0);
  PlatformRuntime(const PlatformRuntime&) = delete;
  PlatformRuntime& operator=(const PlatformRuntime&) = delete;

  // Makes a physical host (owned by the caller, outliving the runtime) a place to run on.
  Node& add_host(Host& host, const NodeOptions& options = {});

  // Requests an instance; on_ready runs (from an event) when it is running or has failed.
  // Throws ConfigurationRefused (models/refusal.hpp) for a spec the user's configuration made
  // but the model cannot run (a VM on a VM node, a container without an image where the profile
  // pulls one, memory not covering the guest OS), std::invalid_argument for a spec that cannot
  // mean anything (no profile) and std::logic_error for a VM node that is not running.
  InstanceId start(const InstanceSpec& spec, Node& node, Notify on_ready = {});
  // Runs the stop phases of a running instance; on_stopped runs once its memory is released.
  // Throws std::logic_error if it is not running, or is a VM node with live instances on it.
  void stop(InstanceId id, Notify on_stopped = {});

  // Ends a live instance at once, as its host failing does: no stop phases; its memory is
  // released now, its phases in progress never end, and its on_ready / on_stopped never run.
  // State -> stopped with Instance::lost_in and failure = `reason`. A VM node's containers must
  // be killed first (std::logic_error otherwise). Host-phase flows already started run out on
  // the dead host's resources (their ends are ignored).
  void kill(InstanceId id, std::string_view reason);

  const Instance& instance(InstanceId id) const { return instances_.at(id).instance; }
  std::size_t instance_count() const { return instances_.size(); }
  // The Node a running VM node offers (nullptr for any other instance).
  Node* node_of(InstanceId id) const { return instances_.at(id).offered.get(); }
  const std::deque<std::unique_ptr<Node>>& hosts() const { return hosts_; }
  // false: no startup contention (bench/startup_contention_bench's peer): phases are fixed
  // delays (their cpu and io ignored) and max_concurrent_starts is not enforced.
  void set_startup_contention(bool on) { startup_contention_ = on; }
  // VM nodes whose profile has peer_to_peer_images share layers through this directory.
  const PeerDirectory& peers() const { return peers_; }

  sim::Signal<const Instance&, const PhaseSpan&> on_phase_end;
  sim::Signal<const Instance&> on_state_change;

 private:
  struct Slot {
    Instance instance;
    const Image* image = nullptr;
    Registry* registry = nullptr;
    std::optional<sim::Distribution> app_init;
    sim::Bytes to_unpack;
    std::size_t next_phase = 0;
    bool stopping = false;
    Notify notify;
    std::unique_ptr<Node> offered;  // VM nodes: the place they offer containers
    // Profiles that do not cache images on the node: this instance's own cache and puller.
    std::unique_ptr<LayerCache> own_cache;
    std::unique_ptr<ImagePuller> own_puller;
    const Image* pulled = nullptr;  // what image_pull fetched (the lazy-loading slice or image)
    sim::Time boot_start;           // where the first boot phase starts
    int parts_left = 0;             // of a phase with host work: delay, CPU, disk
    bool holds_start_slot = false;  // counted in its node's max_concurrent_starts
    bool killed = false;            // kill(): every pending phase end is ignored
  };
  void begin_boot(InstanceId id);
  void release_start_slot(Slot& s);
  void run_host_phase(InstanceId id, const PhaseSpec& phase, sim::Time start, sim::Time delay);
  void part_done(InstanceId id, const PhaseSpec& phase, sim::Time start);
  const Image* startup_image(const Image& image, double fraction);
  void set_state(Slot& s, InstanceState state);
  void run_next_phase(InstanceId id);
  void unpack(InstanceId id, const PhaseSpec& phase, sim::Time start);
  void end_phase(InstanceId id, const PhaseSpec& phase, sim::Time start);
  void became_ready(InstanceId id);
  void finished_stopping(InstanceId id);
  sim::Time sample(InstanceId id, const PhaseSpec& phase, const sim::Distribution& d);
  sim::Time creation_wait(Slot& s);
  InstanceMemory memory_for(const InstanceSpec& spec, PlatformKind kind, int vcpus) const;

  sim::Simulation& sim_;
  FlowModel& flows_;
  sim::RandomStream master_;
  PeerDirectory peers_;  // declared before the nodes: outlives their pullers
  bool startup_contention_ = true;
  std::deque<std::unique_ptr<Node>> hosts_;
  std::deque<Slot> instances_;
  // Lazy-loading slices of images: (image, fraction) -> the part read at startup.
  std::map<std::pair<const Image*, double>, std::unique_ptr<Image>> startup_images_;
};

}  // namespace vmcsim::models
