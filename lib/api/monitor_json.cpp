// A monitor as JSON (see monitor_json.hpp).
#include "api/monitor_json.hpp"

#include "config/config.hpp"

namespace uptime::api {

namespace {

json::value time_or_null(const std::optional<core::utc_time>& t) {
  if (!t) return nullptr;
  return json::string(core::format_iso(*t));
}

}  // namespace

monitor_view view_of(const store::monitor_record& r) {
  return {r.id, r.name, r.group, r.type, r.enabled, &r.state, r.push_count, r.last_message, r.secret_key};
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
  o["last_push_at"] = time_or_null(s.last_push_at);
  o["next_expected_by"] =
      s.status == core::monitor_status::up ? time_or_null(s.next_expected_at) : json::value(nullptr);
  o["last_message"] = m.last_message;
  o["push_count"] = m.push_count;
  if (options.with_push_url && m.enabled)
    o["push_url"] = config::push_url(options.public_base_url, m.id, m.secret_key);
  return o;
}

}  // namespace uptime::api
