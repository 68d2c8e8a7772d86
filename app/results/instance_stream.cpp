#include "app/results/instance_stream.hpp"

#include <algorithm>
#include <span>

#include "sim/assert.hpp"

namespace vmcsim::app {

InstanceStream::InstanceStream(const InstanceSpool& spool, std::size_t key, std::size_t chunk_rows,
                               std::size_t merge_ways)
    : spool_(spool),
      key_(key),
      chunk_rows_(std::max<std::size_t>(1, chunk_rows)),
      merge_ways_(std::max<std::size_t>(2, merge_ways)) {}

void InstanceStream::take(std::uint64_t order, models::metrics::InstanceLifecycle&& record) {
  if (record.node_vm) record.service = "node";
  for (std::size_t k = 0; k < record.phases.size(); ++k) {
    const auto [it, added] = first_seen_.try_emplace(record.phases[k].name, order, k);
    if (!added && order < it->second.first) it->second = {order, k};
  }
  held_.push_back({order, std::move(record)});
  held_peak_ = std::max(held_peak_, held_.size());
  ++part_.rows;
  if (held_.size() >= chunk_rows_) flush();
}

void InstanceStream::amend(std::uint64_t order, const std::string& function_start,
                           bool keep_alive_unload) {
  part_.amendments.push_back({order, function_start, keep_alive_unload});
}

void InstanceStream::flush() {
  if (held_.empty()) return;
  std::sort(held_.begin(), held_.end(),
            [](const auto& a, const auto& b) { return a.order < b.order; });
  VMCSIM_ASSERT(std::adjacent_find(
                    held_.begin(), held_.end(),
                    [](const auto& a, const auto& b) { return a.order == b.order; }) == held_.end(),
                "an instance record is handed once");
  part_.chunks.push_back(spool_.write_chunk(key_, chunks_written_++, held_));
  // swap, not clear(): the records' strings and phases go too.
  std::vector<InstanceSpool::Ordered>{}.swap(held_);
}

InstanceSpool::Part InstanceStream::close(std::string variant, int replication) {
  flush();
  if (part_.chunks.empty())  // no record: an empty chunk still says where the part is
    part_.chunks.push_back(spool_.write_chunk(key_, chunks_written_++, {}));
  // Each merge of the first merge_ways_ chunks into one takes merge_ways_ - 1 away.
  auto& chunks = part_.chunks;
  while (chunks.size() > merge_ways_) {
    const std::span<const InstanceSpool::Chunk> first{chunks.data(), merge_ways_};
    InstanceSpool::Chunk merged = spool_.merge(key_, chunks_written_++, first);
    chunks.erase(chunks.begin(), chunks.begin() + static_cast<std::ptrdiff_t>(merge_ways_));
    chunks.push_back(std::move(merged));
  }
  part_.variant = std::move(variant);
  part_.replication = replication;
  std::vector<std::pair<std::pair<std::uint64_t, std::size_t>, std::string>> names;
  for (const auto& [name, where] : first_seen_)
    names.emplace_back(where, name);
  std::sort(names.begin(), names.end());
  for (auto& [where, name] : names)
    part_.phases.push_back(std::move(name));
  std::stable_sort(part_.amendments.begin(), part_.amendments.end(),
                   [](const auto& a, const auto& b) { return a.order < b.order; });
  return std::move(part_);
}

}  // namespace vmcsim::app
