#include "models/image/transfer_network.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace vmcsim::models {

namespace {
// Below one byte a flow is done: floating-point progress never lands exactly on zero.
constexpr double kDoneBytes = 0.5;
}  // namespace

TransferNetwork::LinkId TransferNetwork::add_link(std::string name, sim::DataRate capacity) {
  if (!(capacity.bytes_per_second() > 0.0))
    throw std::invalid_argument("link '" + name + "' needs a positive capacity");
  links_.push_back(Link{std::move(name), capacity});
  return static_cast<LinkId>(links_.size() - 1);
}

TransferNetwork::FlowId TransferNetwork::start(std::vector<LinkId> path, sim::Bytes amount,
                                               sim::Callback on_done) {
  if (path.empty()) throw std::invalid_argument("a transfer needs at least one link");
  for (const LinkId l : path)
    if (l >= links_.size()) throw std::out_of_range("unknown link in transfer path");
  advance_to_now();
  const FlowId id = next_id_++;
  flows_.emplace(
      id, Flow{std::move(path), static_cast<double>(amount.count()), 0.0, std::move(on_done)});
  reallocate();
  schedule_next_completion();
  return id;
}

sim::DataRate TransferNetwork::rate(FlowId id) const {
  const auto it = flows_.find(id);
  return sim::DataRate::bytes_per_second(it == flows_.end() ? 0.0 : it->second.rate);
}

void TransferNetwork::advance_to_now() {
  const double dt = (sim_.now() - last_update_).seconds();
  last_update_ = sim_.now();
  if (dt <= 0.0) return;
  for (auto& [id, f] : flows_)
    f.remaining = std::max(0.0, f.remaining - f.rate * dt);
}

// Progressive filling: repeatedly find the link whose remaining capacity split over its
// unfixed flows is smallest, and fix those flows at that share.
void TransferNetwork::reallocate() {
  std::vector<double> left(links_.size());
  std::vector<int> unfixed(links_.size(), 0);
  for (std::size_t l = 0; l < links_.size(); ++l)
    left[l] = links_[l].capacity.bytes_per_second();
  std::vector<Flow*> pending;
  for (auto& [id, f] : flows_) {
    pending.push_back(&f);
    for (const LinkId l : f.path)
      ++unfixed[l];
  }
  while (!pending.empty()) {
    std::size_t bottleneck = links_.size();
    double share = std::numeric_limits<double>::infinity();
    for (std::size_t l = 0; l < links_.size(); ++l) {
      if (unfixed[l] == 0) continue;
      const double s = left[l] / unfixed[l];
      if (s < share) share = s, bottleneck = l;
    }
    std::erase_if(pending, [&](Flow* f) {
      if (std::find(f->path.begin(), f->path.end(), bottleneck) == f->path.end()) return false;
      f->rate = share;
      for (const LinkId l : f->path)
        left[l] -= share, --unfixed[l];
      return true;
    });
  }
}

void TransferNetwork::schedule_next_completion() {
  sim_.cancel(next_event_);
  next_event_ = {};
  double soonest = std::numeric_limits<double>::infinity();
  for (const auto& [id, f] : flows_)
    soonest = std::min(soonest, f.remaining / f.rate);
  if (flows_.empty()) return;
  // Round up to whole nanoseconds so the flow has surely finished when the event fires.
  const auto ns = static_cast<std::int64_t>(std::ceil(soonest * 1e9));
  next_event_ = sim_.schedule_in(sim::Time::from_ns(ns), [this] { on_completion(); });
}

void TransferNetwork::on_completion() {
  next_event_ = {};
  advance_to_now();
  std::vector<sim::Callback> done;
  for (auto it = flows_.begin(); it != flows_.end();) {
    if (it->second.remaining <= kDoneBytes) {
      done.push_back(std::move(it->second.on_done));
      it = flows_.erase(it);
    } else {
      ++it;
    }
  }
  reallocate();
  schedule_next_completion();
  for (auto& cb : done)
    cb();
}

}  // namespace vmcsim::models
