// Unit tests for the chat channels — Slack, Discord, Teams and Telegram — each payload parsed and
// checked against its service's documented format: field names and types, colours by event,
// escaping, and the services' length limits.
#include <catch2/catch.hpp>

#include "render_support.hpp"

using namespace render_support;
namespace json = boost::json;

namespace {

// Characters as Discord and Telegram count them (UTF-16 units; these tests use BMP text only).
std::size_t chars(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
  return n;
}

alert with_long_message(std::size_t n) {
  alert a = down_alert();
  a.message.clear();
  for (std::size_t i = 0; i < n; ++i) a.message += "é";
  return a;
}

}  // namespace

TEST_CASE("slack gets an incoming-webhook message: text, and a coloured attachment with the details") {
  const http_request r = rendered_http(
      make_channel("slack", {{"webhook_url", "https://hooks.slack.com/services/T0/B0/x"}}), down_alert());
  CHECK(r.method == "POST");
  CHECK(r.url == "https://hooks.slack.com/services/T0/B0/x");
  CHECK(header(r, "Content-Type") == "application/json");
  const json::object m = json_body(r);
  CHECK(m.at("text") == "[DOWN] Daily Backup Job");
  const json::array& attachments = m.at("attachments").as_array();
  REQUIRE(attachments.size() == 1);
  const json::object& at0 = attachments[0].as_object();
  CHECK(at0.at("color") == "danger");
  CHECK(at0.at("fallback") == "[DOWN] Daily Backup Job");
  CHECK(text(at0.at("text")) == details(down_alert()));
  CHECK(at0.at("ts").as_int64() == 1736937000);

  const auto up =
      json_body(rendered_http(make_channel("slack", {{"webhook_url", "https://h.example.com"}}), up_alert()));
  CHECK(up.at("attachments").at(0).at("color") == "good");
}

TEST_CASE("slack text escapes &, < and > so a job's message cannot become a link or a mention") {
  alert a = down_alert();
  a.monitor_name = "A&B <backup>";
  a.message = "<!channel> failed";
  const auto m =
      json_body(rendered_http(make_channel("slack", {{"webhook_url", "https://h.example.com"}}), a));
  CHECK(m.at("text") == "[DOWN] A&amp;B &lt;backup&gt;");
  CHECK(std::string(m.at("attachments").at(0).at("text").as_string()).find("&lt;!channel&gt; failed") !=
        std::string::npos);
}

TEST_CASE("discord gets content and one embed with title, description, colour and time") {
  const http_request r = rendered_http(
      make_channel("discord", {{"webhook_url", "https://discord.com/api/webhooks/1/abc"}}), down_alert());
  CHECK(r.url == "https://discord.com/api/webhooks/1/abc");
  CHECK(header(r, "Content-Type") == "application/json");
  const json::object m = json_body(r);
  CHECK(m.at("content") == "[DOWN] Daily Backup Job");
  const json::array& embeds = m.at("embeds").as_array();
  REQUIRE(embeds.size() == 1);
  const json::object& e = embeds[0].as_object();
  CHECK(e.at("title") == "[DOWN] Daily Backup Job");
  CHECK(text(e.at("description")) == details(down_alert()));
  CHECK(e.at("color").is_int64());
  CHECK(e.at("color").as_int64() == 0xD83C3E);
  CHECK(e.at("timestamp") == "2025-01-15T10:30:00Z");
  CHECK(e.at("footer").at("text") == "uptime-monitor, alert 6f1c2a9e-1b2c-4d5e-8f90-123456789abc");
  CHECK(m.at("allowed_mentions").at("parse").as_array().empty());  // no @everyone from a job's message

  const auto up = json_body(
      rendered_http(make_channel("discord", {{"webhook_url", "https://h.example.com"}}), up_alert()));
  CHECK(up.at("embeds").at(0).at("color").as_int64() == 0x2EB67D);
}

TEST_CASE("discord content and embed fields are cut to the documented limits") {
  alert a = with_long_message(5000);
  a.monitor_name = std::string(3000, 'n');
  const auto m =
      json_body(rendered_http(make_channel("discord", {{"webhook_url", "https://h.example.com"}}), a));
  CHECK(chars(m.at("content").as_string()) == 2000);
  CHECK(std::string(m.at("content").as_string()).ends_with("…"));
  const auto& e = m.at("embeds").at(0).as_object();
  CHECK(chars(e.at("title").as_string()) == 256);
  CHECK(chars(e.at("description").as_string()) == 4096);
  CHECK(chars(e.at("title").as_string()) + chars(e.at("description").as_string()) +
            chars(e.at("footer").at("text").as_string()) <=
        6000);
}

TEST_CASE("teams gets an Adaptive Card in the Workflows message format") {
  const http_request r = rendered_http(
      make_channel("teams", {{"webhook_url", "https://prod-00.westeurope.logic.azure.com/workflows/x"}}),
      down_alert());
  CHECK(header(r, "Content-Type") == "application/json");
  const json::object m = json_body(r);
  CHECK(m.at("type") == "message");
  const json::array& attachments = m.at("attachments").as_array();
  REQUIRE(attachments.size() == 1);
  CHECK(attachments[0].at("contentType") == "application/vnd.microsoft.card.adaptive");
  CHECK(attachments[0].at("contentUrl").is_null());
  const json::object& card = attachments[0].at("content").as_object();
  CHECK(card.at("type") == "AdaptiveCard");
  CHECK(card.at("version") == "1.4");
  CHECK(card.at("$schema") == "http://adaptivecards.io/schemas/adaptive-card.json");
  const json::array& body = card.at("body").as_array();
  REQUIRE(body.size() == 3);
  CHECK(body[0].at("type") == "TextBlock");
  CHECK(body[0].at("text") == "[DOWN] Daily Backup Job");
  CHECK(body[0].at("color") == "Attention");
  CHECK(body[0].at("wrap").as_bool());
  CHECK(body[1].at("text") == "Daily Backup Job is DOWN since 2025-01-15 10:30:00 UTC.");
  CHECK(body[2].at("type") == "FactSet");
  const json::array& facts = body[2].at("facts").as_array();
  REQUIRE(facts.size() == 7);
  CHECK(facts[0].at("title") == "Monitor");
  CHECK(facts[0].at("value") == "Daily Backup Job (#5)");
  CHECK(facts[3].at("title") == "Reason");

  const auto up =
      json_body(rendered_http(make_channel("teams", {{"webhook_url", "https://h.example.com"}}), up_alert()));
  CHECK(up.at("attachments").at(0).at("content").at("body").at(0).at("color") == "Good");
}

TEST_CASE("telegram gets sendMessage on the bot's URL with plain text and no link preview") {
  const http_request r = rendered_http(
      make_channel("telegram", {{"bot_token", "123456:ABC-def"}, {"chat_id", "-1001234567890"}}),
      down_alert());
  CHECK(r.method == "POST");
  CHECK(r.url == "https://api.telegram.org/bot123456:ABC-def/sendMessage");
  CHECK(header(r, "Content-Type") == "application/json");
  const json::object m = json_body(r);
  CHECK(m.at("chat_id").is_int64());
  CHECK(m.at("chat_id").as_int64() == -1001234567890);
  CHECK(text(m.at("text")) == "[DOWN] Daily Backup Job\n\n" + details(down_alert()));
  CHECK(m.at("disable_web_page_preview").as_bool());
  CHECK_FALSE(m.contains("parse_mode"));  // plain text: nothing to escape, nothing to break
}

TEST_CASE("telegram sends a @channel chat id as a string, to the configured API URL") {
  const http_request r = rendered_http(make_channel("telegram", {{"bot_token", "1:x"},
                                                                 {"chat_id", "@uptime_alerts"},
                                                                 {"api_url", "http://127.0.0.1:8081/"}}),
                                       up_alert());
  CHECK(r.url == "http://127.0.0.1:8081/bot1:x/sendMessage");
  CHECK(json_body(r).at("chat_id") == "@uptime_alerts");
}

TEST_CASE("telegram text is cut to 4096 characters") {
  const auto m = json_body(rendered_http(make_channel("telegram", {{"bot_token", "1:x"}, {"chat_id", "1"}}),
                                         with_long_message(5000)));
  CHECK(chars(m.at("text").as_string()) == 4096);
}
