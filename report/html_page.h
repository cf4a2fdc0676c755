// The frame the HTML reports share (html_report.h, monthly_html.h): one
// self-contained page with inline CSS, its title, heading and lines under
// it, charts in captioned figures, and a closing note.
#ifndef ORDERFLOW_REPORT_HTML_PAGE_H_
#define ORDERFLOW_REPORT_HTML_PAGE_H_

#include <string>
#include <string_view>
#include <vector>

namespace orderflow {

// Style rules every report page has: the page, its headings and the lines
// under the first...
inline constexpr std::string_view kPageStyle = R"(
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       color: #222; margin: 24px auto; max-width: 1180px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.sub { color: #555; margin: 2px 0; font-size: 13px; }
)";
// ...and its figures (in a "grid") and tables.
inline constexpr std::string_view kFigureAndTableStyle =
    R"(.grid { display: flex; flex-wrap: wrap; gap: 20px; }
figure { margin: 0; }
figcaption { font-size: 13px; font-weight: 600; margin: 0 0 4px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 3px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { border-bottom: 1px solid #999; }
)";

// From the doctype to the lines under the heading: the page's <title>, its
// <style> (CSS), an <h1> `heading`, then `subtitle` and each of `notes`,
// each a line of class "sub". Notes are text (escaped here); the rest is
// HTML as is.
std::string PageStart(std::string_view title, std::string_view style,
                      std::string_view heading, std::string_view subtitle,
                      const std::vector<std::string>& notes);

// `footnote` (HTML) as a last "sub" line, and the end of the page.
std::string PageEnd(std::string_view footnote);

// A chart (inline SVG) with its caption.
std::string Figure(std::string_view caption, const std::string& svg);

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_HTML_PAGE_H_
