#pragma once
// The tenancy sections of a scenario (docs/multi-tenant.md): tenants and their isolation policy,
// namespaces with ResourceQuota and LimitRange, RuntimeClasses, taints on host groups, and per
// service its tenant, namespace, tolerations, nodeSelector, node affinity and runtime class; per
// variant whether the isolation policy is enforced and a runtime class for every service.
//
//   tenants:          [{name, isolation?}]           isolation: kernel | vm-node | host | nothing
//   isolation:        {default?, pairs?: [{tenants: [a, b], share}]}
//   runtime_classes:  [{name, handler, sandboxed?}]  handler: a catalog profile of kind container;
//                                                    sandboxed (own kernel) defaults to handler
//                                                    != runc
//   namespaces:       [{name, tenant?, quota?: {name?, hard: {RESOURCE: QUANTITY}},
//                       limit_range?: {default?, default_request?, min?, max?: {cpu?, memory?}}}]
//   hosts[]:          taints: [{key, value?, effect}]
//   services[]:       tenant, namespace, runtime_class, tolerations: [{key?, operator?, value?,
//                     effect?}], node_selector: {k: v}, node_affinity: {required?: [TERM],
//                     preferred?: [{weight, match_expressions}]}, TERM = {match_expressions:
//                     [{key, operator, values?}]}
//   variants[]:       isolation: enforce (default: the scenario's policy) | ignore (none) |
//                     kernel | vm-node | host | nothing (every two tenants share at most that),
//                     runtime_class
// Errors (app::InputError, FILE:LINE:COL, exit 2): a service whose tenant or namespace is
// undefined (with tenants defined, every service names one), a namespace of another tenant, a
// policy naming an unknown tenant, an unknown share level, a quota resource or quantity with a
// bad unit, a toleration with operator Exists and a value, a node affinity operator with the
// wrong number of values. A toleration that tolerates no taint of any host group is a warning
// (Kubernetes accepts it): Tenancy::warnings, "FILE:LINE:COL: warning: FIELD: message".
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/diagnostic.hpp"
#include "models/placement/node_affinity.hpp"
#include "models/tenancy/admission.hpp"
#include "models/tenancy/isolation.hpp"

namespace vmcsim::models {
class Catalog;
}

namespace vmcsim::app::scenario {

struct Field;
struct Scenario;

struct RuntimeClass {
  std::string name;
  std::string handler;  // a catalog profile of kind container (runc, gvisor, kata)
  bool sandboxed = false;
};

struct ServiceTenancy {
  std::string tenant;
  std::string ns;             // namespace
  std::string runtime_class;  // empty: the variant's profile
  std::vector<models::placement::Toleration> tolerations;
  models::placement::NodeAffinity node_affinity;
};

struct VariantTenancy {
  bool enforce_isolation = true;
  // `isolation: LEVEL`: in this variant every two tenants share at most LEVEL (the scenario's
  // policy is replaced).
  std::optional<models::tenancy::Share> level;
  std::string runtime_class;  // for services that name none
};

struct Tenancy {
  std::vector<std::string> tenants;
  // Shared by every placement request of the run (PlacementRequest::isolation).
  std::shared_ptr<const models::tenancy::IsolationPolicy> isolation;
  std::vector<models::tenancy::Namespace> namespaces;
  std::vector<RuntimeClass> runtime_classes;
  std::map<std::string, std::vector<models::placement::Taint>> taints;  // by host group
  std::map<std::string, ServiceTenancy> services;                       // by service name
  std::map<std::string, VariantTenancy> variants;                       // by variant name
  std::vector<std::string> warnings;
  bool empty() const {
    return tenants.empty() && namespaces.empty() && runtime_classes.empty() && taints.empty() &&
           services.empty() && variants.empty();
  }
};

// Reads the sections above from the scenario's root mapping into s.tenancy; hosts, services and
// variants must have been read already (their names are checked against them).
void read_tenants(const Field& root, const models::Catalog& catalog, Scenario& s);

}  // namespace vmcsim::app::scenario
