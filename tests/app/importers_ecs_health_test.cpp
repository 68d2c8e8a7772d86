// ECS container health checks: containerDefinitions[].healthCheck is read as the ECS API defines
// it, checked against its ranges at the field's pointer and line:column, and mapped to the
// service's health_check (the first essential container's); what the model cannot take is
// reported, never dropped.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "app/importers/ecs_task_definition.hpp"
#include "app/importers/scenario_fragment.hpp"
#include "fixture_path.hpp"

using namespace vmcsim::app::importers;
using vmcsim::sim::Time;

namespace {

// A task definition of one EC2 task whose containers are `containers` (JSON objects, joined).
std::string ecs_health_task(const std::string& containers) {
  return "{\"family\": \"web\", \"memory\": 512,\n \"containerDefinitions\": [" + containers + "]}";
}

std::string ecs_health_error(const std::string& text) {
  return vmcsim::test::input_error_of([&] { parse_ecs_task_definition(text, "task.json"); });
}

bool ecs_health_noted(const ImportedServices& in, const std::string& part) {
  return std::any_of(in.notes.begin(), in.notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

bool ecs_health_assumed(const ImportedService& s, const std::string& field,
                        const std::string& part) {
  return std::any_of(s.assumptions.begin(), s.assumptions.end(), [&](const ImportedAssumption& a) {
    return a.field == field && a.reason.find(part) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("an ECS health check with only its command leaves every other field to the defaults") {
  const auto task = parse_ecs_task_definition(
      ecs_health_task("{\"name\": \"app\", \"image\": \"nginx\",\n  \"healthCheck\": {\"command\": "
                      "[\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]}}"),
      "task.json");
  const auto& h = task.containers.at(0).health_check;
  REQUIRE(h.has_value());
  CHECK(h->command.size() == 2);
  CHECK_FALSE(h->disabled());
  CHECK_FALSE(h->interval.has_value());
  CHECK_FALSE(h->timeout.has_value());
  CHECK_FALSE(h->retries.has_value());
  CHECK_FALSE(h->start_period.has_value());
  CHECK(h->where.line == 3);
  const auto in = imported_services(task);
  const auto& probe = in.services.at(0).health.health_check;
  REQUIRE(probe.has_value());
  CHECK_FALSE(probe->period.has_value());  // the catalog's default, filled when it loads
  CHECK_FALSE(probe->failure_threshold.has_value());
  CHECK_FALSE(probe->initial_delay.has_value());
  // The fragment writes the check with no fields, which the loader completes.
  const std::string yaml = scenario_fragment(in).to_yaml();
  CHECK(yaml.find("    health_check:\n      {}\n") != std::string::npos);
  CHECK(summarize(task).find("health check CMD-SHELL (ECS defaults for the rest)") !=
        std::string::npos);
}

TEST_CASE("an ECS health check maps interval, timeout, retries and startPeriod") {
  const auto task = parse_ecs_task_definition(
      ecs_health_task("{\"name\": \"app\", \"image\": \"nginx\", \"healthCheck\": {\"command\": "
                      "[\"CMD\", \"/bin/check\"], \"interval\": 10, \"timeout\": 4, \"retries\": "
                      "2, \"startPeriod\": 60}}"),
      "task.json");
  const auto in = imported_services(task);
  const auto& s = in.services.at(0);
  const auto& probe = s.health.health_check;
  REQUIRE(probe.has_value());
  CHECK(probe->period == Time::from_s(10));
  CHECK(probe->failure_threshold == 2);
  CHECK(probe->initial_delay == Time::from_s(60));
  CHECK_FALSE(probe->success_threshold.has_value());
  CHECK(probe->timeout == Time::from_s(4));
  CHECK_FALSE(ecs_health_noted(in, "not modelled"));
  CHECK_FALSE(ecs_health_assumed(s, "health_check.timeout", ""));
  const std::string yaml = scenario_fragment(in).to_yaml();
  INFO(yaml);
  CHECK(yaml.find("    health_check:\n      interval: 10s\n      timeout: 4s\n      retries: "
                  "2\n      start_period: 1m\n") != std::string::npos);
  CHECK(summarize(task).find(
            "health check CMD, interval 10s, timeout 4s, retries 2, startPeriod 60s\n") !=
        std::string::npos);
}

TEST_CASE("an ECS health check outside the API's ranges is an error at its field") {
  const auto check = [](const std::string& fields) {
    return ecs_health_error(ecs_health_task(
        "{\"name\": \"a\", \"image\": \"i\",\n  \"healthCheck\": {\"command\": [\"CMD\", \"x\"], " +
        fields + "}}"));
  };
  CHECK(check("\"interval\": 4") ==
        "task.json:3:56: error: /containerDefinitions/0/healthCheck/interval: 4 is out of range "
        "(the ECS API takes 5 to 300 seconds)");
  CHECK(check("\"interval\": 301").find("/healthCheck/interval: 301 is out of range") !=
        std::string::npos);
  CHECK(check("\"timeout\": 1") ==
        "task.json:3:55: error: /containerDefinitions/0/healthCheck/timeout: 1 is out of range "
        "(the ECS API takes 2 to 60 seconds)");
  CHECK(check("\"timeout\": 61").find("/healthCheck/timeout: 61 is out of range") !=
        std::string::npos);
  CHECK(check("\"retries\": 0") ==
        "task.json:3:55: error: /containerDefinitions/0/healthCheck/retries: 0 is out of range "
        "(the ECS API takes 1 to 10 retries)");
  CHECK(check("\"retries\": 11").find("/healthCheck/retries: 11 is out of range") !=
        std::string::npos);
  CHECK(check("\"startPeriod\": 301") ==
        "task.json:3:59: error: /containerDefinitions/0/healthCheck/startPeriod: 301 is out of "
        "range (the ECS API takes 0 to 300 seconds)");
  CHECK(check("\"interval\": \"10\"") ==
        "task.json:3:56: error: /containerDefinitions/0/healthCheck/interval: expected an integer");
  const auto command = [](const std::string& value) {
    return ecs_health_error(
        ecs_health_task("{\"name\": \"a\", \"image\": \"i\",\n  "
                        "\"healthCheck\": " +
                        value + "}"));
  };
  CHECK(command("{\"interval\": 10}") ==
        "task.json:3:18: error: /containerDefinitions/0/healthCheck: missing required \"command\"");
  CHECK(command("{\"command\": []}") ==
        "task.json:3:30: error: /containerDefinitions/0/healthCheck/command: expected a non-empty "
        "array of strings ([\"CMD-SHELL\", \"...\"])");
  CHECK(command("{\"command\": \"curl localhost\"}")
            .find("/healthCheck/command: expected a non-empty array") != std::string::npos);
  CHECK(command("{\"command\": [\"RUN\", \"x\"]}") ==
        "task.json:3:31: error: /containerDefinitions/0/healthCheck/command/0: 'RUN' is not CMD, "
        "CMD-SHELL or NONE (the command's first element)");
  CHECK(command("{\"command\": [\"CMD\", 7]}") ==
        "task.json:3:38: error: /containerDefinitions/0/healthCheck/command/1: expected a string");
  CHECK(command("[\"CMD\"]") ==
        "task.json:3:18: error: /containerDefinitions/0/healthCheck: expected an object");
}

TEST_CASE("of several essential ECS containers' checks the service takes its own container's") {
  const auto in = imported_services(parse_ecs_task_definition(
      ecs_health_task("{\"name\": \"app\", \"image\": \"app\", \"healthCheck\": {\"command\": "
                      "[\"CMD\", \"a\"], \"interval\": 20}},\n"
                      "{\"name\": \"proxy\", \"image\": \"envoy\", \"healthCheck\": {\"command\": "
                      "[\"CMD\", \"p\"], \"interval\": 5, \"retries\": 1}}"),
      "task.json"));
  const auto& s = in.services.at(0);
  CHECK(s.image == "app");
  REQUIRE(s.health.health_check.has_value());
  CHECK(s.health.health_check->period == Time::from_s(20));
  CHECK(s.health.health_check->source == "container 'app' healthCheck");
  CHECK(ecs_health_noted(in, "container 'proxy' health check CMD, interval 5s, retries 1"));
  CHECK(ecs_health_assumed(s, "health_check", "an essential container other than the one"));
}

TEST_CASE("a non-essential ECS container's health check is reported as not modelled") {
  const auto in = imported_services(parse_ecs_task_definition(
      ecs_health_task("{\"name\": \"app\", \"image\": \"app\"},\n"
                      "{\"name\": \"logs\", \"image\": \"fluentbit\", \"essential\": false, "
                      "\"healthCheck\": {\"command\": [\"CMD\", \"l\"]}}"),
      "task.json"));
  const auto& s = in.services.at(0);
  CHECK_FALSE(s.health.health_check.has_value());
  CHECK(ecs_health_noted(
      in,
      "container 'logs' health check CMD (ECS defaults for the rest): a non-essential "
      "container's check does not affect the task's health (ECS); not modelled"));
  CHECK(ecs_health_assumed(s, "health_check", "non-essential"));
  const auto& a =
      *std::find_if(s.assumptions.begin(), s.assumptions.end(),
                    [](const ImportedAssumption& x) { return x.field == "health_check"; });
  CHECK(a.value == "not modelled");
  CHECK(a.where.line == 3);  // the healthCheck object, in the task definition
}

TEST_CASE("an ECS health check of NONE is no check") {
  const auto task = parse_ecs_task_definition(
      ecs_health_task("{\"name\": \"app\", \"image\": \"app\", \"healthCheck\": {\"command\": "
                      "[\"NONE\"]}}"),
      "task.json");
  CHECK(task.containers.at(0).health_check->disabled());
  const auto in = imported_services(task);
  CHECK_FALSE(in.services.at(0).health.health_check.has_value());
  CHECK(summarize(task).find("health check NONE (disabled)") != std::string::npos);
}

TEST_CASE("the shared ECS fixtures have no health check and import no health settings") {
  for (const char* name : {"gunicorn_fargate.json", "nginx_ec2.json", "tomcat_ec2.json"}) {
    INFO(name);
    const auto in = imported_services(
        load_ecs_task_definition(vmcsim::test::fixture(std::string{"ecs/"} + name)));
    const auto& h = in.services.at(0).health;
    CHECK_FALSE(h.health_check.has_value());
    CHECK(scenario_fragment(in).to_yaml().find("health_check") == std::string::npos);
  }
}
