// Distributions of a quantity: a bare value (constant) or {dist: KIND, parameters...}.
#include <algorithm>
#include <stdexcept>

#include "app/scenario/section_readers.hpp"

namespace vmcsim::app::scenario {

const KeyTables& distribution_key_tables() {
  static const KeyTables tables{
      {"distribution",
       {"dist", "value", "low", "high", "mean", "stddev", "median", "p95", "sigma", "cv", "scale",
        "shape", "samples"}},
  };
  return tables;
}

namespace {

double base_value(sim::Time t) {
  return t.seconds();
}
double base_value(sim::Bytes b) {
  return static_cast<double>(b.count());
}

// Which parameters each kind takes; lognormal takes one of three pairs.
std::vector<std::string> parameters_of(DistKind kind) {
  switch (kind) {
    case DistKind::constant:
      return {"value"};
    case DistKind::uniform:
      return {"low", "high"};
    case DistKind::exponential:
      return {"mean"};
    case DistKind::normal:
      return {"mean", "stddev"};
    case DistKind::lognormal:
      return {"median", "p95", "sigma", "mean", "cv"};
    case DistKind::pareto:
    case DistKind::weibull:
      return {"scale", "shape"};
    case DistKind::empirical:
      return {"samples"};
  }
  return {};
}

template <class Q>
void read_lognormal(const Field& f, DistributionSpec<Q>& d) {
  const auto has = [&](const char* k) { return f.optional(k).has_value(); };
  constexpr const char* pairs =
      "a lognormal distribution takes exactly one pair: median and p95, median and sigma, or "
      "mean and cv";
  if (has("median") + has("p95") + has("sigma") + has("mean") + has("cv") != 2) f.fail(pairs);
  if (has("median") && has("p95")) {
    d.median = f["median"].positive<Q>();
    d.p95 = f["p95"].positive<Q>();
    if (!(d.median < d.p95)) f["p95"].fail("must be greater than median");
    d.distribution = sim::LogNormal::from_median_p95(base_value(d.median), base_value(d.p95));
  } else if (has("median") && has("sigma")) {
    d.median = f["median"].positive<Q>();
    d.sigma = f["sigma"].number(0, 100);
    d.distribution = sim::LogNormal::from_median_sigma(base_value(d.median), d.sigma);
  } else if (has("mean") && has("cv")) {
    d.mean = f["mean"].positive<Q>();
    d.cv = f["cv"].number(0, 100);
    d.distribution = sim::LogNormal::from_mean_cv(base_value(d.mean), d.cv);
  } else {
    f.fail(pairs);
  }
}

// The parameters of d.kind, checked and turned into the sampling distribution.
template <class Q>
void read_parameters(const Field& f, DistributionSpec<Q>& d) {
  switch (d.kind) {
    case DistKind::constant:
      d.value = f.required("value").quantity<Q>();
      d.distribution = sim::Constant{base_value(d.value)};
      break;
    case DistKind::uniform:
      d.low = f.required("low").quantity<Q>();
      d.high = f.required("high").quantity<Q>();
      if (d.high < d.low) f["high"].fail("must not be less than low");
      d.distribution = sim::Uniform{base_value(d.low), base_value(d.high)};
      break;
    case DistKind::exponential:
      d.mean = f.required("mean").positive<Q>();
      d.distribution = sim::Exponential{base_value(d.mean)};
      break;
    case DistKind::normal:
      d.mean = f.required("mean").quantity<Q>();
      d.stddev = f.required("stddev").quantity<Q>();
      d.distribution = sim::Normal{base_value(d.mean), base_value(d.stddev)};
      break;
    case DistKind::lognormal:
      read_lognormal(f, d);
      break;
    case DistKind::pareto:
    case DistKind::weibull:
      d.scale = f.required("scale").positive<Q>();
      d.shape = f.required("shape").number(0, 1000);
      if (d.kind == DistKind::pareto)
        d.distribution = sim::Pareto{base_value(d.scale), d.shape};
      else
        d.distribution = sim::Weibull{base_value(d.scale), d.shape};
      break;
    case DistKind::empirical: {
      std::vector<double> xs;
      for (const Field& s : f.required("samples").elements(false)) {
        d.samples.push_back(s.quantity<Q>());
        xs.push_back(base_value(d.samples.back()));
      }
      d.distribution = sim::Empirical{std::move(xs)};
      break;
    }
  }
}

}  // namespace

template <class Q>
DistributionSpec<Q> read_distribution(const Field& f) {
  DistributionSpec<Q> d;
  if (f.node.IsScalar()) {  // a bare quantity means a constant
    d.value = f.quantity<Q>();
    d.distribution = sim::Constant{base_value(d.value)};
    return d;
  }
  f.check_keys(keys("distribution"));
  d.kind =
      read_enum(f.required("dist"),
                {DistKind::constant, DistKind::uniform, DistKind::exponential, DistKind::normal,
                 DistKind::lognormal, DistKind::pareto, DistKind::weibull, DistKind::empirical});
  const std::vector<std::string> takes = parameters_of(d.kind);
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (k != "dist" && std::find(takes.begin(), takes.end(), k) == takes.end())
      f[k].fail(fmt::format("not a parameter of the {} distribution (it takes {})",
                            to_string(d.kind), fmt::join(takes, ", ")));
  }
  try {
    read_parameters(f, d);
  } catch (const std::invalid_argument& e) {
    f.fail(e.what());
  }
  return d;
}

template DistributionSpec<sim::Time> read_distribution<sim::Time>(const Field& f);
template DistributionSpec<sim::Bytes> read_distribution<sim::Bytes>(const Field& f);

}  // namespace vmcsim::app::scenario
