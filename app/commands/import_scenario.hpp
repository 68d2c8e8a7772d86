#pragma once
// `vmcsim import ecs|k8s FILE... --scenario OUT.yaml`: a complete scenario around the imported
// services, runnable as written (`vmcsim run OUT.yaml`): a host pool, a registry, the services,
// a Poisson workload per service and four variants comparing Fargate, ECS on EC2, EKS on EC2 and
// plain VMs. Every value the source files do not give (host pool, request rate, work per
// request, duration) is a stated assumption in a comment of the file, to edit rather than trust.
//
// Paths to the task definitions and manifests are written relative to the folder of OUT.yaml,
// where the loader resolves them; the plain fragment (no --scenario) writes them absolute, so it
// resolves from whatever scenario file it is pasted into.
#include <filesystem>
#include <string>

#include "app/importers/scenario_fragment.hpp"

namespace vmcsim::app {

// Rewrites each service's file as seen from `scenario_dir` (relative), or absolute when
// `scenario_dir` is empty.
void rebase_service_files(importers::ImportedServices& imported,
                          const std::filesystem::path& scenario_dir);

// The scenario text for `imported` (files already rebased), named after `scenario_file`'s stem.
std::string imported_scenario_yaml(const importers::ImportedServices& imported,
                                   const std::filesystem::path& scenario_file);

// Writes the scenario to `scenario_file` (refusing to overwrite an existing file: InputError,
// exit 2) and returns the line saying what was written.
std::string write_imported_scenario(importers::ImportedServices imported,
                                    const std::filesystem::path& scenario_file);

}  // namespace vmcsim::app
