// ECS task definitions: every shared fixture imports with the values its file states; bad
// fields are reported with their JSON pointer and line:column.
#include <catch2/catch.hpp>

#include "app/importers/ecs_task_definition.hpp"
#include "fixture_path.hpp"

using namespace vmcsim::app::importers;
using vmcsim::app::InputError;
using vmcsim::sim::Bytes;
using vmcsim::sim::Millicores;
using vmcsim::test::fixture;

namespace {

EcsTaskDefinition load(const std::string& name) {
  return load_ecs_task_definition(fixture("ecs/" + name));
}

std::string ecs_error(const std::string& text) {
  return vmcsim::test::input_error_of([&] { parse_ecs_task_definition(text, "task.json"); });
}

}  // namespace

TEST_CASE("the gunicorn task definitions import for EC2 and Fargate") {
  const auto ec2 = load("gunicorn_ec2.json");
  CHECK(ec2.family == "gunicorn");
  CHECK_FALSE(ec2.fargate());
  CHECK(ec2.requires_compatibilities.empty());
  CHECK(ec2.network_mode == "awsvpc");
  CHECK(ec2.cpu_units == 512);
  CHECK(ec2.cpu == Millicores{500});
  CHECK(ec2.memory == Bytes::mib(1024));
  REQUIRE(ec2.containers.size() == 1);
  const auto& c = ec2.containers[0];
  CHECK(c.name == "gunicorn");
  CHECK(c.image == "danriti/gunicorn-flask");
  CHECK(c.cpu_units == 0);
  CHECK(c.memory == Bytes::mib(256));
  CHECK_FALSE(c.memory_reservation.has_value());
  CHECK(c.essential);
  REQUIRE(c.port_mappings.size() == 1);
  CHECK(c.port_mappings[0].container_port == 5000);
  CHECK(c.port_mappings[0].host_port == 5000);
  CHECK(c.port_mappings[0].protocol == "tcp");

  const auto fargate = load("gunicorn_fargate.json");
  CHECK(fargate.fargate());
  CHECK(fargate.requires_compatibilities == std::vector<std::string>{"FARGATE"});
  CHECK(fargate.cpu == Millicores{500});
  CHECK(fargate.memory == Bytes::mib(1024));
  REQUIRE(fargate.containers.size() == 1);
  CHECK_FALSE(fargate.containers[0].memory.has_value());
  CHECK(fargate.containers[0].memory_reservation == Bytes::mib(1024));
}

TEST_CASE("the jetty task definitions import with two port mappings") {
  const auto ec2 = load("jetty_ec2.json");
  CHECK(ec2.family == "jetty");
  REQUIRE(ec2.containers.size() == 1);
  CHECK(ec2.containers[0].image == "jetty");
  CHECK(ec2.containers[0].memory == Bytes::mib(512));
  REQUIRE(ec2.containers[0].port_mappings.size() == 2);
  CHECK(ec2.containers[0].port_mappings[1].container_port == 8443);
  CHECK(ec2.containers[0].port_mappings[1].host_port == 8443);

  const auto fargate = load("jetty_fargate.json");
  CHECK(fargate.fargate());
  CHECK(fargate.cpu == Millicores{500});
  CHECK(fargate.memory == Bytes::mib(1024));
  CHECK(fargate.containers[0].cpu_units == 512);
  CHECK(fargate.containers[0].cpu == Millicores{500});
  CHECK(fargate.containers[0].memory_reservation == Bytes::mib(1024));
  CHECK(fargate.containers[0].port_mappings.size() == 2);
}

TEST_CASE("the nginx task definitions import, EC2 without task-level sizes") {
  const auto ec2 = load("nginx_ec2.json");
  CHECK(ec2.family == "nginx");
  CHECK(ec2.requires_compatibilities == std::vector<std::string>{"EC2"});
  CHECK_FALSE(ec2.fargate());
  CHECK(ec2.network_mode == "bridge");
  CHECK_FALSE(ec2.cpu.has_value());
  CHECK_FALSE(ec2.memory.has_value());
  CHECK(ec2.placement_constraints.empty());
  REQUIRE(ec2.containers.size() == 1);
  CHECK(ec2.containers[0].image == "nginx:latest");
  CHECK(ec2.containers[0].cpu_units == 256);
  CHECK(ec2.containers[0].cpu == Millicores{250});
  CHECK(ec2.containers[0].memory == Bytes::mib(256));
  CHECK(ec2.containers[0].port_mappings.at(0).container_port == 80);
  CHECK_FALSE(ec2.containers[0].port_mappings.at(0).host_port.has_value());
  CHECK(ec2.total_cpu() == Millicores{250});
  CHECK(ec2.total_memory() == Bytes::mib(256));

  const auto fargate = load("nginx_fargate.json");
  CHECK(fargate.fargate());
  CHECK(fargate.network_mode == "awsvpc");
  CHECK(fargate.cpu == Millicores{250});
  CHECK(fargate.memory == Bytes::mib(512));
  CHECK(fargate.total_memory() == Bytes::mib(512));
}

TEST_CASE("the tomcat task definitions import") {
  const auto ec2 = load("tomcat_ec2.json");
  CHECK(ec2.family == "tomcat-webserver");
  REQUIRE(ec2.containers.size() == 1);
  CHECK(ec2.containers[0].name == "tomcat-webserver");
  CHECK(ec2.containers[0].cpu == Millicores{1000});
  CHECK(ec2.containers[0].memory == Bytes::gib(2));
  CHECK(ec2.containers[0].port_mappings.at(0).host_port == 80);
  CHECK(ec2.containers[0].port_mappings.at(0).container_port == 8080);

  const auto fargate = load("tomcat_fargate.json");
  CHECK(fargate.fargate());
  CHECK(fargate.cpu == Millicores{1000});
  CHECK(fargate.memory == Bytes::gib(2));
  CHECK(fargate.containers[0].memory == Bytes::mib(256));
  CHECK(fargate.containers[0].cpu_units == 1024);
  const auto summary = summarize(fargate);
  CHECK_THAT(summary,
             Catch::Contains("'tomcat-webserver' (FARGATE): 1 container, cpu 1, memory 2GiB"));
  CHECK_THAT(summary,
             Catch::Contains("tomcat-webserver: image tomcat, cpu 1 (1024 units), memory 256MiB"));
}

TEST_CASE("task-level cpu and memory accept the ECS API's vCPU and GB strings") {
  const auto task = parse_ecs_task_definition(R"({"family":"f","cpu":"0.25 vCPU","memory":"2 GB",
    "containerDefinitions":[{"name":"a","image":"i"}]})",
                                              "t.json");
  CHECK(task.cpu_units == 256);
  CHECK(task.cpu == Millicores{250});
  CHECK(task.memory == Bytes::gib(2));
  const auto numbers = parse_ecs_task_definition(
      R"({"family":"f","cpu":2048,"memory":"512","containerDefinitions":[{"name":"a","image":"i"}]})",
      "t.json");
  CHECK(numbers.cpu == Millicores{2000});
  CHECK(numbers.memory == Bytes::mib(512));
  CHECK(parse_ecs_task_definition(R"({"family":"f","cpu":"1vcpu","memory":"1GB",
    "containerDefinitions":[{"name":"a","image":"i"}]})",
                                  "t.json")
            .memory == Bytes::gib(1));
}

TEST_CASE("describe-task-definition output is unwrapped") {
  const auto task = parse_ecs_task_definition(
      R"({"taskDefinition":{"family":"w","containerDefinitions":[{"name":"a","image":"i","memory":64}]}})",
      "t.json");
  CHECK(task.family == "w");
  CHECK(task.containers.at(0).memory == Bytes::mib(64));
}

TEST_CASE("bad ECS fields are reported by JSON pointer and line") {
  CHECK(ecs_error("{\n  \"family\": \"f\",\n  \"containerDefinitions\": [\n    {\"name\": \"a\", "
                  "\"image\": "
                  "\"i\",\n     \"memory\": 256, \"cpu\": \"lots\"}\n  ]\n}") ==
        "task.json:5:28: error: /containerDefinitions/0/cpu: expected an integer");
  CHECK(
      ecs_error(
          "{\"family\": \"f\",\n \"containerDefinitions\": [{\"image\": \"i\", \"memory\": 1}]}") ==
      "task.json:2:27: error: /containerDefinitions/0: missing required \"name\"");
  CHECK(ecs_error("{\"containerDefinitions\": []}") ==
        "task.json:1:1: error: : missing required \"family\"");
  CHECK(
      ecs_error(
          "{\"family\": \"f\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\"}]}") ==
      "task.json:1:42: error: /containerDefinitions/0: a container needs \"memory\" or "
      "\"memoryReservation\" when the task has no task-level memory");
  CHECK(ecs_error("{\"family\": \"f\",\n\"memory\": \"lots\", \"containerDefinitions\": []}") ==
        "task.json:2:11: error: /memory: 'lots' is not MiB (\"1024\") or GB (\"2 GB\")");
  CHECK(
      ecs_error("{\"family\": \"f\", \"requiresCompatibilities\": [\"FARGATE\"], \"memory\": 512,\n"
                "\"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\"}]}") ==
      "task.json:1:1: error: : a FARGATE task definition needs task-level \"cpu\"");
  CHECK(ecs_error(
            "{\"family\": \"f\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\",\n"
            "  \"memory\": 128, \"memoryReservation\": 256}]}") ==
        "task.json:2:39: error: /containerDefinitions/0/memoryReservation: the soft limit exceeds "
        "the "
        "hard limit \"memory\"");
  CHECK(
      ecs_error("{\"family\": \"f\", \"memory\": 512, \"containerDefinitions\": [{\"name\": \"a\", "
                "\"image\": \"i\", \"portMappings\": [{\"containerPort\": 70000}]}]}")
          .starts_with(
              "task.json:1:120: error: /containerDefinitions/0/portMappings/0/containerPort:"));
  CHECK(ecs_error("{\"family\": \"f\", \"networkMode\": \"mesh\", \"containerDefinitions\": []}") ==
        "task.json:1:32: error: /networkMode: unknown network mode 'mesh' (bridge, host, awsvpc, "
        "none)");
}

TEST_CASE("invalid ECS JSON is reported at the offending line and column") {
  const std::string what = ecs_error("{\n  \"family\": \"f\",\n  \"cpu\": ,\n}");
  CHECK(what.starts_with("task.json:3:10: error: invalid JSON: "));
}

TEST_CASE("a missing task definition file is an input error naming the path") {
  CHECK_THROWS_WITH(
      load_ecs_task_definition("/nonexistent/task.json"),
      "/nonexistent/task.json: error: cannot open '/nonexistent/task.json': no such file");
}

TEST_CASE("a JSON pointer is located at its value") {
  const std::string text = "{\"a\": [1, {\"b~/c\": \"x\"}],\n \"d\": {\"e\": true}}";
  CHECK(locate_json_pointer(text, "/a/1/b~0~1c", "f").column == 20);
  CHECK(locate_json_pointer(text, "/d/e", "f").line == 2);
  CHECK(locate_json_pointer(text, "/d/e", "f").column == 13);
  CHECK(locate_json_pointer(text, "/zz", "f").line == 0);
}

TEST_CASE("ECS reserves memoryReservation, the soft limit, when both memory limits are set") {
  // ECS API reference, ContainerDefinition.memoryReservation: that value is subtracted from the
  // container instance's available memory; otherwise memory is.
  const auto task = parse_ecs_task_definition(R"({"family": "f", "containerDefinitions": [
    {"name": "a", "image": "a", "memory": 512, "memoryReservation": 128},
    {"name": "b", "image": "b", "memory": 256}]})",
                                              "task.json");
  CHECK(task.total_memory() == Bytes::mib(128 + 256));
  CHECK(task.memory_hard_limit() == Bytes::mib(512 + 256));
}

TEST_CASE("an ECS container's GPU resource requirements are kept") {
  const auto task = parse_ecs_task_definition(R"({"family": "f", "containerDefinitions": [
    {"name": "a", "image": "a", "memory": 512,
     "resourceRequirements": [{"type": "GPU", "value": "2"}]}]})",
                                              "task.json");
  CHECK(task.containers[0].gpus == 2);
  CHECK(task.total_gpus() == 2);
  CHECK(ecs_error(R"({"family": "f", "containerDefinitions": [
    {"name": "a", "image": "a", "memory": 512,
     "resourceRequirements": [{"type": "GPU", "value": "two"}]}]})") ==
        "task.json:3:56: error: /containerDefinitions/0/resourceRequirements/0/value: 'two' is not "
        "a whole number of GPUs");
}
