// Alert <-> JSON for the outbox (see alert_json.hpp).
#include "notify/alert_json.hpp"

#include "core/text.hpp"

#include <openssl/rand.h>

#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace uptime::notify {

namespace json = boost::json;

namespace {
json::value time_value(const std::optional<core::utc_time>& t) {
  return t ? json::value(core::format_iso(*t)) : json::value(nullptr);
}
std::optional<core::utc_time> time_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return core::parse_iso(v->get_string());
}
// Every text goes out as valid UTF-8: JSON that is not cannot be parsed back, and an alert
// that cannot be read from the outbox is an alert nobody receives. Texts are made valid where
// they enter (a push's message), so this is the last line of defence, not the normal path.
json::string text(std::string_view s) {
  if (core::is_valid_utf8(s)) return json::string(s);
  return json::string(core::to_valid_utf8(s));
}
std::string text_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
}  // namespace

std::optional<alert_event> parse_event(std::string_view text) {
  for (auto e : {alert_event::down, alert_event::up, alert_event::reminder, alert_event::test})
    if (to_string(e) == text) return e;
  return std::nullopt;
}

std::string to_json(const alert& a) {
  json::object o{{"alert_id", text(a.alert_id)},
                 {"event", to_string(a.event)},
                 {"monitor_id", a.monitor_id},
                 {"monitor_name", text(a.monitor_name)},
                 {"monitor_group", text(a.monitor_group)},
                 {"monitor_type", text(a.monitor_type)},
                 {"status", text(a.status)},
                 {"previous_status", text(a.previous_status)},
                 {"message", text(a.message)},
                 {"occurred_at", core::format_iso(a.occurred_at)},
                 {"last_push_at", time_value(a.last_push_at)},
                 {"next_expected_by", time_value(a.next_expected_by)},
                 {"push_host", text(a.push_host)}};
  // (JSON has no NaN or infinity: such a duration would not read back the same)
  if (a.duration_seconds && std::isfinite(*a.duration_seconds)) o["duration_seconds"] = *a.duration_seconds;
  return json::serialize(o);
}

std::optional<alert> alert_from_json(std::string_view text) {
  boost::system::error_code ec;
  const auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  alert a;
  a.alert_id = text_of(o, "alert_id");
  const auto event = parse_event(text_of(o, "event"));
  const auto occurred = time_of(o, "occurred_at");
  const auto* id = o.if_contains("monitor_id");
  if (a.alert_id.empty() || !event || !occurred || !id || !id->is_int64()) return std::nullopt;
  a.event = *event;
  a.monitor_id = id->as_int64();
  a.monitor_name = text_of(o, "monitor_name");
  a.monitor_group = text_of(o, "monitor_group");
  a.monitor_type = text_of(o, "monitor_type");
  a.status = text_of(o, "status");
  a.previous_status = text_of(o, "previous_status");
  a.message = text_of(o, "message");
  a.occurred_at = *occurred;
  a.last_push_at = time_of(o, "last_push_at");
  a.next_expected_by = time_of(o, "next_expected_by");
  a.push_host = text_of(o, "push_host");
  if (const auto* d = o.if_contains("duration_seconds"); d && d->is_number())
    if (const auto seconds = d->to_number<double>(); std::isfinite(seconds))  // (1e999 parses as inf)
      a.duration_seconds = seconds;
  return a;
}

std::string new_alert_id() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1)
    throw std::runtime_error("the system's random number generator failed");
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace uptime::notify
