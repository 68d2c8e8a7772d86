#pragma once
// Registry: where images come from. Its egress bandwidth is one link of the TransferNetwork,
// shared by every concurrent layer download from it; each layer request also pays a fixed
// per-request latency (manifest/blob round trips, auth) before its bytes flow.
#include <string>
#include "models/image/transfer_network.hpp"
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
  Registry(TransferNetwork& network, RegistrySpec spec)
      : spec_(std::move(spec)), egress_(network.add_link(spec_.name + "/egress", spec_.egress)) {}
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  const RegistrySpec& spec() const { return spec_; }
  TransferNetwork::LinkId egress() const { return egress_; }

 private:
  RegistrySpec spec_;
  TransferNetwork::LinkId egress_;
};

}  // namespace vmcsim::models
