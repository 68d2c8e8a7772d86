#include "models/placement/resources.hpp"

#include <fmt/format.h>

#include "sim/parse_error.hpp"

namespace vmcsim::models::placement {

std::string_view to_string(Dimension d) {
  switch (d) {
    case Dimension::cpu:
      return "cpu";
    case Dimension::memory:
      return "memory";
    case Dimension::disk:
      return "disk";
    case Dimension::network:
      return "network";
    case Dimension::gpu:
      return "gpu";
  }
  return "?";
}

Dimension parse_dimension(std::string_view text) {
  for (const Dimension d : kAllDimensions) {
    if (to_string(d) == text) return d;
  }
  throw sim::ParseError(fmt::format(
      "unknown resource dimension '{}': expected cpu, memory, disk, network or gpu", text));
}

ResourceVector nonzero_requests(const ResourceVector& demand) {
  ResourceVector out = demand;
  if (out.cpu == sim::Millicores{}) out.cpu = kDefaultScoringCpu;
  if (out.memory == sim::Bytes{}) out.memory = kDefaultScoringMemory;
  return out;
}

double ResourceVector::amount(Dimension d) const {
  switch (d) {
    case Dimension::cpu:
      return static_cast<double>(cpu.value());
    case Dimension::memory:
      return static_cast<double>(memory.count());
    case Dimension::disk:
      return disk.bytes_per_second();
    case Dimension::network:
      return network.bytes_per_second();
    case Dimension::gpu:
      return static_cast<double>(gpu_milli);
  }
  return 0.0;
}

bool ResourceVector::fits_in(const ResourceVector& o) const {
  return cpu <= o.cpu && memory <= o.memory && disk <= o.disk && network <= o.network &&
         gpu_milli <= o.gpu_milli;
}

ResourceVector ResourceVector::only(Dimension d) const {
  ResourceVector out;
  switch (d) {
    case Dimension::cpu:
      out.cpu = cpu;
      break;
    case Dimension::memory:
      out.memory = memory;
      break;
    case Dimension::disk:
      out.disk = disk;
      break;
    case Dimension::network:
      out.network = network;
      break;
    case Dimension::gpu:
      out.gpu_milli = gpu_milli;
      break;
  }
  return out;
}

std::string ResourceVector::format(Dimension d) const {
  switch (d) {
    case Dimension::cpu:
      return cpu.to_string();
    case Dimension::memory:
      return memory.to_string();
    case Dimension::disk:
      return disk.to_string();
    case Dimension::network:
      return network.to_string();
    case Dimension::gpu:
      return fmt::format("{} mGPU", gpu_milli);
  }
  return "?";
}

ResourceVector& ResourceVector::operator+=(const ResourceVector& o) {
  cpu += o.cpu;
  memory += o.memory;
  disk = disk + o.disk;
  network = network + o.network;
  gpu_milli += o.gpu_milli;
  return *this;
}

ResourceVector& ResourceVector::operator-=(const ResourceVector& o) {
  cpu -= o.cpu;
  memory -= o.memory;
  disk = disk - o.disk;
  network = network - o.network;
  gpu_milli -= o.gpu_milli;
  return *this;
}

}  // namespace vmcsim::models::placement
