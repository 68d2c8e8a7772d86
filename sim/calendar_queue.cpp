#include "sim/calendar_queue.hpp"

#include <algorithm>

namespace vmcsim::sim {

namespace {
constexpr std::size_t kMinBuckets = 2;
constexpr std::int64_t kInitialWidthNs = 1'000'000;  // 1 ms; re-estimated at the first resize
// Brown's rule samples this many of the earliest entries to estimate the day width.
constexpr std::size_t kWidthSample = 25;
}  // namespace

CalendarQueue::CalendarQueue()
    : buckets_(kMinBuckets), mask_(kMinBuckets - 1), width_(kInitialWidthNs) {}

std::int64_t CalendarQueue::day_of(Time t) const {
  const std::int64_t ns = t.ns();
  // Floor division, so that negative times (allowed by the concept) map to earlier days.
  return ns >= 0 ? ns / width_ : -((-ns - 1) / width_) - 1;
}

void CalendarQueue::insert(const EventEntry& e) {
  Bucket& b = buckets_[bucket_of(day_of(e.time))];
  // Decreasing order: e goes before the first entry smaller than it. Later-scheduled entries
  // are usually larger, so they land near the front, after the entries they must follow.
  const auto pos = std::upper_bound(b.begin(), b.end(), e,
                                    [](const EventEntry& x, const EventEntry& y) { return y < x; });
  b.insert(pos, e);
}

void CalendarQueue::push(const EventEntry& e) {
  const std::int64_t day = day_of(e.time);
  if (size_ == 0 || day < cur_day_) {
    cur_day_ = day;
    top_valid_ = false;
  }
  // Same day as a cached top: e joins that bucket, whose back() is still its smallest entry.
  insert(e);
  ++size_;
  if (size_ > 2 * buckets_.size()) resize(2 * buckets_.size());
}

std::size_t CalendarQueue::locate() const {
  if (top_valid_) return top_bucket_;
  const std::size_t nb = buckets_.size();
  std::int64_t day = cur_day_;
  for (std::size_t i = 0; i < nb; ++i, ++day) {
    const std::size_t b = bucket_of(day);
    if (!buckets_[b].empty() && day_of(buckets_[b].back().time) == day) {
      cur_day_ = day;
      top_bucket_ = b;
      top_valid_ = true;
      return b;
    }
  }
  // A whole year without an entry: the next one is far ahead, find it directly.
  std::size_t best = nb;
  for (std::size_t b = 0; b < nb; ++b) {
    if (buckets_[b].empty()) continue;
    if (best == nb || buckets_[b].back() < buckets_[best].back()) best = b;
  }
  cur_day_ = day_of(buckets_[best].back().time);
  top_bucket_ = best;
  top_valid_ = true;
  return best;
}

EventEntry CalendarQueue::pop() {
  Bucket& b = buckets_[locate()];
  const EventEntry e = b.back();
  b.pop_back();
  --size_;
  top_valid_ = false;
  if (buckets_.size() > kMinBuckets && size_ < buckets_.size() / 2) resize(buckets_.size() / 2);
  return e;
}

void CalendarQueue::clear() {
  for (Bucket& b : buckets_)
    b.clear();
  size_ = 0;
  cur_day_ = 0;
  top_valid_ = false;
}

void CalendarQueue::reserve(std::size_t n) {
  std::size_t nb = kMinBuckets;
  while (2 * nb < n)
    nb *= 2;
  buckets_.reserve(nb);
  scratch_.reserve(n);
}

void CalendarQueue::resize(std::size_t nbuckets) {
  scratch_.clear();
  for (Bucket& b : buckets_) {
    scratch_.insert(scratch_.end(), b.begin(), b.end());
    b.clear();
  }

  // Re-estimate the day width from the earliest entries (Brown 1988): the average separation,
  // recomputed without separations larger than twice that average, times three.
  const std::size_t k = std::min(scratch_.size(), kWidthSample);
  if (k >= 2) {
    std::nth_element(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(k - 1),
                     scratch_.end());
    std::sort(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(k - 1));
    const double average = static_cast<double>((scratch_[k - 1].time - scratch_[0].time).ns()) /
                           static_cast<double>(k - 1);
    double sum = 0;
    std::size_t count = 0;
    for (std::size_t i = 1; i < k; ++i) {
      const double gap = static_cast<double>((scratch_[i].time - scratch_[i - 1].time).ns());
      if (gap <= 2 * average) {
        sum += gap;
        ++count;
      }
    }
    if (count > 0 && sum > 0)
      width_ = std::max<std::int64_t>(1, static_cast<std::int64_t>(3 * sum / count));
  }

  buckets_.resize(nbuckets);
  mask_ = nbuckets - 1;
  top_valid_ = false;
  if (scratch_.empty()) return;
  Time earliest = scratch_.front().time;
  for (const EventEntry& e : scratch_) {
    insert(e);
    earliest = std::min(earliest, e.time);
  }
  cur_day_ = day_of(earliest);
}

}  // namespace vmcsim::sim
