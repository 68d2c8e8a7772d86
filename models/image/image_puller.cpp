#include "models/image/image_puller.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

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
  if (all_cached || !policy_.serialize_image_pulls || !image_pull_active_) {
    if (!all_cached && policy_.serialize_image_pulls) image_pull_active_ = p.holds_slot = true;
    start_pull(id);
  } else {
    queued_.push_back(id);
  }
}

void ImagePuller::start_pull(PullId id) {
  advance(id);
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
    downloads_.emplace(layer.digest, Download{layer, {id}});
    // The digest is stable while the download is in flight; captures stay small (a pointer).
    const std::string* digest = &downloads_.find(layer.digest)->first;
    Registry* registry = p.registry;
    sim_.schedule_in(registry->spec().request_latency + path_latency_, [this, digest, registry] {
      const Download& d = downloads_.at(*digest);
      std::array<ResourceId, Host::kMaxExtraPath> path;
      std::copy(upstream_.begin(), upstream_.end(), path.begin());
      path[upstream_.size()] = registry->egress();
      host_.transfer(d.layer.size, std::span{path.data(), upstream_.size() + 1},
                     [this, digest] { download_finished(*digest); });
    });
  }
  if (p.next_layer == layers.size() && p.outstanding == 0) finish(id);
}

void ImagePuller::download_finished(const std::string& digest) {
  auto node = downloads_.extract(digest);
  Download& d = node.mapped();
  cache_.insert(d.layer);
  for (const PullId w : d.waiters) {
    cache_.pin(d.layer.digest);
    --pulls_.at(w).outstanding;
  }
  for (const PullId w : d.waiters)
    advance(w);
}

void ImagePuller::finish(PullId id) {
  Pull& p = pulls_.at(id);
  p.finished = true;
  if (p.holds_slot) {
    p.holds_slot = false;
    image_pull_active_ = false;
    if (!queued_.empty()) {
      const PullId next = queued_.front();
      queued_.pop_front();
      image_pull_active_ = true;
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
