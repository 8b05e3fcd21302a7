// ntfy (https://docs.ntfy.sh/publish/): POST {server}/{topic} with the details as the plain
// text body and the headline, priority and tags as headers (Title, Priority, Tags). ntfy
// decodes RFC 2047 encoded-words in these headers (since 2.4.0), which is how a non-ASCII
// title travels. Tags that are emoji short codes show as icons: rotating_light for DOWN,
// white_check_mark for UP, repeat for reminders, test_tube for tests; `tags` adds more. A body
// over 4096 bytes would become an attachment, so it is cut below that. With `token`, the
// request carries "Authorization: Bearer <token>".
#include "core/channel_schema.hpp"
#include "notify/detail/channels.hpp"

namespace uptime::notify::detail {
namespace {

constexpr std::size_t max_body = 4096;

std::string_view event_tag(alert_event e) {
  switch (e) {
    case alert_event::down:
      return "rotating_light";
    case alert_event::up:
      return "white_check_mark";
    case alert_event::reminder:
      return "repeat";
    case alert_event::test:
      return "test_tube";
  }
  return "rotating_light";
}

}  // namespace

rendered render_ntfy(const channel& ch, const alert& a) {
  std::string tags(event_tag(a.event));
  for (const std::string& tag : core::split_list(ch.field("tags"))) tags += "," + tag;

  http_request r;
  r.url = join_url(ch.field("server"), ch.field("topic"));
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  r.headers.emplace_back("Title", header_value(headline(a)));
  r.headers.emplace_back("Priority", ch.field(is_problem(a) ? "priority_down" : "priority_up", "3"));
  r.headers.emplace_back("Tags", header_value(tags));
  if (const std::string token = ch.field("token"); !token.empty()) {
    r.headers.emplace_back("Authorization", "Bearer " + token);
  }
  r.body = truncate_bytes(details(a), max_body);
  return outbound{std::move(r)};
}

}  // namespace uptime::notify::detail
