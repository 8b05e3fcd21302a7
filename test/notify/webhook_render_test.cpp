// Unit tests for the generic webhook: the JSON document's fields and types, the method, URL and
// extra headers from the settings, and body templates — JSON-escaped while the Content-Type is
// JSON, inserted as they are otherwise, {{json}} always the document itself.
#include <catch2/catch.hpp>

#include "render_support.hpp"

using namespace render_support;
namespace json = boost::json;

TEST_CASE("a webhook POSTs the alert as a JSON document with every documented field") {
  const http_request r =
      rendered_http(make_channel("webhook", {{"url", "https://hooks.example.com/uptime"}}), down_alert());
  CHECK(r.method == "POST");
  CHECK(r.url == "https://hooks.example.com/uptime");
  CHECK(header(r, "Content-Type") == "application/json");
  const json::object doc = json_body(r);
  CHECK(doc.at("event") == "down");
  const json::object& monitor = doc.at("monitor").as_object();
  CHECK(monitor.at("id").as_int64() == 5);
  CHECK(monitor.at("name") == "Daily Backup Job");
  CHECK(monitor.at("group") == "backups");
  CHECK(monitor.at("type") == "push");
  CHECK(doc.at("status") == "down");
  CHECK(doc.at("previous_status") == "up");
  CHECK(doc.at("message") == "no push received by 2025-01-15T10:30:00Z (expected every 24h, grace 1h)");
  CHECK(doc.at("occurred_at") == "2025-01-15T10:30:00Z");
  CHECK(doc.at("last_push_at") == "2025-01-14T09:30:12Z");
  CHECK(doc.at("next_expected_by") == "2025-01-15T10:30:00Z");
  CHECK(doc.at("alert_id") == "6f1c2a9e-1b2c-4d5e-8f90-123456789abc");
  CHECK_FALSE(doc.contains("duration_seconds"));  // only when known
  CHECK(doc.size() == 9);
}

TEST_CASE("unknown times and an empty group are null; a known duration is a number") {
  alert a = up_alert();
  a.monitor_group.clear();
  a.last_push_at.reset();
  a.next_expected_by.reset();
  const json::object doc =
      json_body(rendered_http(make_channel("webhook", {{"url", "http://127.0.0.1:9/h"}}), a));
  CHECK(doc.at("event") == "up");
  CHECK(doc.at("monitor").at("group").is_null());
  CHECK(doc.at("last_push_at").is_null());
  CHECK(doc.at("next_expected_by").is_null());
  CHECK(doc.at("duration_seconds").as_double() == 754.25);

  for (auto e : {alert_event::reminder, alert_event::test}) {
    const auto d = json_body(
        rendered_http(make_channel("webhook", {{"url", "http://h.example.com"}}), with_event(a, e)));
    CHECK(text(d.at("event")) == to_string(e));
  }
}

TEST_CASE("the method and extra headers come from the settings; a header may replace Content-Type") {
  http_request r =
      rendered_http(make_channel("webhook", {{"url", "https://h.example.com/x?token=1"},
                                             {"method", "PUT"},
                                             {"headers", "Authorization: Bearer abc\nX-Env: prod"}}),
                    down_alert());
  CHECK(r.method == "PUT");
  CHECK(r.url == "https://h.example.com/x?token=1");
  CHECK(r.headers == std::vector<std::pair<std::string, std::string>>{{"Content-Type", "application/json"},
                                                                      {"Authorization", "Bearer abc"},
                                                                      {"X-Env", "prod"}});

  r = rendered_http(make_channel("webhook", {{"url", "https://h.example.com"},
                                             {"headers", "content-type: application/vnd.api+json"}}),
                    down_alert());
  CHECK(r.headers ==
        std::vector<std::pair<std::string, std::string>>{{"content-type", "application/vnd.api+json"}});
}

TEST_CASE("a GET webhook sends no body and no Content-Type") {
  const http_request r = rendered_http(
      make_channel("webhook", {{"url", "https://h.example.com/ping"}, {"method", "GET"}}), down_alert());
  CHECK(r.method == "GET");
  CHECK(r.body.empty());
  CHECK(header(r, "Content-Type").empty());
}

TEST_CASE("a JSON body template substitutes JSON-escaped values and {{json}} as the document") {
  alert a = down_alert();
  a.message = "disk \"backup\" full\nsee C:\\logs";
  const http_request r = rendered_http(
      make_channel(
          "webhook",
          {{"url", "https://h.example.com"},
           {"body",
            R"({"text": "{{ headline }}: {{message}}", "id": {{monitor.id}}, "when": "{{occurred_at}}",)"
            R"( "last": "{{last_push_at}}", "group": "{{monitor.group}}", "alert": {{json}}})"}}),
      a);
  const json::object doc = json_body(r);  // still valid JSON despite the quotes and newline
  CHECK(doc.at("text") == "[DOWN] Daily Backup Job: disk \"backup\" full\nsee C:\\logs");
  CHECK(doc.at("id").as_int64() == 5);
  CHECK(doc.at("when") == "2025-01-15T10:30:00Z");
  CHECK(doc.at("last") == "2025-01-14T09:30:12Z");
  CHECK(doc.at("group") == "backups");
  CHECK(doc.at("alert").at("alert_id") == "6f1c2a9e-1b2c-4d5e-8f90-123456789abc");
  CHECK(text(doc.at("alert").at("message")) == a.message);
}

TEST_CASE("every documented placeholder is substituted") {
  alert a = up_alert();
  const std::string tmpl =
      "{{event}}|{{monitor.id}}|{{monitor.name}}|{{monitor.group}}|{{monitor.type}}|{{status}}|"
      "{{previous_status}}|{{message}}|{{occurred_at}}|{{last_push_at}}|{{next_expected_by}}|{{alert_id}}|"
      "{{duration_seconds}}|{{headline}}";
  const http_request r = rendered_http(make_channel("webhook", {{"url", "https://h.example.com"},
                                                                {"headers", "Content-Type: text/plain"},
                                                                {"body", tmpl}}),
                                       a);
  CHECK(r.body ==
        "up|5|Daily Backup Job|backups|push|up|down|backup finished: 42 GB|2025-01-15T11:02:07Z|"
        "2025-01-15T11:02:07Z|2025-01-16T12:02:07Z|0d7c6b5a-4938-4271-8a6b-5c4d3e2f1a0b|754.25|[UP] Daily "
        "Backup Job");
}

TEST_CASE("a template with a non-JSON Content-Type inserts values as they are; null values are empty") {
  alert a = down_alert();
  a.message = "a \"quoted\" reason";
  a.last_push_at.reset();
  const http_request r = rendered_http(
      make_channel("webhook", {{"url", "https://h.example.com"},
                               {"headers", "Content-Type: text/plain; charset=utf-8"},
                               {"body", "{{monitor.name}} {{status}}: {{message}} [{{last_push_at}}]"}}),
      a);
  CHECK(r.body == "Daily Backup Job down: a \"quoted\" reason []");
  CHECK(header(r, "Content-Type") == "text/plain; charset=utf-8");
  CHECK(r.headers.size() == 1);
}

TEST_CASE("a +json Content-Type counts as JSON for escaping") {
  alert a = down_alert();
  a.message = "say \"hi\"";
  const http_request r =
      rendered_http(make_channel("webhook", {{"url", "https://h.example.com"},
                                             {"headers", "Content-Type: application/problem+json"},
                                             {"body", R"({"m": "{{message}}"})"}}),
                    a);
  CHECK(json_body(r).at("m") == "say \"hi\"");
}
