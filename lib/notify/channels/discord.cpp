// Discord channel webhooks (https://discord.com/developers/docs/resources/webhook#execute-webhook):
// "content" is the headline (shown in notifications), and one embed carries the details with a
// coloured side bar and the time of the change. Discord's limits are enforced by cutting:
// content 2000 characters, embed title 256, description 4096, footer 2048 (6000 in all, which
// these stay under). "allowed_mentions" is empty so that a job's message containing @everyone
// or <@id> pings nobody.
#include "notify/detail/channels.hpp"

namespace uptime::notify::detail {
namespace {

namespace json = boost::json;

constexpr std::size_t max_content = 2000;
constexpr std::size_t max_title = 256;
constexpr std::size_t max_description = 4096;
constexpr std::size_t max_footer = 2048;

constexpr std::int64_t red = 0xD83C3E;
constexpr std::int64_t green = 0x2EB67D;
constexpr std::int64_t blue = 0x439FE0;

}  // namespace

rendered render_discord(const channel& ch, const alert& a) {
  const std::string title = headline(a);
  json::object embed{
      {"title", truncate_chars(title, max_title)},
      {"description", truncate_chars(details(a), max_description)},
      {"color", is_problem(a)                ? red
                : a.event == alert_event::up ? green
                                             : blue},
      {"timestamp", core::format_iso(a.occurred_at)},
      {"footer", json::object{{"text", truncate_chars("uptime-monitor, alert " + a.alert_id, max_footer)}}}};
  json::object message{{"content", truncate_chars(title, max_content)},
                       {"embeds", json::array{embed}},
                       {"allowed_mentions", json::object{{"parse", json::array{}}}}};
  return outbound{json_post(ch.field("webhook_url"), message)};
}

}  // namespace uptime::notify::detail
