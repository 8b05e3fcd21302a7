// Telegram bots (https://core.telegram.org/bots/api#sendmessage): POST
// {api_url}/bot{bot_token}/sendMessage with {"chat_id", "text", "disable_web_page_preview"}.
// No parse_mode: the text is sent as plain text, so nothing in a job's message needs escaping
// and nothing in it can break the request. A chat_id that is a number is sent as a JSON
// number, a @channelusername as a string. The text is cut to Telegram's 4096 characters.
#include <charconv>

#include "notify/detail/channels.hpp"

namespace uptime::notify::detail {
namespace {

namespace json = boost::json;

constexpr std::size_t max_text = 4096;

json::value chat_id_value(const std::string& id) {
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
  if (!id.empty() && ec == std::errc() && ptr == id.data() + id.size()) return n;
  return json::value(id);
}

}  // namespace

rendered render_telegram(const channel& ch, const alert& a) {
  json::object message{{"chat_id", chat_id_value(ch.field("chat_id"))},
                       {"text", truncate_chars(headline(a) + "\n\n" + details(a), max_text)},
                       {"disable_web_page_preview", true}};
  return outbound{json_post(join_url(ch.field("api_url"), "bot" + ch.field("bot_token") + "/sendMessage"), message)};
}

}  // namespace uptime::notify::detail
