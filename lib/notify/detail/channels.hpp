// Internal to notify/: the per-type renderers (channels/<type>.cpp) that render() dispatches to,
// and the text helpers they share (render.cpp). A renderer is called only with a channel whose
// fields were checked against core/channel_schema and completed with their defaults, and with
// an alert whose text is valid UTF-8, so it may read any field without checking it again.
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/time.hpp"
#include "notify/alert.hpp"

namespace uptime::notify::detail {

using rendered = std::variant<outbound, std::string>;

rendered render_email(const channel& ch, const alert& a, core::utc_time now);
rendered render_webhook(const channel& ch, const alert& a);
rendered render_slack(const channel& ch, const alert& a);
rendered render_discord(const channel& ch, const alert& a);
rendered render_teams(const channel& ch, const alert& a);
rendered render_telegram(const channel& ch, const alert& a);
rendered render_ntfy(const channel& ch, const alert& a);
rendered render_gotify(const channel& ch, const alert& a);
rendered render_pushover(const channel& ch, const alert& a);
rendered render_pagerduty(const channel& ch, const alert& a);

// A POST of `body` as JSON to `url`, the shape most chat APIs take.
inline http_request json_post(std::string url, const boost::json::value& body) {
  http_request r;
  r.url = std::move(url);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = boost::json::serialize(body);
  return r;
}

// --- What an alert says, shared by every channel ---

// details() in parts: an opening sentence and labelled facts ("Group", "backups"), for
// channels that lay them out themselves (Teams' FactSet).
struct summary {
  std::string intro;
  std::vector<std::pair<std::string, std::string>> facts;
};
summary summarize(const alert& a);

// DOWN and reminders are problems (red, high priority, PagerDuty trigger); UP and tests are not.
inline bool is_problem(const alert& a) {
  return a.event == alert_event::down || a.event == alert_event::reminder;
}

// "2025-01-15 10:30:00 UTC": what a person reads.
std::string human_time(core::utc_time t);

// The webhook's JSON document (documented in channels/webhook.cpp).
boost::json::object alert_document(const alert& a);
boost::json::value iso_or_null(const std::optional<core::utc_time>& t);

// --- Text ---

// `s` with invalid UTF-8 replaced by U+FFFD, so every JSON document and header is valid.
std::string valid_utf8(std::string_view s);
// Control characters (line breaks, tabs, …) replaced by spaces: for titles and headers.
std::string one_line(std::string_view s);
bool is_ascii(std::string_view s);
// At most `max_bytes` bytes of UTF-8, cut at a character boundary and ending in "…" when cut.
std::string truncate_bytes(std::string_view s, std::size_t max_bytes);
// At most `max_units` UTF-16 code units (how Telegram and Discord count; never fewer than code
// points), ending in "…" when cut.
std::string truncate_chars(std::string_view s, std::size_t max_units);

std::string base64(std::string_view bytes);
// RFC 2047 B encoded-words for UTF-8 text, each holding at most `max_bytes` bytes (a multiple
// of 3 keeps the Base64 unpadded), split at character boundaries.
std::vector<std::string> encoded_words(std::string_view text, std::size_t max_bytes);
// An HTTP header value: ASCII text as is, anything else as encoded-words on one line (ntfy
// decodes RFC 2047 in its headers).
std::string header_value(std::string_view text);

// "https://api.example.com/" + "/v2/enqueue" -> "https://api.example.com/v2/enqueue".
std::string join_url(std::string_view base, std::string_view path);

// JSON text of `v` (compact).
inline std::string to_json_text(const boost::json::value& v) { return boost::json::serialize(v); }

}  // namespace uptime::notify::detail
