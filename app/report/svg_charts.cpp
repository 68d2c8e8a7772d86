#include "app/report/svg_charts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "app/report/text_format.hpp"

namespace vmcsim::app::report::svg {
namespace {

constexpr double kLeft = 78;  // room for y tick labels and the rotated y label
constexpr double kRight = 24;
constexpr double kTop = 44;        // room for the legend
constexpr double kBottom = 52;     // room for x tick labels and the x label
constexpr double kBarLabel = 170;  // room for bar labels on the left
constexpr double kRowHeight = 30;
constexpr std::string_view kAxisColour = "#444";
constexpr std::string_view kGridColour = "#e3e3e3";

std::string n2(double v) {
  return fmt::format("{:.2f}", v);
}

// Maps data values to pixels along one axis.
struct Scale {
  double lo, hi;  // data domain (log10 of it for log scales)
  double p0, p1;  // pixel range
  bool log;
  double operator()(double v) const {
    const double d = log ? std::log10(v) : v;
    if (hi == lo) return (p0 + p1) / 2;
    return p0 + (d - lo) / (hi - lo) * (p1 - p0);
  }
};

struct Domain {
  std::vector<double> ticks;
  Scale scale;
};

std::vector<double> log_ticks(double lo, double hi) {
  const int first = static_cast<int>(std::floor(std::log10(lo)));
  const int last = static_cast<int>(std::ceil(std::log10(hi)));
  std::vector<double> ticks;
  // Few decades: label 1-2-5 within each; many: powers of ten only.
  const bool dense = last - first <= 2;
  for (int e = first; e <= last; ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (m != 1.0 && !dense) continue;
      const double v = m * std::pow(10.0, e);
      if (v >= std::pow(10.0, first) && v <= std::pow(10.0, last)) ticks.push_back(v);
    }
  }
  return ticks;
}

Domain make_domain(const Axis& axis, double data_lo, double data_hi, double p0, double p1,
                   int target) {
  if (axis.log_scale) {
    double lo = axis.min.value_or(data_lo), hi = axis.max.value_or(data_hi);
    if (!(lo > 0)) lo = 1e-3;
    if (!(hi > lo)) hi = lo * 10;
    auto ticks = log_ticks(lo, hi);
    const double dlo = std::log10(axis.min ? lo : ticks.front());
    const double dhi = std::log10(axis.max ? hi : ticks.back());
    std::erase_if(
        ticks, [&](double t) { return std::log10(t) < dlo - 1e-9 || std::log10(t) > dhi + 1e-9; });
    return {ticks, Scale{dlo, dhi, p0, p1, true}};
  }
  double lo = axis.min.value_or(std::min(data_lo, 0.0));
  double hi = axis.max.value_or(data_hi);
  if (!(hi > lo)) hi = lo + 1;
  auto ticks = nice_ticks(lo, hi, target);
  const double dlo = axis.min ? lo : std::min(lo, ticks.front());
  const double dhi = axis.max ? hi : std::max(hi, ticks.back());
  std::erase_if(ticks, [&](double t) {
    return t < dlo - 1e-9 * (dhi - dlo) || t > dhi + 1e-9 * (dhi - dlo);
  });
  return {ticks, Scale{dlo, dhi, p0, p1, false}};
}

std::string open_svg(const std::string& title, double width, double height) {
  return fmt::format(
      "<svg class=\"chart\" role=\"img\" "
      "viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" aria-label=\"{2}\">"
      "<title>{2}</title>\n",
      n2(width), n2(height), html_escape(title));
}

std::string text(double x, double y, std::string_view anchor, std::string_view content,
                 std::string_view cls = "tick") {
  return fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" class=\"{}\">{}</text>\n", n2(x),
                     n2(y), anchor, cls, html_escape(content));
}

std::string line(double x1, double y1, double x2, double y2, std::string_view colour,
                 double width = 1) {
  return fmt::format(
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>\n", n2(x1),
      n2(y1), n2(x2), n2(y2), colour, n2(width));
}

std::string rect(double x, double y, double w, double h, std::string_view colour,
                 std::string_view tooltip = {}) {
  std::string r = fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"",
                              n2(x), n2(y), n2(std::max(w, 0.0)), n2(h), colour);
  if (tooltip.empty()) return r + "/>\n";
  return r + fmt::format("><title>{}</title></rect>\n", html_escape(tooltip));
}

// Vertical grid lines and tick labels under the plot area along a horizontal value axis.
std::string x_axis(const Domain& d, double top, double bottom, const std::string& label,
                   double label_x) {
  std::string out;
  for (double t : d.ticks) {
    const double x = d.scale(t);
    out += line(x, top, x, bottom, kGridColour);
    out += text(x, bottom + 16, "middle", tick_label(t));
  }
  out += line(d.scale.p0, bottom, d.scale.p1, bottom, kAxisColour);
  out += text(label_x, bottom + 38, "middle", label, "axis-label");
  return out;
}

// One legend entry: a filled swatch, or for a line a short stroke drawn as the line is (so a
// dashed series and a solid one of the same colour tell apart in the legend too).
struct LegendEntry {
  std::string name;
  std::string colour;
  bool line = false;
  bool dashed = false;
};

constexpr std::string_view kDash = "6 4";

std::string legend(const std::vector<LegendEntry>& entries, double x0, double y, double max_x) {
  std::string out;
  double x = x0;
  for (const auto& e : entries) {
    const double swatch = e.line ? 24 : 14;
    const double w = swatch + 12 + 7.2 * static_cast<double>(e.name.size());
    if (x + w > max_x && x > x0) {
      x = x0;
      y += 18;
    }
    if (e.line)
      out += fmt::format(
          "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"{}/>\n",
          n2(x), n2(y - 4), n2(x + swatch), n2(y - 4), e.colour,
          e.dashed ? fmt::format(" stroke-dasharray=\"{}\"", kDash) : std::string{});
    else
      out += rect(x, y - 9, swatch, 10, e.colour);
    out += text(x + swatch + 5, y, "start", e.name, "legend");
    x += w + 14;
  }
  return out;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo) || target < 1) return {lo};
  const double raw = (hi - lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  const double first = std::floor(lo / step + 1e-9);
  const double last = std::ceil(hi / step - 1e-9);
  for (double i = first; i <= last; ++i) {
    const double v = i * step;
    ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  }
  return ticks;
}

std::string tick_label(double value) {
  const double a = std::abs(value);
  if (a >= 1e6) return fmt::format("{:g}M", value / 1e6);
  if (a >= 1e4) return fmt::format("{:g}k", value / 1e3);
  // Below 1e-4, {:g} would switch to exponent notation ("1e-05"): print the decimals instead.
  if (a > 0 && a < 1e-4) {
    std::string text = fixed(value, static_cast<int>(std::ceil(-std::log10(a))) + 2);
    text.erase(text.find_last_not_of('0') + 1);
    return text;
  }
  return fmt::format("{:g}", value);
}

std::string line_chart(const std::string& title, const std::vector<LineSeries>& series,
                       const Axis& x, const Axis& y, Size size) {
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (const auto& s : series) {
    for (const auto& p : s.points) {
      if (x.log_scale && !(p.x > 0)) continue;
      xlo = std::min(xlo, p.x);
      xhi = std::max(xhi, p.x);
      ylo = std::min(ylo, p.y);
      yhi = std::max(yhi, p.y);
    }
  }
  if (!std::isfinite(xlo)) xlo = 0, xhi = 1, ylo = 0, yhi = 1;
  const double w = size.width, h = size.height;
  const Domain dx =
      make_domain(x, x.log_scale ? xlo : std::min(xlo, 0.0), xhi, kLeft, w - kRight, 8);
  const Domain dy = make_domain(y, ylo, yhi, h - kBottom, kTop, 5);
  std::string out = open_svg(title, w, h);
  for (double t : dy.ticks) {
    const double py = dy.scale(t);
    out += line(kLeft, py, w - kRight, py, kGridColour);
    out += text(kLeft - 8, py + 4, "end", tick_label(t));
  }
  out += line(kLeft, kTop, kLeft, h - kBottom, kAxisColour);
  out += fmt::format(
      "<text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\" "
      "class=\"axis-label\">{}</text>\n",
      n2((kTop + h - kBottom) / 2), html_escape(y.label));
  out += x_axis(dx, kTop, h - kBottom, x.label, (kLeft + w - kRight) / 2);
  std::vector<LegendEntry> entries;
  for (const auto& s : series) {
    std::string d;
    // Points that would not move the pen are left out (lossless: a step line holding its value
    // needs only its last point), so a day of samples does not bloat the page.
    std::string prev_x, prev_y;
    for (std::size_t i = 0; i < s.points.size(); ++i) {
      const auto& p = s.points[i];
      if (x.log_scale && !(p.x > 0)) continue;
      const std::string px = n2(std::clamp(dx.scale(p.x), kLeft, w - kRight));
      const std::string py = n2(std::clamp(dy.scale(p.y), kTop, h - kBottom));
      const bool last = i + 1 == s.points.size();
      if (d.empty()) {
        d += fmt::format("M{} {}", px, py);
      } else if (s.step && py == prev_y) {
        if (last)
          d += fmt::format("H{}", px);
        else
          continue;
      } else if (px == prev_x && py == prev_y) {
        continue;
      } else {
        if (s.step) d += fmt::format("H{}", px);
        d += fmt::format("L{} {}", px, py);
      }
      prev_x = px;
      prev_y = py;
    }
    if (d.empty()) continue;
    out += fmt::format(
        "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} "
        "stroke-linejoin=\"round\"><title>{}</title></path>\n",
        d, s.colour, s.dashed ? fmt::format(" stroke-dasharray=\"{}\"", kDash) : std::string{},
        html_escape(s.name));
    entries.push_back({s.name, s.colour, true, s.dashed});
  }
  out += legend(entries, kLeft, 20, w - kRight);
  return out + "</svg>\n";
}

std::string bar_chart(const std::string& title, const std::vector<Bar>& bars, const Axis& value,
                      int width) {
  double hi = 0, lo = 0;
  for (const auto& b : bars) {
    // Whiskers are clipped at the axis rather than stretching it below zero for a positive metric.
    hi = std::max(hi, b.value + b.error);
    lo = std::min(lo, b.value);
  }
  const double w = width;
  const double top = 16, plot_h = kRowHeight * static_cast<double>(bars.size());
  const double h = top + plot_h + kBottom;
  // Leave room after the longest bar for its printed value.
  const Domain d = make_domain(value, lo, hi, kBarLabel, w - kRight - 90, 6);
  std::string out = open_svg(title, w, h);
  out += x_axis(d, top, top + plot_h, value.label, (kBarLabel + w - kRight - 90) / 2);
  const double zero = d.scale(std::clamp(0.0, d.scale.lo, d.scale.hi));
  // One precision for every label of the chart, from its largest value (text_format.hpp).
  double largest = 0;
  for (const auto& b : bars)
    largest = std::max(largest, std::abs(b.value));
  const int decimals = decimals_for(largest);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const double y = top + kRowHeight * static_cast<double>(i);
    const double end = d.scale(b.value);
    out += text(kBarLabel - 10, y + kRowHeight / 2 + 4, "end", b.label, "bar-label");
    out += rect(std::min(zero, end), y + 6, std::abs(end - zero), kRowHeight - 12, b.colour,
                b.label + ": " + plus_minus(b.value, b.error, decimals));
    double label_x = std::max(zero, end);
    if (b.error > 0) {
      const double e0 = std::max(d.scale(b.value - b.error), d.scale.p0);
      const double e1 = d.scale(b.value + b.error);
      const double cy = y + kRowHeight / 2;
      out += line(e0, cy, e1, cy, "#222", 1.5);
      if (e0 > d.scale.p0) out += line(e0, cy - 6, e0, cy + 6, "#222", 1.5);
      out += line(e1, cy - 6, e1, cy + 6, "#222", 1.5);
      label_x = std::max(label_x, e1);
    }
    out += text(label_x + 6, y + kRowHeight / 2 + 4, "start",
                plus_minus(b.value, b.error, decimals), "value");
  }
  out += line(zero, top, zero, top + plot_h, kAxisColour);
  return out + "</svg>\n";
}

std::string stacked_bar_chart(const std::string& title, const std::vector<StackedBar>& bars,
                              const Axis& value, int width) {
  double hi = 0;
  std::vector<LegendEntry> entries;
  std::set<std::string> seen;
  for (const auto& b : bars) {
    double total = 0;
    for (const auto& s : b.segments) {
      total += std::max(s.value, 0.0);
      if (seen.insert(s.name).second) entries.push_back({s.name, s.colour});
    }
    hi = std::max(hi, total);
  }
  const double w = width;
  // The legend may wrap: estimate its rows from the text widths.
  double legend_w = 0;
  for (const auto& e : entries)
    legend_w += 40 + 7.2 * static_cast<double>(e.name.size());
  const double legend_rows = std::max(1.0, std::ceil(legend_w / (w - kBarLabel - kRight)));
  const double top = 14 + 18 * legend_rows, plot_h = kRowHeight * static_cast<double>(bars.size());
  const double h = top + plot_h + kBottom;
  const Domain d = make_domain(value, 0, hi, kBarLabel, w - kRight - 70, 6);
  std::string out = open_svg(title, w, h);
  out += x_axis(d, top, top + plot_h, value.label, (kBarLabel + w - kRight - 70) / 2);
  const int decimals = decimals_for(hi);  // one precision for the chart's totals and segments
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const double y = top + kRowHeight * static_cast<double>(i);
    out += text(kBarLabel - 10, y + kRowHeight / 2 + 4, "end", b.label, "bar-label");
    double acc = 0;
    for (const auto& s : b.segments) {
      const double v = std::max(s.value, 0.0);
      const double x0 = d.scale(acc), x1 = d.scale(acc + v);
      out += rect(x0, y + 6, x1 - x0, kRowHeight - 12, s.colour,
                  fmt::format("{} / {}: {}", b.label, s.name, fixed(v, decimals)));
      acc += v;
    }
    out += text(d.scale(acc) + 6, y + kRowHeight / 2 + 4, "start", fixed(acc, decimals), "value");
  }
  out += line(kBarLabel, top, kBarLabel, top + plot_h, kAxisColour);
  out += legend(entries, kBarLabel, 22, w - kRight);
  return out + "</svg>\n";
}

}  // namespace vmcsim::app::report::svg
