// A service's `autoscaling`: none, hpa, target_tracking or step.
#include <limits>

#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

const KeyTables& autoscaling_key_tables() {
  static const KeyTables tables{
      {"autoscaling",
       {"kind", "min_replicas", "max_replicas", "target_cpu_utilization", "sync_period",
        "tolerance", "scale_down_stabilization", "cooldown", "steps"}},
      {"scaling_step", {"lower", "upper", "change"}},
  };
  return tables;
}

namespace {

std::vector<ScalingStep> read_steps(const Field& steps) {
  std::vector<ScalingStep> out;
  for (const Field& st : steps.elements(false)) {
    st.check_keys(keys("scaling_step"));
    ScalingStep step;
    step.lower = non_negative(st.required("lower"));
    step.upper =
        st.optional("upper") ? st["upper"].number() : std::numeric_limits<double>::infinity();
    if (!(step.lower < step.upper)) st["upper"].fail("must be greater than lower");
    step.change = static_cast<int>(st.required("change").integer(-1'000'000, 1'000'000));
    out.push_back(step);
  }
  return out;
}

// The keys that apply to one kind only: tolerance, scale_down_stabilization, cooldown, steps.
void read_kind_specific(const Field& f, Autoscaling& a) {
  const auto only_for = [&](const char* key, AutoscalerKind kind) {
    const auto v = f.optional(key);
    if (v && a.kind != kind) v->fail(fmt::format("applies to {} only", to_string(kind)));
    return v;
  };
  if (auto t = only_for("tolerance", AutoscalerKind::hpa)) a.tolerance = non_negative(*t, 1.0);
  if (auto t = only_for("scale_down_stabilization", AutoscalerKind::hpa))
    a.scale_down_stabilization = t->quantity<sim::Time>();
  if (auto c = f.optional("cooldown")) {
    if (a.kind == AutoscalerKind::hpa) c->fail("applies to target_tracking and step only");
    a.cooldown = c->quantity<sim::Time>();
  }
  if (auto steps = only_for("steps", AutoscalerKind::step))
    a.steps = read_steps(*steps);
  else if (a.kind == AutoscalerKind::step)
    f.required("steps");
}

}  // namespace

Autoscaling read_autoscaling(const Field& f, int replicas) {
  f.check_keys(keys("autoscaling"));
  Autoscaling a;
  a.kind = read_enum(f.required("kind"), {AutoscalerKind::none, AutoscalerKind::hpa,
                                          AutoscalerKind::target_tracking, AutoscalerKind::step});
  a.min_replicas = a.max_replicas = replicas;
  if (a.kind == AutoscalerKind::none) {
    for (auto it = f.node.begin(); it != f.node.end(); ++it)
      if (it->first.Scalar() != "kind")
        f[it->first.Scalar()].fail("does not apply when kind is none");
    return a;
  }
  a.min_replicas = static_cast<int>(f.required("min_replicas").integer(0, 10'000'000));
  a.max_replicas = static_cast<int>(f.required("max_replicas").integer(1, 10'000'000));
  if (a.max_replicas < a.min_replicas) f["max_replicas"].fail("must not be below min_replicas");
  if (auto p = f.optional("sync_period")) a.sync_period = p->positive<sim::Time>();
  const bool tracks = a.kind == AutoscalerKind::hpa || a.kind == AutoscalerKind::target_tracking;
  if (tracks)
    a.target_cpu_utilization = fraction(f.required("target_cpu_utilization"));
  else if (f.optional("target_cpu_utilization"))
    f["target_cpu_utilization"].fail("applies to hpa and target_tracking only");
  read_kind_specific(f, a);
  return a;
}

}  // namespace vmcsim::app::scenario
