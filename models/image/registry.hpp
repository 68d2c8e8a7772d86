#pragma once
// Registry: where images come from. Its egress bandwidth is one resource of the FlowModel,
// shared by every concurrent layer download from it; each layer request also pays a fixed
// per-request latency (manifest/blob round trips, auth) before its bytes flow.
#include <string>
#include "models/resources/flow_model.hpp"
#include "sim/time.hpp"
#include "sim/units.hpp"

namespace vmcsim::models {

struct RegistrySpec {
  std::string name = "registry";
  sim::DataRate egress = sim::DataRate::gbps(10);
  sim::Time request_latency = sim::Time::from_ms(20);
};

class Registry {
 public:
  Registry(FlowModel& flows, RegistrySpec spec)
      : spec_(std::move(spec)),
        egress_(flows.add_resource(spec_.name + "/egress", spec_.egress.bytes_per_second())) {}
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  const RegistrySpec& spec() const { return spec_; }
  ResourceId egress() const { return egress_; }

 private:
  RegistrySpec spec_;
  ResourceId egress_;
};

}  // namespace vmcsim::models
