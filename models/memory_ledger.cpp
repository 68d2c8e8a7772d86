#include "models/memory_ledger.hpp"

#include <stdexcept>

namespace vmcsim::models {

std::string_view to_string(MemoryUse kind) {
  switch (kind) {
    case MemoryUse::application:
      return "application";
    case MemoryUse::guest_os:
      return "guest_os";
    case MemoryUse::hypervisor_overhead:
      return "hypervisor_overhead";
    case MemoryUse::runtime_overhead:
      return "runtime_overhead";
    case MemoryUse::system_reserved:
      return "system_reserved";
    case MemoryUse::image_cache:
      return "image_cache";
  }
  return "unknown";
}

MemoryLedger::MemoryLedger(sim::Bytes capacity) : capacity_{capacity} {
  if (capacity < sim::Bytes{0})
    throw std::invalid_argument("MemoryLedger: negative capacity " + capacity.to_string());
}

bool MemoryLedger::try_reserve(sim::Bytes size, MemoryUse kind) {
  if (size < sim::Bytes{0})
    throw std::invalid_argument("MemoryLedger::try_reserve: negative size " + size.to_string() +
                                " for " + std::string{to_string(kind)});
  if (!fits(size)) return false;
  used_[static_cast<std::size_t>(kind)] += size;
  total_ += size;
  return true;
}

void MemoryLedger::release(sim::Bytes size, MemoryUse kind) {
  sim::Bytes& part = used_[static_cast<std::size_t>(kind)];
  if (size < sim::Bytes{0} || part < size)
    throw std::logic_error("MemoryLedger::release: releasing " + size.to_string() + " of " +
                           std::string{to_string(kind)} + " which holds " + part.to_string());
  part -= size;
  total_ -= size;
}

}  // namespace vmcsim::models
