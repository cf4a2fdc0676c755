#include "report/html_page.h"

#include "engine/text.h"
#include "report/svg_chart.h"

namespace orderflow {

std::string PageStart(std::string_view title, std::string_view style,
                      std::string_view heading, std::string_view subtitle,
                      const std::vector<std::string>& notes) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n";
  out += Cat("<title>", title, "</title>\n");
  out += Cat("<style>", style, "</style>\n</head>\n<body>\n");
  out += Cat("<h1>", heading, "</h1>\n");
  out += Cat("<p class=\"sub\">", subtitle, "</p>\n");
  for (const std::string& note : notes) {
    out += Cat("<p class=\"sub\">", XmlEscape(note), "</p>\n");
  }
  return out;
}

std::string PageEnd(std::string_view footnote) {
  return Cat("<p class=\"sub\">", footnote, "</p>\n</body>\n</html>\n");
}

std::string Figure(std::string_view caption, const std::string& svg) {
  return Cat("<figure><figcaption>", XmlEscape(caption), "</figcaption>", svg, "</figure>\n");
}

}  // namespace orderflow
