// The tenancy sections of a scenario (app/scenario/read_tenants.hpp): what loads, and each bad
// input with its FILE:LINE:COL.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "app/diagnostic.hpp"
#include "app/scenario/loader.hpp"
#include "cli_run.hpp"
#include "compiled_paths.hpp"

using namespace vmcsim;
using namespace vmcsim::app::scenario;
using vmcsim::app::InputError;
using vmcsim::models::tenancy::QuotaResource;
using vmcsim::models::tenancy::Share;

namespace {

std::string tenancy_scenario(const std::string& service_extra = "",
                             const std::string& top_extra = "",
                             const std::string& host_extra = "") {
  return R"(name: mt
duration: 1m
hosts:
  - name: pool-a
    count: 2
    cpu: "8"
    memory: 32GiB
)" + host_extra +
         R"(tenants:
  - {name: bank, isolation: host}
  - {name: shop}
  - {name: blog}
isolation:
  default: kernel
  pairs:
    - {tenants: [shop, blog], share: vm-node}
runtime_classes:
  - {name: gvisor, handler: gvisor}
namespaces:
  - name: bank
    tenant: bank
    quota: {hard: {requests.cpu: "4", requests.memory: 8Gi, pods: 10}}
    limit_range: {default: {cpu: 500m}, max: {memory: 2Gi}}
)" + top_extra +
         R"(images:
  web: {size: 100MiB, layers: 2}
services:
  - name: ledger
    image: web
    cpu: 500m
    memory: 512MiB
    tenant: bank
)" + service_extra +
         R"(variants:
  - {name: shared, platform: container, profile: runc, isolation: ignore}
  - {name: sandboxed, platform: container, profile: runc, runtime_class: gvisor}
registry: {bandwidth: 1Gbps, latency: 20ms}
)";
}

std::string tenancy_error(const std::string& text) {
  try {
    load_scenario_text(text, "mt.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("tenants, isolation, namespaces, taints and service terms load") {
  const Scenario s = load_scenario_text(
      tenancy_scenario(R"(    namespace: bank
    tolerations:
      - {key: dedicated, operator: Equal, value: bank, effect: NoSchedule}
    node_selector: {pool: a}
    node_affinity:
      required:
        - match_expressions: [{key: cores, operator: Gt, values: ["4"]}]
      preferred:
        - {weight: 30, match_expressions: [{key: zone, operator: In, values: [z1]}]}
)",
                       "", "    taints: [{key: dedicated, value: bank, effect: NoSchedule}]\n"),
      "mt.yaml");
  const Tenancy& t = s.tenancy;
  CHECK(t.tenants == std::vector<std::string>{"bank", "shop", "blog"});
  REQUIRE(t.isolation);
  CHECK(t.isolation->allowed("bank", "shop") == Share::host);
  CHECK(t.isolation->allowed("shop", "blog") == Share::vm_node);
  CHECK(t.isolation->allowed("blog", "blog") == Share::kernel);
  REQUIRE(t.namespaces.size() == 1);
  CHECK(t.namespaces[0].quotas.at(0).name == "bank-quota");
  CHECK(t.namespaces[0].quotas.at(0).hard.at(QuotaResource::requests_memory) ==
        sim::Bytes::gib(8).count());
  CHECK(t.namespaces[0].limit_ranges.at(0).default_cpu == sim::Millicores{500});
  CHECK(t.taints.at("pool-a").size() == 1);
  const ServiceTenancy& ledger = t.services.at("ledger");
  CHECK(ledger.tenant == "bank");
  CHECK(ledger.ns == "bank");
  CHECK(ledger.tolerations.size() == 1);
  CHECK(ledger.node_affinity.node_selector.at("pool") == "a");
  CHECK(ledger.node_affinity.preferred.at(0).weight == 30);
  CHECK(t.runtime_classes.at(0).sandboxed);
  // Quotas are enforced in runs now: nothing to warn about.
  CHECK(t.warnings.empty());
  CHECK_FALSE(t.variants.at("shared").enforce_isolation);
  CHECK(t.variants.at("sandboxed").runtime_class == "gvisor");
}

TEST_CASE("a service whose tenant is undefined fails at the tenant") {
  const std::string text = tenancy_scenario();
  CHECK(tenancy_error(text).empty());
  const auto at = text.find("    tenant: bank\n", text.find("services:"));
  std::string typo = text;
  typo.replace(at, 17, "    tenant: bnak\n");
  CHECK(tenancy_error(typo) ==
        "mt.yaml:30:13: error: services[0].tenant: undefined tenant 'bnak' (did you mean "
        "'bank'? defined: bank, shop, blog)");
}

TEST_CASE("with tenants defined a service without one fails") {
  std::string text = tenancy_scenario();
  const auto at = text.find("    tenant: bank\n", text.find("services:"));
  text.erase(at, 17);
  CHECK_THAT(tenancy_error(text),
             Catch::StartsWith("mt.yaml:26:5: error: services[0].tenant: missing"));
}

TEST_CASE("a policy that names an unknown tenant fails at the name") {
  std::string text = tenancy_scenario();
  text.replace(text.find("[shop, blog]"), 12, "[shop, blob]");
  CHECK(tenancy_error(text) ==
        "mt.yaml:15:24: error: isolation.pairs[0].tenants[1]: undefined tenant 'blob' (did you "
        "mean 'blog'? defined: bank, shop, blog)");
}

TEST_CASE("a quota with a bad unit fails at the quantity") {
  std::string text = tenancy_scenario();
  text.replace(text.find("requests.memory: 8Gi"), 20, "requests.memory: 8GB");
  CHECK_THAT(tenancy_error(text),
             Catch::StartsWith("mt.yaml:21:56: error: namespaces[0].quota.hard."
                               "requests.memory: "));
  std::string resource = tenancy_scenario();
  resource.replace(resource.find("pods: 10"), 8, "pod: 10");
  CHECK_THAT(tenancy_error(resource),
             Catch::Contains("unknown quota resource 'pod' (did you mean 'pods'?"));
}

TEST_CASE("bad share levels, effects and operators are errors") {
  std::string level = tenancy_scenario();
  level.replace(level.find("isolation: host"), 15, "isolation: vm");
  CHECK_THAT(tenancy_error(level), Catch::Contains("unknown share level 'vm' (allowed: kernel, "
                                                   "vm-node, host, nothing)"));
  CHECK_THAT(tenancy_error(tenancy_scenario("", "", "    taints: [{key: k, effect: NoSchedul}]\n")),
             Catch::Contains("hosts[0].taints[0].effect: unknown taint effect 'NoSchedul'"));
  CHECK_THAT(
      tenancy_error(tenancy_scenario("    tolerations: [{key: k, operator: Exists, value: v}]\n")),
      Catch::Contains("must be empty when operator is Exists"));
  CHECK_THAT(
      tenancy_error(tenancy_scenario("    node_affinity: {required: [{match_expressions: "
                                     "[{key: c, operator: Gt, values: [\"1\", \"2\"]}]}]}\n")),
      Catch::Contains("Gt takes exactly one value"));
  CHECK_THAT(tenancy_error(tenancy_scenario("    namespace: nowhere\n")),
             Catch::Contains("undefined namespace 'nowhere'"));
}

TEST_CASE("a toleration for a taint no node has is a warning, not an error") {
  const Scenario s = load_scenario_text(
      tenancy_scenario("    tolerations: [{key: gpu, operator: Exists}]\n"), "mt.yaml");
  REQUIRE(s.tenancy.warnings.size() == 1);
  CHECK_THAT(s.tenancy.warnings[0],
             Catch::StartsWith("mt.yaml:31:19: warning: services[0].tolerations[0]: tolerates "
                               "no taint of any host group"));
}

TEST_CASE("the shipped multi-tenant scenario loads with its five arrangements") {
  const Scenario s = load_scenario(std::filesystem::path{VMCSIM_SOURCE_DIR_FOR_TESTS} /
                                   "scenarios/multi-tenant.yaml");
  CHECK(s.variants.size() == 5);
  CHECK(s.tenancy.tenants.size() == 3);
  CHECK_FALSE(s.tenancy.variants.at("shared-runc").enforce_isolation);
  CHECK(s.tenancy.variants.at("dedicated-hosts").level == Share::nothing);
  CHECK(s.tenancy.warnings.empty());
}

TEST_CASE("vmcsim validate exits 2 at the bad tenant and 0 with the toleration warning on stderr") {
  vmcsim::test::ScratchDir dir{"tenancy-cli"};
  std::string bad = tenancy_scenario();
  bad.replace(bad.find("[shop, blog]"), 12, "[shop, blob]");
  std::ofstream(dir.path() / "bad.yaml") << bad;
  const auto refused = vmcsim::test::run_vmcsim("validate '" + (dir.path() / "bad.yaml").string() + "'", dir.path());
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("bad.yaml:15:24: error: isolation.pairs[0].tenants[1]: undefined "
                         "tenant 'blob'") != std::string::npos);
  std::ofstream(dir.path() / "warn.yaml")
      << tenancy_scenario("    tolerations: [{key: gpu, operator: Exists}]\n");
  const auto accepted = vmcsim::test::run_vmcsim("validate '" + (dir.path() / "warn.yaml").string() + "'", dir.path());
  CHECK(accepted.exit_code == 0);
  CHECK(accepted.err.find("warn.yaml:31:19: warning: services[0].tolerations[0]: tolerates no "
                          "taint of any host group") != std::string::npos);
}
