// The generic webhook: `method` (POST by default) to `url` with the extra `headers`, and as body
// the alert as one JSON document (Content-Type: application/json):
//
//   {"event": "down"|"up"|"reminder"|"test",
//    "monitor": {"id": 5, "name": "Daily Backup Job", "group": "backups"|null, "type": "push"},
//    "status": "down", "previous_status": "up",        (null when not known)
//    "message": "no push received by 2025-01-15T10:30:00Z",
//    "occurred_at": "2025-01-15T10:30:00Z",
//    "last_push_at": "2025-01-14T09:30:12Z"|null, "next_expected_by": "…Z"|null,
//    "alert_id": "…",                                  (the same on every retry: de-duplicate on it)
//    "duration_seconds": 12.5}                         (only when the job reported it)
//
// A `body` template replaces the document: {{event}}, {{monitor.id}}, {{monitor.name}},
// {{monitor.group}}, {{monitor.type}}, {{status}}, {{previous_status}}, {{message}},
// {{occurred_at}}, {{last_push_at}}, {{next_expected_by}}, {{alert_id}}, {{duration_seconds}},
// {{headline}} ("[DOWN] Daily Backup Job"), {{details}} (the plain-text report) and {{json}}
// (the whole document above) are substituted; spaces inside the braces are allowed. When the
// request's Content-Type is JSON (application/json, the default, or any */*+json) each value
// except {{json}} is JSON-escaped without quotes, so it belongs inside a string:
//   body: '{"text": "{{headline}}: {{message}}", "alert": {{json}}}'
// With another Content-Type (set one under `headers`) values are inserted as they are. A value
// that is not known (null above) is inserted as empty text. A GET request has no body.
#include <fmt/format.h>

#include "core/channel_schema.hpp"
#include "notify/detail/channels.hpp"

namespace uptime::notify::detail {
namespace {

namespace json = boost::json;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// application/json, application/problem+json, … (parameters such as charset ignored).
bool is_json_media_type(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
  if (iequals(type, "application/json")) return true;
  return type.size() > 5 && iequals(type.substr(type.size() - 5), "+json");
}

std::string time_text(const std::optional<core::utc_time>& t) {
  return t ? core::format_iso(*t) : std::string();
}

// The text a placeholder stands for; nullopt for an unknown name (left as written).
std::optional<std::string> placeholder_value(std::string_view name, const alert& a, const json::object& doc) {
  if (name == "event") return std::string(to_string(a.event));
  if (name == "monitor.id") return std::to_string(a.monitor_id);
  if (name == "monitor.name") return a.monitor_name;
  if (name == "monitor.group") return a.monitor_group;
  if (name == "monitor.type") return a.monitor_type;
  if (name == "status") return a.status;
  if (name == "previous_status") return a.previous_status;
  if (name == "message") return a.message;
  if (name == "occurred_at") return core::format_iso(a.occurred_at);
  if (name == "last_push_at") return time_text(a.last_push_at);
  if (name == "next_expected_by") return time_text(a.next_expected_by);
  if (name == "alert_id") return a.alert_id;
  if (name == "duration_seconds") {
    // fmt's shortest form ("754.25"), not Boost.JSON's ("7.5425E2"): this is read as text too.
    return doc.contains("duration_seconds") ? fmt::format("{}", *a.duration_seconds) : std::string();
  }
  if (name == "headline") return headline(a);
  if (name == "details") return details(a);
  if (name == "json") return json::serialize(doc);
  return std::nullopt;
}

std::string json_escaped(std::string_view text) {
  std::string quoted = json::serialize(json::value(json::string(text)));
  return quoted.substr(1, quoted.size() - 2);
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::string fill_template(std::string_view tmpl, const alert& a, const json::object& doc, bool escape_json) {
  std::string out;
  std::size_t done = 0;
  for (std::size_t i = tmpl.find("{{"); i != std::string_view::npos; i = tmpl.find("{{", i)) {
    while (i + 2 < tmpl.size() && tmpl[i + 2] == '{') ++i;  // "{{{x}}}": the innermost pair
    const std::size_t close = tmpl.find("}}", i + 2);
    if (close == std::string_view::npos) break;
    const std::string name = trim(tmpl.substr(i + 2, close - i - 2));
    auto value = placeholder_value(name, a, doc);
    if (!value) {
      i += 2;
      continue;
    }
    out.append(tmpl.substr(done, i - done));
    out += escape_json && name != "json" ? json_escaped(*value) : *value;
    done = close + 2;
    i = done;
  }
  out.append(tmpl.substr(done));
  return out;
}

}  // namespace

rendered render_webhook(const channel& ch, const alert& a) {
  http_request r;
  r.method = ch.field("method", "POST");
  r.url = ch.field("url");
  const auto extra = core::split_headers(ch.field("headers"));
  std::string content_type = "application/json";
  bool own_content_type = false;
  for (const auto& [name, value] : extra) {
    if (iequals(name, "Content-Type")) {
      content_type = value;
      own_content_type = true;
    }
  }
  if (r.method != "GET") {
    const json::object doc = alert_document(a);
    const std::string tmpl = ch.field("body");
    r.body =
        tmpl.empty() ? json::serialize(doc) : fill_template(tmpl, a, doc, is_json_media_type(content_type));
    if (!own_content_type) r.headers.emplace_back("Content-Type", content_type);
  }
  for (const auto& header : extra) r.headers.push_back(header);
  return outbound{std::move(r)};
}

}  // namespace uptime::notify::detail
