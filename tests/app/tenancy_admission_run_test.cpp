// Quota admission through a whole run: the scenario's namespace and quota, the runner's
// Kubernetes variant (app/runner/tenancy.hpp), the Cluster's admission and the results' instance
// accounting. Hand-worked: requests.cpu = 1 admits three pods of 300m (900m) and refuses the
// fourth; a variant that creates no pods (plain ECS-style first-fit containers) admits all four.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>

#include "app/report/csv_writers.hpp"
#include "app/runner/runner.hpp"
#include "app/scenario/loader.hpp"

using namespace vmcsim;
using namespace vmcsim::app;

namespace {

const char* const kScenario = R"(name: quota
duration: 2m
seed: 5
replications: 1
hosts:
  - {name: metal, count: 1, cpu: "16", memory: 64GiB}
registry: {bandwidth: 1Gbps, latency: 20ms}
images:
  web: {size: 50MiB, layers: 2}
tenants:
  - {name: team}
namespaces:
  - name: team
    tenant: team
    quota: {name: compute-resources, hard: {requests.cpu: "1"}}
services:
  - {name: web, tenant: team, namespace: team, image: web, cpu: 300m, memory: 256MiB, replicas: 4}
variants:
  - {name: k8s, platform: container, profile: runc, placement: k8s}
  - {name: plain, platform: container, profile: runc, placement: first_fit}
)";

const VariantSummary& variant(const RunResults& r, const std::string& name) {
  const auto it = std::find_if(r.variants.begin(), r.variants.end(),
                               [&](const VariantSummary& v) { return v.name == name; });
  REQUIRE(it != r.variants.end());
  return *it;
}

}  // namespace

TEST_CASE("a run admits three pods of 300m under a one-CPU quota and reports the fourth rejected") {
  const auto s = scenario::load_scenario_text(kScenario, "quota.yaml");
  runner::RunOptions options;
  options.jobs = 1;
  const RunResults r = runner::run_scenario(s, options);
  const VariantSummary& k8s = variant(r, "k8s");
  CHECK(k8s.instances_requested.mean == 4);
  CHECK(k8s.instances_ready.mean == 3);
  CHECK(k8s.instances_rejected.mean == 1);
  CHECK(k8s.instances_not_ready.mean == 1);
  // Conservation: every requested replica is ready, never placed, never started, cancelled or
  // rejected.
  CHECK(k8s.instances_requested.mean ==
        k8s.instances_ready.mean + k8s.instances_never_placed.mean +
            k8s.instances_never_started.mean + k8s.instances_cancelled.mean +
            k8s.instances_rejected.mean);
  REQUIRE(k8s.not_ready_reasons.size() == 1);
  CHECK(k8s.not_ready_reasons[0].reason ==
        "rejected by admission: exceeded quota: compute-resources, requested: requests.cpu=300m, "
        "used: requests.cpu=900m, limited: requests.cpu=1");
  CHECK(k8s.not_ready_reasons[0].instances == 1);
  // instances.csv carries the API server's whole message on the rejected pod's row.
  std::ostringstream csv;
  report::write_instances_csv(r, csv);
  CHECK(csv.str().find(",pending,\"pods \"\"web-3\"\" is forbidden: exceeded quota: "
                       "compute-resources, requested: requests.cpu=300m, used: requests.cpu=900m, "
                       "limited: requests.cpu=1\"\n") != std::string::npos);
  // Not a Kubernetes variant: no pods, no admission.
  const VariantSummary& plain = variant(r, "plain");
  CHECK(plain.instances_ready.mean == 4);
  CHECK(plain.instances_rejected.mean == 0);
}
