#include "models/image/peer_directory.hpp"

#include <algorithm>

#include "models/image/image_puller.hpp"

namespace vmcsim::models {

ImagePuller* PeerDirectory::pick(const std::string& digest, const ImagePuller* self) const {
  const auto it = holders_.find(digest);
  if (it == holders_.end()) return nullptr;
  ImagePuller* best = nullptr;
  for (ImagePuller* h : it->second) {
    if (h == self || h->uploads_in_progress() >= h->policy().peer_upload_slots) continue;
    if (best == nullptr || h->uploads_in_progress() < best->uploads_in_progress()) best = h;
  }
  return best;
}

bool PeerDirectory::has_source(const std::string& digest) const {
  const auto h = holders_.find(digest);
  const auto s = seeding_.find(digest);
  return (h != holders_.end() && !h->second.empty()) || (s != seeding_.end() && s->second);
}

void PeerDirectory::add_holder(const std::string& digest, ImagePuller* holder) {
  auto& list = holders_[digest];
  if (std::find(list.begin(), list.end(), holder) == list.end()) list.push_back(holder);
  seeding_.erase(digest);
  wake(digest);
}

void PeerDirectory::remove_holder(const std::string& digest, ImagePuller* holder) {
  const auto it = holders_.find(digest);
  if (it == holders_.end()) return;
  std::erase(it->second, holder);
  // Waiters with no source left fetch from the registry themselves.
  if (!has_source(digest)) wake(digest);
}

void PeerDirectory::forget(ImagePuller* puller) {
  std::vector<std::string> lost;
  for (auto& [digest, list] : holders_)
    if (std::erase(list, puller) > 0) lost.push_back(digest);
  for (auto& [digest, queue] : waiting_)
    std::erase(queue, puller);
  for (const std::string& digest : lost)
    if (!has_source(digest)) wake(digest);
}

void PeerDirectory::upload_ended() {
  std::vector<std::string> digests;
  for (const auto& [digest, queue] : waiting_)
    if (!queue.empty()) digests.push_back(digest);
  for (const std::string& d : digests)
    wake(d);
}

void PeerDirectory::wake(const std::string& digest) {
  const auto it = waiting_.find(digest);
  if (it == waiting_.end() || it->second.empty()) return;
  std::deque<ImagePuller*> waiters;
  waiters.swap(it->second);
  // Each retries in FIFO order; one that finds no free slot waits again, behind the others.
  for (ImagePuller* w : waiters)
    w->retry_fetch(digest);
}

}  // namespace vmcsim::models
