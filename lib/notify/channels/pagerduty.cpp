// PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
// POST {api_url}/v2/enqueue. DOWN and reminders "trigger" with the dedup key
// "uptime-monitor-<monitor id>", so a reminder adds to the open incident instead of opening
// another, and UP "resolve"s it with the same key (a resolve carries only routing_key,
// event_action and dedup_key). A test triggers with its own key, "uptime-monitor-test-<alert
// id>", so it can never resolve or join a real incident; resolve it by hand.
#include "notify/detail/channels.hpp"

namespace uptime::notify::detail {
namespace {

namespace json = boost::json;

constexpr std::size_t max_summary = 1024;
constexpr std::size_t max_dedup_key = 255;

}  // namespace

rendered render_pagerduty(const channel& ch, const alert& a) {
  const std::string dedup_key = a.event == alert_event::test
                                    ? "uptime-monitor-test-" + a.alert_id
                                    : "uptime-monitor-" + std::to_string(a.monitor_id);
  json::object event{{"routing_key", ch.field("routing_key")},
                     {"event_action", a.event == alert_event::up ? "resolve" : "trigger"},
                     {"dedup_key", truncate_bytes(dedup_key, max_dedup_key)}};
  if (a.event != alert_event::up) {
    std::string summary = headline(a);
    if (!a.message.empty()) summary += ": " + one_line(a.message);
    json::object custom{{"monitor_id", a.monitor_id},
                        {"status", a.status},
                        {"previous_status", a.previous_status},
                        {"message", a.message},
                        {"last_push_at", iso_or_null(a.last_push_at)},
                        {"next_expected_by", iso_or_null(a.next_expected_by)},
                        {"alert_id", a.alert_id},
                        {"details", details(a)}};
    json::object payload{{"summary", truncate_chars(summary, max_summary)},
                         {"source", a.push_host.empty() ? std::string("uptime-monitor") : a.push_host},
                         {"severity", ch.field("severity", "critical")},
                         {"timestamp", core::format_iso(a.occurred_at)}};
    if (!a.monitor_name.empty()) payload["component"] = a.monitor_name;
    if (!a.monitor_group.empty()) payload["group"] = a.monitor_group;
    payload["class"] = a.event == alert_event::test ? std::string("test") : a.monitor_type + " monitor";
    payload["custom_details"] = std::move(custom);
    event["payload"] = std::move(payload);
    event["client"] = "uptime-monitor";
  }
  return outbound{json_post(join_url(ch.field("api_url"), "v2/enqueue"), event)};
}

}  // namespace uptime::notify::detail
