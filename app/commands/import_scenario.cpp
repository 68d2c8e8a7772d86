#include "app/commands/import_scenario.hpp"

#include <fstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "app/diagnostic.hpp"

namespace vmcsim::app {

namespace fs = std::filesystem;
namespace im = importers;

void rebase_service_files(im::ImportedServices& imported, const fs::path& scenario_dir) {
  std::error_code ec;
  for (auto& sv : imported.services) {
    const fs::path absolute = fs::absolute(sv.file, ec).lexically_normal();
    if (scenario_dir.empty()) {
      sv.file = absolute.string();
      continue;
    }
    const fs::path base = fs::absolute(scenario_dir, ec).lexically_normal();
    const fs::path relative = absolute.lexically_relative(base);
    sv.file = relative.empty() ? absolute.string() : relative.generic_string();
  }
}

namespace {

// The world every imported scenario shares. The numbers are those of
// scenarios/ecs-eks-fargate.yaml (m5.metal hosts, m5.xlarge nodes, a 1 Gbps registry), which
// cite their sources in the catalog; the traffic is an assumption the comment says so.
constexpr const char* kWorld = R"(hosts:
  # Assumption: a pool of 4 m5.metal hosts (96 vCPU, 384 GiB each, from the catalog); every
  # variant runs on this same hardware. The price is the catalog's m5.metal On-Demand price.
  - name: m5-metal
    count: 4
    instance_type: m5.metal
    disk_bandwidth: 1GB/s
    network_bandwidth: 25Gbps
    price_per_hour: 4.608

registry:
  bandwidth: 1Gbps
  latency: 30ms

)";

constexpr const char* kVariants = R"(variants:
  # The same services as Fargate tasks (Firecracker microVMs, task sizes rounded up), ECS tasks
  # and EKS pods on m5.xlarge EC2 nodes, and one plain KVM VM per replica.
  - name: ecs-ec2
    platform: container_in_vm
    profile: ecs-ec2-node
    node_instance_type: m5.xlarge
    placement: ecs:binpack(memory)
    cluster_autoscaler: {min_nodes: 2, max_nodes: 12}
  - name: eks-ec2
    platform: container_in_vm
    profile: eks-node
    node_instance_type: m5.xlarge
    placement: k8s:LeastAllocated
    cluster_autoscaler: {min_nodes: 2, max_nodes: 12}
  - name: fargate
    platform: microvm
    profile: fargate
    placement: first_fit
  - name: vm
    platform: vm
    profile: kvm-ubuntu
    placement: best_fit

slo:
  request_latency_p99: 100ms

)";

std::string services_yaml(const im::ImportedServices& imported) {
  YAML::Node services = im::scenario_fragment(imported).services;
  // Assumption: each request costs a few milliseconds of CPU; the files say nothing of work.
  for (auto s : services)
    s["work"]["cpu_time"] = YAML::Load("{dist: exponential, mean: 5ms}");
  YAML::Emitter e;
  YAML::Node root;
  root["services"] = services;
  e << root;
  return std::string{e.c_str()} + "\n\n";
}

std::string workloads_yaml(const im::ImportedServices& imported) {
  std::string out =
      "workloads:\n"
      "  # Assumption: steady Poisson traffic of 20 requests/s per service (the files give no\n"
      "  # traffic); replace it with a measured rate or a trace.\n";
  for (const auto& sv : imported.services)
    out += fmt::format("  - service: {}\n    kind: poisson\n    rate: 20\n", sv.name);
  return out + "\n";
}

}  // namespace

std::string imported_scenario_yaml(const im::ImportedServices& imported,
                                   const fs::path& scenario_file) {
  const std::string name = scenario_file.stem().string();
  std::string files;
  for (const auto& sv : imported.services)
    files += fmt::format("#   {} <- {}\n", sv.name, sv.file);
  std::string notes;
  for (const auto& [service, hint] : imported.platform_hints)
    notes += fmt::format("# service '{}': its task definition targets {}\n", service, hint);
  for (const auto& note : imported.notes)
    notes += "# " + note + "\n";
  return fmt::format(
      "# Written by `vmcsim import --scenario`: the imported services on Fargate, ECS on EC2,\n"
      "# EKS on EC2 and plain VMs, side by side. Paths are relative to this file.\n"
      "{}{}"
      "name: {}\n"
      "description: >\n"
      "  Imported services compared on Fargate, ECS on EC2, EKS on EC2 and plain VMs. The\n"
      "  hosts, traffic and work per request are assumptions stated in comments.\n"
      "seed: 1\nreplications: 2\nduration: 20m\n\n"
      "{}{}{}{}"
      "output:\n  directory: {}\n  baseline: ecs-ec2\n",
      files, notes, YAML::Dump(YAML::Node(name)), kWorld, services_yaml(imported),
      workloads_yaml(imported), kVariants, YAML::Dump(YAML::Node("results/" + name)));
}

std::string write_imported_scenario(im::ImportedServices imported, const fs::path& scenario_file) {
  std::error_code ec;
  if (fs::exists(scenario_file, ec))
    throw InputError({scenario_file.string(), 0, 0}, "",
                     "already exists: vmcsim does not overwrite it (remove it or name another "
                     "file)");
  rebase_service_files(imported, scenario_file.parent_path().empty()
                                     ? fs::path{"."}
                                     : scenario_file.parent_path());
  const std::string text = imported_scenario_yaml(imported, scenario_file);
  std::ofstream out{scenario_file, std::ios::binary};
  out << text;
  out.close();
  if (!out) throw InputError({scenario_file.string(), 0, 0}, "", "cannot write the file");
  return fmt::format(
      "wrote {}: {} service{}, variants ecs-ec2, eks-ec2, fargate, vm; run it with `vmcsim run "
      "{}`\n",
      scenario_file.string(), imported.services.size(), imported.services.size() == 1 ? "" : "s",
      scenario_file.string());
}

}  // namespace vmcsim::app
