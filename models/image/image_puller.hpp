#pragma once
// ImagePuller: gets an image's layers onto one host (or VM node), through its LayerCache.
//
//   ImagePuller puller{sim, host, {}, cache, PullPolicy{}};
//   puller.pull(image, registry, [&](const PullResult& r) { /* layers present and pinned */ });
//
// Behaviour, as container runtimes do it:
//  - a layer already in the cache is not pulled (a second start of the same image on a warm
//    host skips the pull; a layer shared by two images is pulled once per host);
//  - a layer another pull on this host is already downloading is waited for, not downloaded
//    again;
//  - each download pays the registry's request latency plus `path_latency` (the one-way latency
//    of the network path to the registry, zero without a topology), then flows over the host's
//    NIC, the `upstream` resources (a VM node's physical NIC, topology links) and the registry's
//    egress, sharing each with every other flow on it (FlowModel, max-min fair);
//  - at most `max_parallel_layers` layers of one image are in progress at a time (Docker: 3),
//    and with `serialize_image_pulls` (kubelet's default) one image at a time per host, without
//    it at most `max_parallel_image_pulls` (kubelet's maxParallelImagePulls; 0: no limit); an
//    image whose layers are all cached never waits in that queue (kubelet's IfNotPresent check);
//  - the registry's request rate limits (registry.hpp): an image pull that downloads anything
//    first waits for an image request (BatchGetImage), each layer download for a layer request
//    (GetDownloadUrlForLayer); the waits are part of the pull;
//  - with a PeerDirectory (set_peers), layers come from peers that hold them when one can serve
//    (peer_directory.hpp), the registry only when no node has or fetches the layer.
// When on_done runs every layer of the image is cached and pinned once; call unpin(image) when
// the instance that uses it is gone. on_done is always called from an event, never re-entrantly.
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>
#include "models/host.hpp"
#include "models/image/image.hpp"
#include "models/image/layer_cache.hpp"
#include "models/image/registry.hpp"
#include "sim/inplace_function.hpp"
#include "sim/simulation.hpp"

namespace vmcsim::models {

struct PullPolicy {
  bool serialize_image_pulls = true;  // kubelet default
  int max_parallel_layers = 3;        // Docker's max-concurrent-downloads default
  int max_parallel_image_pulls = 0;   // without serialization; 0: no limit (kubelet default)
  int peer_upload_slots = 4;          // peer-to-peer: layers one node serves to others at once
};

class PeerDirectory;

struct PullResult {
  sim::Bytes downloaded;  // bytes this pull moved over the network (what must be unpacked)
  sim::Bytes reused;      // bytes found cached or downloaded by another pull
};

class ImagePuller {
 public:
  using Done = sim::InplaceFunction<void(const PullResult&), 48>;

  // `upstream`: resources between the host's NIC and the registry (at most
  // Host::kMaxExtraPath - 1); `path_latency` (>= 0) is added to every layer request.
  ImagePuller(sim::Simulation& sim, Host& host, std::vector<ResourceId> upstream, LayerCache& cache,
              PullPolicy policy, sim::Time path_latency = sim::Time::zero());
  ImagePuller(const ImagePuller&) = delete;
  ImagePuller& operator=(const ImagePuller&) = delete;

  // `image` and `registry` must outlive the pull.
  void pull(const Image& image, Registry& registry, Done on_done);
  void unpin(const Image& image);

  const LayerCache& cache() const { return cache_; }
  const PullPolicy& policy() const { return policy_; }
  const std::vector<ResourceId>& upstream() const { return upstream_; }
  // Peer-to-peer distribution through `peers` (owned by the caller, outliving the puller).
  void set_peers(PeerDirectory* peers) { peers_ = peers; }
  Host& host() const { return host_; }
  int uploads_in_progress() const { return uploads_; }
  int image_pulls_in_progress() const { return active_image_pulls_; }
  // PeerDirectory's wake-up: fetch `digest` (downloading here) from wherever it can come now.
  void retry_fetch(const std::string& digest);
  sim::Time path_latency() const { return path_latency_; }
  std::size_t pulls_in_progress() const { return pulls_.size(); }

 private:
  using PullId = std::uint64_t;
  struct Pull {
    const Image* image = nullptr;
    Registry* registry = nullptr;
    std::size_t next_layer = 0;
    int outstanding = 0;
    bool holds_slot = false;  // the one serialized image pull of this host
    bool finished = false;
    PullResult result;
    Done on_done;
  };
  struct Download {
    Layer layer;
    Registry* registry = nullptr;
    std::vector<PullId> waiters;  // waiters.front() started it
    bool seed = false;            // fetched from the registry on behalf of the peers
  };
  void start_pull(PullId id);
  void fetch(const std::string* digest);
  void fetch_from_registry(const std::string* digest);
  void fetch_from_peer(const std::string* digest, ImagePuller& from);
  int image_pull_limit() const;
  void advance(PullId id);
  void download_finished(const std::string& digest);
  void finish(PullId id);

  sim::Simulation& sim_;
  Host& host_;
  std::vector<ResourceId> upstream_;
  LayerCache& cache_;
  PullPolicy policy_;
  sim::Time path_latency_;
  std::map<PullId, Pull> pulls_;
  std::deque<PullId> queued_;  // waiting behind a serialized pull
  std::map<std::string, Download> downloads_;
  PullId next_id_ = 0;
  int active_image_pulls_ = 0;
  PeerDirectory* peers_ = nullptr;
  int uploads_ = 0;
};

}  // namespace vmcsim::models
