// SVG badges: every badge is a well-formed XML document whatever the name holds, its size grows
// with its text, long names are cut, and colours and uptime texts follow their thresholds.
#include <catch2/catch.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "api/badge_svg.hpp"
#include "core/text.hpp"

using namespace uptime;
using namespace uptime::api;

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == ':' || c == '_';
}

// Whether the '&' at `text[i]` starts one of XML's five predefined entities.
bool entity_at(std::string_view text, std::size_t i) {
  for (std::string_view e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"})
    if (text.substr(i, e.size()) == e) return true;
  return false;
}

// A small well-formedness check, enough for what render_badge writes (elements, attributes in
// double quotes, text; no comments, CDATA or processing instructions): one root element, tags
// nested and closed, attribute values free of '<' and '"', every '&' an entity, attribute names
// unique per element, valid UTF-8 and no control characters. Returns "" or what is wrong.
std::string xml_problem(std::string_view doc) {
  if (!core::is_valid_utf8(doc)) return "not UTF-8";
  for (const char c : doc)
    if (static_cast<unsigned char>(c) < 0x20) return "a control character";
  std::vector<std::string> open;
  int roots = 0;
  std::size_t i = 0;
  while (i < doc.size()) {
    if (doc[i] != '<') {
      if (open.empty()) return "text outside the root";
      if (doc[i] == '&' && !entity_at(doc, i)) return "a bare &";
      ++i;
      continue;
    }
    if (doc.substr(i, 2) == "</") {
      const auto end = doc.find('>', i);
      if (end == std::string_view::npos) return "an unclosed end tag";
      const auto name = doc.substr(i + 2, end - i - 2);
      if (open.empty() || open.back() != name) return "</" + std::string(name) + "> mismatched";
      open.pop_back();
      i = end + 1;
      continue;
    }
    std::size_t j = i + 1;
    while (j < doc.size() && is_name_char(doc[j])) ++j;
    const std::string name(doc.substr(i + 1, j - i - 1));
    if (name.empty()) return "a '<' that starts no tag";
    std::vector<std::string> attributes;
    for (;;) {
      while (j < doc.size() && doc[j] == ' ') ++j;
      if (j >= doc.size()) return "an unclosed tag";
      if (doc.substr(j, 2) == "/>" || doc[j] == '>') break;
      const auto start = j;
      while (j < doc.size() && is_name_char(doc[j])) ++j;
      const std::string attribute(doc.substr(start, j - start));
      if (attribute.empty() || doc.substr(j, 2) != "=\"") return "a bad attribute in <" + name;
      for (const auto& a : attributes)
        if (a == attribute) return "a repeated attribute " + attribute;
      attributes.push_back(attribute);
      const auto close = doc.find('"', j + 2);
      if (close == std::string_view::npos) return "an unclosed attribute value";
      for (auto k = j + 2; k < close; ++k) {
        if (doc[k] == '<') return "'<' in an attribute";
        if (doc[k] == '&' && !entity_at(doc, k)) return "a bare & in an attribute";
      }
      j = close + 1;
      if (j < doc.size() && doc[j] != ' ' && doc[j] != '>' && doc[j] != '/')
        return "attributes not separated";
    }
    if (open.empty() && ++roots > 1) return "two roots";
    if (doc[j] == '>') {
      open.push_back(name);
      i = j + 1;
    } else {
      i = j + 2;
    }
  }
  if (!open.empty()) return "<" + open.back() + "> never closed";
  if (roots != 1) return "no root";
  return "";
}

// The value of the first `name="…"` attribute.
std::string attribute(std::string_view doc, std::string_view name) {
  const auto key = " " + std::string(name) + "=\"";
  const auto at = doc.find(key);
  if (at == std::string_view::npos) return "";
  const auto start = at + key.size();
  return std::string(doc.substr(start, doc.find('"', start) - start));
}

std::string title_of(std::string_view doc) {
  const auto start = doc.find("<title>") + 7;
  return std::string(doc.substr(start, doc.find("</title>") - start));
}

int width_of(std::string_view doc) { return std::stoi(attribute(doc, "width")); }

}  // namespace

TEST_CASE("a badge is one well-formed SVG image titled with its label and message") {
  const auto svg = render_badge("Daily Backup", "up", color_brightgreen.hex);
  CHECK(xml_problem(svg).empty());
  CHECK(svg.starts_with(R"(<svg xmlns="http://www.w3.org/2000/svg")"));
  CHECK(svg.ends_with("</svg>"));
  CHECK(attribute(svg, "role") == "img");
  CHECK(attribute(svg, "aria-label") == "Daily Backup: up");
  CHECK(title_of(svg) == "Daily Backup: up");
  CHECK(svg.find(R"(fill="#4c1")") != std::string::npos);
  CHECK(svg.find(">Daily Backup</text>") != std::string::npos);
  CHECK(svg.find(">up</text>") != std::string::npos);
}

TEST_CASE("hostile names are escaped and the badge stays well-formed") {
  const std::vector<std::string> names = {
      R"(<script>alert('x')</script>)",
      R"(a & b "quoted" 'single' <>)",
      "&amp; &lt; &#x3c; ]]> <!-- -->",
      std::string("nul") + '\0' +
          "and\x01"
          "controls\ttab\nnewline\x7f",
      "bad utf8 \xff\xfe \xc3 \xed\xa0\x80 end",
      "non-character \xEF\xBF\xBF",
      "emoji \xF0\x9F\x9A\x80 and accents \xC3\xA9\xC3\xA8",
  };
  for (const auto& name : names) {
    const auto svg = render_badge(name, name, color_red.hex);
    INFO(name);
    CHECK(xml_problem(svg).empty());
    CHECK(svg.find("<script") == std::string::npos);
    CHECK(svg.find("<!--") == std::string::npos);
  }
  const auto svg = render_badge(R"(<b>"x" & 'y')", "down", color_red.hex);
  CHECK(title_of(svg) == "&lt;b&gt;&quot;x&quot; &amp; &apos;y&apos;: down");
}

TEST_CASE("the checker used above refuses what is not well-formed") {
  CHECK(xml_problem("<a><b></a></b>") != "");
  CHECK(xml_problem("<a x=\"<\"/>") != "");
  CHECK(xml_problem("<a>&</a>") != "");
  CHECK(xml_problem("<a/><b/>") != "");
  CHECK(xml_problem("<a x=\"1\" x=\"2\"/>") != "");
  CHECK(xml_problem("<a>\x01</a>") != "");
  CHECK(xml_problem("<a x=\"1\">&amp;</a>") == "");
}

TEST_CASE("a badge grows with its text, wide letters more than narrow ones") {
  const auto short_badge = render_badge("db", "up", color_brightgreen.hex);
  const auto long_badge = render_badge("nightly database backup", "up", color_brightgreen.hex);
  CHECK(width_of(long_badge) > width_of(short_badge));
  CHECK(width_of(render_badge("WWWW", "up", "#4c1")) >
        width_of(render_badge("iiii", "up", "#4c1")));
  CHECK(width_of(render_badge("x", "pending", "#4c1")) > width_of(render_badge("x", "up", "#4c1")));
  CHECK(text_width_tenths("") == 0);
  CHECK(text_width_tenths("\xC3\xA9") == text_width_tenths("\xE4\xB8\xAD"));  // one default each
  // The rectangles add up to the whole badge.
  CHECK(width_of(short_badge) > 20);
}

TEST_CASE("a long label is cut to 64 characters ending with an ellipsis, never mid-character") {
  const std::string long_name(500, 'a');
  const auto svg = render_badge(long_name, "up", color_brightgreen.hex);
  CHECK(title_of(svg) == std::string(63, 'a') + "\xE2\x80\xA6: up");
  CHECK(width_of(svg) < 600);
  CHECK(truncate_label(std::string(64, 'b')) == std::string(64, 'b'));
  CHECK(truncate_label(std::string(65, 'b')) == std::string(63, 'b') + "\xE2\x80\xA6");
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";
  const auto cut = truncate_label(accents);
  CHECK(core::is_valid_utf8(cut));
  CHECK(cut.size() == 63 * 2 + 3);
}

TEST_CASE("status colours are green, red, blue and grey") {
  CHECK(status_color("up").hex == "#4c1");
  CHECK(status_color("up").name == "brightgreen");
  CHECK(status_color("down").hex == "#e05d44");
  CHECK(status_color("down").name == "red");
  CHECK(status_color("paused").hex == "#007ec6");
  CHECK(status_color("paused").name == "blue");
  CHECK(status_color("pending").hex == "#9f9f9f");
  CHECK(status_color("pending").name == "lightgrey");
  CHECK(status_color("anything else").name == "lightgrey");
}

TEST_CASE("uptime colours follow the 99.9, 99, 95 and 90 percent thresholds") {
  CHECK(uptime_color(1.0).name == "brightgreen");
  CHECK(uptime_color(0.999).name == "brightgreen");
  CHECK(uptime_color(0.99899).name == "green");
  CHECK(uptime_color(0.99).name == "green");
  CHECK(uptime_color(0.98999).name == "yellow");
  CHECK(uptime_color(0.95).name == "yellow");
  CHECK(uptime_color(0.9499).name == "orange");
  CHECK(uptime_color(0.9).name == "orange");
  CHECK(uptime_color(0.8999).name == "red");
  CHECK(uptime_color(0.0).hex == "#e05d44");
  CHECK(uptime_color(std::nullopt).name == "lightgrey");
  CHECK(uptime_color(0.99).hex == "#97ca00");
  CHECK(uptime_color(0.95).hex == "#dfb317");
  CHECK(uptime_color(0.9).hex == "#fe7d37");
}

TEST_CASE("uptime is shown with at most two decimals, trailing zeros trimmed, never rounded up") {
  CHECK(uptime_message(1.0) == "100%");
  CHECK(uptime_message(0.9995) == "99.95%");
  CHECK(uptime_message(0.999) == "99.9%");
  CHECK(uptime_message(0.99999) == "99.99%");
  CHECK(uptime_message(0.5) == "50%");
  CHECK(uptime_message(0.0) == "0%");
  CHECK(uptime_message(0.0001) == "0.01%");
  CHECK(uptime_message(0.1234) == "12.34%");
  CHECK(uptime_message(0.8107) == "81.07%");
  CHECK(uptime_message(std::nullopt) == "no data");
  CHECK(uptime_message(1.5) == "100%");
  CHECK(uptime_message(-0.2) == "0%");
  CHECK(uptime_message(std::nan("")) == "no data");
}
