#pragma once
// FailureDriver: plays one run's failure plan (models/failures) against its Cluster, lets each
// platform detect and replace what was lost after its own delays (models/failures/recovery.hpp),
// and measures availability, detection and recovery.
//
//   models::Cluster cluster{sim, config};
//   FailureDriver failures{sim, cluster, spec, recovery_kind(config.variant), {end, warmup},
//                          seed, replication};
//   sim.run_until(end);
//   failures.finish(sim.now(), metrics);  // availability, replicas lost, the failure log
//
// Per lost replica: after RecoveryTimes::unhealthy_after the load balancer stops sending it
// requests (Cluster::mark_unhealthy), after replace_after the platform requests a replacement
// (Cluster::replace_lost), which then pays the whole start (placement, pull, boot). A Kubernetes
// crash waits the CrashLoopBackOff delay of its lineage (the crashed replica and the
// replacements that followed it), reset after 10 minutes of running.
// Kubernetes startup probes: a container whose application is not up startup_deadline after it
// started is killed, logged as a "startup_restart" failure (counted in replicas_lost, in the
// failure log of results.json and trace.json) and replaced after its CrashLoopBackOff delay; a
// driver runs for a scenario with startup probes even when nothing else fails.
// A host that two failures hold down (a zone outage over a random failure) comes back when the
// last of them ends; a Spot-interrupted host never comes back.
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "models/cluster/cluster.hpp"
#include "models/failures/failures.hpp"
#include "models/failures/recovery.hpp"
#include "models/metrics/run_metrics.hpp"
#include "sim/simulation.hpp"

namespace vmcsim::app::runner {

// How the variant's platform detects and replaces lost instances: vm and microvm -> vm_ha,
// except a Fargate profile (fargate_task_sizes) -> ecs; container_in_vm -> kubernetes when the
// node profile is an EKS/Kubernetes node ("eks"/"k8s" in its name), else ecs; containers on bare
// metal -> kubernetes (kubelet and node lifecycle controller on the metal).
models::failures::RecoveryKind recovery_kind(const models::VariantConfig& variant);

// Kubernetes variants: a service with a readiness probe takes requests only once it passes
// (ServiceConfig::readiness_delay); with a startup probe, once that passes and then the readiness
// probe (ServiceConfig::startup_probe). `health` is by service, in the config's order. Other
// platforms have no readiness probe (an ECS container health check does not gate traffic).
void apply_health(models::ClusterConfig& config,
                  std::span<const models::failures::ServiceHealth> health);

class FailureDriver {
 public:
  struct Window {
    sim::Time end;     // the run's duration
    sim::Time warmup;  // availability and counts cover [warmup, end]
  };
  FailureDriver(sim::Simulation& sim, models::Cluster& cluster,
                const models::failures::FailureSpec& spec, models::failures::RecoveryKind kind,
                Window window, std::uint64_t seed, std::uint64_t replication);
  FailureDriver(const FailureDriver&) = delete;
  FailureDriver& operator=(const FailureDriver&) = delete;
  ~FailureDriver();

  // Closes the availability integrals at `now` and writes the failure fields of `m`.
  void finish(sim::Time now, models::metrics::VariantRunMetrics& m);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vmcsim::app::runner
