#pragma once
// Importer for Amazon ECS task definitions (the JSON of RegisterTaskDefinition, or the output of
// `aws ecs describe-task-definition`, whose {"taskDefinition": {...}} wrapper is unwrapped).
//
// Read: family, containerDefinitions (name, image, cpu, memory, memoryReservation, essential,
// portMappings, resourceRequirements of type GPU, healthCheck), task-level cpu/memory,
// requiresCompatibilities, networkMode, placementConstraints. Other keys (logConfiguration,
// environment, volumes, ...) are accepted and not modelled.
//
// Units, as the ECS API defines them:
//   container cpu       CPU units, 1024 per vCPU -> Millicores = units * 1000 / 1024, rounded
//                       to the nearest millicore (256 -> 250m, 512 -> 500m); the raw units kept.
//   container memory    hard limit in MiB;  memoryReservation: soft limit in MiB.
//   task cpu            a number or string of CPU units ("512", 512) or vCPUs ("1 vCPU",
//                       "0.25 vcpu").
//   task memory         a number or string of MiB ("1024", 1024) or GB ("2 GB", "2GB"), where
//                       ECS's GB means GiB (2 GB = 2048 MiB).
// Checks (each an InputError naming the JSON pointer of the field and its line:column in the
// file): required family, containers with name and image, non-negative integers, soft limit <=
// hard limit, container hard limit <= task memory, each container has a memory limit when the
// task has none, at least one essential container, Fargate needs task-level cpu and memory and
// networkMode awsvpc, known compatibilities and network modes, and a healthCheck within the
// ECS API's ranges (EcsHealthCheck).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/diagnostic.hpp"
#include "sim/units.hpp"

namespace vmcsim::app::importers {

struct EcsPortMapping {
  int container_port = 0;
  std::optional<int> host_port;
  std::string protocol = "tcp";
};

// containerDefinitions[].healthCheck, as the ECS API's HealthCheck defines it: "command" is
// required, a non-empty string array whose first element is CMD or CMD-SHELL (or NONE, Docker's
// way to disable a check). Seconds as written; nullopt: not given, ECS's default applies
// (interval 30, timeout 5, retries 3, no startPeriod). Ranges (AWS SDK / CDK reference for
// ecs HealthCheck: "You may specify between 5 and 300 seconds" (interval), "between 2 and 60
// seconds" (timeout), "between 1 and 10 retries", "between 0 and 300 seconds" (startPeriod));
// a value outside them is an InputError at its pointer.
struct EcsHealthCheck {
  std::vector<std::string> command;
  std::optional<int> interval;
  std::optional<int> timeout;
  std::optional<int> retries;
  std::optional<int> start_period;
  SourceLocation where;  // the healthCheck object
  bool disabled() const { return command.front() == "NONE"; }
};

struct EcsContainer {
  std::string name;
  std::string image;
  int cpu_units = 0;  // 0: not given (the container shares the task's CPU)
  sim::Millicores cpu;
  std::optional<sim::Bytes> memory;              // hard limit
  std::optional<sim::Bytes> memory_reservation;  // soft limit
  bool essential = true;
  int gpus = 0;  // resourceRequirements {type: GPU, value: "N"}: whole GPUs reserved
  std::vector<EcsPortMapping> port_mappings;
  std::optional<EcsHealthCheck> health_check;
};

struct EcsPlacementConstraint {
  std::string type;        // memberOf, distinctInstance
  std::string expression;  // cluster query language; empty for distinctInstance
};

struct EcsTaskDefinition {
  std::string file;
  std::string family;
  std::vector<EcsContainer> containers;
  std::optional<int> cpu_units;  // task level
  std::optional<sim::Millicores> cpu;
  std::optional<sim::Bytes> memory;
  std::vector<std::string> requires_compatibilities;  // EC2, FARGATE, EXTERNAL
  std::string network_mode;                           // empty: not given (bridge on EC2)
  std::vector<EcsPlacementConstraint> placement_constraints;

  bool fargate() const;
  // Task-level cpu/memory if given, else the sum over containers of what ECS reserves on the
  // container instance: memoryReservation (the soft limit) if set, else memory (the hard limit).
  sim::Millicores total_cpu() const;
  sim::Bytes total_memory() const;
  // Task-level memory, else the sum of the containers' hard limits when each has one.
  std::optional<sim::Bytes> memory_hard_limit() const;
  int total_gpus() const;
};

// Parses `text`; `file` names it in errors.
EcsTaskDefinition parse_ecs_task_definition(std::string_view text, const std::string& file);
// Reads and parses a file; a missing file is an InputError naming the path.
EcsTaskDefinition load_ecs_task_definition(const std::string& path);

// Line and column (1-based) of the value at an RFC 6901 JSON pointer in JSON text; {file,0,0} if
// it is not there. Used to place semantic errors that nlohmann::json cannot locate itself.
SourceLocation locate_json_pointer(std::string_view text, std::string_view pointer,
                                   const std::string& file);

// "health check CMD-SHELL, interval 10s, retries 2 (ECS defaults for the rest)".
std::string describe(const EcsHealthCheck& check);
std::string summarize(const EcsTaskDefinition& task);

}  // namespace vmcsim::app::importers
