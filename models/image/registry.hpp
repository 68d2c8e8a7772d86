#pragma once
// Registry: where images come from. Its egress bandwidth is one resource of the FlowModel,
// shared by every concurrent layer download from it; each layer request also pays a fixed
// per-request latency (manifest/blob round trips, auth) before its bytes flow.
//
// Request rate limits, as registries document them: a token bucket per request kind, granted in
// request order (a request waits until the bucket has its token; the wait is part of the
// image_pull phase of the start that asked).
//  - layer requests: one per layer downloaded (Amazon ECR's GetDownloadUrlForLayer, 3,000 per
//    second per account and Region by default);
//  - image requests: one per image pull that downloads anything (ECR's BatchGetImage, 2,000 per
//    second; Docker Hub's pull limit, 100 manifest pulls per 6 hours per anonymous IP).
// A rate of 0 is no limit. Counters say how many requests the registry served and how long they
// waited in total.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include "models/control_plane/token_bucket.hpp"
#include "models/resources/flow_model.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::models {

struct RegistrySpec {
  std::string name = "registry";
  sim::DataRate egress = sim::DataRate::gbps(10);
  sim::Time request_latency = sim::Time::from_ms(20);
  double layer_request_rate = 0.0;   // per second; 0: no limit
  double layer_request_burst = 0.0;  // bucket size; 0: one second's worth (at least 1)
  double image_request_rate = 0.0;
  double image_request_burst = 0.0;
};

class Registry {
 public:
  // Throws std::invalid_argument for a negative rate or burst.
  Registry(FlowModel& flows, RegistrySpec spec);
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  const RegistrySpec& spec() const { return spec_; }
  ResourceId egress() const { return egress_; }

  // The time (>= now) a layer or image request made now is served; takes its token.
  sim::Time admit_layer_request(sim::Time now) { return admit(layer_, now, layer_waited_); }
  sim::Time admit_image_request(sim::Time now) { return admit(image_, now, image_waited_); }

  std::uint64_t layer_requests() const { return layer_.served; }
  std::uint64_t image_requests() const { return image_.served; }
  sim::Time layer_request_wait() const { return layer_waited_; }
  sim::Time image_request_wait() const { return image_waited_; }

 private:
  struct Limiter {
    std::optional<control_plane::TokenBucket> bucket;
    sim::Time last_grant;  // grants are FIFO: never before the previous one
    std::uint64_t served = 0;
  };
  static Limiter limiter(double rate, double burst);
  static sim::Time admit(Limiter& l, sim::Time now, sim::Time& waited);

  RegistrySpec spec_;
  ResourceId egress_;
  Limiter layer_, image_;
  sim::Time layer_waited_, image_waited_;
};

}  // namespace vmcsim::models
