#pragma once
// detection.yaml: the platforms' detection and recovery defaults (models/failures'
// DetectionConfig), each written `{value, source}` under its platform:
//
//   detection:
//     kubernetes:    {node_monitor_grace_period, not_ready_toleration, probe_initial_delay,
//                     probe_period, probe_failure_threshold, probe_success_threshold, drain_retry}
//     load_balancer: {health_check_interval, unhealthy_threshold}
//     ecs:           {container_health_check_interval, container_health_check_retries,
//                     container_health_check_start_period, minimum_healthy_percent,
//                     maximum_percent}
//     vm_ha:         {ha_detection, supervisor_restart}
//
// Every key is required and needs a non-empty source; an unknown key is an error. Catalog::load
// reads the file (Catalog::detection()).
#include <yaml-cpp/yaml.h>

#include "models/failures/failures.hpp"

namespace vmcsim::models {

// Throws CatalogError ("<line>:<column>: <message>") at the node at fault.
failures::DetectionConfig parse_detection(const YAML::Node& root);

}  // namespace vmcsim::models
