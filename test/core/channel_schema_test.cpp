// Unit tests for core/channel_schema: the table itself is consistent (every default and example
// passes its own field's check), each field kind accepts what it should and refuses the rest
// with a message, defaults are filled in (e-mail's port from its security), and the shared
// parsers (addresses, lists, header lines, URLs) read what users write.
#include "core/channel_schema.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace uptime::core;

namespace {

const field_spec& field_of(std::string_view type, std::string_view name) {
  const channel_type_spec* t = find_channel_type(type);
  REQUIRE(t != nullptr);
  const field_spec* f = find_field(*t, name);
  REQUIRE(f != nullptr);
  return *f;
}

std::optional<std::string> check(std::string_view type, std::string_view name, std::string_view value) {
  return check_value(field_of(type, name), value);
}

}  // namespace

TEST_CASE("the channel table has the documented types, each with unique fields") {
  std::vector<std::string_view> names;
  for (const channel_type_spec& t : channel_types()) {
    names.push_back(t.type);
    std::set<std::string_view> fields;
    for (const field_spec& f : t.fields) {
      INFO(t.type << "." << f.name);
      CHECK(fields.insert(f.name).second);
      CHECK(f.name != "type");
      CHECK_FALSE(f.example.empty());
      CHECK_FALSE(f.help.empty());
      CHECK_FALSE((f.required && !f.default_value.empty()));  // a required field has no default
      if (f.kind == field_kind::choice) CHECK_FALSE(f.choices.empty());
    }
  }
  CHECK(names == std::vector<std::string_view>{"email", "webhook", "slack", "discord", "teams", "telegram",
                                               "ntfy", "gotify", "pushover", "pagerduty"});
  CHECK(channel_type_names() ==
        "email, webhook, slack, discord, teams, telegram, ntfy, gotify, pushover, pagerduty");
  CHECK(find_channel_type("sms") == nullptr);
  CHECK(channel_keys(*find_channel_type("slack")) == std::vector<std::string_view>{"type", "webhook_url"});
}

TEST_CASE("every default and every literal example passes its own field's check") {
  for (const channel_type_spec& t : channel_types()) {
    for (const field_spec& f : t.fields) {
      INFO(t.type << "." << f.name);
      if (!f.default_value.empty()) CHECK(check_value(f, f.default_value) == std::nullopt);
      // Examples such as ${SMTP_PASSWORD} or "[ops@example.com]" are YAML, not values.
      const bool literal = !f.example.starts_with("${") && !f.example.starts_with("[") &&
                           !f.example.starts_with("{") && !f.example.starts_with("'");
      if (literal) CHECK(check_value(f, f.example) == std::nullopt);
    }
  }
}

TEST_CASE("every channel that calls a public API has an overridable base URL with its service's default") {
  CHECK(field_of("telegram", "api_url").default_value == "https://api.telegram.org");
  CHECK(field_of("ntfy", "server").default_value == "https://ntfy.sh");
  CHECK(field_of("pushover", "api_url").default_value == "https://api.pushover.net");
  CHECK(field_of("pagerduty", "api_url").default_value == "https://events.pagerduty.com");
  CHECK(field_of("gotify", "server").required);  // self-hosted: no default
  for (const char* type : {"slack", "discord", "teams"}) {
    INFO(type);
    CHECK(field_of(type, "webhook_url").required);
    CHECK(field_of(type, "webhook_url").kind == field_kind::url);
  }
}

TEST_CASE("secrets and URLs with tokens in them are marked sensitive") {
  for (auto [type, name] :
       std::initializer_list<std::pair<const char*, const char*>>{{"email", "password"},
                                                                  {"webhook", "url"},
                                                                  {"webhook", "headers"},
                                                                  {"slack", "webhook_url"},
                                                                  {"discord", "webhook_url"},
                                                                  {"teams", "webhook_url"},
                                                                  {"telegram", "bot_token"},
                                                                  {"ntfy", "topic"},
                                                                  {"ntfy", "token"},
                                                                  {"gotify", "token"},
                                                                  {"pushover", "token"},
                                                                  {"pushover", "user"},
                                                                  {"pagerduty", "routing_key"}}) {
    INFO(type << "." << name);
    CHECK(is_sensitive(field_of(type, name)));
  }
  CHECK_FALSE(is_sensitive(field_of("email", "host")));
  CHECK_FALSE(is_sensitive(field_of("email", "to")));
}

TEST_CASE("e-mail's port defaults by security: 25 none, 587 starttls, 465 tls") {
  const channel_type_spec& email = *find_channel_type("email");
  auto port_for = [&](field_map fields) {
    apply_defaults(email, fields);
    return fields.at("port");
  };
  CHECK(port_for({{"security", "none"}}) == "25");
  CHECK(port_for({{"security", "starttls"}}) == "587");
  CHECK(port_for({{"security", "tls"}}) == "465");
  CHECK(port_for({}) == "587");  // security defaults to starttls
  CHECK(port_for({{"security", "tls"}, {"port", "2465"}}) == "2465");
  CHECK(port_for({{"security", "tls"}, {"port", ""}}) == "465");  // empty is absent
}

TEST_CASE("apply_defaults fills optional fields and drops empty ones without a default") {
  field_map f{{"topic", "alerts"}, {"token", ""}, {"priority_up", ""}};
  apply_defaults(*find_channel_type("ntfy"), f);
  CHECK(f == field_map{{"topic", "alerts"},
                       {"server", "https://ntfy.sh"},
                       {"priority_down", "5"},
                       {"priority_up", "3"}});
}

TEST_CASE("choice fields accept exactly their values and list them when refusing") {
  CHECK(check("email", "security", "tls") == std::nullopt);
  CHECK(check("email", "security", "ssl") == "must be one of none, starttls, tls, got \"ssl\"");
  CHECK(check("email", "security", "TLS") == "must be one of none, starttls, tls, got \"TLS\"");
  CHECK(check("webhook", "method", "DELETE") == "must be one of POST, PUT, PATCH, GET, got \"DELETE\"");
  CHECK(check("ntfy", "priority_down", "urgent") == std::nullopt);
  CHECK(check("ntfy", "priority_down", "high") == std::nullopt);
  CHECK(check("ntfy", "priority_down", "6").has_value());
  CHECK(check("pagerduty", "severity", "warning") == std::nullopt);
  CHECK(check("pagerduty", "severity", "fatal") ==
        "must be one of critical, error, warning, info, got \"fatal\"");
}

TEST_CASE("ports and integers are whole numbers within their range") {
  CHECK(check("email", "port", "587") == std::nullopt);
  CHECK(check("email", "port", "0") == "must be a whole number from 1 to 65535, got 0");
  CHECK(check("email", "port", "smtp") == "must be a whole number from 1 to 65535, got \"smtp\"");
  CHECK(check("email", "port", "25.0") == "must be a whole number from 1 to 65535, got \"25.0\"");
  CHECK(check("gotify", "priority_down", "10") == std::nullopt);
  CHECK(check("gotify", "priority_down", "-1") == "must be a whole number from 0 to 10, got -1");
  CHECK(check("pushover", "priority_down", "-2") == std::nullopt);
  CHECK(check("pushover", "priority_down", "3") == "must be a whole number from -2 to 2, got 3");
}

TEST_CASE("durations are checked against the field's range") {
  CHECK(check("pushover", "retry", "30s") == std::nullopt);
  CHECK(check("pushover", "retry", "10s") == "must be from 30s to 3h, got 10s");
  CHECK(check("pushover", "expire", "4h") == "must be from 30s to 3h, got 4h");
  CHECK(check("pushover", "expire", "soon").has_value());
}

TEST_CASE("URL fields take absolute http or https URLs; base URLs refuse a query") {
  CHECK(check("webhook", "url", "https://hooks.example.com/x?token=1") == std::nullopt);
  CHECK(check("webhook", "url", "http://127.0.0.1:8080/hook") == std::nullopt);
  CHECK(check("webhook", "url", "http://[::1]:8080/hook") == std::nullopt);
  CHECK(
      check("webhook", "url", "ftp://example.com") ==
      "must be an http:// or https:// URL such as https://hooks.example.com/uptime, got a value that is not");
  CHECK(check("ntfy", "server", "http://localhost:8080") == std::nullopt);
  CHECK(check("ntfy", "server", "https://ntfy.sh/?x") ==
        "must be an http:// or https:// URL without ? or # such as https://ntfy.sh, got "
        "\"https://ntfy.sh/?x\"");

  for (const char* good :
       {"http://a", "HTTPS://Example.COM/path", "https://user:pw@host:443/p", "http://my_service:80/"}) {
    INFO(good);
    CHECK(is_http_url(good));
  }
  for (const char* bad : {"", "example.com", "https://", "https:///path", "https://a b", "https://host:0/",
                          "https://host:99999/", "https://host:/", "https://[::1/", "https://ex\xc3\xa9.com",
                          "https://-bad.example.com"}) {
    INFO(bad);
    CHECK_FALSE(is_http_url(bad));
  }
  CHECK_FALSE(is_http_url("https://example.com/#frag", false));
  CHECK(is_http_url("https://example.com/#frag", true));
}

TEST_CASE("mailboxes are a bare address or a display name with the address in angle brackets") {
  auto m = parse_mailbox("ops@example.com");
  REQUIRE(m);
  CHECK(m->display_name.empty());
  CHECK(m->address == "ops@example.com");

  m = parse_mailbox("  Uptime Monitor <alerts@example.com> ");
  REQUIRE(m);
  CHECK(m->display_name == "Uptime Monitor");
  CHECK(m->address == "alerts@example.com");

  m = parse_mailbox(R"("Ops, \"night\" shift" <ops+night@mail.example.com>)");
  REQUIRE(m);
  CHECK(m->display_name == "Ops, \"night\" shift");
  CHECK(m->address == "ops+night@mail.example.com");

  m = parse_mailbox("Équipe café <equipe@example.fr>");
  REQUIRE(m);
  CHECK(m->display_name == "Équipe café");

  CHECK(parse_mailbox("root@localhost"));
  CHECK(parse_mailbox("root@[192.0.2.1]"));
  for (const char* bad : {"", "ops", "ops@", "@example.com", "ops@example..com", ".ops@example.com",
                          "o ps@example.com", "ops@exa mple.com", "Ops <ops@example.com", "<>", "Ops <>",
                          "caf\xc3\xa9@example.com", "a <b> <c@example.com>", "ops@-example.com"}) {
    INFO(bad);
    CHECK_FALSE(parse_mailbox(bad));
  }
  CHECK(address_domain("Ops@Mail.Example.COM") == "mail.example.com");
}

TEST_CASE("address lists are split on commas and every address is checked") {
  CHECK(check("email", "to", "a@example.com") == std::nullopt);
  CHECK(check("email", "to", "a@example.com, Bob <b@example.com>,") == std::nullopt);
  CHECK(check("email", "to", "a@example.com, b") == "\"b\" is not an e-mail address such as ops@example.com");
  CHECK(check("email", "to", " , ") == "must name at least one address");
  CHECK(check("email", "from", "Uptime <alerts@example.com>") == std::nullopt);
  CHECK(check("email", "from", "a@example.com, b@example.com").has_value());
}

TEST_CASE("lists and header lines are split and trimmed") {
  CHECK(split_list("a, b,,c ") == std::vector<std::string>{"a", "b", "c"});
  CHECK(split_list("").empty());
  CHECK(split_headers("Authorization: Bearer x:y\nX-Empty:\r\nno colon\n X-Spaced :  v ") ==
        std::vector<std::pair<std::string, std::string>>{
            {"Authorization", "Bearer x:y"}, {"X-Empty", ""}, {"X-Spaced", "v"}});
}

TEST_CASE("header names must be tokens and values one line") {
  CHECK(check_header("X-Api-Key", "abc") == std::nullopt);
  CHECK(check_header("X Api", "abc") ==
        "\"X Api\" is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)");
  CHECK(check_header("X-Api", "a\r\nInjected: 1") ==
        "the value of header X-Api must be one line without control characters");
  CHECK(check_header("transfer-encoding", "chunked") ==
        "transfer-encoding is set by uptime-monitor and cannot be given");
  CHECK(check("webhook", "headers", "A: 1\nB C: 2").has_value());
}

TEST_CASE("text fields are one line, and a secret's text is never repeated in the message") {
  CHECK(check("email", "username", "alerts") == std::nullopt);
  CHECK(check("email", "username", "a\nb") ==
        "must be one line of text without control characters, got \"a\\nb\"");
  CHECK(check("email", "password", "p\nw") == "must be one line of text without control characters");
}

TEST_CASE("hosts, ntfy topics and templates have their own rules") {
  CHECK(check("email", "host", "smtp.example.com") == std::nullopt);
  CHECK(check("email", "host", "192.0.2.1") == std::nullopt);
  CHECK(check("email", "host", "2001:db8::1") == std::nullopt);
  CHECK(check("email", "host", "smtp.example.com:587").has_value());
  CHECK(check("ntfy", "topic", "uptime_alerts-1") == std::nullopt);
  CHECK(check("ntfy", "topic", std::string(65, 'a')).has_value());
  CHECK(check("ntfy", "topic", "a/b") == "must be 1 to 64 letters, digits, '_' or '-'");
  CHECK(check("webhook", "body", "{{ event }} {{{json}}} {not a placeholder}") == std::nullopt);
  CHECK(check("webhook", "body", "{{events}}")
            ->starts_with("unknown placeholder {{events}}; expected one of event,"));
}

TEST_CASE("the webhook placeholders include every one the documentation promises") {
  const auto names = webhook_placeholders();
  for (const char* name :
       {"event", "monitor.name", "monitor.id", "monitor.group", "status", "previous_status", "message",
        "occurred_at", "last_push_at", "next_expected_by", "alert_id", "json"}) {
    INFO(name);
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  }
}

TEST_CASE("check_channel reports unknown fields, missing required ones, bad values and rules") {
  const channel_type_spec& webhook = *find_channel_type("webhook");
  CHECK(check_channel(webhook, {{"url", "https://h.example.com"}}).empty());
  const auto problems = check_channel(webhook, {{"urll", "x"}, {"method", "FETCH"}});
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].field == "method");
  CHECK(problems[1].field == "urll");
  CHECK(problems[1].message == "unknown field; a webhook channel takes type, url, method, headers, body, ca_file");
  CHECK(problems[2].field == "url");
  CHECK(problems[2].message == "is required, e.g. url: https://hooks.example.com/uptime");

  const auto rules =
      check_channel(webhook, {{"url", "https://h.example.com"}, {"method", "GET"}, {"body", "x"}});
  REQUIRE(rules.size() == 1);
  CHECK(rules[0].field == "body");

  const channel_type_spec& email = *find_channel_type("email");
  const field_map mail{{"host", "h"}, {"from", "a@example.com"}, {"to", "b@example.com"}};
  CHECK(check_channel(email, mail).empty());
  field_map half = mail;
  half["username"] = "u";
  REQUIRE(check_rules(email, half).size() == 1);
  CHECK(check_rules(email, half)[0].field == "username");
}
