#pragma once
// FGD, Fragmentation Gradient Descent (Weng et al., "Beware of Fragmentation: Scheduling
// GPU-Sharing Workloads with Fragmentation Gradient Descent", USENIX ATC 2023): place a pod
// where the node's GPU fragmentation grows least.
//
//   const auto classes = workload_classes(requests);      // the target workload (metrics.hpp)
//   auto policy = make_fgd_policy(classes);
//
// Score of a feasible node n: gpu_fragmentation_after(n, pod) - gpu_fragmentation(n), the
// growth of the GPUs a pod drawn from the workload could not use on n; the lowest wins, ties
// to the lowest index. A CPU-only pod grows it where its CPU or memory would stop GPU pods
// from fitting, so FGD keeps such pods off GPU nodes that GPU pods still need.
// Differences from the authors' Kubernetes plugin: the growth is compared as a real number
// (the plugin maps it through a sigmoid to an integer score 0..100, which creates ties); the
// GPU devices a pod takes on the chosen node are NodeView::add()'s best fit (the plugin picks
// the device that grows fragmentation least); memory counts besides CPU.
#include <memory>
#include <vector>

#include "models/placement/metrics.hpp"
#include "models/placement/policy.hpp"

namespace vmcsim::models::placement {

// Throws std::invalid_argument for an empty workload.
std::unique_ptr<PlacementPolicy> make_fgd_policy(std::vector<PodClass> workload);

}  // namespace vmcsim::models::placement
