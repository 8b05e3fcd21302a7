// Pushover (https://pushover.net/api): POST {api_url}/1/messages.json, form-encoded, with token,
// user, title (at most 250 characters), message (at most 1024), priority and timestamp (the
// time of the change, so a delayed delivery shows when it happened). Priority 2 (emergency)
// repeats until acknowledged and requires retry and expire, which are then sent (from the
// channel's retry/expire fields); it is never the default.
#include <charconv>

#include "core/duration.hpp"
#include "notify/detail/channels.hpp"

namespace uptime::notify::detail {
namespace {

constexpr std::size_t max_title = 250;
constexpr std::size_t max_message = 1024;

// application/x-www-form-urlencoded: unreserved characters as they are, the rest as %XX.
std::string form_encoded(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string seconds_of(const std::string& duration, std::int64_t fallback) {
  const auto parsed = core::parse_duration(duration);
  const auto* d = std::get_if<std::chrono::seconds>(&parsed);
  return std::to_string(d ? d->count() : fallback);
}

}  // namespace

rendered render_pushover(const channel& ch, const alert& a) {
  const std::string priority = ch.field(is_problem(a) ? "priority_down" : "priority_up", "0");
  std::vector<std::pair<std::string, std::string>> form{
      {"token", ch.field("token")},
      {"user", ch.field("user")},
      {"title", truncate_chars(headline(a), max_title)},
      {"message", truncate_chars(details(a), max_message)},
      {"priority", priority},
      {"timestamp",
       std::to_string(std::chrono::floor<std::chrono::seconds>(a.occurred_at).time_since_epoch().count())}};
  if (priority == "2") {
    form.emplace_back("retry", seconds_of(ch.field("retry"), 60));
    form.emplace_back("expire", seconds_of(ch.field("expire"), 3600));
  }
  if (const std::string device = ch.field("device"); !device.empty()) form.emplace_back("device", device);

  http_request r;
  r.url = join_url(ch.field("api_url"), "1/messages.json");
  r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  for (const auto& [name, value] : form) {
    if (!r.body.empty()) r.body += '&';
    r.body += name + "=" + form_encoded(value);
  }
  return outbound{std::move(r)};
}

}  // namespace uptime::notify::detail
