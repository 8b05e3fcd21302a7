// Slack incoming webhooks (https://api.slack.com/messaging/webhooks): a JSON message whose
// "text" is the headline (what notifications and screen readers show) and one attachment with
// a coloured bar ("danger" red for DOWN and reminders, "good" green for UP) holding the
// details. Slack reads &, < and > as markup in both, so they are escaped as the docs require
// (https://api.slack.com/reference/surfaces/formatting#escaping).
#include "notify/detail/channels.hpp"

namespace uptime::notify::detail {
namespace {

namespace json = boost::json;

// Attachment text beyond a few thousand characters is cut by Slack with a "Show more" at best.
constexpr std::size_t max_details = 3000;

std::string slack_escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

rendered render_slack(const channel& ch, const alert& a) {
  const std::string title = slack_escaped(headline(a));
  const std::string color = is_problem(a) ? "danger" : a.event == alert_event::up ? "good" : "#439FE0";
  json::object attachment{
      {"color", color},
      {"fallback", title},
      {"text", slack_escaped(truncate_chars(details(a), max_details))},
      {"ts", std::chrono::floor<std::chrono::seconds>(a.occurred_at).time_since_epoch().count()}};
  json::object message{{"text", title}, {"attachments", json::array{attachment}}};
  return outbound{json_post(ch.field("webhook_url"), message)};
}

}  // namespace uptime::notify::detail
