// A monitor as JSON (see monitor_json.hpp).
#include "api/monitor_json.hpp"

#include "config/config.hpp"

namespace uptime::api {

namespace {

json::value time_or_null(const std::optional<core::utc_time>& t) {
  if (!t) return nullptr;
  return json::string(core::format_iso(*t));
}

json::value number_or_null(const std::optional<double>& v) {
  if (!v) return nullptr;
  return *v;
}

}  // namespace

std::string badge_url(std::string_view base_url, std::string_view badge_key, std::string_view suffix) {
  std::string url;
  url.reserve(base_url.size() + badge_key.size() + suffix.size() + 8);
  url.append(base_url).append("/badge/").append(badge_key).append(suffix);
  return url;
}

monitor_view view_of(const store::monitor_record& r) {
  monitor_view v;
  v.id = r.id;
  v.name = r.name;
  v.group = r.group;
  v.type = r.type;
  v.enabled = r.enabled;
  v.state = &r.state;
  v.push_count = r.push_count;
  v.last_message = r.last_message;
  v.secret_key = r.secret_key;
  return v;
}

json::object monitor_to_json(const monitor_view& m, const monitor_json_options& options) {
  static const core::monitor_state no_state;
  const auto& s = m.state ? *m.state : no_state;
  json::object o;
  o["id"] = m.id;
  o["name"] = m.name;
  o["group"] = m.group;
  o["type"] = m.type;
  o["enabled"] = m.enabled;
  o["status"] = core::to_string(s.status);
  o["paused"] = s.status == core::monitor_status::paused;
  o["in_maintenance"] = m.in_maintenance;
  o["last_push_at"] = time_or_null(s.last_push_at);
  o["next_expected_by"] =
      s.status == core::monitor_status::up ? time_or_null(s.next_expected_at) : json::value(nullptr);
  o["last_message"] = m.last_message;
  o["push_count"] = m.push_count;
  o["last_duration_seconds"] =
      number_or_null(s.last_duration ? std::optional<double>(static_cast<double>(s.last_duration->count()) / 1000)
                                     : std::nullopt);
  o["uptime_ratio"] = json::object{{"24h", number_or_null(m.uptime_24h)},
                                   {"7d", number_or_null(m.uptime_7d)},
                                   {"30d", number_or_null(m.uptime_30d)}};
  o["badge_url"] = m.badge_key.empty()
                       ? json::value(nullptr)
                       : json::value(badge_url(options.public_base_url, m.badge_key, ".svg"));
  if (options.with_push_url && m.enabled)
    o["push_url"] = config::push_url(options.public_base_url, m.id, m.secret_key);
  return o;
}

}  // namespace uptime::api
