#pragma once
// WorkEstimate: how much a scenario asks of the simulator, estimated before the first event,
// so that a runaway scenario (a rate of 1e9 per second for a day, ten million replicas, an HPA
// synced every nanosecond) is refused at load with the key that drives it, instead of running
// for hours or aborting out of memory.
//
// The estimate is an order of magnitude, not a prediction: per run, about 4 events per request
// (arrival, start, finish, departure) from the peak arrival rate of each workload over the
// duration (a burst adds its extra rate over its length), 20 events per replica, host or pod
// (placement and start phases), one event per autoscaler sync and cluster-autoscaler scan, and
// 10,000 events of set-up; memory from about 16 KiB per replica, 8 KiB per host and 4 KiB per
// pod. Runs = replications x variants x sweep points. A trace workload adds what its file size
// allows (one request per 16 bytes). Checked by the loader against a WorkBudget.
#include <string>

#include "app/scenario/scenario.hpp"

namespace vmcsim::app::scenario {

struct WorkEstimate {
  double runs = 0;          // replications x variants x sweep points
  double events = 0;        // over all runs
  double instances = 0;     // replicas (at their maximum) and pods of one run
  double hosts = 0;         // hosts of one run
  double memory_bytes = 0;  // peak model state of one run
  // The key that contributes most to the quantity over budget (or to events), as a scenario
  // path ("workloads[0].rate"), and what it contributes.
  std::string driver;
  std::string driver_reason;
};

// What a scenario may ask before `validate` and `run` refuse it (LoadOptions::allow_large
// lifts the refusal). At a few million events per second, the default event budget is about
// ten minutes of simulation.
struct WorkBudget {
  double max_events = 2e9;
  double max_instances = 1e6;
  double max_hosts = 1e6;
  double max_memory_bytes = 8.0 * (1LL << 30);
};

WorkEstimate estimate_work(const Scenario& s);

// The first budget the estimate exceeds, as a sentence naming the estimate and the key that
// drives it; empty if within budget. The driver is set to that quantity's key.
std::string over_budget(WorkEstimate& e, const Scenario& s, const WorkBudget& budget);

// "2.4e9 events over 12 runs, 1,200 instances, 12 hosts, ~20 MiB per run".
std::string to_string(const WorkEstimate& e);

}  // namespace vmcsim::app::scenario
