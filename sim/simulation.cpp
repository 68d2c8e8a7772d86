#include "sim/simulation.hpp"

namespace vmcsim::sim {
template class BasicSimulation<DaryHeapQueue<4>>;
}  // namespace vmcsim::sim
