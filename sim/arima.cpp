#include "sim/arima.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace vmcsim::sim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
// A root this close to the unit circle counts as on it: the fit is refused rather than
// forecast from a (numerically) non-stationary or non-invertible model.
constexpr double kUnitRootMargin = 1e-6;

// Equal up to rounding: a linear trend given in doubles differences to a near-constant.
bool arima_is_constant(std::span<const double> x) {
  if (x.empty()) return true;
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  const double scale = std::max({1.0, std::abs(*lo), std::abs(*hi)});
  return *hi - *lo <= 1e-9 * scale;
}

// The largest |root| of z^k - a[0] z^(k-1) - ... - a[k-1], from its companion matrix: below 1
// is stationarity for AR coefficients a, and invertibility for a = -(MA coefficients).
double spectral_radius(const std::vector<double>& a) {
  const auto k = static_cast<Eigen::Index>(a.size());
  if (k == 0) return 0.0;
  if (k == 1) return std::abs(a[0]);
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(k, k);
  for (Eigen::Index j = 0; j < k; ++j)
    m(0, j) = a[static_cast<std::size_t>(j)];
  for (Eigen::Index i = 1; i < k; ++i)
    m(i, i - 1) = 1.0;
  const Eigen::EigenSolver<Eigen::MatrixXd> es(m, false);
  if (es.info() != Eigen::Success) return kInf;
  return es.eigenvalues().cwiseAbs().maxCoeff();
}

std::vector<double> negated(const std::vector<double>& v) {
  std::vector<double> out(v.size());
  std::transform(v.begin(), v.end(), out.begin(), [](double x) { return -x; });
  return out;
}

// One ARMA(p, q) conditional least-squares problem; parameters beta = [c] ar... ma...
struct CssProblem {
  std::span<const double> w;
  int p = 0;
  int q = 0;
  bool intercept = false;
  std::size_t m = 0;  // conditioning values

  Eigen::Index params() const { return (intercept ? 1 : 0) + p + q; }
  Eigen::Index ar_at() const { return intercept ? 1 : 0; }
  Eigen::Index ma_at() const { return ar_at() + p; }
  Eigen::Index size() const { return static_cast<Eigen::Index>(w.size()); }
  Eigen::Index rows() const { return size() - static_cast<Eigen::Index>(m); }

  // The residuals e (e_t = 0 for t < m) and their sum of squares, +inf when not finite; with
  // jac, also de_t / dbeta, by the same recursion: de_t = -x_t - sum_j ma_j de_{t-1-j}.
  double residuals(const Eigen::VectorXd& beta, Eigen::VectorXd& e, Eigen::MatrixXd* jac) const {
    const Eigen::Index n = size();
    const auto first = static_cast<Eigen::Index>(m);
    e.setZero(n);
    if (jac) jac->setZero(n, params());
    double sse = 0.0;
    for (Eigen::Index t = first; t < n; ++t) {
      double pred = intercept ? beta(0) : 0.0;
      for (int i = 0; i < p; ++i)
        pred += beta(ar_at() + i) * w[static_cast<std::size_t>(t - 1 - i)];
      for (int j = 0; j < q; ++j)
        if (t - 1 - j >= first) pred += beta(ma_at() + j) * e(t - 1 - j);
      e(t) = w[static_cast<std::size_t>(t)] - pred;
      sse += e(t) * e(t);
      if (!jac) continue;
      auto row = jac->row(t);
      if (intercept) row(0) = -1.0;
      for (int i = 0; i < p; ++i)
        row(ar_at() + i) = -w[static_cast<std::size_t>(t - 1 - i)];
      for (int j = 0; j < q; ++j)
        if (t - 1 - j >= first) row(ma_at() + j) = -e(t - 1 - j);
      for (int j = 0; j < q; ++j)
        if (t - 1 - j >= first) row -= beta(ma_at() + j) * jac->row(t - 1 - j);
    }
    return std::isfinite(sse) ? sse : kInf;
  }
};

// Least squares of y on the columns of x (rank-deficient columns get 0 from the pivoted QR,
// deterministically).
Eigen::VectorXd least_squares(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  return x.colPivHouseholderQr().solve(y);
}

// Regression of w_t (t from `from`) on [1] w_{t-1..t-p} and given lagged residuals r_{t-1..t-q}.
Eigen::VectorXd regress_on_lags(const CssProblem& pr, Eigen::Index from, const Eigen::VectorXd* r) {
  const Eigen::Index rows = pr.size() - from;
  const int q = r ? pr.q : 0;
  Eigen::MatrixXd x(rows, pr.params());
  x.setZero();
  Eigen::VectorXd y(rows);
  for (Eigen::Index k = 0; k < rows; ++k) {
    const Eigen::Index t = from + k;
    y(k) = pr.w[static_cast<std::size_t>(t)];
    if (pr.intercept) x(k, 0) = 1.0;
    for (int i = 0; i < pr.p; ++i)
      x(k, pr.ar_at() + i) = pr.w[static_cast<std::size_t>(t - 1 - i)];
    for (int j = 0; j < q; ++j)
      x(k, pr.ma_at() + j) = (*r)(t - 1 - j);
  }
  return least_squares(x, y);
}

// Hannan and Rissanen's start: residuals of a long AR(L) stand in for the unobserved e_t, then
// w_t is regressed on its lags and theirs. With q = 0 this is already the exact CSS solution.
// Too little data for the long AR, or an MA part that is not invertible, starts MA at 0.
Eigen::VectorXd hannan_rissanen(const CssProblem& pr) {
  if (pr.params() == 0) return {};
  const auto m = static_cast<Eigen::Index>(pr.m);
  Eigen::VectorXd beta = regress_on_lags(pr, m, nullptr);  // MA columns stay 0
  if (pr.q == 0) return beta;
  const Eigen::Index long_ar = std::max(pr.p, pr.q) + 3;
  const Eigen::Index from = std::max(m, long_ar + pr.q);
  if (pr.size() - long_ar < 2 * (long_ar + 1) || pr.size() - from < 2 * (pr.params() + 1))
    return beta;
  const CssProblem long_pr{pr.w, static_cast<int>(long_ar), 0, true, pr.m};
  const Eigen::VectorXd a = regress_on_lags(long_pr, long_ar, nullptr);
  Eigen::VectorXd r = Eigen::VectorXd::Zero(pr.size());
  for (Eigen::Index t = long_ar; t < pr.size(); ++t) {
    double pred = a(0);
    for (Eigen::Index i = 0; i < long_ar; ++i)
      pred += a(1 + i) * pr.w[static_cast<std::size_t>(t - 1 - i)];
    r(t) = pr.w[static_cast<std::size_t>(t)] - pred;
  }
  Eigen::VectorXd start = regress_on_lags(pr, from, &r);
  std::vector<double> ma(start.data() + pr.ma_at(), start.data() + pr.ma_at() + pr.q);
  if (!start.allFinite() || spectral_radius(negated(ma)) >= 1.0 - kUnitRootMargin) return beta;
  return start;
}

// Gauss-Newton on the residuals, each step halved until the sum of squares decreases; stops
// when a step gains (relatively) nothing, or after a fixed number of steps: bounded work.
Eigen::VectorXd gauss_newton(const CssProblem& pr, Eigen::VectorXd beta) {
  constexpr int kMaxSteps = 30;
  constexpr int kMaxHalvings = 10;
  Eigen::VectorXd e;
  Eigen::VectorXd trial_e;
  Eigen::MatrixXd jac;
  double sse = pr.residuals(beta, e, &jac);
  if (!std::isfinite(sse) || pr.params() == 0) return beta;
  for (int step = 0; step < kMaxSteps; ++step) {
    const Eigen::VectorXd delta =
        jac.bottomRows(pr.rows()).colPivHouseholderQr().solve(-e.tail(pr.rows()));
    if (!delta.allFinite()) break;
    double scale = 1.0;
    bool improved = false;
    for (int h = 0; h < kMaxHalvings && !improved; ++h, scale *= 0.5) {
      const Eigen::VectorXd trial = beta + scale * delta;
      if (pr.residuals(trial, trial_e, nullptr) < sse) {
        beta = trial;
        improved = true;
      }
    }
    if (!improved) break;
    const double before = sse;
    sse = pr.residuals(beta, e, &jac);
    if (before - sse <= 1e-8 * before) break;
  }
  return beta;
}

double criterion_of(const ArmaFit& fit, InformationCriterion c) {
  switch (c) {
    case InformationCriterion::aic:
      return fit.aic;
    case InformationCriterion::aicc:
      return fit.aicc;
    case InformationCriterion::bic:
      return fit.bic;
  }
  return fit.aic;
}

}  // namespace

std::string_view to_string(ArimaStatus s) {
  switch (s) {
    case ArimaStatus::ok:
      return "ok";
    case ArimaStatus::too_short:
      return "too_short";
    case ArimaStatus::not_finite:
      return "not_finite";
    case ArimaStatus::no_admissible_fit:
      return "no_admissible_fit";
    case ArimaStatus::forecast_not_finite:
      return "forecast_not_finite";
  }
  return "?";
}

double kpss_level_statistic(std::span<const double> y) {
  const std::size_t n = y.size();
  if (n < 3 || arima_is_constant(y)) return kNaN;
  double mean = 0.0;
  for (const double v : y)
    mean += v;
  mean /= static_cast<double>(n);
  double partial = 0.0;
  double eta = 0.0;
  double s2 = 0.0;
  for (const double v : y) {
    partial += v - mean;
    eta += partial * partial;
    s2 += (v - mean) * (v - mean);
  }
  const auto lag = static_cast<std::size_t>(std::trunc(4.0 * std::pow(n / 100.0, 0.25)));
  for (std::size_t s = 1; s <= lag && s < n; ++s) {
    double cov = 0.0;
    for (std::size_t t = s; t < n; ++t)
      cov += (y[t] - mean) * (y[t - s] - mean);
    s2 += 2.0 * (1.0 - static_cast<double>(s) / static_cast<double>(lag + 1)) * cov;
  }
  s2 /= static_cast<double>(n);
  if (!(s2 > 0.0)) return kNaN;
  return eta / (static_cast<double>(n) * static_cast<double>(n) * s2);
}

std::vector<double> difference(std::span<const double> y, int d) {
  std::vector<double> x(y.begin(), y.end());
  for (int k = 0; k < d && !x.empty(); ++k) {
    for (std::size_t t = 0; t + 1 < x.size(); ++t)
      x[t] = x[t + 1] - x[t];
    x.pop_back();
  }
  return x;
}

int differencing_order(std::span<const double> y, int max_d, double critical) {
  std::vector<double> x(y.begin(), y.end());
  for (int d = 0;; ++d) {
    if (d >= max_d || x.size() < 3 || arima_is_constant(x)) return d;
    // NaN (no spread to measure) does not reject either.
    if (!(kpss_level_statistic(x) > critical)) return d;
    x = difference(x, 1);
  }
}

std::optional<ArmaFit> fit_arma_css(std::span<const double> w, int p, int q, bool intercept,
                                    std::size_t condition) {
  if (p < 0 || q < 0 || condition < static_cast<std::size_t>(p))
    throw std::invalid_argument("fit_arma_css: orders must be >= 0 and condition >= p");
  const CssProblem pr{w, p, q, intercept, condition};
  if (w.size() <= condition || pr.rows() < 2 * (pr.params() + 1)) return std::nullopt;
  if (std::any_of(w.begin(), w.end(), [](double v) { return !std::isfinite(v); }))
    return std::nullopt;
  const Eigen::VectorXd beta = gauss_newton(pr, hannan_rissanen(pr));
  Eigen::VectorXd e;
  const double sse = pr.residuals(beta, e, nullptr);
  if (!std::isfinite(sse) || !beta.allFinite()) return std::nullopt;

  ArmaFit fit;
  fit.intercept = intercept;
  fit.c = intercept ? beta(0) : 0.0;
  fit.ar.assign(beta.data() + pr.ar_at(), beta.data() + pr.ar_at() + p);
  fit.ma.assign(beta.data() + pr.ma_at(), beta.data() + pr.ma_at() + q);
  if (spectral_radius(fit.ar) >= 1.0 - kUnitRootMargin ||
      spectral_radius(negated(fit.ma)) >= 1.0 - kUnitRootMargin)
    return std::nullopt;
  fit.condition = condition;
  fit.n = static_cast<std::size_t>(pr.rows());
  // Exact fits have no residual variance: a floor far below any real noise keeps ln finite.
  double mean_square = 0.0;
  for (const double v : w)
    mean_square += v * v;
  mean_square /= static_cast<double>(w.size());
  const double n = static_cast<double>(fit.n);
  fit.sigma2 = std::max(sse / n, 1e-20 * (1.0 + mean_square));
  const double big_k = static_cast<double>(pr.params() + 1);
  fit.aic = n * std::log(fit.sigma2) + 2.0 * big_k;
  // n >= 2 K (checked above), so n - K - 1 >= K - 1 >= 0; 0 only for K = 1 and n = 2, where
  // AICc is +inf and never preferred.
  fit.aicc = fit.aic + 2.0 * big_k * (big_k + 1.0) / (n - big_k - 1.0);
  fit.bic = n * std::log(fit.sigma2) + big_k * std::log(n);
  return fit;
}

double arma_forecast_next(std::span<const double> w, const ArmaFit& fit) {
  const int p = static_cast<int>(fit.ar.size());
  const int q = static_cast<int>(fit.ma.size());
  const CssProblem pr{w, p, q, fit.intercept, fit.condition};
  Eigen::VectorXd beta(pr.params());
  if (fit.intercept) beta(0) = fit.c;
  for (int i = 0; i < p; ++i)
    beta(pr.ar_at() + i) = fit.ar[static_cast<std::size_t>(i)];
  for (int j = 0; j < q; ++j)
    beta(pr.ma_at() + j) = fit.ma[static_cast<std::size_t>(j)];
  Eigen::VectorXd e;
  pr.residuals(beta, e, nullptr);
  const Eigen::Index n = pr.size();
  double next = fit.c;
  for (int i = 0; i < p; ++i)
    next += fit.ar[static_cast<std::size_t>(i)] * w[static_cast<std::size_t>(n - 1 - i)];
  for (int j = 0; j < q; ++j)
    if (n - 1 - j >= static_cast<Eigen::Index>(fit.condition))
      next += fit.ma[static_cast<std::size_t>(j)] * e(n - 1 - j);
  return next;
}

ArimaForecast auto_arima(std::span<const double> y, const AutoArimaOptions& options) {
  ArimaForecast out;
  if (std::any_of(y.begin(), y.end(), [](double v) { return !std::isfinite(v); })) {
    out.status = ArimaStatus::not_finite;
    return out;
  }
  if (y.size() < std::max<std::size_t>(options.min_length, 3)) {
    out.status = ArimaStatus::too_short;
    return out;
  }
  const int d = differencing_order(y, options.max_d, options.kpss_critical);
  const std::vector<double> w = difference(y, d);
  // pmdarima's with_intercept="auto": a mean (d = 0) or a drift (d = 1), none beyond.
  const bool intercept = d <= 1;
  // The grid shrinks with the data, so a short series is still fitted at low orders; every
  // candidate conditions on the same max_p values so that their AICs compare.
  const int room = std::max(0, (static_cast<int>(w.size()) - 3) / 4);
  const int max_p = std::min(options.max_p, room);
  const int max_q = std::min(options.max_q, room);
  std::optional<ArmaFit> best;
  ArimaOrder best_order;
  for (int p = 0; p <= max_p; ++p) {
    for (int q = 0; q <= max_q; ++q) {
      auto fit = fit_arma_css(w, p, q, intercept, static_cast<std::size_t>(max_p));
      // Strictly less: on a tie the earlier (smaller) order stays.
      if (fit && (!best ||
                  criterion_of(*fit, options.criterion) < criterion_of(*best, options.criterion))) {
        best = std::move(fit);
        best_order = {p, d, q};
      }
    }
  }
  if (!best) {
    out.status = ArimaStatus::no_admissible_fit;
    return out;
  }
  out.order = best_order;
  out.fit = std::move(*best);
  // Undo the differencing: each level's forecast is its last value plus the next difference.
  double value = arma_forecast_next(w, out.fit);
  for (int k = d - 1; k >= 0; --k)
    value += difference(y, k).back();
  out.value = value;
  out.status = std::isfinite(value) ? ArimaStatus::ok : ArimaStatus::forecast_not_finite;
  return out;
}

}  // namespace vmcsim::sim
