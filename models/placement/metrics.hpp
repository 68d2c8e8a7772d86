#pragma once
// Packing metrics over a snapshot of nodes.
//
//   nodes_used            nodes with at least one task or any allocation
//   packing_efficiency[d] sum allocated_d / sum allocatable_d over the used nodes (1 = full)
//   stranded[d]           free capacity of d on nodes where ANOTHER dimension e has less free
//                         than the smallest request needs (free_e < smallest_e): d is there but
//                         no request can use it
//   fragmentation[d]      share of the cluster's free d that sits on nodes that cannot host the
//                         smallest request at all (any dimension short, d itself included)
// Dimensions a request does not use (smallest_d == 0) never make a node unusable.
//
// GPU fragmentation as Weng et al. define it ("Beware of Fragmentation", USENIX ATC 2023, the
// FGD paper; their simulator's NodeGpuShareFragAmount): for a node n and a pod class m, F_n(m)
// is the free GPU of n that m cannot use:
//   - all of n's free GPU when m asks no GPU, when n fails m's constraints (GPU model), when
//     m's CPU, memory (or any other non-GPU dimension) does not fit n's free, or when m's GPUs
//     do not fit n's devices (fewer than m.gpus devices with m's share free);
//   - otherwise the free GPU of the devices whose free is below m's per-device share (a 0.3
//     GPU left on a device is a fragment for a pod wanting 0.5 GPU). A pooled node (no
//     devices) has no such partial fragments.
// The node's fragmentation is the expectation over the workload, F_n = sum_m p_m F_n(m), and
// the cluster's the sum over nodes: the GPUs a pod drawn at random from the workload could not
// use. The workload is the trace's pod classes by popularity (workload_classes(); FGD keeps the
// most popular classes covering 95% of the pods, CPU-only pods included, as here).
// One difference: FGD checks CPU and GPU; vmcsim also checks memory and the node's constraints.
#include <array>
#include <span>
#include <vector>

#include "models/placement/node_view.hpp"

namespace vmcsim::models::placement {

struct PackingMetrics {
  std::size_t nodes_used = 0;
  std::array<double, kDimensions> packing_efficiency{};  // indexed by Dimension
  ResourceVector stranded;
  std::array<double, kDimensions> fragmentation{};

  double efficiency(Dimension d) const { return packing_efficiency[static_cast<std::size_t>(d)]; }
  double fragmented(Dimension d) const { return fragmentation[static_cast<std::size_t>(d)]; }
};

PackingMetrics packing_metrics(std::span<const NodeView> nodes, const ResourceVector& smallest);

// packing_metrics one node at a time, for callers that have a node's amounts but no NodeView
// (the metrics sampler, which would otherwise build a view of every node every sample). Adding
// the nodes of a span in order gives packing_metrics of that span exactly.
class PackingAccumulator {
 public:
  explicit PackingAccumulator(const ResourceVector& smallest) : smallest_{smallest} {}
  // used: the node has a task or any allocation (NodeView: tasks > 0 || allocated != {}).
  void add(const ResourceVector& allocatable, const ResourceVector& allocated, bool used);
  PackingMetrics result() const;

 private:
  ResourceVector smallest_;
  PackingMetrics m_;
  ResourceVector used_alloc_, used_cap_, free_total_, free_unusable_;
};

// One kind of pod in a workload and its share of the pods.
struct PodClass {
  PlacementRequest request;  // demand, gpus and constraints (one representative pod)
  double weight = 0.0;       // share; the weights of a workload sum to 1
};

// The classes of `pods` (equal demand, gpus and constraints), most frequent first (ties in
// demand order), keeping the most frequent until they cover at least `popularity` (0..1] of the
// pods, with weights renormalised over the classes kept. Empty for no pods.
std::vector<PodClass> workload_classes(std::span<const PlacementRequest> pods,
                                       double popularity = 0.95);

// F_n in milli-GPUs (see above) of `node` as it is, and as it would be after placing `request`
// on it (FGD's score; `request` must be feasible there).
double gpu_fragmentation(const NodeView& node, std::span<const PodClass> workload);
double gpu_fragmentation_after(const NodeView& node, const PlacementRequest& request,
                               std::span<const PodClass> workload);

}  // namespace vmcsim::models::placement
