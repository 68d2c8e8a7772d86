#pragma once
// ResourceVector: the multi-dimensional demand or capacity that placement compares.
//
// Dimensions: CPU (Millicores), memory (Bytes), disk and network bandwidth (DataRate) and GPU
// in milli-GPUs (1000 = one whole GPU; the Alibaba 2023 trace shares GPUs in thousandths).
// Invariant: a dimension whose capacity is zero is "absent" on that node; a demand of zero in a
// dimension always fits it. Comparisons are per dimension (a partial order), not lexicographic.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/units.hpp"

namespace vmcsim::models::placement {

enum class Dimension : std::uint8_t { cpu, memory, disk, network, gpu };
inline constexpr std::size_t kDimensions = 5;
inline constexpr std::array<Dimension, kDimensions> kAllDimensions{
    Dimension::cpu, Dimension::memory, Dimension::disk, Dimension::network, Dimension::gpu};

std::string_view to_string(Dimension d);
// "cpu", "memory", "disk", "network", "gpu"; throws sim::ParseError otherwise.
Dimension parse_dimension(std::string_view text);

struct ResourceVector {
  sim::Millicores cpu{};
  sim::Bytes memory{};
  sim::DataRate disk{};
  sim::DataRate network{};
  std::int64_t gpu_milli = 0;

  // The dimension as a plain number in its base unit (millicores, bytes, bytes/s, milli-GPU):
  // only for ratios between two vectors, never as an interface quantity.
  double amount(Dimension d) const;

  // True when every dimension of *this is <= the same dimension of `other`.
  bool fits_in(const ResourceVector& other) const;
  // Human spelling of one dimension's value ("1.5GiB", "500m", "10Gbps", "250 mGPU").
  std::string format(Dimension d) const;
  // This vector with every dimension but d zeroed.
  ResourceVector only(Dimension d) const;

  ResourceVector& operator+=(const ResourceVector& o);
  ResourceVector& operator-=(const ResourceVector& o);
  friend ResourceVector operator+(ResourceVector a, const ResourceVector& b) { return a += b; }
  friend ResourceVector operator-(ResourceVector a, const ResourceVector& b) { return a -= b; }
  friend bool operator==(const ResourceVector&, const ResourceVector&) = default;
};

// kube-scheduler's GetNonzeroRequests (pkg/scheduler/util/pod_resources.go): a pod that requests
// no CPU counts as DefaultMilliCPURequest = 100m, one that requests no memory as
// DefaultMemoryRequest = 200 * 1024 * 1024 bytes ("200 MB"), for scoring only; fitting uses the
// real (zero) request. vmcsim sees a pod's total, so the default applies per pod, not per
// container as in Kubernetes.
inline constexpr sim::Millicores kDefaultScoringCpu{100};
inline constexpr sim::Bytes kDefaultScoringMemory{200LL * 1024 * 1024};
ResourceVector nonzero_requests(const ResourceVector& demand);

}  // namespace vmcsim::models::placement
