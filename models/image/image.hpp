#pragma once
// Container images as content-addressed layers.
//
// Two images that share a layer digest share its bytes: a host that already holds the layer
// (or is downloading it) never pulls it again. The digest is the identity; the size is what
// crosses the network and what the layer cache stores.
#include <string>
#include <vector>
#include "sim/units.hpp"

namespace vmcsim::models {

struct Layer {
  std::string digest;  // e.g. "sha256:ab12..."; equal digests are the same bytes
  sim::Bytes size;
};

struct Image {
  std::string name;  // e.g. "nginx:1.25"
  std::vector<Layer> layers;

  sim::Bytes size() const {
    sim::Bytes total;
    for (const Layer& l : layers)
      total += l.size;
    return total;
  }
};

}  // namespace vmcsim::models
