// Issue 17 at load: semantic limits, hostile structure and the work estimate are refused at
// their line (exit 2) before any event; assumed values are recorded.
#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "app/diagnostic.hpp"
#include "app/scenario/loader.hpp"
#include "app/scenario/yaml_field.hpp"

using namespace vmcsim::app::scenario;
using vmcsim::app::InputError;

namespace {

// A valid scenario with `extra` spliced in at the marked places.
std::string limits_scenario(const std::string& top = "", const std::string& host = "",
                            const std::string& service = "", const std::string& workload = "") {
  return fmt::format(R"(name: x
duration: 10m
{}hosts:
  - name: node
    cpu: "4"
    memory: 8GiB
{}images:
  app: {{size: 50MiB, layers: 1}}
services:
  - name: app
    image: app
    cpu: 250m
    memory: 128Mi
{}workloads:
  - service: app
    kind: poisson
{}variants:
  - name: runc
    platform: container
    profile: runc
registry: {{bandwidth: 1Gbps, latency: 20ms}}
)",
                     top, host, service, workload.empty() ? "    rate: 10\n" : workload);
}

// The error loading `text` gives; fails the test if it loads.
InputError load_error(const std::string& text, const LoadOptions& options = {}) {
  try {
    (void)load_scenario_text(text, "x.yaml", vmcsim::models::Catalog::load_default(), options);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("the scenario loaded");
  throw;
}

}  // namespace

TEST_CASE("replicas below the autoscaler's minimum start the minimum, recorded as assumed") {
  const std::string hpa =
      "    replicas: 0\n    autoscaling: {kind: hpa, min_replicas: 4, max_replicas: 16, "
      "target_cpu_utilization: 0.6}\n";
  const Scenario s = load_scenario_text(limits_scenario("", "", hpa), "x.yaml");
  CHECK(s.services[0].replicas == 4);
  // The one about replicas (the hosts' default power is another).
  std::vector<vmcsim::app::scenario::Assumption> replicas;
  for (const auto& a : s.assumptions)
    if (a.field.rfind("services[", 0) == 0) replicas.push_back(a);
  REQUIRE(replicas.size() == 1);
  CHECK(replicas[0].field == "services[0].replicas");
  CHECK(replicas[0].value == "4");
  CHECK(replicas[0].where.line == 14);
}

TEST_CASE("a file nested deeper than the limit fails at the deep node's line") {
  std::string deep = "description: ";
  for (int i = 0; i < 100; ++i)
    deep += "[";
  for (int i = 0; i < 100; ++i)
    deep += "]";
  const InputError e = load_error(limits_scenario(deep + "\n"));
  CHECK(e.line() == 3);
  CHECK_THAT(e.message(), Catch::Contains("nested more than 64 levels deep"));
}

TEST_CASE("a file larger than the size limit is refused naming the limit") {
  LoadOptions small;
  small.max_file_bytes = 100;
  const InputError e = load_error(limits_scenario(), small);
  CHECK_THAT(e.message(), Catch::Contains("more than the limit of 100"));
  CHECK_THAT(e.message(), Catch::Contains("VMCSIM_MAX_INPUT_BYTES"));
}

TEST_CASE("invalid UTF-8 in a name fails at the bad byte") {
  const InputError e = load_error(limits_scenario("description: caf\xff\n"));
  CHECK(e.line() == 3);
  CHECK(e.column() == 17);
  CHECK_THAT(e.message(), Catch::Contains("invalid UTF-8: byte 0xFF"));
}

TEST_CASE("a megabyte-long unknown key gets no suggestion and a short message") {
  const std::string key(4 << 20, 'k');
  CHECK(closest_match(key, {"name", "kkkk"}).empty());
  const InputError e = load_error(limits_scenario(key + ": 1\n"));
  CHECK(e.line() == 3);
  CHECK(std::string{e.what()}.size() < 1000);
}

TEST_CASE("a file with two YAML documents fails at the second one's line") {
  const std::string first = limits_scenario();
  const InputError e = load_error(first + "---\nname: y\n");
  // The `---` line follows the first document's last line.
  CHECK(e.line() == std::count(first.begin(), first.end(), '\n') + 1);
  CHECK_THAT(e.message(), Catch::Contains("a second YAML document"));
}

TEST_CASE("a UTF-8 byte order mark keeps errors' line and column") {
  const InputError e = load_error("\xEF\xBB\xBF" + limits_scenario("colour: red\n"));
  CHECK(e.line() == 3);
  CHECK(e.column() == 1);
}

TEST_CASE("a runaway scenario is refused at the key that drives its work estimate") {
  struct Case {
    std::string name, text, field;
  };
  const std::string hpa =
      "    autoscaling: {kind: hpa, min_replicas: 1, max_replicas: 4, "
      "target_cpu_utilization: 0.6, sync_period: 1ns}\n";
  const std::vector<Case> cases{
      {"rate 1e9 for 10 minutes", limits_scenario("", "", "", "    rate: 1e9\n"),
       "workloads[0].rate"},
      {"replicas 10000000", limits_scenario("", "", "    replicas: 10000000\n"),
       "services[0].replicas"},
      {"hosts.count 10000000", limits_scenario("", "    count: 10000000\n"), "hosts[0].count"},
      {"replications 100000", limits_scenario("replications: 100000\n"), "replications"},
      {"sync_period 1ns", limits_scenario("", "", hpa), "services[0].autoscaling.sync_period"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const InputError e = load_error(c.text);
      CHECK(e.field() == c.field);
      CHECK_THAT(e.message(), Catch::Contains("refused before the first event"));
      LoadOptions large;
      large.allow_large = true;
      CHECK_NOTHROW(
          load_scenario_text(c.text, "x.yaml", vmcsim::models::Catalog::load_default(), large));
    }
  }
}

TEST_CASE("values outside their documented range fail at their line") {
  struct Case {
    std::string name, text, field;
  };
  const std::vector<Case> cases{
      {"rate 1e12", limits_scenario("", "", "", "    rate: 1e12\n"), "workloads[0].rate"},
      {"rate 1e-12", limits_scenario("", "", "", "    rate: 1e-12\n"), "workloads[0].rate"},
      {"duration 106751d",
       "name: x\nduration: 106751d\n" + limits_scenario().substr(limits_scenario().find("hosts:")),
       "duration"},
      {"burst multiplier 1e9",
       limits_scenario("", "", "",
                       "    rate: 10\n    bursts: [{at: 1m, duration: 1m, multiplier: 1e9}]\n"),
       "workloads[0].bursts[0].multiplier"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const InputError e = load_error(c.text);
      CHECK(e.field() == c.field);
      CHECK(e.line() > 0);
    }
  }
}

TEST_CASE("YAML on which the parser stops advancing is an error at its line, not an endless load") {
  // Found by the scenario fuzz target: yaml-cpp 0.7 returns the same empty document for ever on
  // a stray ',' at the top, and YAML::LoadAll grew without bound.
  const InputError e = load_error(",      : x\nname: bad\n");
  CHECK(e.line() == 1);
  CHECK_THAT(e.message(), Catch::Contains("cannot read past this point"));
}
