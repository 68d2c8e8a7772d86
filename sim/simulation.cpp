#include "sim/simulation.hpp"

namespace vmcsim::sim {
template class BasicSimulation<RadixHeapQueue<>>;
}  // namespace vmcsim::sim
