// Unit tests for values the loader refuses because serving them would fail or mislead: a host
// the server cannot listen on, a base_url that is not a URL, and monitor names, groups and
// channel names with control characters (they reach log lines and alerts, where a line break
// could forge a line). check-config must refuse what serve would.
#include <catch2/catch.hpp>

#include <string>

#include "config/config.hpp"
#include "load_support.hpp"

namespace cfg = uptime::config;
using namespace config_test;


TEST_CASE("server.host must be an IP address the server can listen on") {
  CHECK(errors("server:\n  host: 999.1.1.1\n") ==
        "config.yaml:2:9: server.host: must be an IP address such as 0.0.0.0 or ::1, got \"999.1.1.1\"\n");
  CHECK(errors("server: {host: localhost}\n") ==
        "config.yaml:1:16: server.host: must be an IP address such as 0.0.0.0 or ::1, got \"localhost\"\n");
  CHECK(errors("server: {host: \"[::1]\"}\n").find("server.host: must be an IP address") != std::string::npos);
  CHECK(errors("server: {host: \"1.2.3.4 \"}\n").find("server.host: must be an IP address") != std::string::npos);
  for (const char* good : {"0.0.0.0", "127.0.0.1", "::", "::1", "fe80::1"}) {
    INFO(good);
    const auto r = load(std::string("server: {host: \"") + good + "\"}\n");
    REQUIRE(r.value);
    CHECK(r.value->server.host == good);
  }
}

TEST_CASE("server.base_url must be a URL with a host and a valid port") {
  for (const char* bad : {"http://[::1", "http://example.com:99999", "http://example.com:", "http://a%zz",
                          "https://exa mple.com"}) {
    INFO(bad);
    CHECK(errors(std::string("server: {base_url: \"") + bad + "\"}\n")
              .find("server.base_url: must be an http:// or https:// URL such as https://status.example.com") !=
          std::string::npos);
  }
  for (const char* good :
       {"https://status.example.com", "http://[::1]:8080/", "http://10.0.0.1:5000/uptime", "https://a.example/x%20y"}) {
    INFO(good);
    CHECK(load(std::string("server: {base_url: \"") + good + "\"}\n").value);
  }
}

TEST_CASE("a monitor name with a line break, a tab or another control character is refused") {
  CHECK(errors("monitors:\n  - name: \"backup\\ninfo Push monitor initialized\"\n") ==
        "config.yaml:2:11: monitors[0].name: must not contain control characters (a line break, a tab, an escape), "
        "got \"backup\\ninfo Push monitor initialized\"\n");
  CHECK(errors("monitors:\n  - name: \"a\\tb\"\n") ==
        "config.yaml:2:11: monitors[0].name: must not contain control characters (a line break, a tab, an escape), "
        "got \"a\\tb\"\n");
  CHECK(errors("monitors:\n  - name: \"\\e[31mred\"\n") ==
        "config.yaml:2:11: monitors[0].name: must not contain control characters (a line break, a tab, an escape), "
        "got \"\\x1b[31mred\"\n");
  CHECK(errors("monitors:\n  - name: \"del\\x7f\"\n").find("monitors[0].name: must not contain control") !=
        std::string::npos);
  CHECK(errors("monitors:\n  - name: |\n      two\n      lines\n").find("monitors[0].name: must not contain control") !=
        std::string::npos);
}

TEST_CASE("a monitor name that is not UTF-8 is refused; any UTF-8 text is a name") {
  CHECK(errors("monitors:\n  - name: \"Sicherung \xFC\"\n") ==
        "config.yaml:2:11: monitors[0].name: must be UTF-8 text; byte 11 is 0xfc, which is not (save the file as "
        "UTF-8)\n");
  const auto r = load("monitors:\n  - name: \"Sicherung über Nacht — 夜間\"\n");
  REQUIRE(r.value);
  CHECK(r.value->monitors.at(0).name == "Sicherung über Nacht — 夜間");
}

TEST_CASE("a group or a channel name with control characters is refused like a monitor name") {
  CHECK(errors("monitors:\n  - name: a\n    group: \"x\\ny\"\n") ==
        "config.yaml:3:12: monitors[0].group: must not contain control characters (a line break, a tab, an "
        "escape), got \"x\\ny\"\n");
  CHECK(errors("notifications:\n  \"ops\\r\": {type: webhook, url: \"https://h.example/\"}\n") ==
        "config.yaml:2:3: notifications: a channel name must not contain control characters (a line break, a tab, "
        "an escape), got \"ops\\r\"\n");
}
