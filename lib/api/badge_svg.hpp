// Status badges drawn as SVG in shields.io's "flat" style (a grey label on the left, a coloured
// message on the right), plus the colours and words the badge endpoints use. Pure text in,
// text out: no I/O and no knowledge of monitors, so any name (hostile ones included) can be
// drawn and tested. The text is measured with a per-character width table, not a font engine:
// widths are close, and the SVG's textLength makes a renderer fit the text to them exactly.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace uptime::api {

// Badge colours: a hex colour for the SVG and the shields.io name for its endpoint format.
struct badge_color {
  std::string_view hex;   // "#4c1"
  std::string_view name;  // "brightgreen"
};

inline constexpr badge_color color_brightgreen{"#4c1", "brightgreen"};
inline constexpr badge_color color_green{"#97ca00", "green"};
inline constexpr badge_color color_yellow{"#dfb317", "yellow"};
inline constexpr badge_color color_orange{"#fe7d37", "orange"};
inline constexpr badge_color color_red{"#e05d44", "red"};
inline constexpr badge_color color_lightgrey{"#9f9f9f", "lightgrey"};
inline constexpr badge_color color_blue{"#007ec6", "blue"};

// up brightgreen, down red, paused blue; pending and anything else lightgrey.
badge_color status_color(std::string_view status);

// For a 30-day uptime ratio (0..1): ≥ 99.9 % brightgreen, ≥ 99 % green, ≥ 95 % yellow,
// ≥ 90 % orange, else red; no data lightgrey.
badge_color uptime_color(std::optional<double> ratio);

// "99.95%", "100%", "0%": the ratio as a percentage with at most 2 decimals, trailing zeros
// trimmed; "no data" for nullopt. Rounds down, so 99.999 % never shows as "100%" while a
// single DOWN minute is on record. A ratio outside 0..1 (or NaN) is clamped into it.
std::string uptime_message(std::optional<double> ratio);

// Label characters kept; a longer label is cut there and ends with "…".
inline constexpr std::size_t max_label_chars = 64;

// The width of `text` in Verdana 11px, in tenths of a pixel. UTF-8 is counted by code point;
// characters outside ASCII take a default width.
long text_width_tenths(std::string_view text);

// `label` cut to max_label_chars code points (with "…" appended when cut); never splits a
// UTF-8 sequence.
std::string truncate_label(std::string_view label);

// A complete SVG document: `<svg …role="img" aria-label="label: message">`, a
// `<title>label: message</title>`, the two rectangles, the gradient and the text with its
// shadow. Both texts are truncated (truncate_label) and XML-escaped, and so is `color`
// (meant to be one of the colours above: it is not checked to be a colour).
std::string render_badge(std::string_view label, std::string_view message, std::string_view color);

}  // namespace uptime::api
