// The tenancy sections of a scenario; see read_tenants.hpp. The key tables are the loader's
// (key_tables(): "tenant", "isolation", "namespace", ...), so the JSON schema test covers them.
#include "app/scenario/read_tenants.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/importers/k8s_manifest.hpp"
#include "app/scenario/loader.hpp"
#include "app/scenario/scenario.hpp"
#include "app/scenario/section_readers.hpp"
#include "app/scenario/yaml_field.hpp"
#include "models/catalog/catalog.hpp"
#include "sim/parse_error.hpp"

namespace vmcsim::app::scenario {

const KeyTables& tenancy_key_tables() {
  static const KeyTables tables{
      {"tenant", {"name", "isolation"}},
      {"isolation", {"default", "pairs"}},
      {"isolation_pair", {"tenants", "share"}},
      {"runtime_class", {"name", "handler", "sandboxed"}},
      {"namespace", {"name", "tenant", "quota", "limit_range"}},
      {"resource_quota", {"name", "hard"}},
      {"limit_range", {"default", "default_request", "min", "max"}},
      {"limit_values", {"cpu", "memory"}},
      {"taint", {"key", "value", "effect"}},
      {"toleration", {"key", "operator", "value", "effect"}},
      {"node_affinity", {"required", "preferred"}},
      {"node_selector_term", {"match_expressions"}},
      {"preferred_term", {"weight", "match_expressions"}},
      {"node_selector_requirement", {"key", "operator", "values"}},
  };
  return tables;
}

namespace {

namespace pl = models::placement;
namespace tn = models::tenancy;

// Its own key table (a unity batch may also hold read_context.hpp's keys()).
const std::vector<std::string>& tenancy_keys(const char* table) {
  return key_tables().at(table);
}

// "undefined tenant 'x' (did you mean 'y'? defined: a, b)".
std::string undefined(const char* what, const std::string& name,
                      const std::vector<std::string>& known) {
  const std::string hint = closest_match(name, known);
  return fmt::format(
      "undefined {} '{}' ({}defined: {})", what, name,
      hint.empty() ? "" : fmt::format("did you mean '{}'? ", hint),
      known.empty() ? std::string("none") : fmt::format("{}", fmt::join(known, ", ")));
}

tn::Share share(const Field& f) {
  const std::string text = f.text();
  if (auto s = tn::parse_share(text)) return *s;
  f.fail(fmt::format("unknown share level '{}' (allowed: {})", text,
                     fmt::join(tn::share_names(), ", ")));
}

template <class E, std::size_t N>
E pick(const Field& f, const char* what, const std::pair<E, const char*> (&values)[N]) {
  const std::string text = f.text();
  std::vector<std::string> names;
  for (const auto& [v, name] : values) {
    if (text == name) return v;
    names.emplace_back(name);
  }
  f.fail(fmt::format("unknown {} '{}' (allowed: {})", what, text, fmt::join(names, ", ")));
}

sim::Millicores cpu(const Field& f) {
  try {
    return importers::parse_k8s_cpu(f.text());
  } catch (const sim::ParseError& e) {
    f.fail(e.what());
  }
}

sim::Bytes memory(const Field& f) {
  try {
    return importers::parse_k8s_memory(f.text());
  } catch (const sim::ParseError& e) {
    f.fail(e.what());
  }
}

class TenancyReader {
 public:
  TenancyReader(const Field& root, const models::Catalog& catalog, Scenario& s)
      : root_{root}, catalog_{catalog}, s_{s}, t_{s.tenancy} {}

  void read() {
    if (auto f = root_.optional("tenants")) tenants(*f);
    isolation();
    if (auto f = root_.optional("runtime_classes"))
      for (const Field& e : f->elements())
        runtime_class(e);
    if (auto f = root_.optional("namespaces"))
      for (const Field& e : f->elements())
        namespace_(e);
    std::size_t i = 0;
    if (auto f = root_.optional("hosts"))
      for (const Field& h : f->elements())
        taints(h, s_.hosts.at(i++).name);
    i = 0;
    if (auto f = root_.optional("services"))
      for (const Field& sv : f->elements())
        service(sv, s_.services.at(i++).name);
    i = 0;
    if (auto f = root_.optional("variants"))
      for (const Field& v : f->elements())
        variant(v, s_.variants.at(i++).name);
  }

 private:
  void tenants(const Field& f) {
    auto policy = std::make_shared<tn::IsolationPolicy>();
    for (const Field& e : f.elements(false)) {
      e.check_keys(tenancy_keys("tenant"));
      const Field name = e.required("name");
      if (std::find(t_.tenants.begin(), t_.tenants.end(), name.text()) != t_.tenants.end())
        name.fail(fmt::format("duplicate tenant '{}'", name.text()));
      t_.tenants.push_back(name.text());
      if (auto iso = e.optional("isolation")) policy->set_tenant(name.text(), share(*iso));
    }
    policy_ = policy;
  }

  const std::string& tenant(const Field& f) {
    const std::string name = f.text();
    const auto it = std::find(t_.tenants.begin(), t_.tenants.end(), name);
    if (it == t_.tenants.end()) f.fail(undefined("tenant", name, t_.tenants));
    return *it;
  }

  void isolation() {
    auto f = root_.optional("isolation");
    if (f) {
      f->check_keys(tenancy_keys("isolation"));
      if (t_.tenants.empty())
        f->fail("an isolation policy needs tenants (define them under tenants)");
      if (auto d = f->optional("default")) policy_->set_default(share(*d));
      if (auto pairs = f->optional("pairs")) {
        for (const Field& p : pairs->elements()) {
          p.check_keys(tenancy_keys("isolation_pair"));
          const Field names = p.required("tenants");
          const auto two = names.elements();
          if (two.size() != 2) names.fail(fmt::format("name two tenants, got {}", two.size()));
          const std::string a = tenant(two[0]), b = tenant(two[1]);
          if (a == b) two[1].fail("a pair names two different tenants");
          policy_->set_pair(a, b, share(p.required("share")));
        }
      }
    }
    if (policy_) t_.isolation = policy_;
  }

  void runtime_class(const Field& f) {
    f.check_keys(tenancy_keys("runtime_class"));
    RuntimeClass rc;
    const Field name = f.required("name");
    rc.name = name.text();
    for (const RuntimeClass& other : t_.runtime_classes)
      if (other.name == rc.name) name.fail(fmt::format("duplicate runtime class '{}'", rc.name));
    const Field handler = f.required("handler");
    rc.handler = handler.text();
    std::vector<std::string> containers;
    for (const auto& [pname, profile] : catalog_.profiles())
      if (profile.kind == models::PlatformKind::container) containers.push_back(pname);
    if (std::find(containers.begin(), containers.end(), rc.handler) == containers.end())
      handler.fail(fmt::format("'{}' is not a container profile of the catalog (known: {})",
                               rc.handler, fmt::join(containers, ", ")));
    rc.sandboxed = rc.handler != "runc";
    if (auto sb = f.optional("sandboxed")) rc.sandboxed = sb->boolean();
    t_.runtime_classes.push_back(std::move(rc));
  }

  void namespace_(const Field& f) {
    f.check_keys(tenancy_keys("namespace"));
    tn::Namespace ns;
    const Field name = f.required("name");
    ns.name = name.text();
    for (const tn::Namespace& other : t_.namespaces)
      if (other.name == ns.name) name.fail(fmt::format("duplicate namespace '{}'", ns.name));
    if (auto t = f.optional("tenant")) ns.tenant = tenant(*t);
    if (auto q = f.optional("quota")) {
      q->check_keys(tenancy_keys("resource_quota"));
      tn::ResourceQuota quota;
      quota.name = ns.name + "-quota";
      if (auto n = q->optional("name")) quota.name = n->text();
      const Field hard = q->required("hard");
      if (!hard.node.IsMap()) hard.fail("expected a mapping of resources to quantities");
      for (auto it = hard.node.begin(); it != hard.node.end(); ++it) {
        const std::string key = it->first.Scalar();
        const Field value = hard[key];
        const auto r = tn::parse_quota_resource(key);
        if (!r) {
          const std::string hint = closest_match(key, tn::quota_resource_names());
          value.fail(fmt::format("unknown quota resource '{}' ({}allowed: {})", key,
                                 hint.empty() ? "" : fmt::format("did you mean '{}'? ", hint),
                                 fmt::join(tn::quota_resource_names(), ", ")));
        }
        std::int64_t v = 0;
        switch (*r) {
          case tn::QuotaResource::pods:
            v = value.integer(0, 1'000'000'000);
            break;
          case tn::QuotaResource::requests_cpu:
          case tn::QuotaResource::limits_cpu:
            v = cpu(value).value();
            break;
          case tn::QuotaResource::requests_memory:
          case tn::QuotaResource::limits_memory:
            v = memory(value).count();
            break;
        }
        if (!quota.hard.emplace(*r, v).second)
          value.fail(fmt::format("'{}' names the same resource as an earlier key", key));
      }
      ns.quotas.push_back(std::move(quota));
    }
    if (auto lr = f.optional("limit_range")) {
      lr->check_keys(tenancy_keys("limit_range"));
      tn::LimitRange range;
      range.name = ns.name + "-limits";
      const auto values = [&](const char* key, std::optional<sim::Millicores>& c,
                              std::optional<sim::Bytes>& m) {
        auto v = lr->optional(key);
        if (!v) return;
        v->check_keys(tenancy_keys("limit_values"));
        if (auto x = v->optional("cpu")) c = cpu(*x);
        if (auto x = v->optional("memory")) m = memory(*x);
      };
      values("default", range.default_cpu, range.default_memory);
      values("default_request", range.default_request_cpu, range.default_request_memory);
      values("min", range.min_cpu, range.min_memory);
      values("max", range.max_cpu, range.max_memory);
      if (range.min_cpu && range.max_cpu && *range.min_cpu > *range.max_cpu)
        (*lr)["min"].fail("cpu min is above max");
      if (range.min_memory && range.max_memory && *range.min_memory > *range.max_memory)
        (*lr)["min"].fail("memory min is above max");
      ns.limit_ranges.push_back(std::move(range));
    }
    t_.namespaces.push_back(std::move(ns));
  }

  void taints(const Field& host, const std::string& group) {
    auto f = host.optional("taints");
    if (!f) return;
    static constexpr std::pair<pl::Taint::Effect, const char*> kEffects[]{
        {pl::Taint::Effect::no_schedule, "NoSchedule"},
        {pl::Taint::Effect::prefer_no_schedule, "PreferNoSchedule"},
        {pl::Taint::Effect::no_execute, "NoExecute"}};
    auto& list = t_.taints[group];
    for (const Field& e : f->elements()) {
      e.check_keys(tenancy_keys("taint"));
      pl::Taint t;
      t.key = e.required("key").text();
      if (t.key.empty()) e["key"].fail("must not be empty");
      if (auto v = e.optional("value")) t.value = v->text();
      t.effect = pick(e.required("effect"), "taint effect", kEffects);
      list.push_back(std::move(t));
    }
  }

  pl::NodeSelectorTerm term(const Field& f, const char* table) {
    f.check_keys(tenancy_keys(table));
    static constexpr std::pair<pl::NodeSelectorRequirement::Op, const char*> kOps[]{
        {pl::NodeSelectorRequirement::Op::in, "In"},
        {pl::NodeSelectorRequirement::Op::not_in, "NotIn"},
        {pl::NodeSelectorRequirement::Op::exists, "Exists"},
        {pl::NodeSelectorRequirement::Op::does_not_exist, "DoesNotExist"},
        {pl::NodeSelectorRequirement::Op::gt, "Gt"},
        {pl::NodeSelectorRequirement::Op::lt, "Lt"}};
    using Op = pl::NodeSelectorRequirement::Op;
    pl::NodeSelectorTerm t;
    for (const Field& e : f.required("match_expressions").elements(false)) {
      e.check_keys(tenancy_keys("node_selector_requirement"));
      pl::NodeSelectorRequirement r;
      r.key = e.required("key").text();
      const Field op = e.required("operator");
      r.op = pick(op, "operator", kOps);
      if (auto v = e.optional("values"))
        for (const Field& x : v->elements())
          r.values.push_back(x.text());
      const bool none = r.op == Op::exists || r.op == Op::does_not_exist;
      const bool one = r.op == Op::gt || r.op == Op::lt;
      if (none && !r.values.empty())
        e["values"].fail(fmt::format("must be empty for {}", op.text()));
      if (!none && !one && r.values.empty()) e.required("values").fail("must not be empty");
      if (one) {
        if (r.values.size() != 1)
          e.required("values").fail(fmt::format("{} takes exactly one value", op.text()));
        long long n = 0;
        const std::string& v = r.values.front();
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc{} || end != v.data() + v.size())
          e["values"].at(0).fail(fmt::format("{} needs an integer, got '{}'", op.text(), v));
      }
      t.match_expressions.push_back(std::move(r));
    }
    return t;
  }

  // Every taint of every host group, for the warning about tolerations that match none.
  bool tolerates_some_taint(const pl::Toleration& tol) const {
    for (const auto& [group, list] : t_.taints)
      for (const pl::Taint& taint : list)
        if (tol.tolerates(taint)) return true;
    return false;
  }

  void service(const Field& f, const std::string& name) {
    ServiceTenancy st;
    bool any = false;
    if (auto t = f.optional("tenant")) {
      st.tenant = tenant(*t);
      any = true;
    } else if (!t_.tenants.empty()) {
      f["tenant"].fail(
          fmt::format("missing: with tenants defined every service names its tenant "
                      "(one of {})",
                      fmt::join(t_.tenants, ", ")));
    }
    if (auto n = f.optional("namespace")) {
      any = true;
      st.ns = n->text();
      const auto it = std::find_if(t_.namespaces.begin(), t_.namespaces.end(),
                                   [&](const tn::Namespace& ns) { return ns.name == st.ns; });
      if (it == t_.namespaces.end()) {
        std::vector<std::string> names;
        for (const auto& ns : t_.namespaces)
          names.push_back(ns.name);
        n->fail(undefined("namespace", st.ns, names));
      }
      if (!it->tenant.empty() && it->tenant != st.tenant)
        n->fail(fmt::format("namespace '{}' belongs to tenant '{}', not '{}'", st.ns, it->tenant,
                            st.tenant));
    }
    if (auto r = f.optional("runtime_class")) {
      any = true;
      st.runtime_class = runtime_class_name(*r);
    }
    if (auto tols = f.optional("tolerations")) {
      any = true;
      static constexpr std::pair<pl::Toleration::Op, const char*> kOps[]{
          {pl::Toleration::Op::equal, "Equal"}, {pl::Toleration::Op::exists, "Exists"}};
      static constexpr std::pair<pl::Taint::Effect, const char*> kEffects[]{
          {pl::Taint::Effect::no_schedule, "NoSchedule"},
          {pl::Taint::Effect::prefer_no_schedule, "PreferNoSchedule"},
          {pl::Taint::Effect::no_execute, "NoExecute"}};
      for (const Field& e : tols->elements()) {
        e.check_keys(tenancy_keys("toleration"));
        pl::Toleration tol;
        if (auto k = e.optional("key")) tol.key = k->text();
        if (auto o = e.optional("operator")) tol.op = pick(*o, "toleration operator", kOps);
        if (auto v = e.optional("value")) {
          if (tol.op == pl::Toleration::Op::exists)
            v->fail("must be empty when operator is Exists (as Kubernetes validates it)");
          tol.value = v->text();
        }
        if (tol.key.empty() && tol.op != pl::Toleration::Op::exists)
          e.fail("a toleration without a key needs operator Exists");
        if (auto ef = e.optional("effect")) tol.effect = pick(*ef, "taint effect", kEffects);
        if (!tolerates_some_taint(tol))
          t_.warnings.push_back(fmt::format(
              "{}: warning: {}: tolerates no taint of any host group (Kubernetes accepts it)",
              to_string(e.where()), e.path));
        st.tolerations.push_back(std::move(tol));
      }
    }
    if (auto sel = f.optional("node_selector")) {
      any = true;
      if (!sel->node.IsMap()) sel->fail("expected a mapping of node labels to values");
      for (auto it = sel->node.begin(); it != sel->node.end(); ++it)
        st.node_affinity.node_selector.emplace(it->first.Scalar(),
                                               (*sel)[it->first.Scalar()].text());
    }
    if (auto na = f.optional("node_affinity")) {
      any = true;
      na->check_keys(tenancy_keys("node_affinity"));
      if (auto req = na->optional("required"))
        for (const Field& t : req->elements(false))
          st.node_affinity.required.push_back(term(t, "node_selector_term"));
      if (auto pref = na->optional("preferred"))
        for (const Field& p : pref->elements(false)) {
          const int w = static_cast<int>(p.required("weight").integer(1, 100));
          st.node_affinity.preferred.push_back({w, term(p, "preferred_term")});
        }
    }
    if (any) t_.services[name] = std::move(st);
  }

  std::string runtime_class_name(const Field& f) {
    const std::string name = f.text();
    std::vector<std::string> names;
    for (const RuntimeClass& rc : t_.runtime_classes) {
      if (rc.name == name) return name;
      names.push_back(rc.name);
    }
    f.fail(undefined("runtime class", name, names));
  }

  void variant(const Field& f, const std::string& name) {
    VariantTenancy vt;
    bool any = false;
    if (auto i = f.optional("isolation")) {
      any = true;
      const std::string mode = i->text();
      if (mode == "ignore") {
        vt.enforce_isolation = false;
      } else if (mode != "enforce") {
        vt.level = tn::parse_share(mode);
        if (!vt.level)
          i->fail(fmt::format("unknown isolation '{}' (allowed: enforce, ignore, {})", mode,
                              fmt::join(tn::share_names(), ", ")));
      }
      if (vt.enforce_isolation && !vt.level && t_.tenants.empty())
        i->fail("enforces no policy: define tenants first");
    }
    if (auto r = f.optional("runtime_class")) {
      any = true;
      vt.runtime_class = runtime_class_name(*r);
    }
    if (any) t_.variants[name] = std::move(vt);
  }

  const Field& root_;
  const models::Catalog& catalog_;
  Scenario& s_;
  Tenancy& t_;
  std::shared_ptr<tn::IsolationPolicy> policy_;
};

}  // namespace

void read_tenants(const Field& root, const models::Catalog& catalog, Scenario& s) {
  TenancyReader(root, catalog, s).read();
}

}  // namespace vmcsim::app::scenario
