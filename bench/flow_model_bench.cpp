// FlowModel cost per flow completion (each completion starts a replacement flow, so the
// number of flows in progress stays constant):
//  - independent hosts: every flow is local to its host's CPU, so a change recomputes one
//    host's component; the cost per completion should not grow with the number of hosts;
//  - a shared registry: every flow crosses the registry's egress and its host's NIC, so the
//    whole model is one component and a change recomputes all n flows.
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "models/resources/flow_model.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using models::FlowModel;
using models::ResourceId;

namespace {

class Churn {
 public:
  Churn(std::size_t hosts, std::size_t flows_per_host, bool shared_registry)
      : rng_{42, 0, "bench/flow_model"}, shared_{shared_registry} {
    if (shared_) registry_ = flows_.add_resource("registry", 1e9);
    for (std::size_t h = 0; h < hosts; ++h)
      host_.push_back(flows_.add_resource("host", 1e8 + 1e8 * rng_.uniform01()));
    for (std::size_t h = 0; h < hosts; ++h)
      for (std::size_t i = 0; i < flows_per_host; ++i)
        start(h);
  }
  std::uint64_t completions() const { return completions_; }
  void run_until_completions(std::uint64_t n) {
    target_ = completions_ + n;
    sim_.run();
  }

 private:
  void start(std::size_t h) {
    const double amount = 1e6 + 1e8 * rng_.uniform01();
    const std::array<ResourceId, 2> path{host_[h], registry_};
    flows_.start_flow(std::span{path.data(), shared_ ? 2u : 1u}, amount, models::kUncapped,
                      [this, h] { done(h); });
  }
  void done(std::size_t h) {
    ++completions_;
    start(h);
    if (completions_ >= target_) sim_.stop();
  }

  sim::Simulation sim_;
  FlowModel flows_{sim_};
  sim::RandomStream rng_;
  bool shared_;
  ResourceId registry_;
  std::vector<ResourceId> host_;
  std::uint64_t completions_ = 0, target_ = 0;
};

void run(benchmark::State& state, bool shared) {
  Churn churn{static_cast<std::size_t>(state.range(0)), 4, shared};
  for (auto _ : state)
    churn.run_until_completions(1000);
  state.SetItemsProcessed(static_cast<std::int64_t>(churn.completions()));
}

void BM_flow_churn_independent_hosts(benchmark::State& state) {
  run(state, false);
}
void BM_flow_churn_shared_registry(benchmark::State& state) {
  run(state, true);
}

}  // namespace

BENCHMARK(BM_flow_churn_independent_hosts)->Arg(10)->Arg(1000)->Arg(10000);
BENCHMARK(BM_flow_churn_shared_registry)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK_MAIN();
