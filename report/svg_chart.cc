#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/text.h"

namespace orderflow {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

AxisScale NiceScale(double max, bool integers) {
  if (!(max > 0)) return {integers ? 5.0 : 1.0, integers ? 1.0 : 0.2};
  const double raw = max / 5;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) *
                magnitude;
  if (integers) step = std::max(1.0, std::ceil(step));
  return {std::ceil(max / step - 1e-9) * step, step};
}

namespace {

// Coordinates to one decimal: short and stable.
std::string N(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

std::string Value(double v, bool integers) {
  char buf[32];
  if (integers || std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  }
  return buf;
}

// Line styles of a line chart's series, in order.
constexpr const char* kDashes[] = {"", "7 4", "2 3"};

// The frame every x/y chart shares: plot area, grid, y ticks and label,
// category labels along x, legend on top.
struct Frame {
  double left = 58, right, top = 34, bottom;
  AxisScale scale;
  size_t n = 1;

  double band() const { return (right - left) / static_cast<double>(n); }
  double x_center(size_t i) const { return left + band() * (static_cast<double>(i) + 0.5); }
  double y(double v) const { return bottom - (bottom - top) * v / scale.top; }
};

// About how wide a label is at font size 11: capitals are wider.
double TextWidth(std::string_view text) {
  double w = 0;
  for (char ch : text) w += (ch >= 'A' && ch <= 'Z') || ch == '_' ? 7.6 : 6.2;
  return w;
}

std::string Open(const Chart& c) {
  return Cat("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"",
             c.width, "\" height=\"", c.height, "\" viewBox=\"0 0 ", c.width, " ",
             c.height, "\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">",
             "<title>", XmlEscape(c.title), "</title>");
}

std::string Axes(const Chart& c, const Frame& f, bool lines = false) {
  std::string s;
  for (double v = 0; v <= f.scale.top + f.scale.step / 2; v += f.scale.step) {
    const double y = f.y(v);
    s += Cat("<line x1=\"", N(f.left), "\" y1=\"", N(y), "\" x2=\"", N(f.right),
             "\" y2=\"", N(y), "\" stroke=\"", v == 0 ? "#555" : "#e3e3e3", "\"/>");
    s += Cat("<text x=\"", N(f.left - 6), "\" y=\"", N(y + 4),
             "\" text-anchor=\"end\" fill=\"#333\">", Value(v, c.integer_values),
             "</text>");
  }
  const double mid = (f.top + f.bottom) / 2;
  s += Cat("<text x=\"14\" y=\"", N(mid), "\" text-anchor=\"middle\" fill=\"#333\" ",
           "transform=\"rotate(-90 14 ", N(mid), ")\">", XmlEscape(c.y_label), "</text>");
  for (size_t i = 0; i < c.categories.size(); ++i) {
    s += Cat("<text x=\"", N(f.x_center(i)), "\" y=\"", N(f.bottom + 16),
             "\" text-anchor=\"middle\" fill=\"#333\">", XmlEscape(c.categories[i]),
             "</text>");
  }
  // Legend: a swatch and a name per series, left to right.
  double x = f.left;
  for (size_t k = 0; k < c.series.size(); ++k) {
    const ChartSeries& series = c.series[k];
    if (lines) {  // a piece of the line, dashed as in the chart
      s += Cat("<line x1=\"", N(x - 4), "\" y1=\"14\" x2=\"", N(x + 14),
               "\" y2=\"14\" stroke=\"", series.color, "\" stroke-width=\"2\"",
               *kDashes[k % 3] ? Cat(" stroke-dasharray=\"", kDashes[k % 3], "\"") : "",
               "/>");
    } else {
      s += Cat("<rect x=\"", N(x), "\" y=\"8\" width=\"12\" height=\"12\" fill=\"",
               series.color, "\"/>");
    }
    s += Cat("<text x=\"", N(x + 16), "\" y=\"18\" fill=\"#333\">",
             XmlEscape(series.name), "</text>");
    x += 30 + TextWidth(series.name);
  }
  return s;
}

Frame MakeFrame(const Chart& c, double max) {
  Frame f;
  f.right = c.width - 12;
  f.bottom = c.height - 30;
  f.scale = NiceScale(max, c.integer_values);
  f.n = std::max<size_t>(1, c.categories.size());
  return f;
}

double MaxOf(const Chart& c) {
  double max = 0;
  for (const ChartSeries& s : c.series) {
    for (const auto& v : s.values) {
      if (v) max = std::max(max, *v);
    }
  }
  return max;
}

std::string Tip(const Chart& c, size_t i, const ChartSeries& s, double v) {
  return Cat("<title>", XmlEscape(c.categories[i]), ", ", XmlEscape(s.name), ": ",
             Value(v, c.integer_values), "</title>");
}

}  // namespace

std::string GroupedBarChart(const Chart& c) {
  const Frame f = MakeFrame(c, MaxOf(c));
  std::string s = Open(c) + Axes(c, f);
  const double group = f.band() * 0.86;
  const double bar = group / static_cast<double>(std::max<size_t>(1, c.series.size()));
  for (size_t i = 0; i < c.categories.size(); ++i) {
    const double x0 = f.x_center(i) - group / 2;
    for (size_t k = 0; k < c.series.size(); ++k) {
      const ChartSeries& series = c.series[k];
      const double v = i < series.values.size() && series.values[i] ? *series.values[i] : 0;
      const double x = x0 + bar * static_cast<double>(k);
      s += Cat("<rect x=\"", N(x + 1), "\" y=\"", N(f.y(v)), "\" width=\"",
               N(bar - 2), "\" height=\"", N(f.bottom - f.y(v)), "\" fill=\"",
               series.color, "\">", Tip(c, i, series, v), "</rect>");
      const std::string label = Value(v, c.integer_values);
      if (v == 0 || 5.4 * static_cast<double>(label.size()) > bar) continue;
      s += Cat("<text x=\"", N(x + bar / 2), "\" y=\"", N(f.y(v) - 3),
               "\" text-anchor=\"middle\" font-size=\"9\" fill=\"#333\">", label,
               "</text>");
    }
  }
  return s + "</svg>";
}

std::string StackedBarChart(const Chart& c) {
  std::vector<double> totals(c.categories.size(), 0);
  for (const ChartSeries& series : c.series) {
    for (size_t i = 0; i < totals.size() && i < series.values.size(); ++i) {
      totals[i] += series.values[i].value_or(0);
    }
  }
  const double max = totals.empty() ? 0 : *std::max_element(totals.begin(), totals.end());
  const Frame f = MakeFrame(c, max);
  std::string s = Open(c) + Axes(c, f);
  const double bar = f.band() * 0.6;
  for (size_t i = 0; i < c.categories.size(); ++i) {
    const double x = f.x_center(i) - bar / 2;
    double base = 0;
    for (const ChartSeries& series : c.series) {
      const double v = i < series.values.size() ? series.values[i].value_or(0) : 0;
      if (v <= 0) continue;
      s += Cat("<rect x=\"", N(x), "\" y=\"", N(f.y(base + v)), "\" width=\"", N(bar),
               "\" height=\"", N(f.y(base) - f.y(base + v)), "\" fill=\"",
               series.color, "\" stroke=\"#fff\" stroke-width=\"0.5\">",
               Tip(c, i, series, v), "</rect>");
      base += v;
    }
    s += Cat("<text x=\"", N(f.x_center(i)), "\" y=\"", N(f.y(totals[i]) - 3),
             "\" text-anchor=\"middle\" font-size=\"10\" fill=\"#333\">",
             Value(totals[i], c.integer_values), "</text>");
  }
  return s + "</svg>";
}

std::string LineChart(const Chart& c) {
  const Frame f = MakeFrame(c, MaxOf(c));
  std::string s = Open(c) + Axes(c, f, /*lines=*/true);
  // The last series is drawn first, with the widest marker, so that equal
  // values of several series show as rings around each other; dashes tell
  // the lines apart where they overlap.
  for (size_t k = c.series.size(); k-- > 0;) {
    const ChartSeries& series = c.series[k];
    const double radius = 3.5 + 2.0 * static_cast<double>(k);
    const char* dash = kDashes[k % 3];
    // Runs of consecutive values, one polyline each.
    std::string points;
    int in_run = 0;
    auto flush = [&] {
      if (in_run > 1) {
        s += Cat("<polyline fill=\"none\" stroke=\"", series.color,
                 "\" stroke-width=\"2\"",
                 *dash ? Cat(" stroke-dasharray=\"", dash, "\"") : "",
                 " points=\"", points, "\"/>");
      }
      points.clear();
      in_run = 0;
    };
    for (size_t i = 0; i < c.categories.size(); ++i) {
      if (i >= series.values.size() || !series.values[i]) {
        flush();
        continue;
      }
      if (!points.empty()) points += " ";
      points += Cat(N(f.x_center(i)), ",", N(f.y(*series.values[i])));
      ++in_run;
    }
    flush();
    for (size_t i = 0; i < c.categories.size() && i < series.values.size(); ++i) {
      if (!series.values[i]) continue;
      s += Cat("<circle cx=\"", N(f.x_center(i)), "\" cy=\"",
               N(f.y(*series.values[i])), "\" r=\"", N(radius), "\" fill=\"",
               k == 0 ? series.color : "#fff", "\" stroke=\"", series.color,
               "\" stroke-width=\"2\">",
               Tip(c, i, series, *series.values[i]), "</circle>");
    }
  }
  return s + "</svg>";
}

std::string HorizontalBarChart(std::string_view title, std::string_view x_label,
                               const std::vector<HorizontalBar>& bars, int width) {
  const double row = 24, top = 10, label_width = 200;
  const int height = static_cast<int>(top + row * std::max<size_t>(1, bars.size()) + 40);
  std::string s = Cat("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"",
                      width, "\" height=\"", height, "\" viewBox=\"0 0 ", width, " ",
                      height, "\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">",
                      "<title>", XmlEscape(title), "</title>");
  double max = 0;
  for (const HorizontalBar& b : bars) max = std::max(max, b.value);
  const AxisScale scale = NiceScale(max, true);
  const double left = label_width, right = width - 70;
  const double bottom = top + row * std::max<size_t>(1, bars.size());
  auto x = [&](double v) { return left + (right - left) * v / scale.top; };
  for (double v = 0; v <= scale.top + scale.step / 2; v += scale.step) {
    s += Cat("<line x1=\"", N(x(v)), "\" y1=\"", N(top), "\" x2=\"", N(x(v)),
             "\" y2=\"", N(bottom), "\" stroke=\"", v == 0 ? "#555" : "#e3e3e3", "\"/>");
    s += Cat("<text x=\"", N(x(v)), "\" y=\"", N(bottom + 14),
             "\" text-anchor=\"middle\" fill=\"#333\">", Value(v, true), "</text>");
  }
  s += Cat("<text x=\"", N((left + right) / 2), "\" y=\"", N(bottom + 30),
           "\" text-anchor=\"middle\" fill=\"#333\">", XmlEscape(x_label), "</text>");
  if (bars.empty()) {
    s += Cat("<text x=\"", N(left + 8), "\" y=\"", N(top + 16),
             "\" fill=\"#555\">none raised</text>");
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const HorizontalBar& b = bars[i];
    const double y = top + row * static_cast<double>(i);
    const char* color = b.highlight ? "#d1495b" : "#9aa5b1";
    s += Cat("<text x=\"", N(left - 8), "\" y=\"", N(y + 16),
             "\" text-anchor=\"end\" fill=\"#222\"",
             b.highlight ? " font-weight=\"bold\"" : "", ">", XmlEscape(b.label),
             "</text>");
    s += Cat("<rect x=\"", N(left), "\" y=\"", N(y + 4), "\" width=\"",
             N(x(b.value) - left), "\" height=\"", N(row - 8), "\" fill=\"", color,
             "\"><title>", XmlEscape(b.label), ": ", Value(b.value, true),
             "</title></rect>");
    s += Cat("<text x=\"", N(x(b.value) + 6), "\" y=\"", N(y + 16), "\" fill=\"#222\"",
             b.highlight ? " font-weight=\"bold\"" : "", ">", Value(b.value, true),
             b.note.empty() ? "" : Cat(" (", XmlEscape(b.note), ")"), "</text>");
  }
  return s + "</svg>";
}

}  // namespace orderflow
