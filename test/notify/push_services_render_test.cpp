// Unit tests for the push-notification and paging services — ntfy, Gotify, Pushover and
// PagerDuty — each request checked against its service's documented API: URL, headers, body
// format and types, priorities by event, and PagerDuty's trigger/resolve pairing by dedup key.
#include <catch2/catch.hpp>

#include "render_support.hpp"

using namespace render_support;
namespace json = boost::json;

namespace {

// application/x-www-form-urlencoded -> name/value pairs.
std::map<std::string, std::string> form(std::string_view body) {
  auto decode = [](std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i] == '+' ? ' ' : s[i];
      }
    }
    return out;
  };
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t amp = std::min(body.find('&', start), body.size());
    const std::string_view pair = body.substr(start, amp - start);
    const std::size_t eq = pair.find('=');
    REQUIRE(eq != std::string_view::npos);
    REQUIRE(out.emplace(decode(pair.substr(0, eq)), decode(pair.substr(eq + 1))).second);
    start = amp + 1;
  }
  return out;
}

std::size_t chars(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("ntfy gets the details as the body and title, priority and tags as headers") {
  const http_request r = rendered_http(make_channel("ntfy", {{"topic", "uptime-k3x9"}}), down_alert());
  CHECK(r.method == "POST");
  CHECK(r.url == "https://ntfy.sh/uptime-k3x9");
  CHECK(r.body == details(down_alert()));
  CHECK(header(r, "Title") == "[DOWN] Daily Backup Job");
  CHECK(header(r, "Priority") == "5");
  CHECK(header(r, "Tags") == "rotating_light");
  CHECK(header(r, "Content-Type") == "text/plain; charset=utf-8");
  CHECK(header(r, "Authorization").empty());

  const http_request up = rendered_http(make_channel("ntfy", {{"topic", "t"},
                                                              {"server", "http://127.0.0.1:8080/"},
                                                              {"token", "tk_abc"},
                                                              {"priority_up", "low"},
                                                              {"tags", "backup,prod"}}),
                                        up_alert());
  CHECK(up.url == "http://127.0.0.1:8080/t");
  CHECK(header(up, "Priority") == "low");
  CHECK(header(up, "Tags") == "white_check_mark,backup,prod");
  CHECK(header(up, "Authorization") == "Bearer tk_abc");

  CHECK(header(rendered_http(make_channel("ntfy", {{"topic", "t"}}),
                             with_event(down_alert(), alert_event::reminder)),
               "Priority") == "5");
  CHECK(header(rendered_http(make_channel("ntfy", {{"topic", "t"}}),
                             with_event(down_alert(), alert_event::test)),
               "Tags") == "test_tube");
}

TEST_CASE("ntfy headers are ASCII: a UTF-8 title is RFC 2047 encoded, and the body stays under 4096 bytes") {
  alert a = down_alert();
  a.monitor_name = "Sauvegarde quotidienne — café";
  a.message = std::string(6000, 'x');
  const http_request r = rendered_http(make_channel("ntfy", {{"topic", "t"}}), a);
  const std::string title = header(r, "Title");
  for (char c : title) CHECK(static_cast<unsigned char>(c) < 0x80);
  CHECK(decode_words(title) == "[DOWN] Sauvegarde quotidienne — café");
  CHECK(r.body.size() <= 4096);
  CHECK(r.body.ends_with("…"));
}

TEST_CASE("gotify gets title, message and an integer priority on /message with X-Gotify-Key") {
  const http_request r = rendered_http(
      make_channel("gotify", {{"server", "https://gotify.example.com/"}, {"token", "AppToken"}}),
      down_alert());
  CHECK(r.url == "https://gotify.example.com/message");
  CHECK(header(r, "X-Gotify-Key") == "AppToken");
  CHECK(r.url.find("AppToken") == std::string::npos);
  CHECK(header(r, "Content-Type") == "application/json");
  const json::object m = json_body(r);
  CHECK(m.at("title") == "[DOWN] Daily Backup Job");
  CHECK(text(m.at("message")) == details(down_alert()));
  CHECK(m.at("priority").as_int64() == 8);

  const auto up = json_body(rendered_http(
      make_channel("gotify",
                   {{"server", "https://g.example.com/gotify"}, {"token", "t"}, {"priority_up", "2"}}),
      up_alert()));
  CHECK(up.at("priority").as_int64() == 2);
}

TEST_CASE("pushover gets a form with token, user, title, message, priority and timestamp") {
  const http_request r =
      rendered_http(make_channel("pushover", {{"token", "app&token"}, {"user", "user-key"}}), down_alert());
  CHECK(r.method == "POST");
  CHECK(r.url == "https://api.pushover.net/1/messages.json");
  CHECK(header(r, "Content-Type") == "application/x-www-form-urlencoded");
  const auto f = form(r.body);
  CHECK(f.at("token") == "app&token");
  CHECK(f.at("user") == "user-key");
  CHECK(f.at("title") == "[DOWN] Daily Backup Job");
  CHECK(f.at("message") == details(down_alert()));
  CHECK(f.at("priority") == "1");
  CHECK(f.at("timestamp") == "1736937000");
  CHECK_FALSE(f.contains("retry"));  // only for priority 2
  CHECK_FALSE(f.contains("expire"));

  CHECK(form(rendered_http(make_channel("pushover", {{"token", "a"}, {"user", "u"}}), up_alert()).body)
            .at("priority") == "0");
}

TEST_CASE("pushover emergency priority carries retry and expire in seconds, and limits are kept") {
  alert a = down_alert();
  a.message = std::string(2000, 'm');
  a.monitor_name = std::string(300, 'n');
  const http_request r = rendered_http(make_channel("pushover", {{"token", "a"},
                                                                 {"user", "u"},
                                                                 {"priority_down", "2"},
                                                                 {"retry", "2m"},
                                                                 {"expire", "1h30m"},
                                                                 {"device", "phone"},
                                                                 {"api_url", "http://127.0.0.1:9"}}),
                                       a);
  CHECK(r.url == "http://127.0.0.1:9/1/messages.json");
  const auto f = form(r.body);
  CHECK(f.at("priority") == "2");
  CHECK(f.at("retry") == "120");
  CHECK(f.at("expire") == "5400");
  CHECK(f.at("device") == "phone");
  CHECK(chars(f.at("title")) == 250);
  CHECK(chars(f.at("message")) == 1024);
}

TEST_CASE("pagerduty triggers on DOWN with a dedup key per monitor and an Events API v2 payload") {
  const http_request r = rendered_http(make_channel("pagerduty", {{"routing_key", "R0UT1NG"}}), down_alert());
  CHECK(r.url == "https://events.pagerduty.com/v2/enqueue");
  CHECK(header(r, "Content-Type") == "application/json");
  const json::object e = json_body(r);
  CHECK(e.at("routing_key") == "R0UT1NG");
  CHECK(e.at("event_action") == "trigger");
  CHECK(e.at("dedup_key") == "uptime-monitor-5");
  const json::object& p = e.at("payload").as_object();
  CHECK(p.at("summary") ==
        "[DOWN] Daily Backup Job: no push received by 2025-01-15T10:30:00Z (expected every 24h, grace 1h)");
  CHECK(p.at("source") == "status.example.com");
  CHECK(p.at("severity") == "critical");
  CHECK(p.at("timestamp") == "2025-01-15T10:30:00Z");
  CHECK(p.at("component") == "Daily Backup Job");
  CHECK(p.at("group") == "backups");
  const json::object& custom = p.at("custom_details").as_object();
  CHECK(custom.at("monitor_id").as_int64() == 5);
  CHECK(custom.at("last_push_at") == "2025-01-14T09:30:12Z");
  CHECK(custom.at("alert_id") == "6f1c2a9e-1b2c-4d5e-8f90-123456789abc");

  const auto warn = json_body(rendered_http(
      make_channel("pagerduty",
                   {{"routing_key", "k"}, {"severity", "warning"}, {"api_url", "http://127.0.0.1:9/"}}),
      down_alert()));
  CHECK(warn.at("payload").at("severity") == "warning");
}

TEST_CASE("pagerduty resolves on UP with the same dedup key and only the three fields resolve needs") {
  const auto e = json_body(rendered_http(make_channel("pagerduty", {{"routing_key", "k"}}), up_alert()));
  CHECK(e.at("event_action") == "resolve");
  CHECK(e.at("dedup_key") == "uptime-monitor-5");
  CHECK(e.at("routing_key") == "k");
  CHECK(e.size() == 3);
}

TEST_CASE("a pagerduty reminder re-triggers the open incident; a test triggers its own") {
  const auto reminder = json_body(rendered_http(make_channel("pagerduty", {{"routing_key", "k"}}),
                                                with_event(down_alert(), alert_event::reminder)));
  CHECK(reminder.at("event_action") == "trigger");
  CHECK(reminder.at("dedup_key") == "uptime-monitor-5");

  const auto test = json_body(rendered_http(make_channel("pagerduty", {{"routing_key", "k"}}),
                                            with_event(down_alert(), alert_event::test)));
  CHECK(test.at("event_action") == "trigger");
  CHECK(test.at("dedup_key") == "uptime-monitor-test-6f1c2a9e-1b2c-4d5e-8f90-123456789abc");
  CHECK(std::string(test.at("payload").at("summary").as_string()).starts_with("[TEST] Daily Backup Job"));
}

TEST_CASE("a pagerduty summary is cut to 1024 characters") {
  alert a = down_alert();
  a.message = std::string(3000, 'r');
  const auto e = json_body(rendered_http(make_channel("pagerduty", {{"routing_key", "k"}}), a));
  CHECK(chars(e.at("payload").at("summary").as_string()) == 1024);
}
