// Unit tests for config/: what a valid file loads into (every field, the defaults, path and
// ${VAR} resolution) and what an invalid one reports — every error at once, in file order, each
// as "<file>:<line>:<col>: <field>: <message>" with the exact text a user will read.
#include "config/config.hpp"
#include "load_support.hpp"

#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <vector>

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace cfg = uptime::config;
using namespace config_test;

namespace {

// A file in a fresh folder under the system temp folder, removed at the end of the test.
struct temp_file {
  fs::path folder;
  fs::path path;
  explicit temp_file(std::string_view contents) {
    std::random_device random;
    folder = fs::temp_directory_path() / ("uptime-config-test-" + std::to_string(random()));
    fs::create_directories(folder);
    path = folder / "config.yaml";
    std::ofstream(path) << contents;
  }
  ~temp_file() {
    std::error_code ignored;
    fs::remove_all(folder, ignored);
  }
};

}  // namespace

TEST_CASE("a full example with every field loads into the settings it spells out") {
  const auto c = loaded(R"(
server:
  host: 127.0.0.1
  port: 8080
  base_url: https://status.example.com/
  max_body_bytes: 1MiB
  max_connections: 500
  header_timeout: 5s
  idle_timeout: 2m
database:
  path: /var/lib/uptime/uptime.db
  retention_days: 90
  max_check_results: 500
  push_history_per_monitor: 20
  busy_timeout: 3s
  synchronous: full
default_interval: 5m
notify_retry_hours: 48
notifications:
  ops-mail:
    type: email
    host: smtp.example.com
    security: tls
    from: Uptime <alerts@example.com>
    to: [ops@example.com, oncall@example.com]
  chat:
    type: webhook
    url: https://hooks.example.com/x
monitors:
  - name: Nightly backup
    type: push
    enabled: false
    group: backups
    interval: 12h
    config:
      expected_interval: 24h
      grace_period: 1h
      require_payload: true
      remind_every: 6h
    notifications: [ops-mail, chat]
    alert_on: [down]
  - name: Sync
)");
  CHECK(c.server.host == "127.0.0.1");
  CHECK(c.server.port == 8080);
  CHECK(c.server.base_url == "https://status.example.com");
  CHECK(c.server.max_body_bytes == 1024 * 1024);
  CHECK(c.server.max_connections == 500);
  CHECK(c.server.header_timeout == 5s);
  CHECK(c.server.idle_timeout == 2min);
  CHECK(c.database.path == fs::path("/var/lib/uptime/uptime.db"));
  CHECK(c.database.retention_days == 90);
  CHECK(c.database.max_check_results == 500);
  CHECK(c.database.push_history_per_monitor == 20);
  CHECK(c.database.busy_timeout == 3000ms);
  CHECK(c.database.synchronous == "full");
  CHECK(c.default_interval == 5min);
  CHECK(c.notify_retry_hours == 48);

  REQUIRE(c.notifications.size() == 2);
  const auto& mail = c.notifications.at("ops-mail");
  CHECK(mail.name == "ops-mail");
  CHECK(mail.type == "email");
  CHECK(mail.line == 19);
  // Defaults are filled in: port follows security.
  CHECK(mail.fields == std::map<std::string, std::string>{{"host", "smtp.example.com"},
                                                          {"security", "tls"},
                                                          {"port", "465"},
                                                          {"from", "Uptime <alerts@example.com>"},
                                                          {"to", "ops@example.com,oncall@example.com"}});
  CHECK(c.notifications.at("chat").fields ==
        std::map<std::string, std::string>{{"url", "https://hooks.example.com/x"}, {"method", "POST"}});

  REQUIRE(c.monitors.size() == 2);
  const auto& m = c.monitors[0];
  CHECK(m.name == "Nightly backup");
  CHECK(uptime::core::to_string(m.kind) == "push");
  CHECK_FALSE(m.enabled);
  CHECK(m.group == "backups");
  CHECK(m.interval == 12h);
  CHECK(m.expected_interval == 24h);
  CHECK(m.grace_period == 1h);
  CHECK(m.require_payload);
  CHECK(m.remind_every == 6h);
  CHECK(m.notifications == std::vector<std::string>{"ops-mail", "chat"});
  CHECK(m.alert_on == std::vector<cfg::alert_event>{cfg::alert_event::down});
  CHECK(m.line == 29);
  CHECK(c.monitors[1].name == "Sync");
  CHECK(c.monitors[1].remind_every == 0s);
  CHECK(c.monitors[1].line == 41);
  CHECK(c.public_base_url() == "https://status.example.com");
}

TEST_CASE("an empty file is a valid config with no monitors and every default") {
  for (std::string_view text : {"", "\n", "# nothing here yet\n", "---\n"}) {
    INFO('"' << text << '"');
    const auto r = cfg::load_string(text, "/etc/uptime/config.yaml", env_of({}));
    REQUIRE(r.value);
    const auto& c = *r.value;
    CHECK(c.file == fs::path("/etc/uptime/config.yaml"));
    CHECK(c.server.host == "0.0.0.0");
    CHECK(c.server.port == 5000);
    CHECK(c.server.base_url.empty());
    CHECK(c.server.max_body_bytes == 100 * 1024);
    CHECK(c.database.path == fs::path("/etc/uptime/data/uptime.db"));
    CHECK(c.database.retention_days == 30);
    CHECK(c.database.synchronous == "normal");
    CHECK(c.default_interval == 60s);
    CHECK(c.notify_retry_hours == 24);
    CHECK(c.notifications.empty());
    CHECK(c.monitors.empty());
    CHECK(c.public_base_url() == "http://localhost:5000");
  }
}

TEST_CASE("empty sections are the same as absent ones") {
  const auto c = loaded(R"(
server:
database:
notifications:
monitors:
)");
  CHECK(c.server.port == 5000);
  CHECK(c.monitors.empty());
}

TEST_CASE("a monitor with only a name is an enabled push monitor alerting on down and up") {
  const auto c = loaded(R"(
monitors:
  - name: Only a name
)");
  REQUIRE(c.monitors.size() == 1);
  const auto& m = c.monitors[0];
  CHECK(uptime::core::to_string(m.kind) == "push");
  CHECK(m.enabled);
  CHECK(m.group.empty());
  CHECK(m.interval == 0s);  // as written: the server resolves it
  CHECK(m.expected_interval == 60s);
  CHECK(m.grace_period == 0s);
  CHECK_FALSE(m.require_payload);
  CHECK(m.remind_every == 0s);
  CHECK(m.notifications.empty());
  CHECK(m.alert_on == std::vector<cfg::alert_event>{cfg::alert_event::down, cfg::alert_event::up});
}

TEST_CASE(
    "expected_interval comes from config, else interval, else default_interval wherever it is written") {
  const auto c = loaded(R"(
monitors:
  - name: a
    interval: 10m
    config: {expected_interval: 1h}
  - name: b
    interval: 10m
  - name: c
default_interval: 2m
)");
  REQUIRE(c.monitors.size() == 3);
  CHECK(c.monitors[0].expected_interval == 1h);
  CHECK(c.monitors[0].interval == 10min);
  CHECK(c.monitors[1].expected_interval == 10min);
  CHECK(c.monitors[2].expected_interval == 2min);
  CHECK(c.monitors[2].interval == 0s);
}

TEST_CASE("a relative database path is resolved against the config file's folder") {
  const std::string_view relative = "database: {path: ../state/./uptime.db}\n";
  auto r = cfg::load_string(relative, "/etc/uptime/config.yaml", env_of({}));
  REQUIRE(r.value);
  CHECK(r.value->database.path == fs::path("/etc/state/uptime.db"));

  r = cfg::load_string("database: {path: /var/lib/uptime//u.db}\n", "/etc/uptime/config.yaml", env_of({}));
  REQUIRE(r.value);
  CHECK(r.value->database.path == fs::path("/var/lib/uptime/u.db"));

  // A config file named relative to the working directory still yields absolute paths.
  r = cfg::load_string("", "conf/config.yaml", env_of({}));
  REQUIRE(r.value);
  CHECK(r.value->file == (fs::current_path() / "conf/config.yaml").lexically_normal());
  CHECK(r.value->database.path == (fs::current_path() / "conf/data/uptime.db").lexically_normal());
}

TEST_CASE("${VAR} is replaced from the environment anywhere in a value, and $$ is a literal $") {
  const auto c = loaded(R"(
server:
  port: ${PORT}
  base_url: https://${HOST}/uptime
notifications:
  mail:
    type: email
    host: smtp.example.com
    from: alerts@example.com
    to: ops@example.com
    password: "${SMTP_PASSWORD}"
    username: costs $$5, or $5
monitors:
  - name: ${PREFIX} backup
    enabled: ${ENABLED}
)",
                        env_of({{"PORT", "8081"},
                                {"HOST", "status.example.com"},
                                {"SMTP_PASSWORD", "p@ss ${NOT_EXPANDED}"},
                                {"PREFIX", "nightly"},
                                {"ENABLED", "false"}}));
  CHECK(c.server.port == 8081);
  CHECK(c.server.base_url == "https://status.example.com/uptime");
  // The value of a variable is used as it is, not searched for ${…} again.
  CHECK(c.notifications.at("mail").fields.at("password") == "p@ss ${NOT_EXPANDED}");
  CHECK(c.notifications.at("mail").fields.at("username") == "costs $5, or $5");
  REQUIRE(c.monitors.size() == 1);
  CHECK(c.monitors[0].name == "nightly backup");
  CHECK_FALSE(c.monitors[0].enabled);
}

TEST_CASE("an unset ${VAR} is an error naming the variable, the file, line, column and field") {
  CHECK(errors(R"(
notifications:
  ops-mail:
    type: email
    password: ${SMTP_PASSWORD}
    username: ${SMTP_USER
    host: ${bad-name}
    from: alerts@example.com
    to: ops@example.com
)") == "config.yaml:4:15: notifications.ops-mail.password: environment variable SMTP_PASSWORD is not set\n"
       "config.yaml:5:15: notifications.ops-mail.username: unterminated ${ (write $$ for a literal $)\n"
       "config.yaml:6:11: notifications.ops-mail.host: \"${bad-name}\" is not a valid environment variable "
       "reference\n");
}

TEST_CASE("process_environment reads the real environment") {
  REQUIRE(::setenv("UPTIME_CONFIG_TEST_VARIABLE", "from the environment", 1) == 0);
  const auto env = cfg::process_environment();
  CHECK(env("UPTIME_CONFIG_TEST_VARIABLE") == std::optional<std::string>("from the environment"));
  ::unsetenv("UPTIME_CONFIG_TEST_VARIABLE");
  CHECK_FALSE(env("UPTIME_CONFIG_TEST_VARIABLE"));
}

TEST_CASE("unknown keys anywhere are errors naming the key's path, with a suggestion for typos") {
  CHECK(errors(R"(
server:
  prot: 5000
  colour: blue
monitor: []
monitors:
  - name: a
    grace_period: 5m
    config: {expected_intervall: 1h}
)") == "config.yaml:2:3: server.prot: unknown key (did you mean port?)\n"
       "config.yaml:3:3: server.colour: unknown key; expected one of host, port, base_url, max_body_bytes, "
       "max_connections, header_timeout, idle_timeout, cors_origins\n"
       "config.yaml:4:1: monitor: unknown key (did you mean monitors?)\n"
       "config.yaml:7:5: monitors[0].grace_period: unknown key; expected one of name, type, enabled, group, "
       "interval, config, notifications, alert_on\n"
       "config.yaml:8:14: monitors[0].config.expected_intervall: unknown key (did you mean "
       "expected_interval?)\n");
}

TEST_CASE("a key written twice in the same mapping is an error") {
  CHECK(errors(R"(
server:
  port: 5000
  port: 5001
)") == "config.yaml:3:3: server.port: duplicate key (first on line 2)\n");
}

TEST_CASE("a duplicate monitor name is reported on the second occurrence with the first's line") {
  CHECK(errors(R"(
monitors:
  - name: Backup
  - name: Sync
  - name: Backup
  - name: Backup
)") == "config.yaml:4:11: monitors[2].name: name \"Backup\" is already used by the monitor on line 2\n"
       "config.yaml:5:11: monitors[3].name: name \"Backup\" is already used by the monitor on line 2\n");
}

TEST_CASE("a monitor without a name is refused") {
  CHECK(errors(R"(
monitors:
  - type: push
  - name: ""
  -
)") == "config.yaml:2:3: monitors[2].name: is required\n"  // an empty item points at the start of its list
       "config.yaml:2:5: monitors[0].name: is required\n"
       "config.yaml:3:11: monitors[1].name: must not be empty\n");
}

TEST_CASE("a monitor type other than push is refused") {
  CHECK(errors(R"(
monitors:
  - name: web
    type: http
)") == "config.yaml:3:11: monitors[0].type: unknown type \"http\", expected push\n");
}

TEST_CASE("a notification channel a monitor names must be defined under notifications:") {
  CHECK(errors(R"(
monitors:
  - name: a
    notifications: [ops-mail, pager, ops-mail]
notifications:
  ops-mail: {type: email, host: smtp.example.com, from: alerts@example.com, to: ops@example.com}
  chat: {type: slack, webhook_url: "https://hooks.slack.com/services/T0/B0/x"}
)") == "config.yaml:3:31: monitors[0].notifications[1]: unknown notification channel \"pager\"; defined: "
       "chat, ops-mail\n"
       "config.yaml:3:38: monitors[0].notifications[2]: \"ops-mail\" is listed twice\n");

  CHECK(errors(R"(
monitors:
  - name: a
    notifications: [pager]
)") == "config.yaml:3:21: monitors[0].notifications[0]: unknown notification channel \"pager\"; "
       "no channels are defined under notifications:\n");
}

TEST_CASE("a channel needs a mapping with a known type") {
  CHECK(errors(R"(
notifications:
  ops-mail:
    to: ops@example.com
  chat: https://hooks.example.com
  pager:
    type: pagerdooty
  empty:
)") == "config.yaml:2:3: notifications.ops-mail.type: is required, e.g. type: email; one of email, webhook, "
       "slack, discord, teams, telegram, ntfy, gotify, pushover, pagerduty\n"
       "config.yaml:4:9: notifications.chat: must be a mapping with a type, e.g. {type: email, to: "
       "ops@example.com}; got text\n"
       "config.yaml:6:11: notifications.pager.type: unknown type \"pagerdooty\", expected one of email, "
       "webhook, "
       "slack, discord, teams, telegram, ntfy, gotify, pushover, pagerduty\n"
       "config.yaml:7:3: notifications.empty: must be a mapping with a type, e.g. {type: email, to: "
       "ops@example.com}; got nothing\n");
}

TEST_CASE("a missing required field is reported at the channel with an example value") {
  CHECK(errors(R"(
notifications:
  ops-email:
    type: email
    host: smtp.example.com
  pager:
    type: pagerduty
)") == "config.yaml:2:3: notifications.ops-email.from: is required, e.g. from: Uptime <alerts@example.com>\n"
       "config.yaml:2:3: notifications.ops-email.to: is required, e.g. to: [ops@example.com]\n"
       "config.yaml:5:3: notifications.pager.routing_key: is required, e.g. routing_key: "
       "${PAGERDUTY_ROUTING_KEY}\n");
}

TEST_CASE("an unknown channel field is an error naming the type's fields, with a suggestion for typos") {
  CHECK(errors(R"(
notifications:
  ops-email:
    type: email
    host: smtp.example.com
    smtp_port: 587
    from: alerts@example.com
    to: ops@example.com
    recipients: [a@example.com]
  pager:
    type: pagerduty
    routing: {key: x}
)") == "config.yaml:5:5: notifications.ops-email.smtp_port: unknown field for type email; expected one of "
       "type, host, port, security, username, password, from, to, ca_file\n"
       "config.yaml:8:5: notifications.ops-email.recipients: unknown field for type email; expected one of "
       "type, host, port, security, username, password, from, to, ca_file\n"
       "config.yaml:9:3: notifications.pager.routing_key: is required, e.g. routing_key: "
       "${PAGERDUTY_ROUTING_KEY}\n"
       "config.yaml:11:5: notifications.pager.routing: unknown field for type pagerduty; expected one of "
       "type, "
       "routing_key, api_url, severity\n");
  CHECK(errors(R"(
notifications:
  chat:
    type: slack
    webhook_ulr: https://hooks.slack.com/services/T0/B0/x
)") == "config.yaml:2:3: notifications.chat.webhook_url: is required, e.g. webhook_url: "
       "https://hooks.slack.com/services/T000/B000/XXXX\n"
       "config.yaml:4:5: notifications.chat.webhook_ulr: unknown field for type slack (did you mean "
       "webhook_url?)\n");
}

TEST_CASE("bad channel values are each reported at the value with the field's path") {
  CHECK(
      errors(R"(
notifications:
  ops-email:
    type: email
    host: smtp://smtp.example.com
    port: 99999
    from: alerts at example.com
    to: [ops@example.com, "not an address"]
    username: alerts
    password: secret
    security: ssl
  hook:
    type: webhook
    url: hooks.example.com/uptime
    method: post
  phone:
    type: ntfy
    topic: my/topic
    priority_down: loud
    server: https://ntfy.example.com/?x=1
  gotify:
    type: gotify
    server: https://gotify.example.com
    token: t
    priority_up: 11
)") ==
      "config.yaml:4:11: notifications.ops-email.host: must be a host name or IP address such as "
      "smtp.example.com (no scheme, no port), got \"smtp://smtp.example.com\"\n"
      "config.yaml:5:11: notifications.ops-email.port: must be a whole number from 1 to 65535, got 99999\n"
      "config.yaml:6:11: notifications.ops-email.from: must be an e-mail address such as alerts@example.com "
      "or "
      "\"Uptime <alerts@example.com>\", got \"alerts at example.com\"\n"
      "config.yaml:7:27: notifications.ops-email.to[1]: \"not an address\" is not an e-mail address such as "
      "ops@example.com\n"
      "config.yaml:10:15: notifications.ops-email.security: must be one of none, starttls, tls, got \"ssl\"\n"
      "config.yaml:13:10: notifications.hook.url: must be an http:// or https:// URL such as "
      "https://hooks.example.com/uptime, got a value that is not\n"
      "config.yaml:14:13: notifications.hook.method: must be one of POST, PUT, PATCH, GET, got \"post\"\n"
      "config.yaml:17:12: notifications.phone.topic: must be 1 to 64 letters, digits, '_' or '-'\n"
      "config.yaml:18:20: notifications.phone.priority_down: must be one of 1, 2, 3, 4, 5, min, low, "
      "default, "
      "high, max, urgent, got \"loud\"\n"
      "config.yaml:19:13: notifications.phone.server: must be an http:// or https:// URL without ? or # such "
      "as "
      "https://ntfy.sh, got \"https://ntfy.example.com/?x=1\"\n"
      "config.yaml:24:18: notifications.gotify.priority_up: must be a whole number from 0 to 10, got 11\n");
}

TEST_CASE("the error for a bad enum value reads as the issue shows it") {
  CHECK(errors(R"(
notifications:
  ops-email:
    type: email
    host: smtp.example.com
    from: alerts@example.com
    to: ops@example.com
    username: alerts
    password: secret
    security:  ssl
)") == "config.yaml:9:16: notifications.ops-email.security: must be one of none, starttls, tls, got "
       "\"ssl\"\n");
}

TEST_CASE("defaults are filled in for every optional field that has one") {
  const auto c = loaded(R"(
notifications:
  plain-mail:
    type: email
    host: localhost
    security: none
    from: root@localhost
    to: ops@example.com
  chat:
    type: discord
    webhook_url: https://discord.com/api/webhooks/1/x
  bot:
    type: telegram
    bot_token: "123:abc"
    chat_id: "-100123"
  phone:
    type: ntfy
    topic: uptime-alerts
    token: ""
  gotify:
    type: gotify
    server: https://gotify.example.com/
    token: app-token
  pushover:
    type: pushover
    token: app
    user: u
  pager:
    type: pagerduty
    routing_key: key
)");
  using fields = std::map<std::string, std::string>;
  CHECK(c.notifications.at("plain-mail").fields == fields{{"host", "localhost"},
                                                          {"security", "none"},
                                                          {"port", "25"},
                                                          {"from", "root@localhost"},
                                                          {"to", "ops@example.com"}});
  CHECK(c.notifications.at("chat").fields == fields{{"webhook_url", "https://discord.com/api/webhooks/1/x"}});
  CHECK(c.notifications.at("bot").fields ==
        fields{{"bot_token", "123:abc"}, {"chat_id", "-100123"}, {"api_url", "https://api.telegram.org"}});
  // An empty optional value is the same as none: token is absent, not "".
  CHECK(c.notifications.at("phone").fields == fields{{"topic", "uptime-alerts"},
                                                     {"server", "https://ntfy.sh"},
                                                     {"priority_down", "5"},
                                                     {"priority_up", "3"}});
  CHECK(c.notifications.at("gotify").fields == fields{{"server", "https://gotify.example.com/"},
                                                      {"token", "app-token"},
                                                      {"priority_down", "8"},
                                                      {"priority_up", "4"}});
  CHECK(c.notifications.at("pushover").fields == fields{{"token", "app"},
                                                        {"user", "u"},
                                                        {"api_url", "https://api.pushover.net"},
                                                        {"priority_down", "1"},
                                                        {"priority_up", "0"},
                                                        {"retry", "1m"},
                                                        {"expire", "1h"}});
  CHECK(c.notifications.at("pager").fields == fields{{"routing_key", "key"},
                                                     {"api_url", "https://events.pagerduty.com"},
                                                     {"severity", "critical"}});
  // An explicit port wins over the one security implies; starttls is the default security.
  const auto starttls = loaded(R"(
notifications:
  m: {type: email, host: smtp.example.com, from: a@example.com, to: b@example.com}
  n: {type: email, host: smtp.example.com, port: 2525, security: tls, from: a@example.com, to: b@example.com}
)");
  CHECK(starttls.notifications.at("m").fields.at("port") == "587");
  CHECK(starttls.notifications.at("m").fields.at("security") == "starttls");
  CHECK(starttls.notifications.at("n").fields.at("port") == "2525");
}

TEST_CASE("e-mail recipients may be one address, a comma-separated text or a list; lists are joined") {
  const auto c = loaded(R"(
notifications:
  one: {type: email, host: mx.example.com, from: a@example.com, to: ops@example.com}
  text: {type: email, host: mx.example.com, from: "Uptime <a@example.com>", to: "a@example.com, Bob <b@example.com>"}
  list:
    type: email
    host: mx.example.com
    from: '"Uptime, prod" <a@example.com>'
    to:
      - a@example.com
      - Bob <b@example.com>
)");
  CHECK(c.notifications.at("one").fields.at("to") == "ops@example.com");
  CHECK(c.notifications.at("text").fields.at("to") == "a@example.com, Bob <b@example.com>");
  CHECK(c.notifications.at("list").fields.at("to") == "a@example.com,Bob <b@example.com>");

  CHECK(errors(R"(
notifications:
  m:
    type: email
    host: mx.example.com
    from: a@example.com
    to:
      - "Doe, Jane <jane@example.com>"
      -
      - [nested]
  n: {type: email, host: mx.example.com, from: a@example.com, to: []}
)") == "config.yaml:7:7: notifications.m.to[1]: must not be empty\n"  // an empty item points at its list
       "config.yaml:7:9: notifications.m.to[0]: must be one item per entry (a value cannot contain ',')\n"
       "config.yaml:9:9: notifications.m.to[2]: must be text, got a list\n"
       "config.yaml:10:67: notifications.n.to: must not be empty, e.g. to: [ops@example.com]\n");
}

TEST_CASE("webhook headers are a mapping stored as Name: value lines, each header checked") {
  const auto c = loaded(R"(
notifications:
  hook:
    type: webhook
    url: https://hooks.example.com/uptime?token=abc
    method: PUT
    headers:
      Authorization: Bearer ${HOOK_TOKEN}
      X-Source: uptime-monitor
    body: '{"text": "{{ headline }}", "alert": {{json}}}'
)",
                        env_of({{"HOOK_TOKEN", "t0k3n"}}));
  CHECK(
      c.notifications.at("hook").fields ==
      std::map<std::string, std::string>{{"url", "https://hooks.example.com/uptime?token=abc"},
                                         {"method", "PUT"},
                                         {"headers", "Authorization: Bearer t0k3n\nX-Source: uptime-monitor"},
                                         {"body", "{\"text\": \"{{ headline }}\", \"alert\": {{json}}}"}});

  CHECK(errors(R"(
notifications:
  a:
    type: webhook
    url: https://hooks.example.com/a
    headers:
      Bad Name: x
      Content-Length: 5
      X-Empty: ""
  b:
    type: webhook
    url: https://hooks.example.com/b
    headers: [Authorization]
)") == "config.yaml:6:7: notifications.a.headers.Bad Name: \"Bad Name\" is not a valid header name (letters, "
       "digits and !#$%&'*+-.^_`|~ only)\n"
       "config.yaml:7:7: notifications.a.headers.Content-Length: Content-Length is set by uptime-monitor and "
       "cannot be given\n"
       "config.yaml:8:16: notifications.a.headers.X-Empty: must not be empty\n"
       "config.yaml:12:14: notifications.b.headers: must be a mapping of header names to values, e.g. "
       "{Authorization: \"Bearer ${HOOK_TOKEN}\"}; got a list\n");
}

TEST_CASE("a webhook body template may use only the documented placeholders") {
  CHECK(
      errors(R"(
notifications:
  a:
    type: webhook
    url: https://hooks.example.com/a
    body: '{"name": "{{monitor.nmae}}"}'
  b:
    type: webhook
    url: https://hooks.example.com/b
    body: '{"name": "{{monitor.name}"}'
)") ==
      "config.yaml:5:11: notifications.a.body: unknown placeholder {{monitor.nmae}}; expected one of event, "
      "monitor.id, monitor.name, monitor.group, monitor.type, status, previous_status, message, occurred_at, "
      "last_push_at, next_expected_by, alert_id, duration_seconds, headline, details, json\n"
      "config.yaml:9:11: notifications.b.body: has a {{ without a closing }}\n");
}

TEST_CASE("rules between channel fields are checked once each field is valid") {
  CHECK(
      errors(R"(
notifications:
  hook:
    type: webhook
    url: https://hooks.example.com/a
    method: GET
    body: "{{json}}"
  mail:
    type: email
    host: smtp.example.com
    from: a@example.com
    to: b@example.com
    password: ${SMTP_PASSWORD}
)",
             env_of({{"SMTP_PASSWORD", "pw"}})) ==
      "config.yaml:6:11: notifications.hook.body: a GET request has no body: remove body, or use method "
      "POST, "
      "PUT or PATCH\n"
      "config.yaml:12:15: notifications.mail.password: is set but username is not; SMTP login needs both\n");
}

TEST_CASE("a secret's value is never quoted in an error") {
  const std::string all = errors(R"(
notifications:
  chat:
    type: slack
    webhook_url: ${SLACK_URL}
)",
                                 env_of({{"SLACK_URL", "hooks.slack.com/services/T0/B0/very-secret"}}));
  CHECK(all.find("very-secret") == std::string::npos);
  CHECK(all ==
        "config.yaml:4:18: notifications.chat.webhook_url: must be an http:// or https:// URL such as "
        "https://hooks.slack.com/services/T000/B000/XXXX, got a value that is not\n");
}

TEST_CASE("a channel with errors is still a defined name, so monitors naming it add no error") {
  CHECK(errors(R"(
notifications:
  pager: {type: pagerduty}
monitors:
  - name: a
    notifications: [pager]
)") == "config.yaml:2:3: notifications.pager.routing_key: is required, e.g. routing_key: "
       "${PAGERDUTY_ROUTING_KEY}\n");
}

TEST_CASE("remind_every is a positive duration and notify_retry_hours a whole number of hours") {
  CHECK(errors(R"(
notify_retry_hours: 0
monitors:
  - name: a
    config: {remind_every: 0}
  - name: b
    config: {remind_every: often}
)") == "config.yaml:1:21: notify_retry_hours: must be a whole number from 1 to 8784, got 0\n"
       "config.yaml:4:28: monitors[0].config.remind_every: must be a positive duration, got 0\n"
       "config.yaml:6:28: monitors[1].config.remind_every: must be a duration like 90s, 15m, 25h or 7d, got "
       "\"often\"\n");
  const auto c = loaded("notify_retry_hours: 1\nmonitors: [{name: a, config: {remind_every: 1h30m}}]\n");
  CHECK(c.notify_retry_hours == 1);
  CHECK(c.monitors[0].remind_every == 90min);
}

TEST_CASE("alert_on accepts a subset of down and up and refuses anything else") {
  const auto c = loaded(R"(
monitors:
  - {name: a, alert_on: [up]}
  - {name: b, alert_on: []}
  - {name: c, alert_on: [up, down]}
)");
  CHECK(c.monitors[0].alert_on == std::vector<cfg::alert_event>{cfg::alert_event::up});
  CHECK(c.monitors[1].alert_on.empty());
  CHECK(c.monitors[2].alert_on ==
        std::vector<cfg::alert_event>{cfg::alert_event::up, cfg::alert_event::down});

  CHECK(errors(R"(
monitors:
  - {name: a, alert_on: [down, recovery, down]}
  - {name: b, alert_on: down}
)") == "config.yaml:2:32: monitors[0].alert_on[1]: must be down or up, got \"recovery\"\n"
       "config.yaml:2:42: monitors[0].alert_on[2]: \"down\" is listed twice\n"
       "config.yaml:3:25: monitors[1].alert_on: must be a list, e.g. [down, up], got \"down\"\n");
}

TEST_CASE("a negative expected_interval is reported with file, line, column and field") {
  CHECK(errors(R"(
monitors:
  - name: a
  - name: b
  - name: c
    config:
      expected_interval: -5
)") == "config.yaml:6:26: monitors[2].config.expected_interval: must be a positive duration, got -5\n");
}

TEST_CASE("bad durations are reported with what was written and what is expected") {
  CHECK(errors(R"(
default_interval: 0
server:
  idle_timeout: forever
database:
  busy_timeout: 2h
monitors:
  - name: a
    interval: 1.5h
    config:
      expected_interval: 0s
      grace_period: -1m
  - name: b
    config:
      grace_period: 0
)") == "config.yaml:1:19: default_interval: must be a positive duration, got 0\n"
       "config.yaml:3:17: server.idle_timeout: must be a duration like 90s, 15m, 25h or 7d, got \"forever\"\n"
       "config.yaml:5:17: database.busy_timeout: must be at most 1h, got 2h\n"
       "config.yaml:8:15: monitors[0].interval: must be a duration like 90s, 15m, 25h or 7d, got \"1.5h\"\n"
       "config.yaml:10:26: monitors[0].config.expected_interval: must be a positive duration, got 0s\n"
       "config.yaml:11:21: monitors[0].config.grace_period: must be a positive duration, got -1m\n");
}

TEST_CASE("a wrong scalar type says what was expected and quotes what was written") {
  CHECK(errors(R"(
server:
  port: abc
  max_connections: 0
  host:
database:
  retention_days: 0
  push_history_per_monitor: 1000001
  synchronous: off
monitors:
  - name: [a, b]
    enabled: maybe
    group: {x: 1}
    config:
      require_payload: 1
)") == "config.yaml:2:9: server.port: must be a whole number from 0 to 65535, got \"abc\"\n"
       "config.yaml:3:20: server.max_connections: must be a whole number from 1 to 1000000, got 0\n"
       "config.yaml:4:3: server.host: must not be empty\n"
       "config.yaml:6:19: database.retention_days: must be a whole number of at least 1, got 0\n"
       "config.yaml:7:29: database.push_history_per_monitor: must be a whole number from 1 to 1000000, got "
       "1000001\n"
       "config.yaml:8:16: database.synchronous: must be normal or full, got \"off\"\n"
       "config.yaml:10:11: monitors[0].name: must be text, got a list\n"
       "config.yaml:11:14: monitors[0].enabled: must be true or false, got \"maybe\"\n"
       "config.yaml:12:12: monitors[0].group: must be text, got a mapping\n"
       "config.yaml:14:24: monitors[0].config.require_payload: must be true or false, got \"1\"\n");

  CHECK(errors("server: {port: 70000}\n") ==
        "config.yaml:1:16: server.port: must be a whole number from 0 to 65535, got 70000\n");
}

TEST_CASE("max_body_bytes accepts plain bytes and KB, KiB, MB and MiB sizes") {
  auto body_limit = [](std::string_view value) {
    return loaded(std::string("server: {max_body_bytes: ") + std::string(value) + "}\n")
        .server.max_body_bytes;
  };
  CHECK(body_limit("4096") == 4096);
  CHECK(body_limit("100KiB") == 100 * 1024);
  CHECK(body_limit("100KB") == 100 * 1000);
  CHECK(body_limit("\"1 MiB\"") == 1024 * 1024);
  CHECK(body_limit("2MB") == 2'000'000);
  CHECK(errors("server: {max_body_bytes: 100 parsecs}\n") ==
        "config.yaml:1:26: server.max_body_bytes: must be a size like 102400, 100KiB or 1MiB, got \"100 "
        "parsecs\"\n");
  CHECK(errors("server: {max_body_bytes: 99999999999999999999999GiB}\n") ==
        "config.yaml:1:26: server.max_body_bytes: must be a size from 1 to 1GiB, got "
        "\"99999999999999999999999GiB\"\n");
  CHECK(errors("server: {max_body_bytes: 0}\n") ==
        "config.yaml:1:26: server.max_body_bytes: must be a size from 1 to 1GiB, got \"0\"\n");
}

TEST_CASE("base_url must be an http or https URL; public_base_url falls back to host and port") {
  CHECK(loaded("server: {base_url: 'http://10.0.0.5:5000/uptime//'}\n").public_base_url() ==
        "http://10.0.0.5:5000/uptime");
  CHECK(errors(R"(
server:
  base_url: status.example.com
  host: "::"
)") == "config.yaml:2:13: server.base_url: must be an http:// or https:// URL such as "
       "https://status.example.com, got \"status.example.com\"\n");
  for (const char* bad : {"ftp://x", "https://", "https://a b", "https://x/?q=1"}) {
    INFO(bad);
    CHECK_FALSE(load(std::string("server: {base_url: '") + bad + "'}\n").value);
  }

  CHECK(loaded("server: {host: '::', port: 8080}\n").public_base_url() == "http://localhost:8080");
  CHECK(loaded("server: {host: 192.168.1.2}\n").public_base_url() == "http://192.168.1.2:5000");
  CHECK(loaded("server: {host: '::1'}\n").public_base_url() == "http://[::1]:5000");
}

TEST_CASE("a push URL is the public base URL, /api/push/, the monitor's id and its key") {
  CHECK(cfg::push_url("https://status.example.com/uptime", 5, "k3y") ==
        "https://status.example.com/uptime/api/push/5/k3y");
  const auto c = loaded("server: {base_url: 'https://status.example.com/'}\n");
  CHECK(cfg::push_url(c.public_base_url(), 12, "abc") == "https://status.example.com/api/push/12/abc");
}

TEST_CASE("a top level that is not a mapping, or monitors that is not a list, is an error") {
  CHECK(errors("- name: a\n") ==
        "config.yaml:1:1: the top level must be a mapping with keys such as server, database, "
        "default_interval, notify_retry_hours, notifications, monitors, api_keys, metrics, maintenance; got a list\n");
  CHECK(errors(R"(
monitors:
  name: a
server: 5000
notifications: [a]
)") == "config.yaml:2:3: monitors: must be a list, e.g. [{name: Nightly backup, type: push, interval: 24h}], "
       "got a mapping\n"
       "config.yaml:3:9: server: must be a mapping (key: value lines), got \"5000\"\n"
       "config.yaml:4:16: notifications: must be a mapping (key: value lines), got a list\n");
  CHECK(errors("a: 1\n---\nb: 2\n") ==
        "config.yaml:1:1: a: unknown key; expected one of server, database, default_interval, "
        "notify_retry_hours, notifications, monitors, api_keys, metrics, maintenance\n"
        "config.yaml:3:1: only one YAML document is allowed (found another \"---\")\n");
}

TEST_CASE("every error in a file is reported at once, in file order") {
  CHECK(errors(R"(
monitors:
  - name: Backup
    type: push
    config:
      expected_interval: 25 hours
      grace_period: 1h
    notifications: [ops-mail]
  - name: Backup
    enabled: maybe
server:
  port: 99999
notifications:
  ops-mail:
    to: ops@example.com
)") == "config.yaml:5:26: monitors[0].config.expected_interval: must be a duration like 90s, 15m, 25h or 7d, "
       "got \"25 hours\"\n"
       "config.yaml:8:11: monitors[1].name: name \"Backup\" is already used by the monitor on line 2\n"
       "config.yaml:9:14: monitors[1].enabled: must be true or false, got \"maybe\"\n"
       "config.yaml:11:9: server.port: must be a whole number from 0 to 65535, got 99999\n"
       "config.yaml:13:3: notifications.ops-mail.type: is required, e.g. type: email; one of email, webhook, "
       "slack, discord, teams, telegram, ntfy, gotify, pushover, pagerduty\n");
}

TEST_CASE("a YAML syntax error names the position and yaml-cpp's message, and nothing else") {
  CHECK(errors(R"(
server:
  port: 5000
 host: x
monitors: [
)") == "config.yaml:3:2: YAML syntax error: end of map not found\n");
}

TEST_CASE("load_file reads a real file and names it as given in messages") {
  temp_file good(R"(# a real file
database:
  path: state/uptime.db
monitors:
  - name: From disk
    config: {expected_interval: 1h}
)");
  auto r = cfg::load_file(good.path, env_of({}));
  REQUIRE(r.value);
  CHECK(r.value->file == good.path.lexically_normal());
  CHECK(r.value->database.path == good.folder / "state/uptime.db");
  REQUIRE(r.value->monitors.size() == 1);
  CHECK(r.value->monitors[0].expected_interval == 1h);
  CHECK(r.value->monitors[0].line == 5);

  temp_file bad("monitors:\n  - name: x\n    interval: soon\n");
  r = cfg::load_file(bad.path, env_of({}));
  CHECK_FALSE(r.value);
  CHECK(r.errors ==
        std::vector<std::string>{
            bad.path.string() +
            ":3:15: monitors[0].interval: must be a duration like 90s, 15m, 25h or 7d, got \"soon\""});
}

TEST_CASE("a missing or unreadable file is reported as cannot read, with the reason") {
  auto r = cfg::load_file("no/such/dir/config.yaml", env_of({}));
  CHECK_FALSE(r.value);
  CHECK(r.errors ==
        std::vector<std::string>{"no/such/dir/config.yaml: cannot read: No such file or directory"});

  r = cfg::load_file(fs::temp_directory_path(), env_of({}));
  CHECK_FALSE(r.value);
  CHECK(r.errors ==
        std::vector<std::string>{fs::temp_directory_path().string() + ": cannot read: Is a directory"});
}

TEST_CASE("the example conf/config.yaml loads without errors") {
  // Absolute: __FILE__ is relative when ccache's CCACHE_BASEDIR rewrites paths.
  const fs::path example =
      fs::absolute(fs::path(__FILE__).parent_path() / "../../conf/config.yaml").lexically_normal();
  const auto r = cfg::load_file(example, env_of({}));
  std::string all;
  for (const auto& e : r.errors) all += e + "\n";
  INFO(all);
  REQUIRE(r.value);
  const auto& c = *r.value;
  CHECK(c.server.port == 5000);
  CHECK(c.database.path == example.parent_path() / "data/uptime.db");
  CHECK(c.default_interval == 60s);
  REQUIRE(c.monitors.size() == 3);
  CHECK(c.monitors[0].name == "Daily Backup Job");
  CHECK(c.monitors[0].expected_interval == 24h);
  CHECK(c.monitors[0].grace_period == 1h);
  CHECK(c.monitors[0].group == "backups");
  CHECK(c.monitors[1].expected_interval == 1h);
  CHECK(c.monitors[1].grace_period == 5min);
  CHECK(c.monitors[2].expected_interval == 1min);
  CHECK(c.monitors[2].grace_period == 30s);
  CHECK_FALSE(c.monitors[2].require_payload);
}

TEST_CASE("the example's commented notification channels are valid once uncommented") {
  const fs::path example =
      fs::absolute(fs::path(__FILE__).parent_path() / "../../conf/config.yaml").lexically_normal();
  std::ifstream in(example);
  REQUIRE(in);
  // The block from "# notify_retry_hours:" to the first line that is not a comment.
  std::string yaml;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# notify_retry_hours:")) inside = true;
    if (!inside) continue;
    if (!line.starts_with("#")) break;
    yaml += line.substr(line.starts_with("# ") ? 2 : 1) + "\n";
  }
  REQUIRE_FALSE(yaml.empty());
  // Secrets come from the environment; URLs must look like URLs.
  const cfg::env_lookup env = [](std::string_view name) -> std::optional<std::string> {
    if (name.ends_with("_URL")) return "https://hooks.example.com/" + std::string(name);
    return "secret-" + std::string(name);
  };
  const auto c = loaded(yaml, env);
  CHECK(c.notify_retry_hours == 24);
  std::set<std::string> types;
  for (const auto& [name, ch] : c.notifications) types.insert(ch.type);
  CHECK(types == std::set<std::string>{"email", "webhook", "slack", "discord", "teams", "telegram", "ntfy",
                                       "gotify", "pushover", "pagerduty"});
  CHECK(c.notifications.at("ops-email").fields.at("port") == "587");
  CHECK(c.notifications.at("ops-hook").fields.at("headers") == "Authorization: Bearer secret-HOOK_TOKEN");
}

TEST_CASE("the example's commented API keys, metrics, CORS and maintenance windows are valid once uncommented") {
  const fs::path example =
      fs::absolute(fs::path(__FILE__).parent_path() / "../../conf/config.yaml").lexically_normal();
  std::ifstream in(example);
  REQUIRE(in);
  // The whole file, with each block that starts at one of these commented keys uncommented up
  // to its first line that is not a comment.
  const std::vector<std::string> starts{"# api_keys:", "# metrics:", "# maintenance:", "  # cors_origins:"};
  std::string yaml;
  bool inside = false;
  int blocks = 0;
  for (std::string line; std::getline(in, line);) {
    if (std::any_of(starts.begin(), starts.end(), [&](const std::string& s) { return line.starts_with(s); })) {
      inside = true;
      ++blocks;
    }
    const std::size_t hash = line.find_first_not_of(' ');
    if (inside && (hash == std::string::npos || line[hash] != '#')) inside = false;
    if (inside) line.erase(hash, line.compare(hash, 2, "# ") == 0 ? 2 : 1);
    yaml += line + "\n";
  }
  CHECK(blocks == 4);
  const auto c = cfg::load_string(yaml, example, env_of({{"UPTIME_READ_KEY", "an-example-read-key-0123"}}));
  std::string all;
  for (const auto& e : c.errors) all += e + "\n";
  INFO(all);
  REQUIRE(c.value);
  CHECK(c.value->api_keys.size() == 2);
  CHECK(c.value->server.cors_origins == std::vector<std::string>{"https://grafana.example.com"});
  CHECK_FALSE(c.value->metrics_public);
  REQUIRE(c.value->maintenance.size() == 2);
  CHECK(c.value->maintenance[0].monitors == std::vector<std::string>{"Daily Backup Job"});
  CHECK(c.value->maintenance[1].groups == std::vector<std::string>{"backups"});
}

TEST_CASE("a monitor entry that is not a mapping is reported once") {
  CHECK(errors(R"(
monitors:
  - Backup
)") == "config.yaml:2:5: monitors[0]: must be a mapping (key: value lines), got \"Backup\"\n");
}

TEST_CASE("a scheduled monitor loads its cron schedule, zone and run rules") {
  const auto c = loaded(R"(
monitors:
  - name: nightly
    config:
      schedule: "30 2 * * *"
      timezone: Europe/Berlin
      grace_period: 1h
      max_runtime: 4h
      min_runtime: 10m
      failures_before_down: 3
  - name: utc default
    config: {schedule: "@hourly"}
)");
  REQUIRE(c.monitors.size() == 2);
  const auto& m = c.monitors[0];
  REQUIRE(m.schedule);
  CHECK(m.schedule->text == "30 2 * * *");
  CHECK(m.timezone == "Europe/Berlin");
  CHECK(m.zone == uptime::core::find_zone("Europe/Berlin"));
  CHECK(m.max_runtime == 4h);
  CHECK(m.min_runtime == 10min);
  CHECK(m.failures_before_down == 3);
  CHECK(c.monitors[1].zone == uptime::core::find_zone("UTC"));
}

TEST_CASE("a bad schedule, zone or run rule names the field") {
  CHECK(errors(R"(
monitors:
  - name: a
    config:
      schedule: "61 2 * * *"
      timezone: Mars/Olympus
      failures_before_down: 0
  - name: b
    config: {schedule: "0 0 30 2 *"}
  - name: c
    config: {schedule: "@daily", expected_interval: 24h}
  - name: d
    config: {timezone: UTC}
)") == "config.yaml:4:17: monitors[0].config.schedule: minute field \"61\" is out of range 0-59\n"
       "config.yaml:5:17: monitors[0].config.timezone: unknown time zone \"Mars/Olympus\"; use an IANA "
       "name such as Europe/Berlin or America/New_York\n"
       "config.yaml:6:29: monitors[0].config.failures_before_down: must be a whole number from 1 to 1000, got 0\n"
       "config.yaml:8:24: monitors[1].config.schedule: \"0 0 30 2 *\" never runs\n"
       "config.yaml:10:24: monitors[2].config.schedule: use either schedule or expected_interval, not both\n"
       "config.yaml:12:24: monitors[3].config.timezone: applies only with a schedule (config.schedule)\n");
}
