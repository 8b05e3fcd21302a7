// Flat shields-style SVG badges (see badge_svg.hpp). The geometry follows shields.io's
// badge-maker "flat" template: text widths rounded up to an odd number of pixels, 5 px of
// padding each side, text drawn at 10x scale so positions keep a tenth of a pixel.
#include "api/badge_svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "core/text.hpp"

namespace uptime::api {

namespace {

// Advance widths of ASCII 32..126 at 11 px, in tenths of a pixel. Measured from the hmtx
// table of DejaVu Sans (the Linux fallback in the badge's font-family, and within a few
// percent of Verdana, whose proportions it shares): round(advance * 110 / units_per_em).
// clang-format off
constexpr std::array<unsigned char, 95> ascii_widths = {
    35, 44, 51, 92, 70, 105, 86, 30, 43, 43, 55, 92, 35, 40, 35, 37,   // space ! " # $ % & ' ( ) * + , - . /
    70, 70, 70, 70, 70, 70, 70, 70, 70, 70, 37, 37, 92, 92, 92, 58,   // 0-9 : ; < = > ?
    110, 75, 75, 77, 85, 70, 63, 85, 83, 32, 32, 72, 61, 95, 82, 87,  // @ A-O
    66, 87, 76, 70, 67, 81, 75, 109, 75, 67, 75, 43, 37, 43, 92, 55,  // P-Z [ \ ] ^ _
    55, 67, 70, 60, 70, 68, 39, 70, 70, 31, 31, 64, 31, 107, 70, 67,  // ` a-o
    70, 70, 45, 57, 43, 70, 65, 90, 65, 65, 58, 70, 37, 70, 92,       // p-z { | } ~
};
// clang-format on
// Anything else (accented letters, CJK, emoji): about an "m"; CJK is a little wider, most
// accented letters a little narrower.
constexpr long default_width = 107;

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view ellipsis = "\xE2\x80\xA6";     // U+2026

// `text` as characters XML 1.0 allows: ill-formed UTF-8, control characters (tab and newline
// included: a badge is one line) and the non-characters U+FFFE / U+FFFF become U+FFFD.
std::string sanitize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto n = core::utf8_sequence_length(text);
    const auto c = static_cast<unsigned char>(text.front());
    if (n == 0) {
      out += replacement;
      text.remove_prefix(1);
      continue;
    }
    const auto seq = text.substr(0, n);
    const bool control = n == 1 && (c < 0x20 || c == 0x7f);
    const bool non_character = seq == "\xEF\xBF\xBE" || seq == "\xEF\xBF\xBF";
    if (control || non_character)
      out += replacement;
    else
      out += seq;
    text.remove_prefix(n);
  }
  return out;
}

// Cuts valid UTF-8 to at most max_label_chars code points, the last being "…" when cut.
std::string truncate_valid(std::string text) {
  std::size_t chars = 0;
  std::size_t keep = 0;  // bytes of the first max_label_chars - 1 code points
  for (std::size_t i = 0; i < text.size();) {
    const auto n = core::utf8_sequence_length(std::string_view(text).substr(i));
    i += n == 0 ? 1 : n;
    ++chars;
    if (chars == max_label_chars - 1) keep = i;
    if (chars > max_label_chars) {
      text.resize(keep);
      text += ellipsis;
      return text;
    }
  }
  return text;
}

void append_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
}

std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  append_escaped(out, text);
  return out;
}

// A text width in whole pixels, rounded up to odd as badge-maker does (the text then centres
// on a whole pixel).
long text_pixels(std::string_view text) {
  long px = (text_width_tenths(text) + 5) / 10;
  if (px % 2 == 0) ++px;
  return px;
}

}  // namespace

badge_color status_color(std::string_view status) {
  if (status == "up") return color_brightgreen;
  if (status == "down") return color_red;
  if (status == "paused") return color_blue;
  return color_lightgrey;
}

badge_color uptime_color(std::optional<double> ratio) {
  if (!ratio || std::isnan(*ratio)) return color_lightgrey;
  // Compared in hundredths of a percent as uptime_message shows them, so the colour never
  // disagrees with the number beside it ("99.9%" is brightgreen).
  const double shown = std::floor(std::clamp(*ratio, 0.0, 1.0) * 10000.0 + 1e-6);
  if (shown >= 9990) return color_brightgreen;
  if (shown >= 9900) return color_green;
  if (shown >= 9500) return color_yellow;
  if (shown >= 9000) return color_orange;
  return color_red;
}

std::string uptime_message(std::optional<double> ratio) {
  if (!ratio || std::isnan(*ratio)) return "no data";
  // Hundredths of a percent, rounded down; the epsilon absorbs binary fractions such as
  // 0.9995 * 10000 = 9994.999999999998.
  const auto hundredths =
      static_cast<long>(std::floor(std::clamp(*ratio, 0.0, 1.0) * 10000.0 + 1e-6));
  std::string out = std::to_string(hundredths / 100);
  if (const long fraction = hundredths % 100; fraction != 0) {
    out += '.';
    out += static_cast<char>('0' + fraction / 10);
    if (fraction % 10 != 0) out += static_cast<char>('0' + fraction % 10);
  }
  out += '%';
  return out;
}

long text_width_tenths(std::string_view text) {
  long width = 0;
  while (!text.empty()) {
    const auto c = static_cast<unsigned char>(text.front());
    const auto n = core::utf8_sequence_length(text);
    if (c >= 32 && c <= 126)
      width += ascii_widths[c - 32];
    else
      width += default_width;
    text.remove_prefix(n == 0 ? 1 : n);
  }
  return width;
}

std::string truncate_label(std::string_view label) { return truncate_valid(sanitize(label)); }

std::string render_badge(std::string_view label, std::string_view message, std::string_view color) {
  const auto label_text = truncate_label(label);
  const auto message_text = truncate_label(message);
  const long label_px = text_pixels(label_text);
  const long message_px = text_pixels(message_text);
  const long left = label_px + 10;
  const long right = message_px + 10;
  const long total = left + right;
  const auto label_xml = escaped(label_text);
  const auto message_xml = escaped(message_text);
  const auto title = label_xml + ": " + message_xml;
  // Positions in tenths of a pixel (the text is drawn at scale(.1)); the label sits one pixel
  // right of its centre and the message one pixel left, as in badge-maker, to clear the
  // rounded corners.
  const long label_x = left * 5 + 10;
  const long message_x = left * 10 + right * 5 - 10;
  return fmt::format(
      R"svg(<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{title}">)svg"
      R"svg(<title>{title}</title>)svg"
      R"svg(<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>)svg"
      R"svg(<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>)svg"
      R"svg(<g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/><rect x="{left}" width="{right}" height="20" fill="{color}"/><rect width="{total}" height="20" fill="url(#s)"/></g>)svg"
      R"svg(<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">)svg"
      R"svg(<text aria-hidden="true" x="{label_x}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{label_len}">{label}</text>)svg"
      R"svg(<text x="{label_x}" y="140" transform="scale(.1)" fill="#fff" textLength="{label_len}">{label}</text>)svg"
      R"svg(<text aria-hidden="true" x="{message_x}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{message_len}">{message}</text>)svg"
      R"svg(<text x="{message_x}" y="140" transform="scale(.1)" fill="#fff" textLength="{message_len}">{message}</text>)svg"
      R"svg(</g></svg>)svg",
      fmt::arg("total", total), fmt::arg("title", title), fmt::arg("left", left),
      fmt::arg("right", right), fmt::arg("color", escaped(color)), fmt::arg("label_x", label_x),
      fmt::arg("label_len", label_px * 10), fmt::arg("label", label_xml),
      fmt::arg("message_x", message_x), fmt::arg("message_len", message_px * 10),
      fmt::arg("message", message_xml));
}

}  // namespace uptime::api
