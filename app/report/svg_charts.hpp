#pragma once
// Inline SVG charts for report.html, drawn in C++ so the report needs no script or network.
// Each function returns one complete <svg> element with axes, ticks, axis labels and a legend;
// coordinates print with two decimals so the text is deterministic.

#include <optional>
#include <string>
#include <vector>

namespace vmcsim::app::report::svg {

struct Point {
  double x = 0;
  double y = 0;
};

struct LineSeries {
  std::string name;
  std::string colour;         ///< CSS colour
  std::vector<Point> points;  ///< in drawing order
  bool dashed = false;
  bool step = false;  ///< hold each y until the next x (CDFs, sampled counts)
};

struct Axis {
  std::string label;          ///< with its unit, e.g. "startup time (s)"
  bool log_scale = false;     ///< base 10; values <= 0 are left out
  std::optional<double> min;  ///< fixed bounds; otherwise from the data, rounded to nice ticks
  std::optional<double> max;
};

struct Size {
  int width = 880;
  int height = 340;
};

/// Tick positions covering [lo, hi] at a 1-2-5 step, about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target);

/// Short tick text: "0.5", "20", "1.5k", "2M".
std::string tick_label(double value);

std::string line_chart(const std::string& title, const std::vector<LineSeries>& series,
                       const Axis& x, const Axis& y, Size size = {});

struct Bar {
  std::string label;
  std::string colour;
  double value = 0;
  double error = 0;  ///< half-width of a whisker around value; 0 draws none
};

/// Horizontal bars, one per row, with their value printed at the end.
std::string bar_chart(const std::string& title, const std::vector<Bar>& bars, const Axis& value,
                      int width = 880);

struct Segment {
  std::string name;
  std::string colour;
  double value = 0;
};

struct StackedBar {
  std::string label;
  std::vector<Segment> segments;  ///< drawn left to right
};

/// Horizontal stacked bars with a legend of segment names (first appearance order).
std::string stacked_bar_chart(const std::string& title, const std::vector<StackedBar>& bars,
                              const Axis& value, int width = 880);

}  // namespace vmcsim::app::report::svg
