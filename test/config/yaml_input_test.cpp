// Unit tests for what the config loader makes of YAML's own features (config/detail/tree):
// anchors and aliases, the spellings of null, tags, several documents, keys that are not text,
// and the positions errors point at for each. The loader once read yaml-cpp's YAML::Node tree
// and now its parser events; these cases pin what the Node tree did, so a user sees the same.
#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "load_support.hpp"

using namespace std::chrono_literals;
namespace cfg = uptime::config;
using namespace config_test;


TEST_CASE("an alias stands for the anchored value, mapping or scalar") {
  const auto c = loaded(R"(
default_interval: &every 90s
notifications:
  ops: &hook
    type: webhook
    url: https://hooks.example.com/a
  ops-copy: *hook
monitors:
  - name: a
    config: &shared {expected_interval: 1h, grace_period: 5m}
  - name: b
    config: *shared
    notifications: [ops, ops-copy]
  - name: c
    interval: *every
)");
  REQUIRE(c.notifications.size() == 2);
  CHECK(c.notifications.at("ops-copy").fields.at("url") == "https://hooks.example.com/a");
  CHECK(c.notifications.at("ops-copy").line == 6);
  REQUIRE(c.monitors.size() == 3);
  CHECK(c.monitors[1].expected_interval == 1h);
  CHECK(c.monitors[1].grace_period == 5min);
  CHECK(c.monitors[2].expected_interval == 90s);
}

TEST_CASE("an error in an aliased value is reported at the anchor, once per use") {
  CHECK(errors(R"(
monitors:
  - name: a
    config: &shared {expected_interval: soon}
  - name: b
    config: *shared
)") == "config.yaml:3:41: monitors[0].config.expected_interval: must be a duration like 90s, 15m, 25h or 7d, "
       "got \"soon\"\n"
       "config.yaml:3:41: monitors[1].config.expected_interval: must be a duration like 90s, 15m, 25h or 7d, "
       "got \"soon\"\n");
  CHECK(errors("server: &s\n  port: 1\ndatabase: *s\n") ==
        "config.yaml:2:3: database.port: unknown key; expected one of path, retention_days, max_check_results, "
        "push_history_per_monitor, busy_timeout, synchronous\n");
}

TEST_CASE("an alias to itself or to an undefined anchor is an error, not a hang") {
  CHECK(errors("monitors: &m [*m]\n") ==
        "config.yaml:1:11: monitors[0]: must be a mapping (key: value lines), got a list\n");
  CHECK(errors("monitors: *nope\n") == "config.yaml:1:11: YAML syntax error: the referenced anchor is not defined\n");
}

TEST_CASE("nothing, ~ and a plain null in any case are empty; a quoted \"null\" is text") {
  const auto c = loaded(R"(
monitors:
  - {name: a, group: ~}
  - {name: b, group: null}
  - {name: c, group: NULL}
  - {name: d, group: Null}
  - {name: e, group: }
  - {name: f, group: ''}
  - {name: g, group: "null"}
  - {name: h, group: nULL}
  - name: "null"
)");
  REQUIRE(c.monitors.size() == 9);
  for (int i = 0; i < 6; ++i) CHECK(c.monitors[i].group.empty());
  CHECK(c.monitors[6].group == "null");
  CHECK(c.monitors[7].group == "nULL");  // not one of YAML's spellings of null
  CHECK(c.monitors[8].name == "null");
}

TEST_CASE("an empty required value is reported at its key, an empty tagged one at the tag") {
  CHECK(errors(R"(
monitors:
  - name: null
  - name: ~
  - name:
  - type:
    name: x
  - name: !!str
)") == "config.yaml:2:5: monitors[0].name: must not be empty\n"
       "config.yaml:3:5: monitors[1].name: must not be empty\n"
       "config.yaml:4:5: monitors[2].name: must not be empty\n"
       "config.yaml:5:5: monitors[3].type: must not be empty\n"
       "config.yaml:7:11: monitors[4].name: must not be empty\n");
}

TEST_CASE("tags are ignored: a value is read as the text it is written as") {
  const auto c = loaded(R"(
server:
  port: !!int 8080
  host: !!str 127.0.0.1
monitors:
  - name: !!str 123
    group: !!null x
    enabled: !custom false
)");
  CHECK(c.server.port == 8080);
  CHECK(c.server.host == "127.0.0.1");
  REQUIRE(c.monitors.size() == 1);
  CHECK(c.monitors[0].name == "123");
  CHECK(c.monitors[0].group == "x");
  CHECK_FALSE(c.monitors[0].enabled);
}

TEST_CASE("block, folded and quoted scalars are read with YAML's rules") {
  // In a free-text field: names and groups may not hold line breaks or tabs (strictness_test).
  const auto c = loaded(R"(
notifications:
  literal:
    type: webhook
    url: https://hooks.example.com/a
    body: |
      multi
      line
  folded:
    type: webhook
    url: https://hooks.example.com/a
    body: >
      folded
      text
  double: {type: webhook, url: "https://hooks.example.com/a", body: "tab\there"}
  single: {type: webhook, url: "https://hooks.example.com/a", body: 'it''s'}
)");
  REQUIRE(c.notifications.size() == 4);
  CHECK(c.notifications.at("literal").fields.at("body") == "multi\nline\n");
  CHECK(c.notifications.at("folded").fields.at("body") == "folded text\n");
  CHECK(c.notifications.at("double").fields.at("body") == "tab\there");
  CHECK(c.notifications.at("single").fields.at("body") == "it's");
}

TEST_CASE("only the first document counts; empty documents after it are allowed") {
  CHECK(loaded("---\nmonitors: []\n---\n").monitors.empty());
  CHECK(loaded("monitors: []\n--- ~\n").monitors.empty());
  CHECK(loaded("monitors: []\n...\n").monitors.empty());
  CHECK(loaded("--- !!map\nserver: {port: 1}\n").server.port == 1);
  CHECK(errors("monitors: []\n---\na: 1\n---\n- b\n") ==
        "config.yaml:3:1: only one YAML document is allowed (found another \"---\")\n"
        "config.yaml:5:1: only one YAML document is allowed (found another \"---\")\n");
}

TEST_CASE("a stray comma outside any list or mapping is a syntax error, not endless documents") {
  // yaml-cpp 0.7 reports an empty document at such a comma again and again without moving on.
  CHECK(errors(", 2\n") ==
        "config.yaml:1:1: YAML syntax error: unexpected ',' outside any [list] or {mapping}\n");
  CHECK(errors("- a\n, b\n") ==
        "config.yaml:2:1: YAML syntax error: unexpected ',' outside any [list] or {mapping}\n");
}

TEST_CASE("keys that are not text are reported, a missing key as nothing") {
  CHECK(errors("server: {[a]: 1, {b: c}: 2}\n") ==
        "config.yaml:1:10: server: keys must be text, got a list\n"
        "config.yaml:1:18: server: keys must be text, got a mapping\n");
  CHECK(errors("server:\n  ? [a, b]\n  : 1\n  : 2\n") ==
        "config.yaml:2:5: server: keys must be text, got a list\n"
        "config.yaml:4:3: server: keys must be text, got nothing\n");
}

TEST_CASE("a merge key << is not expanded; it is an unknown key") {
  CHECK(errors("monitors:\n  - name: a\n    config:\n      <<: {grace_period: 1m}\n") ==
        "config.yaml:4:7: monitors[0].config.<<: unknown key; expected one of expected_interval, grace_period, "
        "require_payload, remind_every, schedule, timezone, max_runtime, min_runtime, failures_before_down, manual_resume\n");
}

TEST_CASE("an empty list item is pointed at by its list's position") {
  CHECK(errors("monitors:\n  -\n  - name: a\n  -\n") ==
        "config.yaml:2:3: monitors[0].name: is required\n"
        "config.yaml:2:3: monitors[2].name: is required\n");
  CHECK(errors("monitors:\n  - name: a\n    alert_on: [~, up, \"\", null]\n") ==
        "config.yaml:3:15: monitors[0].alert_on[0]: must be down or up, got \"\"\n"
        "config.yaml:3:15: monitors[0].alert_on[3]: must be down or up, got \"\"\n"
        "config.yaml:3:23: monitors[0].alert_on[2]: must be down or up, got \"\"\n");
}

TEST_CASE("a byte order mark at the start is skipped") {
  CHECK(loaded("\xEF\xBB\xBFmonitors:\n  - name: bom\n").monitors.at(0).name == "bom");
}
