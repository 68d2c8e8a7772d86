#include "models/image/image_puller.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <stdexcept>

#include "models/image/peer_directory.hpp"

namespace vmcsim::models {

ImagePuller::ImagePuller(sim::Simulation& sim, Host& host, std::vector<ResourceId> upstream,
                         LayerCache& cache, PullPolicy policy, sim::Time path_latency)
    : sim_(sim),
      host_(host),
      upstream_(std::move(upstream)),
      cache_(cache),
      policy_(policy),
      path_latency_(path_latency) {
  if (upstream_.size() >= Host::kMaxExtraPath)
    throw std::invalid_argument("image puller: upstream path too long");
  if (policy_.max_parallel_layers < 1)
    throw std::invalid_argument("max_parallel_layers must be at least 1");
  if (policy_.max_parallel_image_pulls < 0)
    throw std::invalid_argument("max_parallel_image_pulls must not be negative");
  if (policy_.peer_upload_slots < 1)
    throw std::invalid_argument("peer_upload_slots must be at least 1");
  if (path_latency_ < sim::Time::zero())
    throw std::invalid_argument("image puller: negative path latency");
}

void ImagePuller::pull(const Image& image, Registry& registry, Done on_done) {
  const PullId id = next_id_++;
  Pull& p = pulls_[id];
  p.image = &image;
  p.registry = &registry;
  p.on_done = std::move(on_done);
  const bool all_cached = std::all_of(image.layers.begin(), image.layers.end(),
                                      [&](const Layer& l) { return cache_.contains(l.digest); });
  if (all_cached) {
    advance(id);  // nothing to download: no image request, no slot
  } else if (active_image_pulls_ < image_pull_limit()) {
    ++active_image_pulls_;
    p.holds_slot = true;
    start_pull(id);
  } else {
    queued_.push_back(id);
  }
}

int ImagePuller::image_pull_limit() const {
  if (policy_.serialize_image_pulls) return 1;
  return policy_.max_parallel_image_pulls > 0 ? policy_.max_parallel_image_pulls : INT_MAX;
}

// The image request (manifest) first, through the registry's rate limit; then the layers.
void ImagePuller::start_pull(PullId id) {
  Pull& p = pulls_.at(id);
  const sim::Time now = sim_.now();
  const sim::Time granted = p.registry->admit_image_request(now);
  if (granted == now) {
    advance(id);
    return;
  }
  sim_.schedule_in(granted - now, [this, id] { advance(id); });
}

void ImagePuller::advance(PullId id) {
  Pull& p = pulls_.at(id);
  if (p.finished) return;
  const auto& layers = p.image->layers;
  while (p.next_layer < layers.size() && p.outstanding < policy_.max_parallel_layers) {
    const Layer& layer = layers[p.next_layer++];
    if (cache_.touch(layer.digest)) {
      cache_.pin(layer.digest);
      p.result.reused += layer.size;
      continue;
    }
    ++p.outstanding;
    if (const auto it = downloads_.find(layer.digest); it != downloads_.end()) {
      it->second.waiters.push_back(id);
      p.result.reused += layer.size;
      continue;
    }
    p.result.downloaded += layer.size;
    const auto it = downloads_.emplace(layer.digest, Download{layer, p.registry, {id}}).first;
    // The digest is stable while the download is in flight; captures stay small (a pointer).
    fetch(&it->first);
  }
  if (p.next_layer == layers.size() && p.outstanding == 0) finish(id);
}

// Where a layer comes from: a peer that can serve it, else (no peer has or fetches it) the
// registry; with peers busy or a seed still fetching, wait for the directory's wake-up.
void ImagePuller::fetch(const std::string* digest) {
  if (peers_ != nullptr) {
    if (ImagePuller* from = peers_->pick(*digest, this)) {
      fetch_from_peer(digest, *from);
      return;
    }
    if (peers_->has_source(*digest)) {
      peers_->wait(*digest, this);
      return;
    }
    peers_->begin_seed(*digest);
    downloads_.at(*digest).seed = true;
  }
  fetch_from_registry(digest);
}

void ImagePuller::retry_fetch(const std::string& digest) {
  const auto it = downloads_.find(digest);
  if (it != downloads_.end()) fetch(&it->first);
}

void ImagePuller::fetch_from_registry(const std::string* digest) {
  Registry* registry = downloads_.at(*digest).registry;
  const sim::Time now = sim_.now();
  const sim::Time granted = registry->admit_layer_request(now);
  sim_.schedule_in(granted - now + registry->spec().request_latency + path_latency_,
                   [this, digest, registry] {
                     const Download& d = downloads_.at(*digest);
                     std::array<ResourceId, Host::kMaxExtraPath> path;
                     std::copy(upstream_.begin(), upstream_.end(), path.begin());
                     path[upstream_.size()] = registry->egress();
                     host_.transfer(d.layer.size, std::span{path.data(), upstream_.size() + 1},
                                    [this, digest] { download_finished(*digest); });
                   });
}

// The bytes cross the holder's NIC, then this node's upstream and NIC (topology links between
// the two are not modelled: vmcsim assumption, a flat data-center network between nodes).
void ImagePuller::fetch_from_peer(const std::string* digest, ImagePuller& from) {
  ++from.uploads_;
  peers_->count_peer_fetch();
  ImagePuller* source = &from;
  sim_.schedule_in(path_latency_, [this, digest, source] {
    const Download& d = downloads_.at(*digest);
    std::array<ResourceId, Host::kMaxExtraPath> path;
    std::copy(upstream_.begin(), upstream_.end(), path.begin());
    path[upstream_.size()] = source->host_.network();
    host_.transfer(d.layer.size, std::span{path.data(), upstream_.size() + 1},
                   [this, digest, source] {
                     --source->uploads_;
                     const std::string key = *digest;  // download_finished drops the entry
                     download_finished(key);
                     peers_->upload_ended();
                   });
  });
}

void ImagePuller::download_finished(const std::string& digest) {
  auto node = downloads_.extract(digest);
  Download& d = node.mapped();
  const std::vector<std::string> evicted = cache_.insert(d.layer);
  for (const PullId w : d.waiters) {
    cache_.pin(d.layer.digest);
    --pulls_.at(w).outstanding;
  }
  if (peers_ != nullptr) {
    for (const std::string& e : evicted)
      peers_->remove_holder(e, this);
    peers_->add_holder(d.layer.digest, this);
  }
  for (const PullId w : d.waiters)
    advance(w);
}

void ImagePuller::finish(PullId id) {
  Pull& p = pulls_.at(id);
  p.finished = true;
  if (p.holds_slot) {
    p.holds_slot = false;
    --active_image_pulls_;
    while (!queued_.empty() && active_image_pulls_ < image_pull_limit()) {
      const PullId next = queued_.front();
      queued_.pop_front();
      ++active_image_pulls_;
      pulls_.at(next).holds_slot = true;
      start_pull(next);
    }
  }
  // Hand the result over from an event: callers never see on_done inside pull().
  sim_.schedule_in(sim::Time::zero(), [this, id] {
    auto node = pulls_.extract(id);
    node.mapped().on_done(node.mapped().result);
  });
}

void ImagePuller::unpin(const Image& image) {
  for (const Layer& l : image.layers)
    cache_.unpin(l.digest);
}

}  // namespace vmcsim::models
