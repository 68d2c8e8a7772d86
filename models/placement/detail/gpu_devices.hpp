#pragma once
// Internal: how a request's GPU demand maps onto a node's GPU devices (node_view.hpp says the
// rules). NodeView::add/remove, feasible() and the fragmentation metric go through these.
#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "models/placement/node_view.hpp"

namespace vmcsim::models::placement::detail {

// The devices the request would take from `devices` (free milli-GPUs per GPU): 0 when it asks
// no GPU or there are no devices (pooled), nullopt when its shares do not fit.
std::optional<GpuSlots> gpu_assignment(const PlacementRequest& request,
                                       std::span<const std::int32_t> devices);
// Takes (release: gives back) the request's share from each device in `slots`.
void take_gpus(std::span<std::int32_t> devices, const PlacementRequest& request, GpuSlots slots);
void release_gpus(std::span<std::int32_t> devices, const PlacementRequest& request, GpuSlots slots);
// The milli-GPUs the request asks of each device it takes.
std::int32_t gpu_share(const PlacementRequest& request);

// A node's devices as they would be after placing a request there (what-if, for scoring).
struct DevicesAfter {
  std::array<std::int32_t, kMaxGpuDevices> free{};
  std::size_t count = 0;
  std::span<const std::int32_t> view() const { return {free.data(), count}; }
};
DevicesAfter devices_after(const NodeView& node, const PlacementRequest& request);

}  // namespace vmcsim::models::placement::detail
