#pragma once
// PeerDirectory: peer-to-peer image distribution among the nodes of one cluster, as Dragonfly
// and Kraken do it: a node that holds a layer serves it to others, so the registry serves each
// layer once and the fleet's NICs carry the rest.
//
// Per layer digest the directory knows its holders (nodes whose cache has it, in the order they
// got it), whether some node is fetching it from the registry (the seed), and which nodes wait
// for a holder. An ImagePuller with a directory (ImagePuller::set_peers) fetches a layer:
//  - from the holder with the fewest uploads in progress (ties: the earliest holder), if one has
//    fewer than its upload slots (PullPolicy::peer_upload_slots): the bytes cross the holder's
//    NIC, this node's NIC and its upstream, shared with their other flows;
//  - else, if a seed is fetching it or every holder is busy, it waits for a holder or a slot;
//  - else it becomes the seed and fetches from the registry.
// So the registry serves each layer once per cluster (again only after every holder evicted
// it), and holders double round by round, bounded by their NICs and upload slots.
// Waiters are woken in FIFO order; nothing iterates in pointer order.
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace vmcsim::models {

class ImagePuller;

class PeerDirectory {
 public:
  // The holder with a free upload slot and the fewest uploads in progress, or nullptr.
  ImagePuller* pick(const std::string& digest, const ImagePuller* self) const;
  bool has_source(const std::string& digest) const;  // a holder or a seed exists
  void begin_seed(const std::string& digest) { seeding_[digest] = true; }
  // `holder` now has the layer (a seed's fetch ended, or a peer fetch): wakes the waiters.
  void add_holder(const std::string& digest, ImagePuller* holder);
  void remove_holder(const std::string& digest, ImagePuller* holder);
  // `puller` leaves (its VM node stopped): it holds nothing and waits for nothing any more.
  void forget(ImagePuller* puller);
  void wait(const std::string& digest, ImagePuller* waiter) { waiting_[digest].push_back(waiter); }
  // An upload ended: its holder has a free slot, and the holder's slots are shared by every
  // layer it holds, so the waiters of every layer try again (in digest order).
  void upload_ended();

  std::uint64_t peer_fetches() const { return peer_fetches_; }
  void count_peer_fetch() { ++peer_fetches_; }

 private:
  void wake(const std::string& digest);

  std::map<std::string, std::vector<ImagePuller*>> holders_;
  std::map<std::string, bool> seeding_;
  std::map<std::string, std::deque<ImagePuller*>> waiting_;
  std::uint64_t peer_fetches_ = 0;
};

}  // namespace vmcsim::models
