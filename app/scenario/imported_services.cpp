#include "app/scenario/imported_services.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace vmcsim::app::scenario {

namespace {

// The imported service `sv` stands for: an ECS task definition describes one; a manifest the
// workload of the service's name, or its only workload.
importers::ImportedService import_one(const Service& sv) {
  if (!sv.ecs_task_definition.empty())
    return importers::imported_services(importers::load_ecs_task_definition(sv.ecs_task_definition))
        .services.front();
  auto all = importers::imported_services(importers::load_k8s_manifests(sv.kubernetes)).services;
  const auto named = std::find_if(all.begin(), all.end(), [&](const importers::ImportedService& i) {
    return i.name == sv.name;
  });
  if (named != all.end()) return *named;
  if (all.size() == 1) return all.front();
  std::vector<std::string> names;
  for (const auto& i : all)
    names.push_back(i.name);
  throw std::invalid_argument(
      all.empty() ? fmt::format("kubernetes: '{}' has no workload (Deployment, StatefulSet, "
                                "ReplicaSet, ReplicationController or Pod)",
                                sv.kubernetes)
                  : fmt::format("kubernetes: '{}' has {} workloads and none is named '{}': name "
                                "the service after one of them ({})",
                                sv.kubernetes, all.size(), sv.name, fmt::join(names, ", ")));
}

}  // namespace

namespace {

namespace mf = models::failures;

// An imported probe with the fields the file leaves out taken from `defaults` (the catalog's),
// as health_reader.cpp fills a service's own.
mf::Probe resolved(const importers::ImportedProbe& p, const mf::Probe& defaults) {
  mf::Probe out = defaults;
  if (p.initial_delay) out.initial_delay = *p.initial_delay;
  if (p.period) out.period = *p.period;
  if (p.timeout) out.timeout = *p.timeout;
  if (p.failure_threshold) out.failure_threshold = *p.failure_threshold;
  if (p.success_threshold) out.success_threshold = *p.success_threshold;
  return out;
}

// Readiness, liveness and startup probes, the ECS health check and the disruption budget, each
// taken whole from the file unless the scenario wrote its own (read_service_health sets them only
// when written). Returns the fields the scenario left to the file, whose assumptions (and
// not-modelled notes) apply.
std::vector<std::string> merge_health(Service& sv, const importers::ImportedHealth& in,
                                      const mf::DetectionConfig& defaults) {
  std::vector<std::string> left;
  mf::ServiceHealth& h = sv.health;
  const auto probe = [&](std::optional<mf::Probe>& mine,
                         const std::optional<importers::ImportedProbe>& theirs,
                         const mf::Probe& fill, const char* field) {
    if (mine) return;
    if (theirs) mine = resolved(*theirs, fill);
    left.push_back(field);
  };
  probe(h.readiness, in.readiness, defaults.probe, "probes.readiness");
  probe(h.liveness, in.liveness, defaults.probe, "probes.liveness");
  probe(h.startup, in.startup, defaults.probe, "probes.startup");
  probe(h.health_check, in.health_check, defaults.container_health_check, "health_check");
  if (h.budget.kind == mf::DisruptionBudget::Kind::none) {
    if (in.budget) h.budget = *in.budget;
    left.push_back("disruption_budget");
  }
  return left;
}

}  // namespace

std::vector<Assumption> merge_imported(Service& sv, const importers::ImportedService& in,
                                       const models::failures::DetectionConfig& defaults) {
  std::vector<Assumption> assumed;
  // The importer's assumptions about `field`, when the service takes that field from the file.
  const auto take = [&](std::string_view field) {
    for (const auto& a : in.assumptions)
      if (a.field == field || a.field.starts_with(std::string{field} + "."))
        assumed.push_back({a.field, a.value, a.reason, a.where.file.empty() ? sv.where : a.where});
  };
  if (sv.image.empty()) sv.image = in.image;
  if (sv.cpu_request == sim::Millicores{}) {
    sv.cpu_request = in.cpu;
    take("cpu");
    if (sv.cpu_limit == sim::Millicores{}) sv.cpu_limit = in.cpu_limit.value_or(sim::Millicores{});
  }
  if (sv.memory_request == sim::Bytes{}) {
    sv.memory_request = in.memory;
    take("memory");
    if (sv.memory_limit == sim::Bytes{}) {
      sv.memory_limit = in.memory_limit.value_or(in.memory);
      if (!in.memory_limit && in.memory > sim::Bytes{})
        assumed.push_back({"memory_limit", in.memory.to_string(),
                           "the file sets no memory limit on every container: taken as the "
                           "request, which a VM or Fargate task of it is sized for",
                           sv.where});
    }
  }
  if (!sv.replicas_written && in.replicas) sv.replicas = *in.replicas;
  if (!sv.replicas_written) take("replicas");
  sv.gpus = in.gpus;
  sv.qos_class = in.qos_class;
  if (!sv.autoscaling_written && in.autoscaling) {
    const auto& a = *in.autoscaling;
    sv.autoscaling = Autoscaling{};
    sv.autoscaling.kind = AutoscalerKind::hpa;
    sv.autoscaling.min_replicas = a.min_replicas;
    sv.autoscaling.max_replicas = a.max_replicas;
    sv.autoscaling.target_cpu_utilization = a.target_cpu_utilization;
    if (a.scale_down_stabilization)
      sv.autoscaling.scale_down_stabilization = *a.scale_down_stabilization;
    take("autoscaling");
    // The HPA keeps the count within its bounds, whatever the workload's spec.replicas says.
    if (!sv.replicas_written) {
      const int count = std::clamp(sv.replicas, a.min_replicas, a.max_replicas);
      if (count != sv.replicas)
        assumed.push_back({"replicas", std::to_string(count),
                           fmt::format("spec.replicas {} brought within HorizontalPodAutoscaler "
                                       "'{}' bounds {}..{} (the HPA keeps it there)",
                                       sv.replicas, a.hpa, a.min_replicas, a.max_replicas),
                           sv.where});
      sv.replicas = count;
    }
  }
  if (sv.placement_constraints.empty()) sv.placement_constraints = in.placement_constraints;
  if (sv.labels.empty()) sv.labels = in.labels;
  if (sv.affinity.empty()) sv.affinity = in.affinity;
  if (sv.anti_affinity.empty()) sv.anti_affinity = in.anti_affinity;
  if (sv.topology_spread.empty()) sv.topology_spread = in.topology_spread;
  for (const auto& field : merge_health(sv, in.health, defaults))
    take(field);
  return assumed;
}

namespace {

// An image known only by name: 200MiB in 4 layers of 50MiB, a vmcsim assumption.
void add_assumed_image(Scenario& scenario, const Service& sv, const std::string& field) {
  const std::string& name = sv.image;
  if (name.empty()) return;
  for (const auto& im : scenario.images)
    if (im.name == name) return;
  Image im{name, {}, true};
  for (int i = 0; i < 4; ++i)
    im.layers.push_back({fmt::format("{}/layer{}", name, i), sim::Bytes::mib(50)});
  scenario.assumptions.push_back(
      {"images." + name, fmt::format("{{size: {}, layers: {}}}", im.total_size(), im.layers.size()),
       fmt::format("known by name only, as {}.image from {}; task definitions and manifests "
                   "give no image sizes, a vmcsim assumption",
                   field, sv.ecs_task_definition.empty() ? sv.kubernetes : sv.ecs_task_definition),
       sv.where});
  scenario.images.push_back(std::move(im));
}

}  // namespace

void resolve_imported_services(Scenario& scenario,
                               const models::failures::DetectionConfig& defaults) {
  for (std::size_t i = 0; i < scenario.services.size(); ++i) {
    Service& sv = scenario.services[i];
    if (sv.ecs_task_definition.empty() && sv.kubernetes.empty()) continue;
    const std::string field = fmt::format("services[{}]", i);
    const auto fail = [&](const std::string& message) {
      throw InputError(sv.where, field, field + ": " + message);
    };
    try {
      for (auto& a : merge_imported(sv, import_one(sv), defaults)) {
        a.field = field + "." + a.field;
        scenario.assumptions.push_back(std::move(a));
      }
    } catch (const InputError& e) {
      fail(fmt::format("{}: {}",
                       sv.ecs_task_definition.empty() ? "kubernetes" : "ecs_task_definition",
                       e.what()));
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
    if (sv.cpu_limit > sim::Millicores{} && sv.cpu_limit < sv.cpu_request)
      fail(fmt::format("cpu_limit {} is below the request {}", sv.cpu_limit, sv.cpu_request));
    if (sv.memory_limit < sv.memory_request)
      fail(fmt::format("memory_limit {} is below the request {}", sv.memory_limit,
                       sv.memory_request));
    add_assumed_image(scenario, sv, field);
  }
}

}  // namespace vmcsim::app::scenario
