// `variants`: the platforms compared, each a catalog profile with optional overrides.
#include <optional>
#include <sstream>

#include "app/scenario/section_readers.hpp"
#include "models/placement/policy.hpp"
#include "models/registry/placement_policies.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::app::scenario {

const KeyTables& variant_key_tables() {
  static const KeyTables tables{
      {"variant",
       {"name", "platform", "profile", "node_instance_type", "placement", "cluster_autoscaler",
        "overrides", "isolation", "runtime_class"}},
      {"cluster_autoscaler",
       {"enabled", "min_nodes", "max_nodes", "scan_interval", "scale_down_unneeded_time",
        "scale_down_utilization_threshold"}},
  };
  return tables;
}

namespace {

// What is wrong with a `placement:` spec, if anything: the name is looked up in the one table of
// policies (models/registry/placement_policies.hpp) and the arguments checked by its factory.
std::optional<std::string> placement_problem(const std::string& spec) {
  if (models::registry::find_policy(spec) == nullptr)
    return models::registry::placement_policies().unknown(spec);
  try {
    (void)models::placement::make_policy(spec);
  } catch (const sim::ParseError& e) {
    return std::string{e.what()};
  }
  return std::nullopt;
}

std::string read_placement(const Field& p, bool pod_trace) {
  const std::string placement = p.text();
  if (placement == "fgd" && !pod_trace)
    p.fail(
        "fgd applies to pod_trace scenarios only (it needs the trace's pods as its target "
        "workload)");
  if (placement != "fgd")
    if (const auto problem = placement_problem(placement)) p.fail(*problem);
  return placement;
}

ClusterAutoscaler read_cluster_autoscaler(const Field& c) {
  c.check_keys(keys("cluster_autoscaler"));
  ClusterAutoscaler ca;
  if (auto e = c.optional("enabled")) ca.enabled = e->boolean();
  if (auto m = c.optional("min_nodes")) ca.min_nodes = static_cast<int>(m->integer(0, 1'000'000));
  ca.max_nodes = static_cast<int>(c.required("max_nodes").integer(1, 1'000'000));
  if (ca.max_nodes < ca.min_nodes) c["max_nodes"].fail("must not be below min_nodes");
  if (auto t = c.optional("scan_interval")) ca.scan_interval = t->positive<sim::Time>();
  if (auto t = c.optional("scale_down_unneeded_time"))
    ca.scale_down_unneeded_time = t->positive<sim::Time>();
  if (auto t = c.optional("scale_down_utilization_threshold"))
    ca.scale_down_utilization_threshold = fraction(*t);
  return ca;
}

// The catalog profile a variant names; it must exist and be of the variant's platform kind.
const models::PlatformProfile& catalog_profile(const ReadContext& cx, const Field& f,
                                               PlatformKind platform) {
  const auto& profiles = cx.catalog().profiles();
  const auto it = profiles.find(f.text());
  if (it == profiles.end())
    f.fail(
        fmt::format("unknown profile '{}' ({})", shorten(f.text()), suggest(f.text(), profiles)));
  if (it->second.kind != platform) {
    std::vector<std::string> of_kind;
    for (const auto& [name, p] : profiles)
      if (p.kind == platform) of_kind.push_back(name);
    f.fail(
        fmt::format("profile '{}' is a {} profile, but the variant's platform is {} ({} "
                    "profiles: {})",
                    f.text(), to_string(it->second.kind), to_string(platform), to_string(platform),
                    fmt::join(of_kind, ", ")));
  }
  return it->second;
}

// Applies the overrides to a copy of the profile, so that an unknown key or a bad value is an
// error now, at its place in the file, rather than when the variant runs.
void check_overrides(const ReadContext& cx, const Field& overrides,
                     const models::PlatformProfile& profile) {
  models::PlatformProfile copy = profile;
  try {
    models::apply_overrides(copy, overrides.node);
  } catch (const models::CatalogError& e) {
    // what() starts with "LINE:COL: " when the catalog knows the node; the location goes into
    // the InputError instead. Nodes a sweep point set have no mark: then the overrides' place.
    std::string message = e.what();
    const std::string prefix = fmt::format("{}:{}: ", e.line(), e.column());
    if (e.line() > 0 && message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
    const SourceLocation at =
        e.line() > 0 ? SourceLocation{cx.file(), e.line(), e.column()} : overrides.where();
    throw InputError(at, overrides.path, overrides.path + ": " + message);
  }
}

void flatten(const Field& f, const std::string& prefix, std::map<std::string, OverrideValue>& out) {
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    const std::string key = it->first.Scalar();
    const Field child = f[key];
    const std::string name = prefix.empty() ? key : prefix + "." + key;
    if (child.node.IsMap())
      flatten(child, name, out);
    else
      out[name] = OverrideValue{child.text(), child.where()};
  }
}

// node_instance_type and cluster_autoscaler, which apply to container_in_vm only.
void read_node_settings(const ReadContext& cx, const Field& f, Variant& v) {
  const bool in_vm = v.platform == PlatformKind::container_in_vm;
  if (in_vm) {
    const Field type = f.required("node_instance_type");
    v.node_instance_type = type.text();
    if (!cx.catalog().instance_types().contains(v.node_instance_type))
      type.fail(fmt::format("unknown instance type '{}' ({})", shorten(v.node_instance_type),
                            suggest(v.node_instance_type, cx.catalog().instance_types())));
  } else if (auto n = f.optional("node_instance_type")) {
    n->fail("applies to container_in_vm only");
  }
}

}  // namespace

Variant read_variant(ReadContext& cx, const Field& f, bool pod_trace) {
  f.check_keys(keys("variant"));
  Variant v;
  v.where = f.where();
  v.name = cx.unique_name(f, "variant");
  v.platform =
      read_enum(f.required("platform"), {PlatformKind::vm, PlatformKind::microvm,
                                         PlatformKind::container, PlatformKind::container_in_vm});
  const Field profile_field = f.required("profile");
  v.profile = profile_field.text();
  if (v.profile.empty()) profile_field.fail("must not be empty");
  const models::PlatformProfile& profile = catalog_profile(cx, profile_field, v.platform);
  const bool in_vm = v.platform == PlatformKind::container_in_vm;
  read_node_settings(cx, f, v);
  if (auto p = f.optional("placement")) v.placement = read_placement(*p, pod_trace);
  if (auto c = f.optional("cluster_autoscaler")) {
    if (!in_vm) c->fail("applies to container_in_vm only (it adds VM nodes)");
    v.cluster_autoscaler = read_cluster_autoscaler(*c);
  }
  if (pod_trace) {
    // One pod = one container, or one VM of the profile, placed directly on a host.
    if (in_vm)
      f["platform"].fail(
          "container_in_vm does not apply to a pod_trace scenario (use container "
          "for pods as containers, vm or microvm for one VM per pod)");
    f.required("placement");
  }
  if (auto o = f.optional("overrides")) {
    if (!o->node.IsMap()) o->fail("expected a mapping of profile values");
    check_overrides(cx, *o, profile);
    flatten(*o, "", v.overrides);
  }
  return v;
}

}  // namespace vmcsim::app::scenario
