#include "models/placement/detail/gpu_devices.hpp"

#include <algorithm>

namespace vmcsim::models::placement {

namespace {

// Each device a request takes holds the same share of its GPU demand.
std::size_t devices_of(const PlacementRequest& request) {
  return request.gpus > 0 ? static_cast<std::size_t>(request.gpus) : 1;
}

void add_share(std::span<std::int32_t> devices, GpuSlots slots, std::int32_t amount) {
  for (std::size_t d = 0; d < devices.size(); ++d)
    if (((slots >> d) & 1U) != 0) devices[d] += amount;
}

}  // namespace

bool gpus_fit(const PlacementRequest& request, const NodeView& node) {
  return detail::gpu_assignment(request, node.gpu_free).has_value();
}

namespace detail {

std::int32_t gpu_share(const PlacementRequest& request) {
  return static_cast<std::int32_t>(request.demand.gpu_milli /
                                   static_cast<std::int64_t>(devices_of(request)));
}

std::optional<GpuSlots> gpu_assignment(const PlacementRequest& request,
                                       std::span<const std::int32_t> devices) {
  if (devices.empty() || request.demand.gpu_milli <= 0) return GpuSlots{0};
  const std::size_t count = devices_of(request);
  if (count > devices.size()) return std::nullopt;
  const std::int32_t share = gpu_share(request);
  GpuSlots taken = 0;
  for (std::size_t k = 0; k < count; ++k) {
    // Best fit: the device with the least free that holds the share; ties to the lowest index.
    std::optional<std::size_t> best;
    for (std::size_t d = 0; d < devices.size(); ++d) {
      if (((taken >> d) & 1U) != 0 || devices[d] < share) continue;
      if (!best || devices[d] < devices[*best]) best = d;
    }
    if (!best) return std::nullopt;
    taken |= GpuSlots{1} << *best;
  }
  return taken;
}

void take_gpus(std::span<std::int32_t> devices, const PlacementRequest& request, GpuSlots slots) {
  add_share(devices, slots, -gpu_share(request));
}

void release_gpus(std::span<std::int32_t> devices, const PlacementRequest& request,
                  GpuSlots slots) {
  add_share(devices, slots, gpu_share(request));
}

DevicesAfter devices_after(const NodeView& node, const PlacementRequest& request) {
  DevicesAfter after;
  after.count = std::min(node.gpu_free.size(), kMaxGpuDevices);
  std::copy_n(node.gpu_free.begin(), after.count, after.free.begin());
  const std::span<std::int32_t> devices{after.free.data(), after.count};
  if (const auto slots = gpu_assignment(request, devices)) take_gpus(devices, request, *slots);
  return after;
}

}  // namespace detail
}  // namespace vmcsim::models::placement
