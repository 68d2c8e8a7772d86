#include "models/image/registry.hpp"

#include <stdexcept>

namespace vmcsim::models {

Registry::Registry(FlowModel& flows, RegistrySpec spec)
    : spec_(std::move(spec)),
      egress_(flows.add_resource(spec_.name + "/egress", spec_.egress.bytes_per_second())),
      layer_(limiter(spec_.layer_request_rate, spec_.layer_request_burst)),
      image_(limiter(spec_.image_request_rate, spec_.image_request_burst)) {}

Registry::Limiter Registry::limiter(double rate, double burst) {
  if (rate < 0.0 || burst < 0.0)
    throw std::invalid_argument("registry: request rates and bursts must not be negative");
  Limiter l;
  // A per-second quota with no published burst: one second's worth of requests.
  if (rate > 0.0) l.bucket.emplace(burst > 0.0 ? std::max(1.0, burst) : std::max(1.0, rate), rate);
  return l;
}

sim::Time Registry::admit(Limiter& l, sim::Time now, sim::Time& waited) {
  ++l.served;
  if (!l.bucket) return now;
  const sim::Time from = std::max(now, l.last_grant);
  const sim::Time at = l.bucket->available_at(from, 1.0);
  l.bucket->take(at, 1.0);
  l.last_grant = at;
  waited += at - now;
  return at;
}

}  // namespace vmcsim::models
