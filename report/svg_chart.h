// Small charts as inline SVG for the HTML report: no script, no external
// file, XML-well-formed (every element closed, text escaped), with axes,
// axis labels and a legend so that they read on paper too. Every mark
// carries a <title>, which browsers show on hover.
#ifndef ORDERFLOW_REPORT_SVG_CHART_H_
#define ORDERFLOW_REPORT_SVG_CHART_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orderflow {

struct ChartSeries {
  std::string name;
  std::string color;  // CSS colour
  std::vector<std::optional<double>> values;  // one per category; nullopt: none
};

struct Chart {
  std::string title;  // for the <title> of the SVG (the page shows its own caption)
  std::string y_label;
  std::vector<std::string> categories;  // along x
  std::vector<ChartSeries> series;
  bool integer_values = true;  // ticks and labels as whole numbers
  int width = 560;
  int height = 300;
};

// Bars side by side per category, each labelled with its value.
std::string GroupedBarChart(const Chart& chart);
// Bars stacked per category, the total on top.
std::string StackedBarChart(const Chart& chart);
// One line per series; a missing value breaks the line.
std::string LineChart(const Chart& chart);

struct HorizontalBar {
  std::string label;
  double value = 0;
  bool highlight = false;
  std::string note;  // after the value, e.g. "top 1"
};
// One bar per row, highlighted ones in a strong colour, values at the end.
std::string HorizontalBarChart(std::string_view title, std::string_view x_label,
                               const std::vector<HorizontalBar>& bars,
                               int width = 560);

// &, <, >, " and ' as entities.
std::string XmlEscape(std::string_view text);

// A round axis maximum and tick step for values up to `max`: 1, 2, 2.5 or
// 5 times a power of ten, about five ticks.
struct AxisScale {
  double top = 1;
  double step = 1;
};
AxisScale NiceScale(double max, bool integers);

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_SVG_CHART_H_
