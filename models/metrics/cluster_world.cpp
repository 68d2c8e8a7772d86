#include "models/metrics/cluster_world.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>

namespace vmcsim::models::metrics {

double ClusterWorld::capacity_rps() const {
  double total = 0.0;
  for (std::size_t s = 0; s < cluster_.service_count(); ++s)
    total += cluster_.capacity_rps(s);
  return total;
}

double ClusterWorld::capacity_rps(std::size_t service) const {
  return cluster_.capacity_rps(service);
}

std::int64_t ClusterWorld::queued_requests(std::size_t service) const {
  return static_cast<std::int64_t>(cluster_.queued_requests(service));
}

std::int64_t ClusterWorld::unplaced_instances() const {
  return static_cast<std::int64_t>(cluster_.pending_instances());
}

std::uint64_t ClusterWorld::submitted(std::size_t service) const {
  return cluster_.submitted(service);
}

std::vector<BillingRecord> ClusterWorld::billing(sim::Time now) const {
  return billing_records(cluster_, now);
}

std::vector<BillingRecord> billing_records(const Cluster& cluster, sim::Time now) {
  constexpr std::string_view kFargate = "fargate:";
  std::vector<BillingRecord> out;
  for (const BillableUsage& u : cluster.billable_usage(now)) {
    BillingRecord r;
    r.what = u.what;
    r.duration = u.duration;
    if (u.usd_per_vcpu_hour == 0.0 && u.usd_per_gb_hour == 0.0) {
      r.model = BillingModel::per_hour;
      r.usd_per_hour = u.usd_per_hour;
      out.push_back(std::move(r));
      continue;
    }
    const std::string_view what = u.what;
    InstanceId id = kNoInstance;
    const bool named =
        what.starts_with(kFargate) &&
        std::from_chars(what.data() + kFargate.size(), what.data() + what.size(), id).ec ==
            std::errc{};
    if (!named || id >= cluster.runtime().instance_count())
      throw std::invalid_argument("billing: '" + u.what +
                                  "' is priced per vCPU and GB but is no Fargate task");
    const Instance& instance = cluster.runtime().instance(id);
    const ServiceConfig* service = nullptr;
    for (std::size_t s = 0; s < cluster.service_count(); ++s)
      if (cluster.service_config(s).name == instance.service) service = &cluster.service_config(s);
    if (service == nullptr)
      throw std::invalid_argument("billing: '" + u.what + "' belongs to no service");
    r.model = BillingModel::fargate;
    r.cpu = std::max(service->cpu_request, service->cpu_limit);
    r.memory = service->memory_limit;
    r.fargate_price = {u.usd_per_vcpu_hour, u.usd_per_gb_hour};
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ReplicaStatus> ClusterWorld::replicas() const {
  std::vector<ReplicaStatus> out;
  out.reserve(cluster_.replica_count());
  for (std::size_t r = 0; r < cluster_.replica_count(); ++r)
    out.push_back(cluster_.replica_status(r));
  return out;
}

std::uint64_t ClusterWorld::evictions() const {
  return cluster_.evictions();
}

}  // namespace vmcsim::models::metrics
