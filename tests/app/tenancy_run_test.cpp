// Tenancy from the scenario file down to running clusters: scenarios/multi-tenant.yaml's
// variants, built by the runner (app/runner/tenancy.hpp), place each tenant as its variant's
// isolation says, read from the runtime's instances.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "app/runner/world.hpp"
#include "app/scenario/loader.hpp"
#include "compiled_paths.hpp"
#include "models/cluster/cluster.hpp"
#include "sim/simulation.hpp"

using namespace vmcsim;
using namespace vmcsim::app;

namespace {

struct Sharing {
  int vm_node = 0;  // pairs of live instances of different tenants on one VM node
  int kernel = 0;   // ... in one kernel (plain containers on one node)
  int host = 0;     // ... on one physical host
  std::set<std::string> profiles;
};

// Runs `variant` of the multi-tenant scenario for 90 s (the initial replicas and nodes).
Sharing run(const std::string& variant) {
  const auto catalog = models::Catalog::load_default();
  const auto s = scenario::load_scenario(
      std::filesystem::path{VMCSIM_SOURCE_DIR_FOR_TESTS} / "scenarios/multi-tenant.yaml", catalog);
  const auto world = runner::prepare_world(s, catalog);
  std::map<std::string, std::string> tenant_of;
  for (const auto& [service, t] : s.tenancy.services)
    tenant_of[service] = t.tenant;
  for (std::size_t v = 0; v < s.variants.size(); ++v) {
    if (s.variants[v].name != variant) continue;
    models::ClusterConfig config = world->variants.at(v).cluster;
    sim::Simulation sim;
    models::Cluster cluster{sim, config};
    sim.run_until(sim::Time::from_s(90));
    Sharing out;
    std::vector<const models::Instance*> live;
    const auto& rt = cluster.runtime();
    for (models::InstanceId id = 0; id < rt.instance_count(); ++id) {
      const auto& i = rt.instance(id);
      if (i.is_live() && tenant_of.contains(i.service)) {
        live.push_back(&i);
        out.profiles.insert(i.profile->name);
      }
    }
    for (std::size_t a = 0; a < live.size(); ++a)
      for (std::size_t b = a + 1; b < live.size(); ++b) {
        if (tenant_of[live[a]->service] == tenant_of[live[b]->service]) continue;
        if (live[a]->host != live[b]->host) continue;
        ++out.host;
        if (live[a]->node != live[b]->node) continue;
        if (live[a]->node->is_vm_node()) ++out.vm_node;
        if (live[a]->profile->name == "runc" && live[b]->profile->name == "runc") ++out.kernel;
      }
    return out;
  }
  FAIL("no variant " << variant);
  return {};
}

}  // namespace

TEST_CASE("the multi-tenant scenario's variants keep tenants apart as each one says") {
  // No isolation: the tenants' pods pack onto shared runc nodes.
  const Sharing shared = run("shared-runc");
  CHECK(shared.kernel > 0);
  CHECK(shared.profiles == std::set<std::string>{"runc"});
  // A node pool per tenant: never one VM node.
  CHECK(run("node-pools").vm_node == 0);
  // gVisor sandboxes share VM nodes, each pod its own kernel.
  const Sharing gvisor = run("gvisor-shared");
  CHECK(gvisor.vm_node > 0);
  CHECK(gvisor.profiles == std::set<std::string>{"gvisor"});
  // Dedicated hosts: never one physical host.
  CHECK(run("dedicated-hosts").host == 0);
}
