#include "app/scenario/scenario.hpp"

namespace vmcsim::app::scenario {

std::string to_string(WorkloadKind k) {
  switch (k) {
    case WorkloadKind::poisson:
      return "poisson";
    case WorkloadKind::onoff:
      return "onoff";
    case WorkloadKind::mmpp:
      return "mmpp";
    case WorkloadKind::diurnal:
      return "diurnal";
    case WorkloadKind::step:
      return "step";
    case WorkloadKind::trace:
      return "trace";
    case WorkloadKind::pod_trace:
      return "pod_trace";
  }
  return "?";
}

std::string to_string(AutoscalerKind k) {
  switch (k) {
    case AutoscalerKind::none:
      return "none";
    case AutoscalerKind::hpa:
      return "hpa";
    case AutoscalerKind::target_tracking:
      return "target_tracking";
    case AutoscalerKind::step:
      return "step";
  }
  return "?";
}

std::string to_string(DistKind k) {
  switch (k) {
    case DistKind::constant:
      return "constant";
    case DistKind::uniform:
      return "uniform";
    case DistKind::exponential:
      return "exponential";
    case DistKind::normal:
      return "normal";
    case DistKind::lognormal:
      return "lognormal";
    case DistKind::pareto:
      return "pareto";
    case DistKind::weibull:
      return "weibull";
    case DistKind::empirical:
      return "empirical";
  }
  return "?";
}

}  // namespace vmcsim::app::scenario
