#pragma once
// ARIMA(p, d, q) for short series: choose the order, fit, and forecast the next value.
// Generic time-series statistics (the hybrid keep-alive policy forecasts idle times with it,
// models/serverless/keep_alive.hpp); nothing here knows what the numbers are.
//
//   differencing_order  d: difference while a KPSS test rejects level stationarity at 5%, up
//                       to max_d (Kwiatkowski, Phillips, Schmidt and Shin 1992; the rule of
//                       pmdarima's ndiffs, auto_arima's default);
//   fit_arma_css        ARMA(p, q) with an optional intercept by conditional sum of squares:
//                       a Hannan-Rissanen start (long AR, then least squares on the lagged
//                       values and residuals), refined by Gauss-Newton with step halving;
//   auto_arima          d as above, then every (p, q) of the grid, keeping the stationary and
//                       invertible fit of least AIC (or AICc, BIC), and its one-step forecast.
//
// What it shares with pmdarima.auto_arima (the tool Shahrad et al., ATC'20, used): d by KPSS
// at alpha 0.05 with max_d 2, the order by AIC, an intercept (a drift after differencing) only
// when d <= 1, non-stationary and non-invertible fits refused. Where it differs: pmdarima
// maximises the exact Gaussian likelihood (statsmodels' Kalman filter) over a stepwise search
// (Hyndman and Khandakar 2008) up to p, q = 5; here conditional least squares over the whole
// grid up to p, q = 3 (the default). On the series it is meant for (a hundred values or so)
// the two agree on clear cases and may pick neighbouring orders on unclear ones.
//
// Conditioning: every candidate of one fit conditions on the same first max_p values, so their
// AICs sum the same residuals and compare fairly. An exact fit (a constant, or a constant
// difference: a linear trend) has zero residual variance; the variance is floored just above
// zero so the AIC stays finite and the fewest parameters win.
//
// Cost: each candidate is at most 30 Gauss-Newton steps (each O(n k^2) for n values and k
// parameters, with at most 10 halvings), stopping once a step gains less than 1e-8 of the
// sum of squares; with n = 100 and the 16 candidates of p, q <= 3 a whole auto_arima took
// 1.1-1.5 ms of CPU (bench/arima_bench.cpp, 2 shared cores under load; 0.4 ms at n = 25).
// Deterministic: no randomness, a fixed order of work, no threads; the same inputs give the
// same bits.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace vmcsim::sim {

struct ArimaOrder {
  int p = 0;
  int d = 0;
  int q = 0;
  friend bool operator==(const ArimaOrder&, const ArimaOrder&) = default;
};

// An ARMA(p, q) fitted to a (differenced) series w:
//   w_t = c + ar[0] w_{t-1} + ... + ar[p-1] w_{t-p} + e_t + ma[0] e_{t-1} + ... + ma[q-1] e_{t-q}
// (c = 0 without intercept). The residuals e_t count from `condition` on (e_t = 0 before).
struct ArmaFit {
  bool intercept = false;
  double c = 0.0;
  std::vector<double> ar;
  std::vector<double> ma;
  std::size_t condition = 0;  // values conditioned on (not residuals)
  std::size_t n = 0;          // residuals summed: w.size() - condition
  double sigma2 = 0.0;        // residual variance, SSE / n (floored just above 0)
  // Information criteria with K = parameters + 1 (the variance), Gaussian constants dropped:
  double aic = 0.0;   // n ln(sigma2) + 2 K
  double aicc = 0.0;  // aic + 2 K (K + 1) / (n - K - 1), Hurvich and Tsai's small-sample AIC
  double bic = 0.0;   // n ln(sigma2) + K ln(n)
};

// AIC is pmdarima's default (and so, presumably, the paper's); it is efficient for forecasting
// but not consistent: it picks a larger order than the true one now and then (about a third of
// the time on a 200-value AR(2), tests/sim/arima_test.cpp). BIC is consistent.
enum class InformationCriterion : std::uint8_t { aic, aicc, bic };

// Why a forecast is missing. Everything but ok leaves the caller to fall back.
enum class ArimaStatus : std::uint8_t {
  ok,
  too_short,          // fewer values than AutoArimaOptions::min_length
  not_finite,         // a NaN or infinite value in the series
  no_admissible_fit,  // no candidate converged to a stationary, invertible fit
  forecast_not_finite,
};
std::string_view to_string(ArimaStatus s);

struct AutoArimaOptions {
  int max_p = 3;
  int max_q = 3;
  int max_d = 2;                 // pmdarima's default
  std::size_t min_length = 5;    // shorter series are not fitted (too_short)
  double kpss_critical = 0.463;  // KPSS level test at 5% (Kwiatkowski et al. 1992, table 1)
  InformationCriterion criterion = InformationCriterion::aic;
};

struct ArimaForecast {
  ArimaStatus status = ArimaStatus::too_short;
  double value = std::numeric_limits<double>::quiet_NaN();  // the next value, when ok
  ArimaOrder order;
  ArmaFit fit;  // of the d-times differenced series
  bool ok() const { return status == ArimaStatus::ok; }
};

// The KPSS statistic for level stationarity, with the Bartlett-weighted long-run variance at
// lag trunc(4 (n / 100)^(1/4)) (the "short" lag of R's tseries::kpss.test and pmdarima).
// Large values reject stationarity. NaN with fewer than 3 values or a constant series.
double kpss_level_statistic(std::span<const double> y);

// The number of differences (0..max_d) after which the KPSS test no longer rejects at the
// critical value; a constant series (or one that becomes constant) stops the differencing.
int differencing_order(std::span<const double> y, int max_d = 2, double critical = 0.463);

// y differenced d times (d values shorter).
std::vector<double> difference(std::span<const double> y, int d);

// ARMA(p, q) of w by conditional sum of squares, conditioning on the first `condition` values
// (>= p). nullopt when there are too few values (fewer than 2 (parameters + 1) residuals), the
// sums do not stay finite, or the fit is not stationary (AR) or not invertible (MA).
std::optional<ArmaFit> fit_arma_css(std::span<const double> w, int p, int q, bool intercept,
                                    std::size_t condition);

// The one-step forecast of w from a fit of it (its residual recursion run to the end of w).
double arma_forecast_next(std::span<const double> w, const ArmaFit& fit);

// Order selection, fit and one-step forecast of y's next value (see the top of this file).
ArimaForecast auto_arima(std::span<const double> y, const AutoArimaOptions& options = {});

}  // namespace vmcsim::sim
