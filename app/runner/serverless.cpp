#include "app/runner/serverless.hpp"

namespace vmcsim::app::runner {

void add_function_metrics(const models::Cluster& cluster, sim::Time now,
                          models::metrics::VariantRunMetrics& metrics) {
  auto& fm = metrics.functions;
  for (std::size_t s = 0; s < cluster.service_count(); ++s) {
    // Failed requests (lost with an instance) are counted as failed, not as unserved.
    metrics.requests_unserved += cluster.queued_requests(s) + cluster.in_service(s);
    const auto& sc = cluster.service_config(s);
    if (!sc.function.enabled) continue;
    const auto st = cluster.function_stats(s, now);
    fm.measured = true;
    fm.requests += st.requests;
    fm.cold_starts += st.cold_starts;
    fm.cold_wait_ms += st.cold_wait.milliseconds();
    fm.idle_gib_seconds += st.idle_gib_seconds;
    fm.billed_gb_seconds += st.billed_gb_seconds;
    fm.per_function.push_back(
        {sc.name, st.requests, st.cold_starts, st.idle_gib_seconds, st.keep_alive});
  }
}

}  // namespace vmcsim::app::runner
