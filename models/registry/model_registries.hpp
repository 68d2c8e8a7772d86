#pragma once
// The named extension points of the models that a scenario picks by name, each one table
// (module_group.hpp): platform kinds (`variants[].platform`), autoscalers
// (`services[].autoscaling.kind`) and distributions (`dist:`). Placement policies have their own
// header (placement_policies.hpp), trace formats live in the app (app/importers/
// trace_formats.hpp). `vmcsim list` prints them; a test compares scenarios/schema.json's enums
// and docs/scenario-format.md with them.
#include <string>
#include <vector>

#include "models/cluster/cluster_config.hpp"
#include "models/platform/platform_kind.hpp"
#include "models/registry/module_group.hpp"
#include "models/serverless/keep_alive.hpp"

namespace vmcsim::models::registry {

const ModuleGroup<PlatformKind>& platform_kinds();

// [fn] `services[].function.keep_alive.policy` (models/serverless/keep_alive.hpp).
const ModuleGroup<serverless::KeepAliveKind>& keep_alive_policies();
// [fn] `services[].function.keep_alive.arima_criterion`: how the hybrid policy's auto-ARIMA
// picks its order (sim/arima.hpp).
const ModuleGroup<sim::InformationCriterion>& arima_criteria();

const ModuleGroup<AutoscalerConfig::Kind>& autoscalers();

// A distribution's factory is the parameter sets it accepts (one of them, whole), as the
// scenario writes them: lognormal takes {median, p95}, {median, sigma} or {mean, cv}.
using ParameterSets = std::vector<std::vector<std::string>>;
const ModuleGroup<ParameterSets>& distributions();

}  // namespace vmcsim::models::registry
