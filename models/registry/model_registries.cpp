#include "models/registry/model_registries.hpp"

namespace vmcsim::models::registry {

const ModuleGroup<PlatformKind>& platform_kinds() {
  static const ModuleGroup<PlatformKind> group{
      "platform",
      {
          {"vm", "a hypervisor and a full guest OS per instance (KVM, EC2)", PlatformKind::vm},
          {"microvm", "a minimal VMM and guest per instance (Firecracker, Fargate)",
           PlatformKind::microvm},
          {"container", "a container sharing the host's kernel (runc, gVisor, Kata)",
           PlatformKind::container},
          {"container_in_vm",
           "containers on VM nodes of node_instance_type (ECS container instances, EKS worker "
           "nodes), with a cluster autoscaler",
           PlatformKind::container_in_vm},
      }};
  return group;
}

const ModuleGroup<serverless::KeepAliveKind>& keep_alive_policies() {
  using K = serverless::KeepAliveKind;
  static const ModuleGroup<K> group{
      "keep-alive policy",
      {
          {"fixed", "keep an idle instance warm for `time` (Lambda about 10 min, Azure 20 min)",
           K::fixed},
          {"none", "stop an instance as soon as it is idle", K::none},
          {"hybrid",
           "Shahrad et al. ATC'20 hybrid histogram: pre-warm and keep-alive windows from each "
           "function's idle-time histogram, around an ARIMA forecast when most idle times are "
           "beyond its range, the range's keep-alive otherwise",
           K::hybrid},
      }};
  return group;
}

const ModuleGroup<sim::InformationCriterion>& arima_criteria() {
  using C = sim::InformationCriterion;
  static const ModuleGroup<C> group{
      "information criterion",
      {
          {"aic", "Akaike's: pmdarima's default, efficient for forecasting, overfits now and then",
           C::aic},
          {"aicc", "AIC corrected for small samples (Hurvich and Tsai)", C::aicc},
          {"bic", "Schwarz's Bayesian: consistent, picks the true order more often", C::bic},
      }};
  return group;
}

const ModuleGroup<AutoscalerConfig::Kind>& autoscalers() {
  using Kind = AutoscalerConfig::Kind;
  static const ModuleGroup<Kind> group{
      "autoscaler",
      {
          {"none", "a fixed replica count", Kind::none},
          {"hpa",
           "Kubernetes HorizontalPodAutoscaler on CPU utilization (tolerance, scale-down "
           "stabilization)",
           Kind::hpa},
          {"target_tracking", "ECS / Application Auto Scaling target tracking on CPU utilization",
           Kind::target_tracking},
          {"step", "ECS / Application Auto Scaling step scaling on CPU utilization", Kind::step},
      }};
  return group;
}

const ModuleGroup<ParameterSets>& distributions() {
  static const ModuleGroup<ParameterSets> group{
      "distribution",
      {
          {"constant", "always `value`", {{"value"}}},
          {"uniform", "uniform on [low, high]", {{"low", "high"}}},
          {"exponential", "exponential of mean `mean`", {{"mean"}}},
          {"normal", "normal of mean and stddev (Box-Muller)", {{"mean", "stddev"}}},
          {"lognormal",
           "lognormal from its median and p95, its median and sigma, or mean and cv",
           {{"median", "p95"}, {"median", "sigma"}, {"mean", "cv"}}},
          {"pareto", "Pareto (type I) of scale and shape", {{"scale", "shape"}}},
          {"weibull", "Weibull of scale and shape", {{"scale", "shape"}}},
          {"empirical", "drawn uniformly from the listed samples", {{"samples"}}},
      }};
  return group;
}

}  // namespace vmcsim::models::registry
