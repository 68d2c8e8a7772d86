#pragma once
// [fn] The function figures of a run (models/serverless), read from the Cluster at the end and
// added to the run's metrics: cold starts, their wait, idle warm memory, Lambda-style billing,
// per function; and the requests of every service still unserved when the run ended.
#include "models/cluster/cluster.hpp"
#include "models/metrics/run_metrics.hpp"

namespace vmcsim::app::runner {

void add_function_metrics(const models::Cluster& cluster, sim::Time now,
                          models::metrics::VariantRunMetrics& metrics);

}  // namespace vmcsim::app::runner
