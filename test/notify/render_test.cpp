// Unit tests for render() itself: it picks the renderer by type, refuses a channel whose
// settings are incomplete or invalid with a message naming the channel and field (the
// dispatcher logs it and notify-test prints it), fills in defaults for channels that did not
// come through the config loader, and repairs invalid UTF-8 so every payload is valid.
#include <catch2/catch.hpp>

#include "render_support.hpp"

using namespace render_support;
namespace json = boost::json;

namespace {

std::string refusal(const channel& ch, const alert& a) {
  auto r = render(ch, a, at("2025-01-15T10:30:05Z"));
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

}  // namespace

TEST_CASE("render picks the output by channel type: an e-mail for email, an HTTP request for the rest") {
  CHECK(std::holds_alternative<email>(rendered(
      make_channel("email", {{"host", "h.example.com"}, {"from", "a@example.com"}, {"to", "b@example.com"}}),
      down_alert())));
  const std::vector<std::pair<std::string, std::map<std::string, std::string>>> http_channels{
      {"webhook", {{"url", "https://h.example.com"}}},
      {"slack", {{"webhook_url", "https://h.example.com"}}},
      {"discord", {{"webhook_url", "https://h.example.com"}}},
      {"teams", {{"webhook_url", "https://h.example.com"}}},
      {"telegram", {{"bot_token", "1:x"}, {"chat_id", "1"}}},
      {"ntfy", {{"topic", "t"}}},
      {"gotify", {{"server", "https://g.example.com"}, {"token", "t"}}},
      {"pushover", {{"token", "t"}, {"user", "u"}}},
      {"pagerduty", {{"routing_key", "k"}}}};
  for (const auto& [type, fields] : http_channels) {
    for (auto e : {alert_event::down, alert_event::up, alert_event::reminder, alert_event::test}) {
      INFO(type << " " << to_string(e));
      const outbound o = rendered(make_channel(type, fields), with_event(down_alert(), e));
      REQUIRE(std::holds_alternative<http_request>(o));
      const auto& r = std::get<http_request>(o);
      CHECK((r.url.starts_with("https://") || r.url.starts_with("http://")));
      CHECK_FALSE(r.body.empty());
    }
  }
}

TEST_CASE("render refuses an unknown type or incomplete settings, naming the channel and the field") {
  CHECK(refusal(channel{"sms-ops", "sms", {}}, down_alert()) ==
        "channel \"sms-ops\": unknown type \"sms\", expected one of email, webhook, slack, discord, teams, "
        "telegram, ntfy, gotify, pushover, pagerduty");
  CHECK(
      refusal(channel{"pager", "pagerduty", {}}, down_alert()) ==
      "channel \"pager\" (pagerduty): routing_key: is required, e.g. routing_key: ${PAGERDUTY_ROUTING_KEY}");
  CHECK(refusal(
            channel{"mail", "email", {{"host", "h"}, {"from", "x"}, {"to", "b@example.com"}, {"smtp", "1"}}},
            down_alert()) ==
        "channel \"mail\" (email): from: must be an e-mail address such as alerts@example.com or \"Uptime "
        "<alerts@example.com>\", got \"x\"; smtp: unknown field; a email channel takes type, host, port, "
        "security, username, password, from, to, ca_file");
}

TEST_CASE("render fills in defaults for settings that did not come through the config loader") {
  const http_request r = rendered_http(make_channel("pagerduty", {{"routing_key", "k"}}), down_alert());
  CHECK(r.url == "https://events.pagerduty.com/v2/enqueue");
  CHECK(json_body(r).at("payload").at("severity") == "critical");
  const email e = rendered_email(make_channel("email", {{"host", "h.example.com"},
                                                        {"security", "tls"},
                                                        {"from", "a@example.com"},
                                                        {"to", "b@example.com"}}),
                                 down_alert());
  CHECK(e.port == 465);
}

TEST_CASE("invalid UTF-8 in a monitor's name or a job's message is replaced, so JSON stays valid") {
  alert a = down_alert();
  a.monitor_name = "Backup \xff\xfe job";
  a.message = "truncated \xe2\x82";
  const auto doc = json_body(rendered_http(make_channel("webhook", {{"url", "https://h.example.com"}}), a));
  CHECK(doc.at("monitor").at("name") == "Backup \xef\xbf\xbd\xef\xbf\xbd job");
  CHECK(doc.at("message") == "truncated \xef\xbf\xbd");  // one U+FFFD for the cut sequence
  const auto slack =
      json_body(rendered_http(make_channel("slack", {{"webhook_url", "https://h.example.com"}}), a));
  CHECK(slack.at("text") == "[DOWN] Backup \xef\xbf\xbd\xef\xbf\xbd job");
}

TEST_CASE("no payload carries the push URL's secret, only its host") {
  alert a = down_alert();
  a.push_host = "status.example.com:8443";
  for (const char* type : {"webhook", "slack"}) {
    const auto field = std::string(type) == "webhook" ? "url" : "webhook_url";
    const http_request r = rendered_http(make_channel(type, {{field, "https://h.example.com"}}), a);
    CHECK(r.body.find("/api/push/") == std::string::npos);
  }
  CHECK(details(a).find("Push URL host: status.example.com:8443\n") != std::string::npos);
}
