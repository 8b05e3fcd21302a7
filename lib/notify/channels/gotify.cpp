// Gotify (https://gotify.net/api-docs, POST /message): {"title", "message", "priority"} as JSON
// to {server}/message, authenticated by the application token in the X-Gotify-Key header
// rather than in the URL, so it does not end up in proxy or server access logs.
#include <charconv>

#include "notify/detail/channels.hpp"

namespace uptime::notify::detail {
namespace {

namespace json = boost::json;

std::int64_t priority(const std::string& text, std::int64_t fallback) {
  std::int64_t n = fallback;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

}  // namespace

rendered render_gotify(const channel& ch, const alert& a) {
  const std::int64_t p =
      is_problem(a) ? priority(ch.field("priority_down"), 8) : priority(ch.field("priority_up"), 4);
  json::object message{{"title", headline(a)}, {"message", details(a)}, {"priority", p}};
  http_request r = json_post(join_url(ch.field("server"), "message"), message);
  r.headers.emplace_back("X-Gotify-Key", ch.field("token"));
  return outbound{std::move(r)};
}

}  // namespace uptime::notify::detail
