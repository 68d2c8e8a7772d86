#pragma once
// ClusterWorld: the ObservedWorld of a Cluster (capacity, queues, unplaced instances, arrivals
// and its bill as BillingRecords).
//
// Billing: the Cluster's BillableUsage lines map one to one. Per-hour lines (hosts, instances,
// node VMs) keep their price and duration. Fargate lines ("fargate:<instance id>") become
// Fargate records of the service's request as the Cluster sizes it (max of CPU request and
// limit, memory limit), so bill() finds the same size and cost and also the rounding waste.
#include <vector>

#include "models/cluster/cluster.hpp"
#include "models/metrics/collector.hpp"

namespace vmcsim::models::metrics {

class ClusterWorld final : public ObservedWorld {
 public:
  explicit ClusterWorld(const Cluster& cluster) : cluster_(cluster) {}

  double capacity_rps() const override;
  double capacity_rps(std::size_t service) const override;
  std::int64_t queued_requests(std::size_t service) const override;
  std::int64_t unplaced_instances() const override;
  std::vector<BillingRecord> billing(sim::Time now) const override;
  std::uint64_t submitted(std::size_t service) const override;
  std::uint64_t evictions() const override;
  std::vector<ReplicaStatus> replicas() const override;

 private:
  const Cluster& cluster_;
};

// The Cluster's billable usage as BillingRecords (see above). Throws std::invalid_argument for
// a line priced per vCPU/GB that is not a Fargate task of a known instance.
std::vector<BillingRecord> billing_records(const Cluster& cluster, sim::Time now);

}  // namespace vmcsim::models::metrics
